#pragma once

// Test helper: recounts the keyspace and compares it with the incrementally kept per-slot key
// counts, and checks that every key sits in the shard of its slot.

#include <cstdint>
#include <string>
#include <vector>

#include "server/db/keyspace.h"

namespace kv::test {

// Empty when exact; otherwise a description of the first differences. Takes every shard lock.
inline std::string SlotCountMismatch(Keyspace& ks) {
  std::vector<uint64_t> counted(kNumSlots);
  std::string problems;
  ShardLocks all = ShardLocks::All(ks);
  for (size_t s = 0; s < ks.num_shards(); ++s) {
    for (const DbTable& table : ks.shard(s).dbs) {
      for (const EntryPtr& e : table.map()) {
        ++counted[e->slot()];
        if (e->slot() != KeySlot(e->key()) || ks.ShardOfSlot(e->slot()) != s) {
          problems += "key '" + std::string(e->key()) + "' in shard " + std::to_string(s) + "; ";
        }
      }
    }
  }
  for (size_t slot = 0; slot < kNumSlots && problems.size() < 500; ++slot) {
    const uint64_t kept = ks.CountKeysInSlot(static_cast<uint16_t>(slot));
    if (kept != counted[slot]) {
      problems += "slot " + std::to_string(slot) + ": kept " + std::to_string(kept) + ", counted " +
                  std::to_string(counted[slot]) + "; ";
    }
  }
  return problems;
}

}  // namespace kv::test
