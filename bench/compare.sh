#!/usr/bin/env bash
# The engine benchmark of docs/benchmarks.md in one run: fgf (release) in memory on the three
# shared processes, then SpiffWorkflow and bpmn-engine on the same files on the same machine
# (bench/peers/run.sh installs them into a scratch folder), then the durable runs on SQLite
# and, when FGF_BENCH_PG is set, PostgreSQL (that database is dropped and created for each
# run). Prints JSON lines.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH="${FGF_BENCH_DIR:-../shared/data/bench}"
cargo build --release -p fgf >/dev/null 2>&1
FGF=./target/release/fgf
cases=("seq3.bpmn|seq3|{}" "gateways.bpmn|gw|{\"amount\": 5000}" "approval.bpmn|approval|{\"departments\": [\"a\",\"b\",\"c\"], \"objections\": 0}")
for c in "${cases[@]}"; do
  IFS='|' read -r file proc vars <<<"$c"
  echo "{\"engine\": \"fgf\", \"process\": \"$proc\", \"result\": $($FGF process bench "$BENCH/$file" --vars "$vars" --instances "${FGF_INSTANCES:-100000}")}"
done
bash bench/peers/run.sh --spiff-instances "${SPIFF_INSTANCES:-2000}" --node-instances "${NODE_INSTANCES:-2000}"
tmp=$(mktemp -d)
for c in "${cases[@]}"; do
  IFS='|' read -r file proc vars <<<"$c"
  echo "{\"engine\": \"fgf-durable\", \"process\": \"$proc\", \"result\": $($FGF process bench "$BENCH/$file" --vars "$vars" --instances "${DURABLE_INSTANCES:-1000}" --store sqlite --data-dir "$tmp/$proc")}"
  if [ -n "${FGF_BENCH_PG:-}" ]; then
    # A database of its own for each run (FGF_BENCH_PG names it; it is dropped and created
    # through the server's `postgres` database): a reused one bloats when autovacuum is off.
    db="${FGF_BENCH_PG##*/}"
    psql "${FGF_BENCH_PG%/*}/postgres" -qc "drop database if exists $db" -c "create database $db" >/dev/null
    echo "{\"engine\": \"fgf-durable\", \"process\": \"$proc\", \"result\": $($FGF process bench "$BENCH/$file" --vars "$vars" --instances "${DURABLE_PG_INSTANCES:-1000}" --store "$FGF_BENCH_PG" --data-dir "$tmp/pg-$proc" 2>/dev/null)}"
  fi
done
rm -rf "$tmp"
