#!/usr/bin/env bash
# Hit ratio per eviction policy, kv-server next to redis-server with the same maxmemory, and the
# cost of constant eviction on SET throughput.
#
#   bench/hitratio.sh BUILD_DIR [--quick] [--keys N] [--requests N] [--workloads "zipf scan shift"]
#
# For each workload (bench/hitratio.cc: Zipf 0.99; the same with one-pass scans of cold keys; a
# shifting hot set) and each policy, a fresh server gets `maxmemory` = 10% of the data (keys x 1 KB)
# and the cache-aside sequence (GET, SET on a miss; same seed for every server). allkeys-tinylfu
# runs on kv-server only. Then redis-benchmark SET -P 16 with 1 KB values over the key range: against
# kv-server and redis-server with a limit far below the data (allkeys-lru, 64 MB) and against
# kv-server without a limit. Defaults: 1M keys, 2M requests; --quick: 200k keys, 600k requests.
# Raw CSVs are kept in BUILD_DIR/bench-results/.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

build_dir=""
keys=1000000
requests=2000000
workloads="zipf scan shift"
while (($#)); do
  case "$1" in
    --quick) keys=200000; requests=600000 ;;
    --keys) keys=$2; shift ;;
    --requests) requests=$2; shift ;;
    --workloads) workloads=$2; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) build_dir=$1 ;;
  esac
  shift
done
if [[ -z "$build_dir" ]]; then
  echo "usage: bench/hitratio.sh BUILD_DIR [--quick] [--keys N] [--requests N]" >&2
  exit 2
fi
kv_bin=$(resolve_kv_server "$build_dir")
load=$build_dir/bench/hitratio
[[ -x "$load" ]] || { echo "bench: $load not built" >&2; exit 1; }
trap stop_all_servers EXIT
results=$build_dir/bench-results
mkdir -p "$results"
maxmemory=$((keys * 1024 / 10))

# run_cell SERVER_NAME BINARY POLICY WORKLOAD -> prints the hit ratio
run_cell() {
  local name=$1 bin=$2 policy=$3 workload=$4 line
  start_server "$name" "$bin" || return 1
  redis-cli -p "$STARTED_PORT" config set maxmemory "$maxmemory" >/dev/null
  redis-cli -p "$STARTED_PORT" config set maxmemory-policy "$policy" >/dev/null
  line=$("$load" --port "$STARTED_PORT" --workload "$workload" --keys "$keys" \
    --requests "$requests")
  echo "$name,$policy,$line" >>"$results/hitratio.csv"
  stop_pid "$STARTED_PID"
  cut -d, -f4 <<<"$line"
}

: >"$results/hitratio.csv"
echo "maxmemory $maxmemory bytes, $keys keys of 1 KB, $requests requests (the first quarter warms up)"
printf '%-8s %-16s %10s %10s\n' workload policy redis kv
for workload in $workloads; do
  for policy in allkeys-lru allkeys-lfu allkeys-random allkeys-tinylfu; do
    redis_ratio="-"
    if [[ "$policy" != allkeys-tinylfu ]]; then
      redis_ratio=$(run_cell redis redis-server "$policy" "$workload")
    fi
    kv_ratio=$(run_cell kv "$kv_bin" "$policy" "$workload")
    printf '%-8s %-16s %10s %10s\n' "$workload" "$policy" "$redis_ratio" "$kv_ratio"
  done
done

# SET throughput under constant eviction: 1 KB values over the whole key range, 64 MB limit.
set_rps() {
  local name=$1 bin=$2 limit=$3 rps
  start_server "$name" "$bin" || return 1
  redis-cli -p "$STARTED_PORT" config set maxmemory "$limit" >/dev/null
  redis-cli -p "$STARTED_PORT" config set maxmemory-policy allkeys-lru >/dev/null
  rps=$(redis-benchmark -p "$STARTED_PORT" --csv -t set -c 50 -P 16 -d 1024 -r "$keys" \
    -n "$requests" | awk -F'"' '/^"SET"/ {print $4}')
  stop_pid "$STARTED_PID"
  echo "$rps"
}
echo
echo "SET -P 16, 1 KB values, $keys-key range, $requests requests (rps)"
kv_free=$(set_rps kv "$kv_bin" 0)
kv_evict=$(set_rps kv "$kv_bin" 64mb)
redis_evict=$(set_rps redis redis-server 64mb)
echo "kv-server, no limit:            $kv_free"
echo "kv-server, 64 MB allkeys-lru:   $kv_evict ($(awk -v a="$kv_evict" -v b="$kv_free" 'BEGIN {printf "%.3f", a / b}') of no limit)"
echo "redis-server, 64 MB allkeys-lru: $redis_evict (kv/redis $(awk -v a="$kv_evict" -v b="$redis_evict" 'BEGIN {printf "%.2f", a / b}'))"
