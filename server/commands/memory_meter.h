#pragma once

// Used memory for maxmemory, cheap enough to read before every command: the allocator's count
// (UsedMemory(): jemalloc's stats.allocated) costs ~20 us to refresh, so it is re-read at most
// every kRefreshMs; meanwhile what eviction freed is subtracted and what writes brought (their
// argument bytes) added. Both are estimates, and each refresh replaces them with the measure.
//
// Memory that maxmemory does not count (the AOF's buffers, as Redis's
// freeMemoryGetNotCountedMemory) is read at the same refresh: subtracting a live reading from a
// 5 ms old one made the AOF writer's release of its 64 MB copy look like 64 MB of keys, and
// eviction emptied the keyspace.

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>

namespace kv {

// The allocator's count and the bytes maxmemory leaves out of it, read at one instant.
struct MemoryReading {
  int64_t allocated = 0;
  int64_t not_counted = 0;
  int64_t counted() const { return allocated - not_counted; }
};

class MemoryMeter {
 public:
  static constexpr int64_t kRefreshMs = 5;

  explicit MemoryMeter(std::function<int64_t()> not_counted = {})
      : not_counted_(std::move(not_counted)) {}

  // Allocated bytes less the not-counted ones.
  int64_t Used(int64_t now_ms);
  // A fresh reading (for INFO: used_memory and mem_aof_buffer from one instant).
  static MemoryReading Read(const std::function<int64_t()>& not_counted);
  // Eviction freed (or handed to the background freer) about `bytes` since the last refresh.
  void NoteFreed(int64_t bytes) { changed_since_.fetch_sub(bytes, std::memory_order_relaxed); }
  // A write may add about `bytes` (its arguments): counted until the next refresh measures it.
  void NoteGrowth(int64_t bytes) { changed_since_.fetch_add(bytes, std::memory_order_relaxed); }
  // Returns the calling thread's cached free blocks to jemalloc, whose count still includes them
  // until then: after evicting, so that the next refresh sees the memory as free.
  static void FlushThreadCache();

 private:
  const std::function<int64_t()> not_counted_;
  std::mutex refresh_mu_;  // one refreshing thread; the others use the previous reading
  std::atomic<int64_t> allocated_{0};
  std::atomic<int64_t> changed_since_{0};  // growth minus frees noted since the refresh
  std::atomic<int64_t> refreshed_at_ms_{INT64_MIN / 2};
};

}  // namespace kv
