#!/usr/bin/env bash
# Every test of AI-register, as CI runs them:
#   1. cargo test: unit tests, and the HTTP, fault and command-line tests against real PostgreSQL;
#   2. tests/browser/run.sh: the journeys, axe-core (WCAG 2.1 A/AA), keyboard and reflow in Debian's chromium;
#   3. tests/contract/run.sh: schemathesis checks the REST API against its OpenAPI document;
#   4. tests/scim/run.sh: scim2-tester checks the SCIM 2.0 provisioning interface against RFC 7643/7644.
# Needs: the Rust toolchain, PostgreSQL's programs, Debian's chromium, Node.js with npm, python3 with venv.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo test"
cargo test

echo "== browser tests (tests/browser/run.sh)"
tests/browser/run.sh

echo "== API contract (tests/contract/run.sh)"
tests/contract/run.sh

echo "== SCIM conformance (tests/scim/run.sh)"
tests/scim/run.sh
