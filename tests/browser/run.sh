#!/usr/bin/env bash
# Browser tests: starts AI-register with the demo organisation on a fresh private PostgreSQL cluster, runs
# the node:test files in tests/ against it with Debian's chromium, and stops the server (SIGTERM, so the
# cluster shuts down cleanly). Usage: tests/browser/run.sh [test files...]   (default: all of tests/*.test.js;
# a file is found from the current directory or from tests/browser)
#
#   AIREGISTER_BIN   server binary (default: target/debug/airegister of this repository; built when missing;
#                    see tests/support/demo-server.sh, which starts and stops it)
#   CHROMIUM_BIN     browser (default: /usr/bin/chromium, Debian's package)
set -euo pipefail

caller_dir="$PWD"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
chromium="${CHROMIUM_BIN:-/usr/bin/chromium}"

if [[ ! -x "$chromium" ]]; then
  echo "run.sh: $chromium not found. Install Debian's chromium: apt-get install -y chromium" >&2
  echo "        (the tests never download a browser of their own)" >&2
  exit 2
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "run.sh: node and npm are needed (Node.js 20 or newer)" >&2
  exit 2
fi

cd "$here"
if [[ ! -d node_modules || package-lock.json -nt node_modules ]]; then
  npm ci --no-audit --no-fund
  touch node_modules
fi

source "$repo/tests/support/demo-server.sh"
start_demo_server

if [[ $# -gt 0 ]]; then
  # Paths as given from where run.sh was called, or relative to tests/browser.
  files=()
  for f in "$@"; do
    if [[ "$f" != /* && -e "$caller_dir/$f" ]]; then files+=("$caller_dir/$f"); else files+=("$f"); fi
  done
else
  files=(tests/*.test.js)
fi

status=0
# The timeout is per file: axe.test.js checks over a hundred page states, which takes more than three minutes
# on a busy 2-core machine. A hung page is caught sooner by Playwright's own timeouts (lib/harness.js).
AIREGISTER_BASE_URL="$BASE_URL" AIREGISTER_DEMO_PASSWORD="$DEMO_PASSWORD" CHROMIUM_BIN="$chromium" \
  node --test --test-concurrency=1 --test-timeout=600000 --test-reporter=spec "${files[@]}" || status=$?

if [[ $status -ne 0 ]]; then
  echo "run.sh: browser tests failed (exit $status). Server warnings and errors (last 30 lines):" >&2
  demo_server_log_tail 30
fi
exit "$status"
