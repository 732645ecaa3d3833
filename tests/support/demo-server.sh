# Sourced by the test scripts that need a running AI-register with the demo data (tests/contract/run.sh,
# tests/browser/run.sh). Starts the server on a free port with its own private PostgreSQL cluster in a
# temporary directory and stops both when the calling script exits.
#
#   source tests/support/demo-server.sh
#   start_demo_server            # sets BASE_URL, DEMO_PASSWORD, DEMO_DATA_DIR, AIREGISTER_BIN
#
# AIREGISTER_BIN picks the binary (default target/debug/airegister, built when missing).

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

start_demo_server() {
  AIREGISTER_BIN="${AIREGISTER_BIN:-$REPO_ROOT/target/debug/airegister}"
  if [ ! -x "$AIREGISTER_BIN" ]; then
    (cd "$REPO_ROOT" && cargo build --quiet)
  fi
  DEMO_TMP="$(mktemp -d /tmp/airegister-demo-XXXXXX)"
  chmod 755 "$DEMO_TMP"   # the private cluster runs as the postgres user when we are root
  DEMO_DATA_DIR="$DEMO_TMP/pg"
  DEMO_PASSWORD="demo-wachtwoord-$RANDOM$RANDOM"
  export DEMO_DATA_DIR DEMO_PASSWORD AIREGISTER_BIN
  env -u DATABASE_URL AIREGISTER_DATA_DIR="$DEMO_DATA_DIR" AIREGISTER_LOG="${AIREGISTER_LOG:-warn}" \
    "$AIREGISTER_BIN" serve --demo --demo-password "$DEMO_PASSWORD" --bind 127.0.0.1:0 \
    > "$DEMO_TMP/stdout" 2> "$DEMO_TMP/stderr" &
  DEMO_PID=$!
  trap stop_demo_server EXIT
  for _ in $(seq 1 600); do
    BASE_URL="$(sed -n 's/^AI-register luistert op \(http[^ ]*\)$/\1/p' "$DEMO_TMP/stdout" | head -1)"
    if [ -n "$BASE_URL" ] && curl -fsS "$BASE_URL/readyz" > /dev/null 2>&1 \
       && grep -q "^Demo-accounts" "$DEMO_TMP/stdout"; then
      export BASE_URL
      return 0
    fi
    if ! kill -0 "$DEMO_PID" 2> /dev/null; then
      echo "AI-register stopte tijdens het starten:" >&2
      cat "$DEMO_TMP/stderr" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "AI-register werd niet binnen 120 s bereikbaar" >&2
  return 1
}

# Run an airegister command against the demo server's database (the running private cluster).
demo_cli() {
  env -u DATABASE_URL AIREGISTER_DATA_DIR="$DEMO_DATA_DIR" AIREGISTER_LOG=warn "$AIREGISTER_BIN" "$@"
}

stop_demo_server() {
  if [ -n "${DEMO_PID:-}" ] && kill -0 "$DEMO_PID" 2> /dev/null; then
    kill -TERM "$DEMO_PID"
    wait "$DEMO_PID" 2> /dev/null || true
  fi
  [ -n "${DEMO_TMP:-}" ] && rm -rf "$DEMO_TMP"
}
