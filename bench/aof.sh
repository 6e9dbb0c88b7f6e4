#!/usr/bin/env bash
# AOF benchmark: redis-benchmark SET throughput of kv-server and Debian's redis-server with the
# same AOF settings in the same run (appendonly no / everysec / always; -P 1 and -P 16), then the
# time and peak extra RSS of an AOF rewrite of 1M keys.
#
# Usage: bench/aof.sh BUILD_DIR [REQUESTS]   (REQUESTS default 200000; KEYS=1000000 for the rewrite;
#        ONLY_REWRITE=1 skips the throughput table; REPEAT=N runs each cell N times, alternating
#        the two servers, and reports median and best, which tames the noise of a shared 2-core
#        machine;
#        MODES="always" and PIPELINES="1" narrow the table, SKIP_REWRITE=1 skips the rewrite;
#        PIN=1 runs each server on CPU 1 and redis-benchmark on CPU 0, so neither server shares a
#        core with the client: on 2 cores, unpinned -P 1 figures swing with where the scheduler
#        happens to wake the server, next to the client or not)
set -euo pipefail
source "$(dirname "$0")/common.sh"  # free_port

BUILD_DIR=${1:?usage: bench/aof.sh BUILD_DIR [REQUESTS]}
REQUESTS=${2:-200000}
KEYS=${KEYS:-1000000}
REPEAT=${REPEAT:-1}
SERVER_CPU=() CLIENT_CPU=()
if [[ -n ${PIN:-} ]]; then SERVER_CPU=(taskset -c 1) CLIENT_CPU=(taskset -c 0); fi
KV=$BUILD_DIR/server/kv-server
[[ -x $KV ]] || { echo "no $KV" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "redis-server not installed" >&2; exit 1; }

TMP=$(mktemp -d /tmp/kvaofbench.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [[ -n $p ]] && kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT


wait_ready() {  # port
  for _ in $(seq 1 200); do
    if [[ $(redis-cli -p "$1" get __probe__ 2>/dev/null | head -c 7) != LOADING ]] &&
       redis-cli -p "$1" ping 2>/dev/null | grep -q PONG; then return 0; fi
    sleep 0.05
  done
  echo "server on $1 not ready" >&2; return 1
}

# start KIND MODE DIR -> sets PORT and PID
start() {
  local kind=$1 mode=$2 dir=$3
  mkdir -p "$dir"
  PORT=$(free_port)
  local aof=(--appendonly yes --appendfsync "$mode")
  [[ $mode == off ]] && aof=(--appendonly no)
  if [[ $kind == kv ]]; then
    "${SERVER_CPU[@]}" "$KV" --port "$PORT" --bind 127.0.0.1 --dir "$dir" "${aof[@]}" >"$dir/log" 2>&1 &
  else
    "${SERVER_CPU[@]}" redis-server --port "$PORT" --bind 127.0.0.1 --dir "$dir" --save "" \
      --aof-use-rdb-preamble no "${aof[@]}" >"$dir/log" 2>&1 &
  fi
  PID=$!
  PIDS+=("$PID")
  wait_ready "$PORT"
}

stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# CPU time (user + system, all threads) of process $1 in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }

# rps PORT PIPELINE -> "RPS CPU_US_PER_REQUEST". On a 2-core machine shared with the benchmark
# client, -P 1 throughput swings by +-20% from run to run with the scheduler; the server's own CPU
# time per request is the steadier measure of its cost.
rps() {
  local t0 t1 r
  t0=$(cpu_ticks "$PID")
  r=$("${CLIENT_CPU[@]}" redis-benchmark -p "$1" -t set -c 50 -n "$REQUESTS" -r 100000 -P "$2" -q --csv 2>/dev/null |
    awk -F'","' '/"SET"/ {gsub(/"/,"",$2); print int($2)}')
  t1=$(cpu_ticks "$PID")
  echo "$r $(awk -v d=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" -v n="$REQUESTS" \
    'BEGIN { printf "%.1f", d * 1e6 / hz / n }')"
}

if [[ -z ${ONLY_REWRITE:-} ]]; then
median() { tr ' ' '\n' | grep . | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
best() { tr ' ' '\n' | grep . | sort -n | tail -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

echo "== SET throughput (redis-benchmark -t set -c 50 -n $REQUESTS -r 100000), requests/s,"
echo "   median and best of $REPEAT runs, the two servers alternated"
echo "   (cpu us/req: the server's user+system CPU time per request, median of the runs)"
printf "%-10s %-3s %9s %9s %7s %9s %9s %7s %7s %7s\n" appendfsync P "kv med" "redis med" ratio \
  "kv best" "rd best" ratio "kv cpu" "rd cpu"
for mode in ${MODES:-off everysec always}; do
  for p in ${PIPELINES:-1 16}; do
    kv=() rd=() kv_cpu=() rd_cpu=()
    for run in $(seq 1 "$REPEAT"); do
      start kv "$mode" "$TMP/kv-$mode-$p-$run"; read -r r c < <(rps "$PORT" "$p"); stop "$PID"
      kv+=("$r") kv_cpu+=("$c")
      start redis "$mode" "$TMP/redis-$mode-$p-$run"; read -r r c < <(rps "$PORT" "$p"); stop "$PID"
      rd+=("$r") rd_cpu+=("$c")
      rm -rf "$TMP/kv-$mode-$p-$run" "$TMP/redis-$mode-$p-$run"
    done
    km=$(echo "${kv[*]}" | median) rm=$(echo "${rd[*]}" | median)
    kb=$(echo "${kv[*]}" | best) rb=$(echo "${rd[*]}" | best)
    printf "%-10s %-3s %9s %9s %7s %9s %9s %7s %7s %7s\n" "$mode" "$p" "$km" "$rm" "$(ratio "$km" "$rm")" \
      "$kb" "$rb" "$(ratio "$kb" "$rb")" "$(echo "${kv_cpu[*]}" | median)" \
      "$(echo "${rd_cpu[*]}" | median)"
  done
done
fi

[[ -n ${SKIP_REWRITE:-} ]] && exit 0

rss_kb() { awk '/VmRSS/ {v = $2} END {print v + 0}' "/proc/$1/status" 2>/dev/null || echo 0; }

echo
echo "== AOF rewrite of $KEYS keys (SET key:N value:N)"
for kind in kv redis; do
  dir="$TMP/rw-$kind"
  start "$kind" everysec "$dir"
  seq 1 "$KEYS" | awk '{k="key:" $1; v="value:" $1;
    printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(k), k, length(v), v}' |
    redis-cli -p "$PORT" --pipe >/dev/null
  manifest="$dir/appendonlydir/appendonly.aof.manifest"
  base_of() { awk '/type b/ {print $2}' "$manifest" 2>/dev/null; }
  before=$(base_of)
  rss0=$(rss_kb "$PID")
  peak=$rss0
  t0=$(date +%s.%N)
  redis-cli -p "$PORT" bgrewriteaof >/dev/null
  # Done when the manifest names a new base (it changes earlier too: the new incr file is listed
  # at the start of the rewrite, by Redis as by kv-server).
  while [[ "$(base_of)" == "$before" ]]; do
    r=$(rss_kb "$PID")
    # Redis rewrites in a forked child: count the child's RSS too (an upper bound, its pages are
    # shared copy-on-write with the parent).
    for c in $(pgrep -P "$PID" 2>/dev/null); do r=$((r + $(rss_kb "$c"))); done
    if (( r > peak )); then peak=$r; fi
    sleep 0.01
  done
  t1=$(date +%s.%N)
  base=$(awk '/type b/ {print $2}' "$manifest")
  extra="$(( (peak - rss0) / 1024 )) MB"
  if [[ $kind == redis ]]; then
    cow=$(redis-cli -p "$PORT" info persistence | awk -F: '/aof_last_cow_size/ {print int($2/1048576)}' | tr -d '\r')
    extra="$extra (parent+child RSS; aof_last_cow_size ${cow} MB)"
  fi
  printf "%-13s rewrite %.2f s, RSS before %d MB, peak extra %s, base %s (%d MB)\n" "$kind" \
    "$(echo "$t1 - $t0" | bc)" $((rss0 / 1024)) "$extra" "$base" \
    $(( $(stat -c %s "$dir/appendonlydir/$base") / 1048576 ))
  stop "$PID"
done
