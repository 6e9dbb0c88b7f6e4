// ZSet micro-benchmarks: ZADD of 1M random members, rank lookups and 10-element range reads.
// Run: ninja -C build zset_bench && ./build/bench/zset_bench

#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "server/db/zset.h"

namespace {

constexpr size_t kMembers = 1'000'000;

std::vector<std::string> MakeMembers(size_t n) {
  std::vector<std::string> out;
  out.reserve(n);
  std::mt19937_64 rng(12345);
  for (size_t i = 0; i < n; ++i) out.push_back("member:" + std::to_string(rng()));
  return out;
}

const std::vector<std::string>& Members() {
  static const std::vector<std::string> members = MakeMembers(kMembers);
  return members;
}

const kv::ZSet& Filled() {
  static const kv::ZSet zset = [] {
    kv::ZSet z;
    std::mt19937_64 rng(1);
    std::uniform_real_distribution<double> score(0, 1e6);
    for (const auto& m : Members()) z.Add(m, score(rng));
    return z;
  }();
  return zset;
}

void BM_ZAdd1M(benchmark::State& state) {
  const auto& members = Members();
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> score(0, 1e6);
  for (auto _ : state) {
    kv::ZSet z;
    for (const auto& m : members) z.Add(m, score(rng));
    benchmark::DoNotOptimize(z.size());
    state.counters["MB"] = static_cast<double>(z.MemoryUsage()) / (1 << 20);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * members.size()));
}
BENCHMARK(BM_ZAdd1M)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_Rank(benchmark::State& state) {
  const kv::ZSet& z = Filled();
  const auto& members = Members();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(z.Rank(members[i]));
    i = (i + 7919) % members.size();
  }
}
BENCHMARK(BM_Rank);

void BM_Score(benchmark::State& state) {
  const kv::ZSet& z = Filled();
  const auto& members = Members();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(z.Score(members[i]));
    i = (i + 7919) % members.size();
  }
}
BENCHMARK(BM_Score);

void BM_RangeByRank10(benchmark::State& state) {
  const kv::ZSet& z = Filled();
  size_t start = 0;
  double sum = 0;
  for (auto _ : state) {
    z.RangeByRank(start, start + 9, false, [&sum](std::string_view, double s) { sum += s; });
    start = (start + 7919) % (kMembers - 10);
  }
  benchmark::DoNotOptimize(sum);
}
BENCHMARK(BM_RangeByRank10);

void BM_RangeByScore10(benchmark::State& state) {
  const kv::ZSet& z = Filled();
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> score(0, 1e6);
  double sum = 0;
  for (auto _ : state) {
    kv::ZScoreRange r{score(rng), 1e6, false, false};
    z.RangeByScore(r, false, 0, 10, [&sum](std::string_view, double s) { sum += s; });
  }
  benchmark::DoNotOptimize(sum);
}
BENCHMARK(BM_RangeByScore10);

void BM_CountInScoreRange(benchmark::State& state) {
  const kv::ZSet& z = Filled();
  std::mt19937_64 rng(4);
  std::uniform_real_distribution<double> score(0, 1e6);
  for (auto _ : state) {
    double a = score(rng);
    benchmark::DoNotOptimize(z.CountInScoreRange(kv::ZScoreRange{a, a + 1000, false, false}));
  }
}
BENCHMARK(BM_CountInScoreRange);

}  // namespace

BENCHMARK_MAIN();
