#include "server/commands/memory_meter.h"

#include "server/commands/server_info.h"

#include <algorithm>

// Resolved only when jemalloc is linked in (see info_family.cc).
extern "C" int mallctl(const char* name, void* oldp, size_t* oldlenp, void* newp, size_t newlen)
    __attribute__((weak));

namespace kv {

void MemoryMeter::FlushThreadCache() {
  if (mallctl != nullptr) mallctl("thread.tcache.flush", nullptr, nullptr, nullptr, 0);
}

MemoryReading MemoryMeter::Read(const std::function<int64_t()>& not_counted) {
  if (!not_counted) return {static_cast<int64_t>(UsedMemory()), 0};
  // Re-read when the not-counted bytes moved meanwhile (the AOF writer grew or released its
  // buffers between the two readings); a buffer is counted before it is allocated, so the larger
  // of two differing readings never leaves a live buffer counted as keys.
  int64_t excluded = not_counted();
  for (int attempt = 0;; ++attempt) {
    const auto allocated = static_cast<int64_t>(UsedMemory());
    const int64_t after = not_counted();
    if (after == excluded || attempt == 3) return {allocated, std::max(excluded, after)};
    excluded = after;
  }
}

int64_t MemoryMeter::Used(int64_t now_ms) {
  if (now_ms - refreshed_at_ms_.load(std::memory_order_relaxed) >= kRefreshMs) {
    std::unique_lock lock(refresh_mu_, std::try_to_lock);
    if (lock.owns_lock() && now_ms - refreshed_at_ms_.load(std::memory_order_relaxed) >= kRefreshMs) {
      allocated_.store(Read(not_counted_).counted(), std::memory_order_relaxed);
      changed_since_.store(0, std::memory_order_relaxed);
      refreshed_at_ms_.store(now_ms, std::memory_order_relaxed);
    }
  }
  return allocated_.load(std::memory_order_relaxed) + changed_since_.load(std::memory_order_relaxed);
}

}  // namespace kv
