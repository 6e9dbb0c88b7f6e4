#!/usr/bin/env bash
# The integration suite against a sanitizer build of kv-server (CI runs the ASan/UBSan one after
# `make test`). Usage: scripts/run-sanitized-tests.sh asan|tsan [build-dir]
#   asan: AddressSanitizer + UndefinedBehaviorSanitizer (non-recoverable) + LeakSanitizer
#   tsan: ThreadSanitizer (the cluster work runs it before it lands)
# The sanitizers write to the server's stderr, which the harness keeps as the node's log and scans:
# any report fails the test that ran the node (tests/integration/harness.py, FATAL_LINE).
set -euo pipefail
kind=${1:?asan or tsan}
build_dir=${2:-build-$kind}
case $kind in
  asan) flags=(-DKV_SANITIZE=ON) ;;
  # TSan replaces the allocator, so no jemalloc.
  tsan) flags=(-DKV_TSAN=ON -DKV_USE_JEMALLOC=OFF) ;;
  *) echo "usage: $0 asan|tsan [build-dir]" >&2; exit 2 ;;
esac
# Sanitizer builds compile the gRPC admin plane out (gRPC itself is not instrumented); the
# admin-plane suites are not registered there.
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKV_BUILD_ADMIN=OFF \
  "${flags[@]}" >/dev/null
cmake --build "$build_dir" --target kv-server

export KV_SANITIZER=$kind  # tests that know a sanitizer-only defect mark it (strict xfail)
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=66
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# detect_deadlocks=0: commands that lock all 64 shards exceed TSan's 64-lock bookkeeping.
export TSAN_OPTIONS=detect_deadlocks=0:halt_on_error=0:exitcode=66
ctest --test-dir "$build_dir" -L integration --output-on-failure --timeout 900 -j 2
