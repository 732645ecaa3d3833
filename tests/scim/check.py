"""Runs scim2-tester (an independent SCIM 2.0 conformance checker, RFC 7643/7644) against AI-register's
/scim/v2 and prints every check and the counts per outcome. Exit code 1 when a check found an error that is
not in known-errors.txt (the known deviations, which may only shrink, as scripts/layers-baseline.txt)."""

import collections
import pathlib
import sys

from httpx2 import Client
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

base_url, token = sys.argv[1], sys.argv[2]
client = SyncSCIMClient(Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30))
results = check_server(client)
counts = collections.Counter(r.status.name for r in results)
for r in results:
    where = f" [{r.resource_type}]" if r.resource_type else ""
    reason = f": {r.reason}" if r.reason and r.status != Status.SUCCESS else ""
    print(f"{r.status.name:10} {r.title}{where}{reason}")
print("scim2-tester: " + ", ".join(f"{n} {s.lower()}" for s, n in sorted(counts.items())) + f" ({len(results)} checks)")
known_file = pathlib.Path(__file__).with_name("known-errors.txt")
known = {line.strip() for line in known_file.read_text().splitlines() if line.strip() and not line.startswith("#")}
found = {f"{r.title} [{r.resource_type or '-'}]" for r in results if r.status in (Status.ERROR, Status.CRITICAL)}
for gone in sorted(known - found):
    print(f"fixed since known-errors.txt (remove the line): {gone}")
new = sorted(found - known)
for n in new:
    print(f"NEW FAILURE: {n}")
sys.exit(1 if new else 0)
