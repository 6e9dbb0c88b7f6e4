#!/usr/bin/env bash
# Throughput of the issue-17 hot paths (bitmaps, HyperLogLog, geo), kv-server against
# redis-server in the same run: redis-benchmark with custom commands (__rand_int__ spreads the
# members), one line per command with both rates and kv/redis.
#
#   bench/types.sh BUILD_DIR [--requests N] [--clients N] [--pipeline N]
#   (defaults: 200000 requests, 50 clients, pipeline 1)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

build_dir=""
requests=200000
clients=50
pipeline=1
while (($#)); do
  case "$1" in
    --requests) requests=$2; shift ;;
    --clients) clients=$2; shift ;;
    --pipeline) pipeline=$2; shift ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) build_dir=$1 ;;
  esac
  shift
done
[[ -n "$build_dir" ]] || { echo "usage: bench/types.sh BUILD_DIR [--requests N]" >&2; exit 2; }
kv_bin=$(resolve_kv_server "$build_dir")
trap stop_all_servers EXIT

start_server redis "$(command -v redis-server)" || exit 1
redis_port=$STARTED_PORT
start_server kv "$kv_bin" || exit 1
kv_port=$STARTED_PORT

# Data the read benchmarks need, identical on both servers.
prepare() {
  local port=$1
  redis-cli -p "$port" setbit bm 8000000 1 >/dev/null
  redis-benchmark -p "$port" -n 20000 -r 1000000 -q -c 10 pfadd hll __rand_int__ >/dev/null
  redis-benchmark -p "$port" -n 20000 -r 1000000 -q -c 10 \
    geoadd geo 13.__rand_int__ 38.__rand_int__ m__rand_int__ >/dev/null
}
prepare "$redis_port"
prepare "$kv_port"

# rate PORT ARGS... -> requests per second (redis-benchmark --csv)
rate() {
  local port=$1
  shift
  redis-benchmark -p "$port" -n "$requests" -c "$clients" -P "$pipeline" -r 1000000 --csv "$@" |
    tail -n 1 | cut -d, -f2 | tr -d '"'
}

printf '%-44s %12s %12s %8s\n' command redis-server kv-server kv/redis
run() {
  local r k
  r=$(rate "$redis_port" "$@")
  k=$(rate "$kv_port" "$@")
  printf '%-44s %12.0f %12.0f %8.2f\n' "$*" "$r" "$k" "$(echo "$k / $r" | bc -l)"
}
run setbit bm __rand_int__ 1
run getbit bm __rand_int__
run bitcount bm
run bitcount bm 0 1000
run bitfield bf INCRBY u8 __rand_int__ 1
run pfadd hll __rand_int__
run pfadd hll2 __rand_int__ a b c d e f g h
run pfcount hll
run pfcount hll hll2
run geoadd geo2 13.__rand_int__ 38.__rand_int__ m__rand_int__
run geosearch geo fromlonlat 13.5 38.5 byradius 10 km count 10
run geodist geo m1 m2
