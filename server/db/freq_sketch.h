#pragma once

// TinyLFU's frequency sketch (Einziger, Friedman, Manes: "TinyLFU: A Highly Efficient Cache
// Admission Policy", 2017; Caffeine's FrequencySketch): a count-min sketch of 4-bit counters, four
// rows, that estimates how often a key was requested recently — resident or not, since misses
// count too. Every `10 * width` increments all counters halve, so the estimate follows a shifting
// popularity instead of remembering the past forever.
//
// Memory: width / 2 bytes per row, four rows: 2 bytes per counted key at width = keys.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace kv {

class FrequencySketch {
 public:
  static constexpr uint8_t kMaxCount = 15;

  // `width` counters per row, rounded up to a power of two (at least 64).
  explicit FrequencySketch(size_t width);

  // Counts one request for the key with hash `hash` (conservative update: only the counters at
  // the current minimum grow, which keeps the overestimate of rare keys low).
  void Increment(uint64_t hash);
  // Requests counted for the key since the last halvings, 0..15 (an overestimate, never under).
  uint8_t Estimate(uint64_t hash) const;
  size_t width() const { return width_; }
  size_t memory_bytes() const { return words_.size() * sizeof(uint64_t); }

 private:
  static constexpr int kRows = 4;
  // The counter index of row `row` for `hash`.
  size_t Index(uint64_t hash, int row) const;
  uint8_t Get(size_t index) const;
  void Halve();

  size_t width_;
  int shift_;  // 64 - log2(width_)
  std::vector<uint64_t> words_;  // 16 counters of 4 bits per word, rows one after the other
  size_t additions_ = 0;
  size_t sample_size_;  // additions between two halvings
};

}  // namespace kv
