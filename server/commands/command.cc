#include "server/commands/command.h"

#include <bit>
#include <cmath>

namespace kv {

void CommandSpec::KeyIndices(ArgList args, KeyIndexVec* out) const {
  out->clear();
  if (key_indices != nullptr) {
    key_indices(args, out);
    return;
  }
  if (first_key <= 0) return;
  int argc = static_cast<int>(args.size());
  int last = last_key < 0 ? argc + last_key : last_key;
  for (int i = first_key; i <= last && i < argc; i += key_step) out->push_back(static_cast<size_t>(i));
}

void CommandStats::Record(uint64_t us) {
  calls.fetch_add(1, std::memory_order_relaxed);
  usec.fetch_add(us, std::memory_order_relaxed);
  size_t bucket = 0;
  if (us > 0) {
    // Quarter-octave buckets: 4 * log2(us), computed without floating point on the hot path.
    int log2 = 63 - std::countl_zero(us);
    uint64_t frac = log2 >= 2 ? (us >> (log2 - 2)) & 3 : (us << (2 - log2)) & 3;
    bucket = static_cast<size_t>(log2) * 4 + frac + 1;
  }
  if (bucket >= kBuckets) bucket = kBuckets - 1;
  latency[bucket].fetch_add(1, std::memory_order_relaxed);
}

uint64_t CommandStats::PercentileMicros(double p) const {
  uint64_t total = 0;
  for (const auto& b : latency) total += b.load(std::memory_order_relaxed);
  if (total == 0) return 0;
  uint64_t target = static_cast<uint64_t>(std::ceil(p / 100.0 * static_cast<double>(total)));
  uint64_t seen = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    seen += latency[i].load(std::memory_order_relaxed);
    if (seen >= target && seen > 0) {
      if (i == 0) return 0;
      // Upper bound of the bucket.
      size_t log2 = (i - 1) / 4, frac = (i - 1) % 4;
      return (uint64_t{1} << log2) + ((uint64_t{1} << log2) * (frac + 1)) / 4;
    }
  }
  return 0;
}

}  // namespace kv
