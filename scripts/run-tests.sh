#!/usr/bin/env bash
# Runs every test suite against an already built tree: unit and integration tests through CTest.
set -euo pipefail
build_dir=${1:-build}
ctest --test-dir "$build_dir" --output-on-failure --timeout 600 -j 2
