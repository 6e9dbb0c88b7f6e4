#!/usr/bin/env bash
# Memory per key of kv-server next to redis-server.
#
#   bench/memory.sh BUILD_DIR [--keys N]
#
# Starts each server (--save "" --appendonly no), loads N (default 1000000) distinct keys
# "key:%012d" with 16-byte values through `redis-cli --pipe`, checks DBSIZE, and reports the growth
# of VmRSS (/proc/PID/status) per key. KV_SERVER=redis-server compares Redis with itself.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

build_dir=""
keys=1000000
while (($#)); do
  case "$1" in
    --keys) keys=$2; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) build_dir=$1 ;;
  esac
  shift
done
if [[ -z "$build_dir" ]]; then
  echo "usage: bench/memory.sh BUILD_DIR [--keys N]" >&2
  exit 2
fi
kv_bin=$(resolve_kv_server "$build_dir")
trap stop_all_servers EXIT

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# The load: N SET commands in RESP, generated once and replayed to both servers.
load_file=$(mktemp /tmp/kvbench-load-XXXXXX)
SERVER_DIRS+=("$load_file")
awk -v n="$keys" 'BEGIN {
  for (i = 0; i < n; i++) {
    k = sprintf("key:%012d", i); v = sprintf("%016d", i)
    printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$16\r\n%s\r\n", length(k), k, v
  }
}' >"$load_file"

measure() {
  local name=$1 bin=$2 pid port before after dbsize
  start_server "$name" "$bin" || return 1
  pid=$STARTED_PID port=$STARTED_PORT
  sleep 0.5
  before=$(rss_kb "$pid")
  local pipe_out errors
  pipe_out=$(redis-cli -h 127.0.0.1 -p "$port" --pipe <"$load_file")
  errors=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' <<<"$pipe_out")
  if [[ "$errors" != "0" ]]; then
    echo "bench: $name answered the load with errors: $pipe_out" >&2
  fi
  dbsize=$(redis-cli -h 127.0.0.1 -p "$port" dbsize)
  if ! [[ "$dbsize" =~ ^[0-9]+$ ]]; then
    # No DBSIZE on this server: trust the error-free replies of the pipe instead.
    echo "bench: $name has no DBSIZE ($dbsize); counting the pipe's replies" >&2
    dbsize=$((keys - ${errors:-0}))
  elif [[ "$dbsize" != "$keys" ]]; then
    echo "bench: $name holds $dbsize keys after loading $keys" >&2
  fi
  sleep 1  # let background allocator work settle
  after=$(rss_kb "$pid")
  awk -v name="$name" -v b="$before" -v a="$after" -v n="$dbsize" 'BEGIN {
    printf "%-6s %10d %12d %12d %14.1f\n", name, n, b, a, (a - b) * 1024 / (n > 0 ? n : 1)
  }'
  stop_pid "$pid"
}

printf "%-6s %10s %12s %12s %14s\n" server keys "rss0 (KiB)" "rss1 (KiB)" "bytes/key"
measure redis "$(command -v redis-server)"
measure kv "$kv_bin"
