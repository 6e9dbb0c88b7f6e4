#pragma once

// Used memory for maxmemory, cheap enough to read before every command: the allocator's count
// (UsedMemory(): jemalloc's stats.allocated) costs ~20 us to refresh, so it is re-read at most
// every kRefreshMs; meanwhile what eviction freed is subtracted and what writes brought (their
// argument bytes) added. Both are estimates, and each refresh replaces them with the measure.

#include <atomic>
#include <cstdint>
#include <mutex>

namespace kv {

class MemoryMeter {
 public:
  static constexpr int64_t kRefreshMs = 5;

  int64_t Used(int64_t now_ms);
  // Eviction freed (or handed to the background freer) about `bytes` since the last refresh.
  void NoteFreed(int64_t bytes) { changed_since_.fetch_sub(bytes, std::memory_order_relaxed); }
  // A write may add about `bytes` (its arguments): counted until the next refresh measures it.
  void NoteGrowth(int64_t bytes) { changed_since_.fetch_add(bytes, std::memory_order_relaxed); }
  // Returns the calling thread's cached free blocks to jemalloc, whose count still includes them
  // until then: after evicting, so that the next refresh sees the memory as free.
  static void FlushThreadCache();

 private:
  std::mutex refresh_mu_;  // one refreshing thread; the others use the previous reading
  std::atomic<int64_t> allocated_{0};
  std::atomic<int64_t> changed_since_{0};  // growth minus frees noted since the refresh
  std::atomic<int64_t> refreshed_at_ms_{INT64_MIN / 2};
};

}  // namespace kv
