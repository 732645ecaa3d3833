#!/usr/bin/env bash
# Contract test of the REST API: schemathesis (PyPI) generates requests from /api/v1/openapi.json and checks
# every response against it (status codes, content types, bodies, headers), plus negative data rejection,
# against a real server with the demo data. Exit code non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"
source ../support/demo-server.sh

SCHEMATHESIS_VERSION=4.32.5
VENV="$REPO_ROOT/target/contract-venv"
if [ ! -x "$VENV/bin/st" ] || ! "$VENV/bin/st" --version 2> /dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

start_demo_server
# A token with write access for the CISO (who may also export); the hook puts this user's id where the
# schema asks for a member of the organisation.
TOKEN="$(demo_cli api-token add --email ciso@demo.example --name contracttest --write --days 1)"
AIREGISTER_USER_ID="$(curl -fsS -H "Authorization: Bearer $TOKEN" "$BASE_URL/api/v1/me" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["user_id"])')"
export AIREGISTER_USER_ID

echo "== schemathesis against $BASE_URL/api/v1/openapi.json"
PYTHONPATH=. "$VENV/bin/st" run "$BASE_URL/api/v1/openapi.json" \
  -H "Authorization: Bearer $TOKEN" --seed "${CONTRACT_SEED:-20261130}" --no-color
