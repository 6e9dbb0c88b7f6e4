#!/usr/bin/env bash
# EVALSHA throughput of kv-server next to redis-server, measured by redis-benchmark in one run.
#
#   bench/eval.sh BUILD_DIR [-n REQUESTS] [--repeat N]
#
# Starts both servers (bench/common.sh), loads the same two scripts into each with SCRIPT LOAD and
# runs `redis-benchmark -c 50 -n REQUESTS -P 1` on
#   evalsha-ret:  EVALSHA of `return 1`                       (script call overhead)
#   evalsha-incr: EVALSHA of `return redis.call('incr', KEYS[1])` on a random key
#                 (one redis.call: conversion both ways, shard locking, dispatch)
# and prints rps per server and the kv/redis ratio. --repeat N keeps each side's best of N runs
# (the machine is shared); runs alternate between the servers.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

build_dir="" requests=200000 repeat=1
while (($#)); do
  case "$1" in
    -n) requests=$2; shift ;;
    --repeat) repeat=$2; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) build_dir=$1 ;;
  esac
  shift
done
[[ -n "$build_dir" ]] || { echo "usage: bench/eval.sh BUILD_DIR [-n N] [--repeat N]" >&2; exit 2; }
kv_bin=$(resolve_kv_server "$build_dir")
trap stop_all_servers EXIT
start_server redis "$(command -v redis-server)" || exit 1
redis_port=$STARTED_PORT
start_server kv "$kv_bin" || exit 1
kv_port=$STARTED_PORT

declare -A best
for side in redis kv; do
  port=$redis_port
  [[ $side == kv ]] && port=$kv_port
  ret_sha=$(redis-cli -p "$port" script load "return 1")
  incr_sha=$(redis-cli -p "$port" script load "return redis.call('incr', KEYS[1])")
done
for run in $(seq 1 "$repeat"); do
  for side in redis kv; do
    port=$redis_port
    [[ $side == kv ]] && port=$kv_port
    for test in ret incr; do
      if [[ $test == ret ]]; then
        cmd=(evalsha "$ret_sha" 0)
      else
        cmd=(evalsha "$incr_sha" 1 "key:__rand_int__")
      fi
      rps=$(redis-benchmark -h 127.0.0.1 -p "$port" --csv -c 50 -n "$requests" -r 100000 \
              -P 1 "${cmd[@]}" | tail -n 1 | cut -d, -f2 | tr -d '"')
      key="$side-$test"
      if [[ -z "${best[$key]:-}" ]] || awk -v a="$rps" -v b="${best[$key]}" 'BEGIN { exit !(a > b) }'; then
        best[$key]=$rps
      fi
      echo "bench: run $run $side evalsha-$test: $rps rps" >&2
    done
  done
done
printf "%-14s %12s %12s %8s\n" test redis kv kv/redis
for test in ret incr; do
  r=${best[redis-$test]} k=${best[kv-$test]}
  printf "%-14s %12s %12s %8.2f\n" "evalsha-$test" "$r" "$k" "$(awk -v k="$k" -v r="$r" 'BEGIN { print k / r }')"
done
