#!/usr/bin/env bash
# Every test of AI-register, as CI runs them:
#   1. cargo test: unit tests, and the HTTP, fault and command-line tests against real PostgreSQL;
#   2. tests/browser/run.sh: the journeys, axe-core (WCAG 2.1 A/AA), keyboard and reflow in Debian's chromium;
#      then the axe states again in a second theme (Gemeente Den Haag): contrast must hold in every theme;
#   3. tests/contract/run.sh: schemathesis checks the REST API against its OpenAPI document;
#   4. tests/scim/run.sh: scim2-tester checks the SCIM 2.0 provisioning interface against RFC 7643/7644.
# Needs: the Rust toolchain, PostgreSQL's programs, Debian's chromium, Node.js with npm, python3 with venv.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each step's heading says when it began (seconds since the start), so a slow suite shows in the log.
step() { echo "== $* (at ${SECONDS} s)"; }

step "cargo test"
cargo test

step "browser tests (tests/browser/run.sh)"
tests/browser/run.sh

# Contrast depends on the theme's colours: axe-core and html-validate on every page state in a second theme
# (issue 21). Only axe.test.js: the journeys do not depend on the colours. A fresh demo server, which the
# demo organisation's beheerder switches to the theme before the first state (lib/harness.js applyTheme).
step "browser tests: axe-core in the Den Haag theme (AIREGISTER_THEME=denhaag tests/browser/run.sh tests/axe.test.js)"
AIREGISTER_THEME=denhaag tests/browser/run.sh tests/axe.test.js

step "API contract (tests/contract/run.sh)"
tests/contract/run.sh

step "SCIM conformance (tests/scim/run.sh)"
tests/scim/run.sh
echo "== all tests passed (after ${SECONDS} s)"
