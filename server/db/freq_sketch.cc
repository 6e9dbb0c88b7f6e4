#include "server/db/freq_sketch.h"

#include <algorithm>
#include <bit>

namespace kv {

namespace {
// Odd multipliers (from Caffeine's sketch seeds): multiplying spreads every bit of the hash into
// the top bits, which pick the column of each row independently.
constexpr uint64_t kSeeds[4] = {0xc3a5c85c97cb3127ULL, 0xb492b66fbe98f273ULL,
                                0x9ae16a3b2f90404fULL, 0xcbf29ce484222325ULL};
}  // namespace

FrequencySketch::FrequencySketch(size_t width)
    : width_(std::bit_ceil(std::max<size_t>(width, 64))),
      shift_(64 - std::countr_zero(width_)),
      words_(kRows * width_ / 16),
      sample_size_(10 * width_) {}

size_t FrequencySketch::Index(uint64_t hash, int row) const {
  return static_cast<size_t>(row) * width_ + static_cast<size_t>((hash * kSeeds[row]) >> shift_);
}

uint8_t FrequencySketch::Get(size_t index) const {
  return static_cast<uint8_t>((words_[index / 16] >> ((index % 16) * 4)) & 0xf);
}

uint8_t FrequencySketch::Estimate(uint64_t hash) const {
  uint8_t m = kMaxCount;
  for (int row = 0; row < kRows; ++row) m = std::min(m, Get(Index(hash, row)));
  return m;
}

void FrequencySketch::Increment(uint64_t hash) {
  size_t idx[kRows];
  uint8_t m = kMaxCount;
  for (int row = 0; row < kRows; ++row) {
    idx[row] = Index(hash, row);
    m = std::min(m, Get(idx[row]));
  }
  if (m == kMaxCount) return;
  for (size_t i : idx) {
    if (Get(i) == m) words_[i / 16] += uint64_t{1} << ((i % 16) * 4);
  }
  if (++additions_ >= sample_size_) Halve();
}

void FrequencySketch::Halve() {
  // Every 4-bit counter shifted right by one: the bit shifted in from the neighbour is masked off.
  for (uint64_t& w : words_) w = (w >> 1) & 0x7777777777777777ULL;
  additions_ /= 2;
}

}  // namespace kv
