#!/usr/bin/env bash
# Throughput and latency of kv-server next to redis-server, measured by redis-benchmark.
#
#   bench/run.sh BUILD_DIR [--quick | --requests N] [--repeat N] [--suite strings|types|all]
#                [--tests LIST] [--pipelines "1 16"]
#
# Starts both servers on free loopback ports with the same flags (--save "" --appendonly no), runs
# `redis-benchmark --csv -c 50 -n 1000000 -r 100000` at -P 1 and -P 16 against each, one after the
# other, and prints rps, kv/redis ratio and p50/p99 latencies (ms). Suites: strings (default) runs
# set,get,incr,mset; types runs lpush,lpop,sadd,hset,zadd,lrange_100 and ZRANGE 0 99 WITHSCORES of
# a 1000-member sorted set seeded first; all runs both; --tests set,get runs just those (no ZRANGE).
# --pipelines "16" measures only -P 16. --quick uses -n 100000. --repeat N runs every measurement N
# times (alternating servers) and keeps the best rps of each, which tames the noise of a shared
# machine. KV_SERVER=redis-server compares
# Redis with itself (checks the script). BASELINE_SERVER=path/to/kv-server puts another binary in
# redis-server's place (the table then says "base"): before/after a change, in the same run.
# Raw CSVs are kept in BUILD_DIR/bench-results/.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

build_dir=""
requests=1000000
repeat=1
suite=strings
only_tests=""
pipelines="1 16"
while (($#)); do
  case "$1" in
    --quick) requests=100000 ;;
    --requests) requests=$2; shift ;;  # the smoke test in make test runs a tiny -n
    --repeat) repeat=$2; shift ;;
    --suite) suite=$2; shift ;;
    --tests) only_tests=$2; shift ;;
    --pipelines) pipelines=$2; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) build_dir=$1 ;;
  esac
  shift
done
if [[ -z "$build_dir" ]]; then
  echo "usage: bench/run.sh BUILD_DIR [--quick] [--repeat N] [--suite strings|types|all]" >&2
  exit 2
fi
for tool in redis-server redis-benchmark redis-cli; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/install-deps.sh)" >&2; exit 1; }
done
kv_bin=$(resolve_kv_server "$build_dir")
trap stop_all_servers EXIT

base_label=redis
base_bin=$(command -v redis-server)
if [[ -n "${BASELINE_SERVER:-}" ]]; then base_label=base; base_bin=$BASELINE_SERVER; fi
start_server redis "$base_bin" || exit 1
redis_port=$STARTED_PORT
start_server kv "$kv_bin" || exit 1
kv_port=$STARTED_PORT

out_dir="$build_dir/bench-results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out_dir"
echo "bench: $base_bin on :$redis_port, $kv_bin on :$kv_port, -n $requests, results in $out_dir" >&2

case "$suite" in
  strings) tests=set,get,incr,mset; zrange=0 ;;
  types) tests=lpush,lpop,sadd,hset,zadd,lrange_100; zrange=1 ;;
  all) tests=set,get,incr,mset,lpush,lpop,sadd,hset,zadd,lrange_100; zrange=1 ;;
  *) echo "bench: unknown suite '$suite' (strings, types, all)" >&2; exit 2 ;;
esac
if [[ -n "$only_tests" ]]; then tests=$only_tests; zrange=0; fi
zrange_cmd=(ZRANGE zbench 0 99 WITHSCORES)
if ((zrange)); then
  members=()
  for i in $(seq 1 1000); do members+=("$i" "member:$i"); done
  for port in "$redis_port" "$kv_port"; do
    redis-cli -h 127.0.0.1 -p "$port" ZADD zbench "${members[@]}" >/dev/null
  done
fi

for run in $(seq 1 "$repeat"); do
  for pipeline in $pipelines; do
    for side in redis kv; do
      port=$redis_port
      [[ $side == kv ]] && port=$kv_port
      echo "bench: run $run/$repeat, $side -P $pipeline ..." >&2
      redis-benchmark -h 127.0.0.1 -p "$port" --csv -c 50 -n "$requests" -r 100000 \
        -P "$pipeline" -t "$tests" >"$out_dir/$side-P$pipeline-run$run.csv"
      if ((zrange)); then  # a custom command: its CSV row is named after the command line
        redis-benchmark -h 127.0.0.1 -p "$port" --csv -c 50 -n "$requests" -P "$pipeline" \
          "${zrange_cmd[@]}" | tail -n +2 >>"$out_dir/$side-P$pipeline-run$run.csv"
      fi
    done
  done
done

# CSV columns of redis-benchmark 7: test,rps,avg,min,p50,p95,p99,max (latencies in ms).
/usr/bin/python3 - "$out_dir" "$base_label" <<'PY'
import csv, pathlib, sys
out = pathlib.Path(sys.argv[1])
base = sys.argv[2]
def load(prefix):
    """Best run (highest rps) of each test over the repeated runs."""
    best = {}
    for path in sorted(out.glob(prefix + "-run*.csv")):
        with open(path) as f:
            for row in csv.DictReader(f):
                if row["test"] not in best or float(row["rps"]) > float(best[row["test"]]["rps"]):
                    best[row["test"]] = row
    return best
header = ("test", "P", f"{base} rps", "kv rps", f"kv/{base}", f"{base} p50", f"{base} p99", "kv p50",
          "kv p99")
rows = []
for p in sorted({int(path.name.split("-P")[1].split("-")[0]) for path in out.glob("*-P*-run*.csv")}):
    r, k = load(f"redis-P{p}"), load(f"kv-P{p}")
    for test in r:
        if test not in k:
            rows.append((test, p, r[test]["rps"], "missing", "-", r[test]["p50_latency_ms"],
                         r[test]["p99_latency_ms"], "-", "-"))
            continue
        ratio = float(k[test]["rps"]) / float(r[test]["rps"]) if float(r[test]["rps"]) else 0.0
        rows.append((test, p, "%.0f" % float(r[test]["rps"]), "%.0f" % float(k[test]["rps"]),
                     "%.2f" % ratio, r[test]["p50_latency_ms"], r[test]["p99_latency_ms"],
                     k[test]["p50_latency_ms"], k[test]["p99_latency_ms"]))
widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
for line in [header] + rows:
    print("  ".join(str(x).rjust(w) if i else str(x).ljust(w) for i, (x, w) in enumerate(zip(line, widths))))
PY
