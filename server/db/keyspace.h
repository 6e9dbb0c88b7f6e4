#pragma once

// The node's keyspace: N shards, each a mutex and one DbTable per logical database. A key lives in
// shard ShardIndex(key) in every database, so MOVE/COPY across databases stay within one shard.
//
// Why striped locks and not shard-per-thread: on the 2-core target the benchmark client takes one
// core, so the server runs best with one I/O thread, where an uncontended mutex costs ~20 ns per
// command; with more threads, commands on different shards still run in parallel. Multi-key
// commands lock their shards in ascending index order (ShardLocks), so they cannot deadlock.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "server/db/db_table.h"

namespace kv {

struct Shard {
  std::mutex mu;
  std::vector<DbTable> dbs;
};

class Keyspace {
 public:
  Keyspace(size_t num_dbs, size_t num_shards);

  size_t ShardIndex(std::string_view key) const;
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

 private:
  friend class ShardLocks;
  size_t num_dbs_;
  AccessTracker access_;  // before shards_: the tables point at it
  std::vector<std::unique_ptr<Shard>> shards_;
  // The thread holding every shard lock through ShardLocks::All, if any (see AllUnlessHeld).
  std::atomic<std::thread::id> all_locked_by_{};
};

// Holds the locks of a set of shards, acquired in ascending order, released on destruction.
class ShardLocks {
 public:
  ShardLocks() = default;
  ShardLocks(Keyspace& ks, std::vector<size_t> shard_ids);
  static ShardLocks All(Keyspace& ks);
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

  std::vector<std::unique_lock<std::mutex>> locks_;
  Keyspace* all_of_ = nullptr;  // set when these are all of `all_of_`'s locks
};

}  // namespace kv
