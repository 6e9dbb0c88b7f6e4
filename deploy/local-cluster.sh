#!/usr/bin/env bash
# Starts an N-node kvcache cluster on this machine, all on 127.0.0.1, to try the cluster without
# Kubernetes: node 0 bootstraps the ring, kvctl adds the others.
#
#   deploy/local-cluster.sh 3            # or: make cluster NODES=3
#   redis-cli -c -p 30001 set greeting hello
#   build/ctl/kvctl --addr 127.0.0.1:31001 status
#   deploy/local-cluster.sh stop
#
# Node i listens for RESP on BASE_PORT+i and for admin/peers on BASE_PORT+1000+i (BASE_PORT
# defaults to 30001). Data, logs and pid files go to CLUSTER_DIR (default /tmp/kvcache-cluster);
# BUILD_DIR (default build) holds kv-server and kvctl.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
build_dir=${BUILD_DIR:-$repo/build}
cluster_dir=${CLUSTER_DIR:-/tmp/kvcache-cluster}
base_port=${BASE_PORT:-30001}
kv_server=${KV_SERVER:-$build_dir/server/kv-server}
kvctl=${KVCTL:-$build_dir/ctl/kvctl}

usage() {
  echo "usage: $0 N (1-16 nodes) | stop" >&2
  exit 2
}

stop_cluster() {
  local pidfile pid
  for pidfile in "$cluster_dir"/node-*/kv-server.pid; do
    [[ -f $pidfile ]] || continue
    pid=$(<"$pidfile")
    if kill "$pid" 2>/dev/null; then echo "stopped node $(basename "$(dirname "$pidfile")") (pid $pid)"; fi
    rm -f "$pidfile"
  done
}

resp_port() { echo $((base_port + $1)); }
admin_port() { echo $((base_port + 1000 + $1)); }

# Polls the node's gRPC health service until it reports SERVING.
wait_serving() {
  local i=$1 deadline=$((SECONDS + 30))
  until "$kvctl" --addr "127.0.0.1:$(admin_port "$i")" --timeout 1 health >/dev/null 2>&1; do
    if ((SECONDS > deadline)); then
      echo "node $i is not SERVING after 30 s; its log:" >&2
      tail -n 20 "$cluster_dir/node-$i/kv-server.log" >&2
      exit 1
    fi
    sleep 0.2
  done
}

start_node() {
  local i=$1
  local dir="$cluster_dir/node-$i" join=()
  mkdir -p "$dir"
  # Node 0 bootstraps a ring of one; the others join it through its admin (peer) port.
  ((i > 0)) && join=(--cluster-join "127.0.0.1:$(admin_port 0)")
  "$kv_server" --bind 127.0.0.1 --port "$(resp_port "$i")" --dir "$dir" --appendonly yes \
    --admin-bind 127.0.0.1 --admin-port "$(admin_port "$i")" \
    --cluster-enabled yes "${join[@]}" \
    --cluster-announce-ip 127.0.0.1 --cluster-announce-port "$(resp_port "$i")" \
    --cluster-announce-admin-port "$(admin_port "$i")" \
    >"$dir/kv-server.log" 2>&1 &
  echo $! >"$dir/kv-server.pid"
}

# Every node reports cluster_state:ok with all N members known.
wait_ring() {
  local deadline=$((SECONDS + 60)) i info
  for ((i = 0; i < nodes; i++)); do
    until info=$(redis-cli -p "$(resp_port "$i")" CLUSTER INFO 2>/dev/null) &&
      [[ $info == *cluster_state:ok* && $info == *"cluster_known_nodes:$nodes"* ]]; do
      if ((SECONDS > deadline)); then
        echo "node $i did not join the ring in 60 s; its log:" >&2
        tail -n 20 "$cluster_dir/node-$i/kv-server.log" >&2
        exit 1
      fi
      sleep 0.2
    done
  done
}

[[ $# -eq 1 ]] || usage
if [[ $1 == stop ]]; then
  stop_cluster
  exit 0
fi
[[ $1 =~ ^[0-9]+$ ]] && (($1 >= 1 && $1 <= 16)) || usage
nodes=$1
for binary in "$kv_server" "$kvctl"; do
  [[ -x $binary ]] || { echo "$binary not found: build first (make build)" >&2; exit 1; }
done
# Read the whole help first: `grep -q` quits at the first match and, under pipefail, the writer's
# SIGPIPE would fail the check.
help_text=$("$kv_server" --help 2>&1)
if [[ $help_text != *cluster-enabled* ]]; then
  echo "this kv-server has no cluster mode yet (cluster-enabled)" >&2
  exit 1
fi

stop_cluster
# Peers authenticate each other with the cluster secret; loopback only, so a fresh one each run.
KVCACHE_CLUSTER_SECRET=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
export KVCACHE_CLUSTER_SECRET
start_node 0
wait_serving 0
for ((i = 1; i < nodes; i++)); do start_node "$i"; done
wait_ring
if [[ $("$kvctl" --help 2>&1) == *$'\n  status '* ]]; then
  "$kvctl" --addr "127.0.0.1:$(admin_port 0)" status
else
  redis-cli -p "$(resp_port 0)" CLUSTER NODES
fi
echo
echo "RESP ports $(resp_port 0)..$(resp_port $((nodes - 1))), admin $(admin_port 0)..$(admin_port $((nodes - 1)))"
echo "try: redis-cli -c -p $(resp_port 0) set greeting hello"
echo "stop: $0 stop"
