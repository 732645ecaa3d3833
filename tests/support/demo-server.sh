# Sourced by the test scripts that need a running AI-register with the demo organisation
# (tests/browser/run.sh, tests/contract/run.sh): starts the server on a free port with its own private
# PostgreSQL cluster in a temporary directory, and stops both (SIGTERM, so the cluster shuts down cleanly)
# when the calling script exits.
#
#   source tests/support/demo-server.sh
#   start_demo_server      # sets BASE_URL, DEMO_PASSWORD, DEMO_DATA_DIR, DEMO_TMP, AIREGISTER_BIN
#   demo_cli api-token add ...   # an airegister command against the same database
#
# AIREGISTER_BIN picks the binary (default: target/debug/airegister of this repository, built when missing).

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DEMO_PID=""

start_demo_server() {
  AIREGISTER_BIN="${AIREGISTER_BIN:-$REPO_ROOT/target/debug/airegister}"
  if [[ ! -x "$AIREGISTER_BIN" ]]; then
    echo "demo-server: $AIREGISTER_BIN not found; building it with cargo build" >&2
    (cd "$REPO_ROOT" && cargo build)
  fi
  DEMO_TMP="$(mktemp -d -t airegister-demo.XXXXXX)"
  # Running as root, the private cluster runs as the postgres user, which must be able to enter this directory.
  chmod 755 "$DEMO_TMP"
  DEMO_DATA_DIR="$DEMO_TMP/pg"
  DEMO_PASSWORD="demo-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
  export AIREGISTER_BIN DEMO_TMP DEMO_DATA_DIR DEMO_PASSWORD
  trap stop_demo_server EXIT
  trap 'exit 130' INT TERM
  : > "$DEMO_TMP/server.out"
  : > "$DEMO_TMP/server.err"
  # Every test client logs in from 127.0.0.1: lift the per-address login limit (default 10 a minute) so
  # the suites are not throttled; the per-account lockout still applies.
  env -u DATABASE_URL AIREGISTER_DATA_DIR="$DEMO_DATA_DIR" AIREGISTER_LOG="${AIREGISTER_LOG:-warn}" NO_COLOR=1 \
    AIREGISTER_LOGIN_RATE="${AIREGISTER_LOGIN_RATE:-1000}" \
    "$AIREGISTER_BIN" serve --demo --demo-password "$DEMO_PASSWORD" --bind 127.0.0.1:0 \
    > "$DEMO_TMP/server.out" 2> "$DEMO_TMP/server.err" < /dev/null &
  DEMO_PID=$!
  # The first line is "AI-register luistert op http://127.0.0.1:PORT"; the demo accounts are printed once the
  # demo is loaded (after the server already answers), the administrator's last.
  BASE_URL=""
  for _ in $(seq 1 1200); do
    kill -0 "$DEMO_PID" 2> /dev/null || demo_start_failed "the server exited during start-up"
    if [[ -z "$BASE_URL" ]]; then
      BASE_URL="$(sed -n '1s/^AI-register luistert op \(http[^ ]*\)$/\1/p' "$DEMO_TMP/server.out" || true)"
    fi
    if [[ -n "$BASE_URL" ]] && grep -q 'beheerder@demo.example' "$DEMO_TMP/server.out"; then
      break
    fi
    sleep 0.1
  done
  [[ -n "$BASE_URL" ]] || demo_start_failed "no 'AI-register luistert op' line within 120 s"
  grep -q 'beheerder@demo.example' "$DEMO_TMP/server.out" || demo_start_failed "the demo was not loaded within 120 s"
  for _ in $(seq 1 300); do
    if curl -fsS -o /dev/null "$BASE_URL/readyz" 2> /dev/null; then
      export BASE_URL
      echo "demo-server: ready at $BASE_URL" >&2
      return 0
    fi
    sleep 0.1
  done
  demo_start_failed "$BASE_URL/readyz did not answer 200 within 30 s"
}

demo_start_failed() {
  echo "demo-server: $1" >&2
  echo "--- server stdout ---" >&2
  cat "$DEMO_TMP/server.out" >&2 || true
  echo "--- server stderr (last 40 lines) ---" >&2
  tail -n 40 "$DEMO_TMP/server.err" >&2 || true
  exit 1
}

# An airegister command against the demo server's database (it connects to the running private cluster).
demo_cli() {
  env -u DATABASE_URL AIREGISTER_DATA_DIR="$DEMO_DATA_DIR" AIREGISTER_LOG=warn "$AIREGISTER_BIN" "$@"
}

# The server's warnings and errors, for a failing suite's report.
demo_server_log_tail() {
  tail -n "${1:-30}" "$DEMO_TMP/server.err" >&2 || true
}

stop_demo_server() {
  if [[ -n "$DEMO_PID" ]] && kill -0 "$DEMO_PID" 2> /dev/null; then
    kill -TERM "$DEMO_PID" 2> /dev/null || true
    # Wait for the server to stop its private cluster (pg_ctl stop); give up after 60 s.
    for _ in $(seq 1 600); do
      kill -0 "$DEMO_PID" 2> /dev/null || break
      sleep 0.1
    done
    if kill -0 "$DEMO_PID" 2> /dev/null; then
      echo "demo-server: the server did not stop within 60 s; killing it" >&2
      kill -KILL "$DEMO_PID" 2> /dev/null || true
    fi
    wait "$DEMO_PID" 2> /dev/null || true
  fi
  DEMO_PID=""
  if [[ -n "${DEMO_TMP:-}" ]]; then rm -rf "$DEMO_TMP"; fi
}
