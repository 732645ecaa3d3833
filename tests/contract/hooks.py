"""Schemathesis hooks for AI-register's API contract test (tests/contract/run.sh).

A schema cannot say which user ids exist: an owner or RASCI member must be a member of the organisation.
Generated, well-formed user ids are replaced by the token user's own id (AIREGISTER_USER_ID), so valid
bodies test the API instead of the data; malformed ids are left alone for the negative tests.
"""

import os
import uuid

import schemathesis

USER_ID = os.environ.get("AIREGISTER_USER_ID", "")


def _is_uuid(value):
    try:
        uuid.UUID(str(value))
        return True
    except ValueError:
        return False


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    # Every phase (examples, coverage, fuzzing, stateful) passes here just before the request is sent.
    body = case.body
    if not USER_ID or not isinstance(body, dict):
        return
    fields = body.get("fields")
    if isinstance(fields, dict) and isinstance(fields.get("owner_id"), str) and _is_uuid(fields["owner_id"]):
        fields["owner_id"] = USER_ID
    rasci = body.get("rasci")
    for entry in rasci if isinstance(rasci, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("user_id"), str) and _is_uuid(entry["user_id"]):
            entry["user_id"] = USER_ID
