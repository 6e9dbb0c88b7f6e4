#include "server/commands/memory_meter.h"

#include "server/commands/server_info.h"

// Resolved only when jemalloc is linked in (see info_family.cc).
extern "C" int mallctl(const char* name, void* oldp, size_t* oldlenp, void* newp, size_t newlen)
    __attribute__((weak));

namespace kv {

void MemoryMeter::FlushThreadCache() {
  if (mallctl != nullptr) mallctl("thread.tcache.flush", nullptr, nullptr, nullptr, 0);
}

int64_t MemoryMeter::Used(int64_t now_ms) {
  if (now_ms - refreshed_at_ms_.load(std::memory_order_relaxed) >= kRefreshMs) {
    std::unique_lock lock(refresh_mu_, std::try_to_lock);
    if (lock.owns_lock() && now_ms - refreshed_at_ms_.load(std::memory_order_relaxed) >= kRefreshMs) {
      allocated_.store(static_cast<int64_t>(UsedMemory()), std::memory_order_relaxed);
      changed_since_.store(0, std::memory_order_relaxed);
      refreshed_at_ms_.store(now_ms, std::memory_order_relaxed);
    }
  }
  return allocated_.load(std::memory_order_relaxed) + changed_since_.load(std::memory_order_relaxed);
}

}  // namespace kv
