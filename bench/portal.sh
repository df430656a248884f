#!/usr/bin/env bash
# The public portal's pages against the API each one wraps, in one run on one machine: wrk
# (2 threads, 16 connections, SECS seconds each, default 10) against the release binary's demo
# district. Prints one JSON object per URL: requests/s, p50 and p99 latency in ms.
#   cargo build --release -p fgf && bash bench/portal.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${FGF_BIN:-target/release/fgf}
secs=${SECS:-10}
port=${PORT:-18731}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
dir=$(mktemp -d)
"$bin" demo --data-dir "$dir/data" --addr "127.0.0.1:$port" >"$dir/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 180); do grep -q "serving the district" "$dir/log" && break; sleep 1; done
grep -q "serving the district" "$dir/log" || { cat "$dir/log" >&2; exit 1; }
enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe="/?=&"))' "$1"; }
ms() { awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.2f", v }'; }
run() {
  local path url out rps p50 p99
  path=$(enc "$1")
  url="http://127.0.0.1:$port$path"
  curl -sf -o /dev/null "$url" || { echo "{\"url\": \"$1\", \"error\": \"not 200\"}"; return; }
  wrk -t2 -c16 -d"${secs}s" --latency "$url" >"$dir/wrk" 2>&1
  rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$dir/wrk")
  p50=$(awk '$1 == "50%" { print $2 }' "$dir/wrk" | ms)
  p99=$(awk '$1 == "99%" { print $2 }' "$dir/wrk" | ms)
  echo "{\"url\": \"$1\", \"requests_per_s\": $rps, \"p50_ms\": $p50, \"p99_ms\": $p99}"
}
# Each page, then the API it wraps.
run "/guide?q=开饭店"
run "/api/v1/matters?q=开饭店"
run "/guide?q=营业执照&page=2"
run "/api/v1/matters?q=营业执照&page=2"
run "/guide?department=D04"
run "/api/v1/matters?department=D04"
run "/guide/XK-D03-0001-01-01"
run "/api/v1/matters/XK-D03-0001-01-01"
run "/life-events/YJS-KCG"
run "/api/v1/life-events/YJS-KCG"
run "/"
run "/tools?date=2026-12-01&n=20"
