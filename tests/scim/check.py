"""Runs scim2-tester (an independent SCIM 2.0 conformance checker, RFC 7643/7644) against AI-register's
/scim/v2 and prints every check and the counts per outcome. Exit code 1 when a check found an error."""

import collections
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
failed = counts[Status.ERROR.name] + counts[Status.CRITICAL.name]
sys.exit(1 if failed else 0)
