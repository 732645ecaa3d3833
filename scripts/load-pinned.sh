#!/usr/bin/env bash
# The load benchmark with the database on a core of its own (issue 24, "close to the limit"): the private
# PostgreSQL cluster that `cargo bench --bench load` starts runs on CPU 1; the application server, the load
# generator and pgbench's client run on CPU 0. On the 2-core development machine the application and the database
# otherwise share both cores, so the application's own CPU is taken from the database's and "app ÷ probe" says
# more about the machine than about the application. Every LOAD_* variable of the benchmark applies.
# Usage: LOAD_CLIENTS=32 scripts/load-pinned.sh   (builds the benchmark first; needs taskset and 2 cores; at 128
# clients the probe's pgbench asks for more connections than the private cluster allows)
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $(nproc --all) -ge 2 ]] || { echo "needs at least 2 cores" >&2; exit 1; }
cargo bench --bench load --no-run 2> /dev/null
bench=$(ls -t target/release/deps/load-* | grep -v '\.d$' | head -n 1)

# Processes come and go (the cluster's backends, the probe's pgbench): pin what is there every 0.3 s. The
# system's own PostgreSQL (/var/lib/postgresql) is left alone.
pin() {
  while sleep 0.3; do
    for pm in $(pgrep -f "postgres -D" || true); do
      grep -q /var/lib/postgresql "/proc/$pm/cmdline" 2> /dev/null && continue
      taskset -a -p 2 "$pm" > /dev/null 2>&1 || true
      for c in $(pgrep -P "$pm" || true); do taskset -a -p 2 "$c" > /dev/null 2>&1 || true; done
    done
    for p in $(pgrep -f "target/release/airegister|target/release/deps/load-|pgbench" || true); do
      taskset -a -p 1 "$p" > /dev/null 2>&1 || true
    done
  done
}
pin &
pinner=$!
trap 'kill $pinner 2> /dev/null || true' EXIT
taskset 1 "$bench" --bench
