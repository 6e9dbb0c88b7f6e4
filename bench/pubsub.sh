#!/usr/bin/env bash
# Pub/sub fan-out: one publisher pipelining PUBLISH (-P 16) to 1, 10 and 50 subscribers of one
# channel, against kv-server and redis-server in the same run; reports messages delivered per
# second (published x subscribers / time until the last subscriber has them all) and the ratio.
#
#   bench/pubsub.sh BUILD_DIR [--messages N] [--repeat N]   (default 100000 messages, best of 1)
#
# The load generator is BUILD_DIR/bench/pubsub_fanout (bench/pubsub_fanout.cc).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

build_dir=""
messages=100000
repeat=1
while (($#)); do
  case "$1" in
    --messages) messages=$2; shift ;;
    --repeat) repeat=$2; shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) build_dir=$1 ;;
  esac
  shift
done
[[ -n "$build_dir" ]] || { echo "usage: bench/pubsub.sh BUILD_DIR [--messages N] [--repeat N]" >&2; exit 2; }
fanout=$build_dir/bench/pubsub_fanout
[[ -x "$fanout" ]] || { echo "bench: $fanout missing (ninja -C $build_dir pubsub_fanout)" >&2; exit 1; }
kv_bin=$(resolve_kv_server "$build_dir")
trap stop_all_servers EXIT

start_server redis "$(command -v redis-server)" || exit 1
redis_port=$STARTED_PORT
start_server kv "$kv_bin" || exit 1
kv_port=$STARTED_PORT

# best SIDE SUBSCRIBERS -> the best delivered/s over the repeats
best() {
  local port=$1 subs=$2 best=0 rate
  for _ in $(seq 1 "$repeat"); do
    rate=$("$fanout" --port "$port" --subscribers "$subs" --messages "$messages" | cut -d, -f6)
    ((rate > best)) && best=$rate
  done
  echo "$best"
}

printf '%-12s %14s %14s %9s\n' subscribers "redis msg/s" "kv msg/s" kv/redis
for subs in 1 10 50; do
  redis_rate=$(best "$redis_port" "$subs")
  kv_rate=$(best "$kv_port" "$subs")
  ratio=$(/usr/bin/python3 -c "print('%.2f' % ($kv_rate / $redis_rate))")
  printf '%-12s %14s %14s %9s\n' "$subs" "$redis_rate" "$kv_rate" "$ratio"
done
