#!/usr/bin/env bash
# What saving a registration and changing its state cost as the organisation's people grow (issue 24): starts
# `airegister serve --demo` on loopback with a private PostgreSQL cluster in a temporary directory, adds MEMBERS
# member accounts to the demo organisation (benches/people.sql: each registration's owner and Accountable one of
# them, as SCIM brings a municipality's employees), logs in as the demo project leader and makes REQUESTS
# requests one after another of each kind:
#   save      the step "Verantwoordelijken" of a draft saved as shown (the Accountable as the suggestions put
#             it, "Name (e-mail)"; nothing changed, so only what was typed is resolved and nothing is written);
#   save name the same with only the Accountable's name typed (no address to look up);
#   incident  an incident reported on that registration (a state change: the incident and its audit event,
#             whose snapshot names the RASCI people);
#   suggest   the person fields' suggestions for a surname part typed ("bakk": one member in sixty), a
#             first name ("jan") and two letters ("ba");
# and prints each kind's median and 95th percentile. Run it with two builds to compare them on the same data;
# PLAIN=1 first drops the trigram indexes on names and addresses (migration 0063) to show what they spare.
#
#   cargo build --release && scripts/member-cost.sh
#   BIN=/path/to/other/airegister MEMBERS=30000 REQUESTS=200 scripts/member-cost.sh
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-target/release/airegister}
MEMBERS=${MEMBERS:-3000}
REQUESTS=${REQUESTS:-200}
[ -x "$BIN" ] || { echo "no $BIN: run cargo build --release first" >&2; exit 1; }
[ "$MEMBERS" -ge 1 ] && [ "$MEMBERS" -le 200000 ] || { echo "MEMBERS must be 1-200000" >&2; exit 1; }
[ "$REQUESTS" -ge 1 ] && [ "$REQUESTS" -le 10000 ] || { echo "REQUESTS must be 1-10000" >&2; exit 1; }

source scripts/memory-common.sh

sql() { psql --no-psqlrc --quiet --set ON_ERROR_STOP=1 -h "$tmp/pg" -U airegister -d airegister "$@"; }
org=$(sql --tuples-only --no-align -c "select organisation_id from organisation where code = 'gm9999'")
{
    # people.sql gives every registration its Accountable among the new members (there is one per registration).
    echo "delete from rasci_assignment r using application a
           where a.application_id = r.application_id and a.organisation_id = '$org' and r.letter = 'A';"
    echo "prepare people(uuid, int) as $(grep -v '^--' benches/people.sql);"
    echo "execute people('$org', $MEMBERS);"
    [ "${PLAIN:-0}" = 1 ] && echo "drop index app_user_name_trgm_idx; drop index app_user_email_trgm_idx;"
    echo "vacuum analyze;"
} | sql
# A draft of the demo's project leader (who may edit it) whose people are its Accountable only, one of the
# new members (so the step's form is what the script sends back).
app=$(sql --tuples-only --no-align -c "
    with d as (select application_id from application where organisation_id = '$org' and workflow_status = 'concept'
               order by application_id limit 1),
         pl as (select user_id from app_user where email = 'projectleider@demo.example'),
         mine as (update application a set owner_id = pl.user_id, created_by = pl.user_id from d, pl
                   where a.application_id = d.application_id),
         gone as (delete from rasci_assignment r using d where r.application_id = d.application_id and r.letter <> 'A')
    select application_id from d")
[ -n "$app" ] || { echo "no draft in the demo" >&2; exit 1; }
echo "server $BIN, $(sql --tuples-only --no-align -c "select count(*) from membership where organisation_id = '$org'") members, registration $app"

login_as projectleider@demo.example
python3 - "$base" "$jar" "$app" "$REQUESTS" << 'PY'
import statistics, sys, time, urllib.parse, urllib.request
from html.parser import HTMLParser

base, jar_file, app, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
# curl's cookie jar, its HttpOnly lines (which Python's reader takes for comments) included.
lines = [l.removeprefix("#HttpOnly_") for l in open(jar_file).read().splitlines()]
cookies = "; ".join(f"{f[5]}={f[6]}" for f in (l.split("\t") for l in lines) if len(f) == 7 and not f[0].startswith("#"))

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None

web = urllib.request.build_opener(NoRedirect)

def fetch(path, data=None):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    req = urllib.request.Request(base + path, data=body, headers={"Sec-Fetch-Site": "same-origin", "Origin": base, "Cookie": cookies})
    try:
        with web.open(req) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()

class Form(HTMLParser):
    """The fields of the form that posts to `action`, as a browser sends them (the submit button apart)."""
    def __init__(self, action):
        super().__init__()
        self.action, self.inside, self.fields, self.textarea, self.select = action, False, [], None, None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action", "").split("#")[0] == self.action
        if not self.inside or "name" not in a and tag != "option":
            return
        if tag == "input" and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self.textarea = [a["name"], ""]
        elif tag == "select":
            self.select = a["name"]
        elif tag == "option" and self.select and "selected" in a:
            self.fields.append((self.select, a.get("value", "")))
    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data
    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea:
            self.fields.append(tuple(self.textarea))
            self.textarea = None
        elif tag == "select":
            self.select = None

step = f"/register/{app}/bewerken/verantwoordelijken"
status, page = fetch(step)
assert status == 200, (status, page[:500])
form = Form(step)
form.feed(page)
fields = form.fields + [("actie", "opslaan")]
typed = [v for k, v in fields if k == "rasci_A_user"]
assert typed and "(" in typed[0], fields
status, page = fetch(f"/register/{app}/incidenten")
token = page.split('name="csrf_token" value="')[1].split('"')[0]
incident = [("csrf_token", token), ("kind", "onjuiste_uitvoer"), ("severity", "laag"),
            ("description", "Een antwoord klopte niet met de bron (meting).")]
print(f"Accountable typed as {typed[0]!r}; {n} requests of each kind, one after another")
# The same save with only the name typed (no e-mail address to look up): the members whose name holds its words.
by_name = [(k, v.split(" (")[0] if k == "rasci_A_user" else v) for k, v in fields]
kinds = [("save", step, fields), ("save name", step, by_name), ("incident", f"/register/{app}/incidenten", incident)]
kinds += [(f"suggest {q}", f"/medewerkers/zoeken?q={q}", None) for q in ("bakk", "jan", "ba")]
for name, path, data in kinds:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        status, body = fetch(path, data)
        times.append((time.perf_counter() - t) * 1000)
        assert status == (303 if data else 200), (name, status, body[:2000])
    if data is None:
        assert body.startswith("[") and body.count('"value"') <= 20, (name, body[:500])
    times.sort()
    print(f"{name:12} median {statistics.median(times):7.2f} ms   p95 {times[int(0.95 * (len(times) - 1))]:7.2f} ms")
PY
