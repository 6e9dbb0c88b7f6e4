#pragma once

// Keys per cluster slot, summed over the logical databases, for CLUSTER COUNTKEYSINSLOT and the
// ring planner. Kept exact by DbTable, the only code that adds or removes entries.
//
// Threads: a slot's counter is written only under the lock of the shard that holds the slot, so
// an update is a plain load and store (no locked read-modify-write on the SET path); anyone may
// read it at any time without a lock, seeing a value at most one write old.

#include <atomic>
#include <cstdint>
#include <memory>

#include "server/base/key_slot.h"

namespace kv {

class SlotKeyCounts {
 public:
  SlotKeyCounts() : counts_(std::make_unique<std::atomic<uint64_t>[]>(kNumSlots)) {}

  uint64_t Get(uint16_t slot) const { return counts_[slot].load(std::memory_order_relaxed); }

  // Under the slot's shard lock.
  void Add(uint16_t slot, uint64_t n = 1) { Set(slot, Get(slot) + n); }
  void Sub(uint16_t slot, uint64_t n = 1) { Set(slot, Get(slot) - n); }

 private:
  void Set(uint16_t slot, uint64_t v) { counts_[slot].store(v, std::memory_order_relaxed); }

  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // kNumSlots, zeroed
};

}  // namespace kv
