#!/usr/bin/env bash
# Peer benchmark: the shared bench processes in SpiffWorkflow and bpmn-engine.
#
#   bash bench/peers/run.sh [--instances N] [--spiff-instances N] [--node-instances N] [--out FILE]
#
# --instances N        instances per process for both peers (defaults: 2000 SpiffWorkflow, 10000 bpmn-engine)
# --spiff-instances N  instances per process for SpiffWorkflow (wins over --instances)
# --node-instances N   instances per process for bpmn-engine (wins over --instances)
# --out FILE           also write the JSON lines to FILE (truncated first)
#
# Environment:
#   FGF_PEERS_DIR  scratch folder for the Python venv and the npm project
#                  (default: <repo>/target/peers, which git ignores)
#   FGF_BENCH_DIR  folder with seq3.bpmn, gateways.bpmn, approval.bpmn
#                  (default: <repo>/../shared/data/bench)
#   PYTHON         interpreter used to create the venv (default: python3)
#
# Prints one JSON object per line and per (peer, process):
#   {"engine": "spiffworkflow", "version": "3.2.0", "process": "seq3", "instances": N, "seconds": s, "per_second": x}
# Install and progress messages go to stderr.
set -euo pipefail

SPIFF_VERSION="3.2.0"
BPMN_ENGINE_VERSION="25.0.1"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"

usage() { sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; }

need_count() {
  if [[ $# -lt 2 || ! "$2" =~ ^[1-9][0-9]*$ ]]; then
    echo "run.sh: $1 needs a positive integer" >&2
    exit 2
  fi
}

both_instances=""
spiff_instances=""
node_instances=""
out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --instances) need_count "$@"; both_instances="$2"; shift 2 ;;
    --instances=*) need_count --instances "${1#*=}"; both_instances="${1#*=}"; shift ;;
    --spiff-instances) need_count "$@"; spiff_instances="$2"; shift 2 ;;
    --spiff-instances=*) need_count --spiff-instances "${1#*=}"; spiff_instances="${1#*=}"; shift ;;
    --node-instances) need_count "$@"; node_instances="$2"; shift 2 ;;
    --node-instances=*) need_count --node-instances "${1#*=}"; node_instances="${1#*=}"; shift ;;
    --out)
      [[ $# -ge 2 && -n "$2" ]] || { echo "run.sh: --out needs a file" >&2; exit 2; }
      out="$2"; shift 2 ;;
    --out=*) out="${1#*=}"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument: $1" >&2; usage; exit 2 ;;
  esac
done
spiff_instances="${spiff_instances:-${both_instances:-2000}}"
node_instances="${node_instances:-${both_instances:-10000}}"

PEERS_DIR="${FGF_PEERS_DIR:-$REPO/target/peers}"
BENCH_DIR="${FGF_BENCH_DIR:-$REPO/../shared/data/bench}"
PYTHON="${PYTHON:-python3}"

for f in seq3.bpmn gateways.bpmn approval.bpmn; do
  if [[ ! -f "$BENCH_DIR/$f" ]]; then
    echo "run.sh: $BENCH_DIR/$f not found (set FGF_BENCH_DIR)" >&2
    exit 1
  fi
done
BENCH_DIR="$(cd "$BENCH_DIR" && pwd)"

if [[ -n "$out" ]]; then
  mkdir -p "$(dirname "$out")"
  : >"$out"
fi

mkdir -p "$PEERS_DIR"
PEERS_DIR="$(cd "$PEERS_DIR" && pwd)"
VENV="$PEERS_DIR/venv"
NODE_DIR="$PEERS_DIR/node"

# ---- SpiffWorkflow in a venv of the scratch folder
if [[ ! -x "$VENV/bin/python" ]]; then
  echo "run.sh: creating venv $VENV" >&2
  "$PYTHON" -m venv "$VENV" >&2
fi
if ! "$VENV/bin/python" -c "import sys, SpiffWorkflow.version as v; sys.exit(v.__version__ != '$SPIFF_VERSION')" 2>/dev/null; then
  echo "run.sh: installing SpiffWorkflow==$SPIFF_VERSION into $VENV" >&2
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "SpiffWorkflow==$SPIFF_VERSION" >&2
fi

# ---- bpmn-engine in an npm project of the scratch folder
installed_engine=""
if [[ -f "$NODE_DIR/node_modules/bpmn-engine/package.json" ]]; then
  installed_engine="$(node -e 'process.stdout.write(String(require(process.argv[1]).version))' \
    "$NODE_DIR/node_modules/bpmn-engine/package.json" 2>/dev/null || true)"
fi
if [[ "$installed_engine" != "$BPMN_ENGINE_VERSION" ]]; then
  echo "run.sh: installing bpmn-engine@$BPMN_ENGINE_VERSION into $NODE_DIR" >&2
  mkdir -p "$NODE_DIR"
  if [[ ! -f "$NODE_DIR/package.json" ]]; then
    printf '{\n  "name": "fgf-peer-bench",\n  "private": true,\n  "description": "scratch project for bench/peers (not committed)"\n}\n' \
      >"$NODE_DIR/package.json"
  fi
  (cd "$NODE_DIR" && npm install --no-audit --no-fund --save-exact "bpmn-engine@$BPMN_ENGINE_VERSION" >&2)
fi
# ES module imports resolve from the importing file's folder, so the bench runs from the npm project.
cp "$HERE/bpmn_engine_bench.mjs" "$NODE_DIR/bpmn_engine_bench.mjs"

# ---- the processes: file, process id, variables, user tasks each instance must complete
CASES=(
  "seq3.bpmn|seq3|{}|3"
  "gateways.bpmn|gw|{\"amount\": 5000}|4"
  "approval.bpmn|approval|{\"departments\": [\"a\",\"b\",\"c\"], \"objections\": 0}|6"
)

emit() {
  local line="$1"
  printf '%s\n' "$line"
  if [[ -n "$out" ]]; then printf '%s\n' "$line" >>"$out"; fi
}

for c in "${CASES[@]}"; do
  IFS='|' read -r file process vars user_tasks <<<"$c"
  echo "run.sh: spiffworkflow $process x $spiff_instances" >&2
  line="$("$VENV/bin/python" "$HERE/spiff_bench.py" "$BENCH_DIR/$file" \
    --process "$process" --vars "$vars" --instances "$spiff_instances" --user-tasks "$user_tasks")"
  emit "$line"
done

for c in "${CASES[@]}"; do
  IFS='|' read -r file process vars user_tasks <<<"$c"
  echo "run.sh: bpmn-engine $process x $node_instances" >&2
  line="$(node "$NODE_DIR/bpmn_engine_bench.mjs" "$BENCH_DIR/$file" \
    --process "$process" --vars "$vars" --instances "$node_instances" --user-tasks "$user_tasks")"
  emit "$line"
done
