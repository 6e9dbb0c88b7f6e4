#pragma once

// Per-key access bookkeeping for eviction, in the 32 bits Entry::access (Redis's robj.lru, 24 bits
// there). What the bits mean depends on maxmemory-policy, as in Redis:
//   LRU mode (every policy but the LFU ones): the time of the last access in 4 ms units, wrapping
//     after 198 days (Redis: seconds, wrapping after 194 days). Finer than Redis's 1 s resolution
//     so that approximate LRU still orders keys written within the same second.
//   LFU mode (allkeys-lfu, volatile-lfu): Redis's layout, (minutes of the last decrement << 8) |
//     logarithmic counter, with the same increment probability and decay.
// Switching modes at run time reinterprets the bits, as Redis does; OBJECT FREQ / IDLETIME say so.
//
// One AccessTracker per keyspace holds the mode, the LFU parameters and a cached clock that the
// dispatcher advances once per command; every DbTable reads it.

#include <atomic>
#include <cstdint>

namespace kv {

enum class AccessMode : uint8_t { kLru, kLfu };

class AccessTracker {
 public:
  static constexpr uint8_t kLfuInitVal = 5;  // Redis's LFU_INIT_VAL: a new key is not the victim

  AccessMode mode() const { return mode_.load(std::memory_order_relaxed); }
  void set_mode(AccessMode m) { mode_.store(m, std::memory_order_relaxed); }
  void set_lfu_log_factor(int f) { lfu_log_factor_.store(f, std::memory_order_relaxed); }
  void set_lfu_decay_time(int minutes) { lfu_decay_time_.store(minutes, std::memory_order_relaxed); }

  // Called once per command with its clock reading; stores only when the time moved, so threads
  // do not bounce the cache line on every command.
  void Tick(int64_t now_ms) {
    if (now_ms_.load(std::memory_order_relaxed) != now_ms) {
      now_ms_.store(now_ms, std::memory_order_relaxed);
    }
  }
  int64_t now_ms() const { return now_ms_.load(std::memory_order_relaxed); }

  // The stamp of a key just created.
  uint32_t NewStamp() const;
  // The stamp after an access; `random` is a uniform 64-bit draw (LFU's probabilistic increment).
  uint32_t Touched(uint32_t stamp, uint64_t random) const;
  // LRU mode: milliseconds since the stamp's access.
  uint64_t IdleMs(uint32_t stamp) const;
  // LFU mode: the counter after decay (what OBJECT FREQ answers and eviction compares).
  uint8_t LfuCounter(uint32_t stamp) const;

 private:
  uint32_t LruClock() const { return static_cast<uint32_t>(now_ms() / 4); }
  uint16_t Minutes() const { return static_cast<uint16_t>(now_ms() / 60000); }

  std::atomic<AccessMode> mode_{AccessMode::kLru};
  std::atomic<int> lfu_log_factor_{10};
  std::atomic<int> lfu_decay_time_{1};
  std::atomic<int64_t> now_ms_{0};
};

}  // namespace kv
