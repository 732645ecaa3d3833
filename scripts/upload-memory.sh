#!/usr/bin/env bash
# Memory of the release server under concurrent large uploads (issue 15 item 9): starts
# `airegister serve --demo` on loopback with a private PostgreSQL cluster in a temporary directory, logs in
# as the demo FG, uploads UPLOADS reports of SIZE_MB MB at once with curl, and prints the server's peak
# (VmHWM) and its resident memory (VmRSS) before, right after and 10 s after. Everything stays on
# 127.0.0.1, every wait is bounded, and the server (and with it its cluster) is stopped at the end.
#
#   cargo build --release && scripts/upload-memory.sh
#   BIN=/path/to/other/airegister UPLOADS=4 SIZE_MB=25 scripts/upload-memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-target/release/airegister}
UPLOADS=${UPLOADS:-4}
SIZE_MB=${SIZE_MB:-25}
[ -x "$BIN" ] || { echo "no $BIN: run cargo build --release first" >&2; exit 1; }
[ "$UPLOADS" -ge 1 ] && [ "$UPLOADS" -le 8 ] || { echo "UPLOADS must be 1-8" >&2; exit 1; }
[ "$SIZE_MB" -ge 1 ] && [ "$SIZE_MB" -le 25 ] || { echo "SIZE_MB must be 1-25 (the upload limit)" >&2; exit 1; }

source scripts/memory-common.sh


login_as fg@demo.example
token=$(web "$base/account" | grep -o 'name="csrf_token" value="[0-9a-f]*"' | head -1 | sed 's/.*value="//; s/"//')
[ -n "$token" ] || { echo "no CSRF token on /account" >&2; exit 1; }
mapfile -t apps < <(web "$base/register" | grep -o '/register/[0-9a-f-]\{36\}' | sort -u | head -"$UPLOADS")
[ "${#apps[@]}" -ge 1 ] || { echo "no registrations in the demo" >&2; exit 1; }

# Incompressible reports that are real PDFs by their first bytes, just under the limit.
bytes=$((SIZE_MB * 1024 * 1024 - 4096))
for i in $(seq 1 "$UPLOADS"); do
    { printf '%%PDF-1.7\n'; head -c "$((bytes - 9))" /dev/urandom; } >"$tmp/rapport$i.pdf"
done

echo "server $BIN (pid $pid), $UPLOADS concurrent uploads of $((bytes / 1024)) KiB"
echo "before:      VmHWM $(mem VmHWM) MB, VmRSS $(mem VmRSS) MB"
curls=()
for i in $(seq 1 "$UPLOADS"); do
    app=${apps[$(((i - 1) % ${#apps[@]}))]}
    web -o /dev/null -w "upload $i: %{http_code} in %{time_total} s\n" \
        -F "csrf_token=$token" -F version=0 -F kind=dpia -F status=in_uitvoering \
        -F "document=@$tmp/rapport$i.pdf;filename=rapport $i.pdf;type=application/pdf" \
        "$base$app/assessments" &
    curls+=($!)
done
report_after "${curls[@]}"
