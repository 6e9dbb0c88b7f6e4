#!/usr/bin/env bash
# Runs every test suite against an already built tree: unit and integration tests through CTest.
set -euo pipefail
build_dir=${1:-build}
bash "$(dirname "$0")/fetch-node-clients.sh" "$build_dir"
ctest --test-dir "$build_dir" --output-on-failure --timeout 600 -j 2
