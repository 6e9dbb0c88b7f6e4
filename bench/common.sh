# Shared helpers for bench/*.sh: start and stop servers on free loopback ports.
# Sourced, not run. Every server started here is stopped by stop_all_servers (trap it on EXIT).

SERVER_PIDS=()
SERVER_DIRS=()

free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_server NAME BINARY -> sets STARTED_PID and STARTED_PORT; the flags are the same for both
# servers. Call it directly, not in $(...) or <(...): in a subshell the pid would not reach
# SERVER_PIDS and stop_all_servers would leave the server running.
start_server() {
  local name=$1 bin=$2 port dir pid
  for _ in 1 2 3; do
    port=$(free_port)
    dir=$(mktemp -d "/tmp/kvbench-$name-XXXXXX")
    "$bin" --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" \
      >"$dir/server.log" 2>&1 &
    pid=$!
    SERVER_PIDS+=("$pid")
    SERVER_DIRS+=("$dir")
    for _ in $(seq 1 100); do  # up to 10 s
      if ! kill -0 "$pid" 2>/dev/null; then break; fi
      if [[ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" == "PONG" ]]; then
        STARTED_PID=$pid
        STARTED_PORT=$port
        return 0
      fi
      sleep 0.1
    done
    echo "bench: $name ($bin) did not start on port $port; log:" >&2
    tail -n 20 "$dir/server.log" >&2
    stop_pid "$pid"
  done
  return 1
}

# stop_pid PID: SIGTERM, then SIGKILL after 5 s.
stop_pid() {
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

stop_all_servers() {
  local pid dir
  for pid in "${SERVER_PIDS[@]}"; do stop_pid "$pid"; done
  for dir in "${SERVER_DIRS[@]}"; do rm -rf "$dir"; done
}

# resolve_kv_server BUILD_DIR: $KV_SERVER wins (e.g. KV_SERVER=redis-server to check the scripts
# themselves), else BUILD_DIR/server/kv-server.
resolve_kv_server() {
  local bin=${KV_SERVER:-$1/server/kv-server}
  if [[ "$bin" != */* ]]; then bin=$(command -v "$bin" || true); fi
  if [[ -z "$bin" || ! -x "$bin" ]]; then
    echo "bench: kv-server not found (looked for ${KV_SERVER:-$1/server/kv-server});" \
      "build it or set KV_SERVER" >&2
    return 1
  fi
  echo "$bin"
}
