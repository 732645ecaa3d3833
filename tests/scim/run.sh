#!/usr/bin/env bash
# SCIM conformance: scim2-tester (PyPI, an independent RFC 7643/7644 checker) against a real server with the
# demo data. A SCIM token for the demo organisation is made with the CLI (`airegister scim-token create`).
# Exit code non-zero when a check fails.
set -euo pipefail
cd "$(dirname "$0")"
source ../support/demo-server.sh

SCIM2_TESTER_VERSION=0.5.2
VENV="$REPO_ROOT/target/scim-venv"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/pip" show scim2-tester 2> /dev/null | grep -q "^Version: $SCIM2_TESTER_VERSION$"; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "scim2-tester[httpx2]==$SCIM2_TESTER_VERSION"
fi

start_demo_server
TOKEN="$(demo_cli scim-token create --organisation "${SCIM_ORG_CODE:-gm9999}" --name scim2-tester)"
echo "== scim2-tester $SCIM2_TESTER_VERSION against $BASE_URL/scim/v2"
"$VENV/bin/python" check.py "$BASE_URL/scim/v2" "$TOKEN"
