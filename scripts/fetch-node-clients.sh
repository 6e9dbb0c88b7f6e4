#!/usr/bin/env bash
# Installs the Node.js Redis clients the integration tests drive (ioredis) from the npm registry
# into <build-dir>/node, once. Idempotent; exits 0 without them when npm or the registry is not
# reachable (the tests that need them then fail and say why).
set -uo pipefail
build_dir=${1:-build}
prefix="$build_dir/node"
packages=(ioredis@5)

if [[ -d "$prefix/node_modules/ioredis" ]]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "fetch-node-clients: npm not found (apt-get install npm); Node.js client tests will fail" >&2
  exit 0
fi
mkdir -p "$prefix"
if ! timeout 300 npm install --silent --no-audit --no-fund --prefix "$prefix" "${packages[@]}"; then
  echo "fetch-node-clients: npm install failed; Node.js client tests will fail" >&2
fi
exit 0
