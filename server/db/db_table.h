#pragma once

// One logical database's slice of one shard: the key → entry table and its deadline index.
// Not thread-safe: the owning shard's mutex guards it.

#include <absl/container/btree_set.h>
#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "server/db/value.h"

namespace kv {

class DbTable {
 public:
  using Map = absl::flat_hash_map<std::string, Entry, KeyHash, KeyEq>;

  // A live entry, or nullptr. A key whose deadline has passed is deleted here (lazy expiry), so
  // callers never see an expired key. Pointers stay valid until the next insert into this table.
  Entry* Find(std::string_view key, int64_t now_ms);
  // The entry for `key`, inserted (as an empty string, no deadline) when absent or expired.
  std::pair<Entry*, bool> FindOrInsert(std::string_view key, int64_t now_ms);
  // Inserts or replaces the value and clears any deadline (SET semantics without KEEPTTL).
  Entry* Upsert(std::string_view key, Value value);
  bool Erase(std::string_view key);
  // Sets (or with 0 clears) the deadline of an entry of this table.
  void SetExpire(std::string_view key, Entry* entry, int64_t at_ms);

  // Deletes up to `max_keys` keys whose deadline is <= now; returns how many.
  size_t ActiveExpire(int64_t now_ms, size_t max_keys);

  size_t size() const { return map_.size(); }
  size_t expires_size() const { return expires_.size(); }
  void Clear();
  Map& map() { return map_; }
  const Map& map() const { return map_; }

  // Counters read by INFO stats; the owning shard's lock guards them too.
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t expired = 0;

 private:
  Map map_;
  // (deadline, key) for keys with a deadline: active expiry pops from the front in order, so expired
  // keys never linger, whatever their number.
  absl::btree_set<std::pair<int64_t, std::string>> expires_;
};

}  // namespace kv
