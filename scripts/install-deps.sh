#!/usr/bin/env bash
# Installs the Debian packages kvcache needs to build, test and benchmark.
# Idempotent: apt-get runs only when a package is missing, and `apt-get update` at most once.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  clang libclang-rt-14-dev
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libboost-dev libspdlog-dev libfmt-dev nlohmann-json3-dev libabsl-dev libxxhash-dev
  libjemalloc-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  redis-server redis-tools
  python3-pytest python3-redis python3-grpcio python3-yaml python3-prometheus-client
  openssl strace libssl-dev
  liblua5.1-0-dev lua-cjson-dev lua-bitop-dev
  nodejs
)
# npm: Debian packages it apart from nodejs; NodeSource's nodejs (this machine's) ships it inside.
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

# Debian starts redis-server as a service on install; tests start their own instances on free ports.
if command -v systemctl >/dev/null 2>&1; then
  $SUDO systemctl disable --now redis-server >/dev/null 2>&1 || true
fi
