#pragma once

// The instantaneous_* figures of INFO stats, as Redis's trackInstantaneousMetric: the server cron
// samples running totals on every tick; a rate is the mean of the last kSamples per-tick rates.
// Thread-safe: the cron writes, INFO reads from any thread.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>

namespace kv {

class StatsSampler {
 public:
  enum Metric : size_t { kOps = 0, kNetInput, kNetOutput, kNumMetrics };
  using Totals = std::array<uint64_t, kNumMetrics>;

  void Sample(int64_t now_ms, const Totals& totals) {
    std::lock_guard lock(mu_);
    for (size_t m = 0; m < kNumMetrics; ++m) {
      Track& t = tracks_[m];
      if (t.last_ms != 0 && now_ms > t.last_ms) {
        double per_sec = static_cast<double>(totals[m] - t.last_value) * 1000.0 /
                         static_cast<double>(now_ms - t.last_ms);
        t.samples[t.next] = per_sec;
        t.next = (t.next + 1) % kSamples;
      }
      t.last_ms = now_ms;
      t.last_value = totals[m];
    }
  }

  double PerSecond(Metric m) const {
    std::lock_guard lock(mu_);
    double sum = 0;
    for (double s : tracks_[m].samples) sum += s;
    return sum / kSamples;
  }

  // Highest used_memory seen by INFO or the cron.
  uint64_t NotePeakMemory(uint64_t used) {
    uint64_t peak = peak_memory_.load(std::memory_order_relaxed);
    while (used > peak && !peak_memory_.compare_exchange_weak(peak, used)) {
    }
    return std::max(peak, used);
  }
  void ResetPeakMemory() { peak_memory_.store(0, std::memory_order_relaxed); }

 private:
  static constexpr size_t kSamples = 16;
  struct Track {
    int64_t last_ms = 0;
    uint64_t last_value = 0;
    double samples[kSamples] = {};
    size_t next = 0;
  };
  mutable std::mutex mu_;
  Track tracks_[kNumMetrics];
  std::atomic<uint64_t> peak_memory_{0};
};

}  // namespace kv
