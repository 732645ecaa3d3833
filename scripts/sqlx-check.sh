#!/usr/bin/env bash
# Compile-checked SQL (README, "Development"): the `query!` macros build from the offline data in `.sqlx/`
# (SQLX_OFFLINE=true, .cargo/config.toml). This script checks that data against the queries and the
# migrations: it starts a private PostgreSQL cluster on a Unix socket (unless DATABASE_URL is set), applies
# `migrations/`, and runs `cargo sqlx prepare --check` (sqlx-cli, the version .ci/run installs). A changed
# query or migration without fresh offline data fails. `scripts/sqlx-check.sh --write` refreshes `.sqlx/`.
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
SQLX_OFFLINE=false cargo sqlx prepare "${mode[@]}" -- --all-targets
