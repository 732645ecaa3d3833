#!/usr/bin/env bash
# Memory of the server under concurrent whole-register exports (issue 24): starts `airegister serve --demo`
# on loopback with a private PostgreSQL cluster in a temporary directory, adds APPLICATIONS registrations
# (benches/load.sql, about 21 % of them public) to the demo organisation, logs in as the demo administrator,
# downloads EXPORTS exports of FORMAT at once with curl, and prints the server's peak (VmHWM) and resident
# memory (VmRSS) before, right after and 10 s after, with each download's size and time. Everything stays on
# 127.0.0.1, every wait is bounded, and the server (and with it its cluster) is stopped at the end.
#
#   cargo build --release && scripts/export-memory.sh
#   BIN=/path/to/other/airegister APPLICATIONS=100000 EXPORTS=4 FORMAT=csv scripts/export-memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-target/release/airegister}
APPLICATIONS=${APPLICATIONS:-100000}
EXPORTS=${EXPORTS:-4}
FORMAT=${FORMAT:-json}
[ -x "$BIN" ] || { echo "no $BIN: run cargo build --release first" >&2; exit 1; }
[ "$EXPORTS" -ge 1 ] && [ "$EXPORTS" -le 8 ] || { echo "EXPORTS must be 1-8" >&2; exit 1; }
[ "$APPLICATIONS" -ge 0 ] && [ "$APPLICATIONS" -le 200000 ] || { echo "APPLICATIONS must be 0-200000" >&2; exit 1; }
case "$FORMAT" in json | csv | xlsx) ;; *) echo "FORMAT must be json, csv or xlsx" >&2; exit 1 ;; esac

WEB_TIMEOUT=300
source scripts/memory-common.sh

# The load, over the cluster's Unix socket, into the demo organisation.
sql() { psql --no-psqlrc --quiet --set ON_ERROR_STOP=1 -h "$tmp/pg" -U airegister -d airegister "$@"; }
t0=$(date +%s.%N)
org=$(sql --tuples-only --no-align -c "select organisation_id from organisation where code = 'gm9999'")
{
    echo "prepare load(uuid, int) as $(grep -v '^--' benches/load.sql);"
    echo "execute load('$org', $APPLICATIONS);"
    echo "vacuum analyze application; checkpoint;"
} | sql
public=$(sql --tuples-only -c "select count(*) from application where registration_public(publish, workflow_status)")
echo "loaded $APPLICATIONS registrations ($((${public// /})) public) in $(echo "$(date +%s.%N) - $t0" | bc) s"

login_as beheerder@demo.example

echo "server $BIN (pid $pid), $EXPORTS concurrent $FORMAT exports"
echo "before:      VmHWM $(mem VmHWM) MB, VmRSS $(mem VmRSS) MB"
curls=()
for i in $(seq 1 "$EXPORTS"); do
    web -o "$tmp/export$i.$FORMAT" -w "export $i: %{http_code}, %{size_download} bytes in %{time_total} s\n" \
        "$base/publicatie/export/$FORMAT" &
    curls+=($!)
done
status=0
report_after "${curls[@]}" || status=1
# An Excel export: its sheets (Excel holds 16,383 registrations per sheet beside the titles) and their size.
if [ "$FORMAT" = xlsx ]; then
    python3 - "$tmp/export1.xlsx" << 'PY'
import re, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    names = re.findall(r'<sheet name="([^"]+)"', z.read("xl/workbook.xml").decode())
    for i, name in enumerate(names, 1):
        head = z.open(f"xl/worksheets/sheet{i}.xml").read(4096).decode(errors="replace")
        dim = re.search(r'<dimension ref="([^"]+)"', head)
        print(f"sheet {name!r}: {dim.group(1) if dim else 'no dimension'}")
PY
fi
exit "$status"
