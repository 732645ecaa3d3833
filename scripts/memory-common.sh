# Sourced by scripts/export-memory.sh and scripts/upload-memory.sh: the demo on its own private cluster
# (tests/support/demo-server.sh; stopped, and its directory removed, when the calling script exits), the
# server's memory from /proc, curl with a cookie jar, a demo login, and the report after concurrent requests.
#   BIN          the server binary; WEB_TIMEOUT  seconds per curl (default 120)

AIREGISTER_BIN="$BIN"
source tests/support/demo-server.sh
start_demo_server
tmp="$DEMO_TMP"
pid="$DEMO_PID"
base="$BASE_URL"
password="$DEMO_PASSWORD"
jar="$tmp/cookies"

mem() { awk -v k="$1:" '$1 == k { print int($2 / 1024) }' "/proc/$pid/status"; }
web() { curl --silent --show-error --max-time "${WEB_TIMEOUT:-120}" --cookie "$jar" --cookie-jar "$jar" "$@"; }

# Log in as a demo account (its e-mail address); exits when refused.
login_as() {
    local status
    status=$(web -o /dev/null -w '%{http_code}' --data-urlencode "email=$1" \
        --data-urlencode "password=$password" "$base/inloggen")
    [ "$status" = 303 ] || { echo "login failed ($status)" >&2; exit 1; }
}

# Wait for the background curls (their pids as arguments), print memory right after and 10 s later, and
# return 1 when one of them failed.
report_after() {
    local failed=0 c
    for c in "$@"; do wait "$c" || failed=1; done
    echo "right after: VmHWM $(mem VmHWM) MB, VmRSS $(mem VmRSS) MB"
    sleep 10
    echo "10 s later:  VmHWM $(mem VmHWM) MB, VmRSS $(mem VmRSS) MB"
    return "$failed"
}
