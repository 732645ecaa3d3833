#!/usr/bin/env bash
# Compile-checked SQL (README, "Development"): the `query!` macros build from the offline data in `.sqlx/`
# (SQLX_OFFLINE=true, .cargo/config.toml). This script checks that data against the queries and the
# migrations: it starts a private PostgreSQL cluster on a Unix socket (unless DATABASE_URL is set), applies
# `migrations/`, and runs `cargo sqlx prepare --check` (sqlx-cli, the version .ci/run installs). A changed
# query or migration without fresh offline data fails. `scripts/sqlx-check.sh --write` refreshes `.sqlx/`.
#
# `scripts/sqlx-check.sh --clippy` (what .ci/run does) makes the same check with `cargo clippy --all-targets
# -- -D warnings` as the compile that runs the queries against the database, so CI compiles the crate once for
# both checks instead of twice (81 s of a CI run on the 2-core machine). It compares as `prepare --check` does:
# a query whose data is missing from `.sqlx/` or differs (as JSON) fails; data no query needs is a warning.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=(--check)
[[ ${1:-} == --write ]] && mode=()

if [[ -z ${DATABASE_URL:-} ]]; then
  bindir=${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V | tail -n 1)}
  [[ -x $bindir/initdb ]] || { echo "PostgreSQL (initdb, pg_ctl) not found; set PG_BINDIR or DATABASE_URL" >&2; exit 1; }
  dir=$(mktemp -d)
  chmod 755 "$dir"
  as=()
  # PostgreSQL refuses to run as root: the cluster then belongs to the postgres system user.
  if [[ $(id -u) == 0 ]]; then
    chown postgres: "$dir"
    as=(runuser -u postgres --)
  fi
  stop() {
    "${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop > /dev/null 2>&1 || true
    rm -rf "$dir"
  }
  trap stop EXIT
  (cd / && "${as[@]}" "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-sync > /dev/null)
  (cd / && "${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -w -l "$dir/log" \
    -o "-k $dir -c listen_addresses= -c fsync=off" start > /dev/null)
  export DATABASE_URL="postgres://postgres@localhost/postgres?host=$dir"
fi

cargo sqlx migrate run --source migrations > /dev/null
if [[ ${1:-} != --clippy ]]; then
  SQLX_OFFLINE=false cargo sqlx prepare "${mode[@]}" -- --all-targets
  exit
fi

written=$PWD/target/sqlx-clippy-check
rm -rf "$written"
mkdir -p "$written"
# The macros write their data only when they run: touching the root of each of the crate's targets (as cargo
# lists them, as `prepare` does; the build script holds no query) makes cargo compile the crate again even
# after an earlier clippy; the dependencies stay as they are. `-c`: touch never creates a file.
cargo metadata --no-deps --format-version 1 \
  | python3 -c 'import json, sys; print("\n".join(t["src_path"] for p in json.load(sys.stdin)["packages"] for t in p["targets"] if "custom-build" not in t["kind"]))' \
  | xargs touch -c
SQLX_OFFLINE=false SQLX_OFFLINE_DIR="$written" cargo clippy --all-targets -- -D warnings
python3 - "$written" .sqlx << 'EOF'
import json, pathlib, sys
written, committed = (pathlib.Path(d) for d in sys.argv[1:])
names = lambda d: {p.name for p in d.glob("query-*.json")}
missing = sorted(names(written) - names(committed))
differ = sorted(n for n in names(written) & names(committed)
                if json.loads((written / n).read_text()) != json.loads((committed / n).read_text()))
unused = sorted(names(committed) - names(written))
if unused:
    print(f"warning: {len(unused)} file(s) in .sqlx/ that no query needs: {', '.join(unused)}")
if missing or differ:
    for n in missing: print(f".sqlx/{n} is missing", file=sys.stderr)
    for n in differ: print(f".sqlx/{n} differs from what the query needs now", file=sys.stderr)
    sys.exit("the offline query data is not up to date: run scripts/sqlx-check.sh --write and commit .sqlx/")
print(f"offline query data up to date ({len(names(written))} queries)")
EOF
