#pragma once

// The node's keyspace: N shards, each a mutex and one DbTable per logical database. A key lives in
// shard ShardIndex(key) in every database, so MOVE/COPY across databases stay within one shard.
//
// The shard is derived from the key's cluster slot, and each shard holds a contiguous range of
// slots (shard i: slots [i·16384/N, (i+1)·16384/N)), so one slot lives in exactly one shard:
// pausing, scanning or counting a slot (CLUSTER GETKEYSINSLOT, a migration batch) takes one shard
// lock. Ranges rather than slot % N because the ring hands out slots in arcs of neighbouring slots
// (slot s sits at s·2^64/16384): a moved arc then falls into one or two shards, so a migration of
// "the moving slots of one shard" is a few large batches, not N batches of one or two slots each.
// With the default 128 vnodes a node's arcs (~43 slots each for 3 nodes) still cover every shard,
// so its keys stay spread over all the locks.
//
// Why striped locks and not shard-per-thread: on the 2-core target the benchmark client takes one
// core, so the server runs best with one I/O thread, where an uncontended mutex costs ~20 ns per
// command; with more threads, commands on different shards still run in parallel. Multi-key
// commands lock their shards in ascending index order (ShardLocks), so they cannot deadlock.

#include <absl/container/inlined_vector.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "server/base/key_slot.h"
#include "server/db/db_table.h"
#include "server/db/slot_key_counts.h"

namespace kv {

struct Shard {
  std::mutex mu;
  std::vector<DbTable> dbs;
};

// Slots [first, end) of one shard.
struct SlotRange {
  uint16_t first;
  uint16_t end;
};

class Keyspace {
 public:
  // Up to kNumSlots shards (config `shards`: at most 4096), so that every shard holds a slot.
  Keyspace(size_t num_dbs, size_t num_shards);

  size_t ShardOfSlot(uint16_t slot) const { return (size_t{slot} * shards_.size()) / kNumSlots; }
  size_t ShardIndex(std::string_view key) const { return ShardOfSlot(KeySlot(key)); }
  SlotRange SlotsOfShard(size_t shard) const;
  Shard& shard(size_t i) { return *shards_[i]; }
  size_t num_shards() const { return shards_.size(); }
  size_t num_dbs() const { return num_dbs_; }

  // Keys in database `db`. Locks each shard in turn; callers holding shard locks use KeyCountLocked.
  size_t KeyCount(size_t db);
  size_t KeyCountLocked(size_t db) const;
  size_t ExpiresCountLocked(size_t db) const;

  // Active expiry cycle: deletes expired keys, at most `max_keys` per shard and database.
  // Runs on whichever thread owns the expiry timer; takes each shard's lock briefly.
  size_t ActiveExpireCycle(int64_t now_ms, size_t max_keys);

  // Eviction's access bookkeeping, shared by every table (server/db/access.h).
  AccessTracker& access() { return access_; }
  // Turns allkeys-tinylfu's frequency sketches on or off in every table (locks each shard).
  void EnableSketches(bool on);

  // Per-slot queries for the cluster (CLUSTER COUNTKEYSINSLOT / GETKEYSINSLOT, the ring planner,
  // migration). As in Redis, keys past their deadline count until expiry removes them.
  //
  // Keys in `slot` over every database. Exact, kept incrementally; no lock taken, any thread.
  uint64_t CountKeysInSlot(uint16_t slot) const { return slot_keys_.Get(slot); }
  // Up to `count` keys of `slot` in database `db`, in table order. Scans the slot's shard under its
  // lock (O(keys of that shard)), which it takes unless this thread holds every lock through
  // ShardLocks::All (a handler inside EXEC); a handler must not call it otherwise.
  std::vector<std::string> GetKeysInSlot(size_t db, uint16_t slot, size_t count);
  // Approximate payload of `slot` over every database, in MEMORY USAGE's bytes: computed on demand
  // by one scan of the slot's shard under its lock (same locking rule as GetKeysInSlot), not kept
  // incrementally, because keeping it would cost every write a size computation of its value.
  uint64_t SlotPayloadBytes(uint16_t slot);
  // The same for every slot of `shard` in one scan: element i is slot SlotsOfShard(shard).first+i.
  std::vector<uint64_t> PayloadBytesBySlot(size_t shard);

 private:
  friend class ShardLocks;
  size_t num_dbs_;
  AccessTracker access_;  // before shards_: the tables point at it
  SlotKeyCounts slot_keys_;  // written by every DbTable under its shard's lock
  std::vector<std::unique_ptr<Shard>> shards_;
  // The thread holding every shard lock through ShardLocks::All, if any (see AllUnlessHeld).
  std::atomic<std::thread::id> all_locked_by_{};
};

using ShardIdVec = absl::InlinedVector<size_t, 8>;

// Holds the locks of a set of shards, acquired in ascending order, released on destruction. One
// to four locks need no allocation (the dispatcher's common case).
class ShardLocks {
 public:
  ShardLocks() = default;
  // Any order, duplicates allowed.
  ShardLocks(Keyspace& ks, ShardIdVec shard_ids);
  static ShardLocks All(Keyspace& ks);
  // The lock of one shard, or nothing when this thread holds every lock through All().
  static ShardLocks OneUnlessAllHeld(Keyspace& ks, size_t shard);
  // All(), or nothing when this thread already holds every shard lock through All(): server-wide
  // operations (CONFIG RESETSTAT, BGREWRITEAOF, CONFIG SET appendonly) that lock the keyspace
  // themselves also run inside EXEC, which holds all the locks already.
  static ShardLocks AllUnlessHeld(Keyspace& ks);
  ShardLocks(ShardLocks&& other) noexcept;
  ShardLocks& operator=(ShardLocks&& other) noexcept;
  ShardLocks(const ShardLocks&) = delete;
  ShardLocks& operator=(const ShardLocks&) = delete;
  ~ShardLocks();

 private:
  void Release();

  static bool AllHeldByThisThread(const Keyspace& ks);

  absl::InlinedVector<std::unique_lock<std::mutex>, 4> locks_;
  Keyspace* all_of_ = nullptr;  // set when these are all of `all_of_`'s locks
};

}  // namespace kv
