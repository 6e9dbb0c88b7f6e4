#pragma once

// One logical database's slice of one shard: the key → entry table and its deadline index.
// Not thread-safe: the owning shard's mutex guards it. Every entry added or removed, whichever way
// (insert, DEL, lazy or active expiry, Clear), goes through this class, which keeps the keyspace's
// per-slot key counts exact.

#include <absl/container/btree_set.h>
#include <absl/container/flat_hash_set.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/db/access.h"
#include "server/db/entry.h"
#include "server/db/freq_sketch.h"
#include "server/db/slot_key_counts.h"

namespace kv {

class DbTable {
 public:
  // Entries are found by key (EntryKeyHash/EntryKeyEq); a slot is one pointer, so the table costs
  // about 9 bytes per slot and everything else is in the entry's own block.
  using Map = absl::flat_hash_set<EntryPtr, EntryKeyHash, EntryKeyEq>;

  // `slot_keys` (the keyspace's, or null for a table on its own) counts this table's keys too.
  explicit DbTable(SlotKeyCounts* slot_keys = nullptr) : slot_keys_(slot_keys) {}

  // A live entry, or nullptr. A key whose deadline has passed is deleted here (lazy expiry), so
  // callers never see an expired key. An Entry* stays valid until its key is deleted. Counts as an
  // access for eviction (LRU stamp, LFU counter, frequency sketch), as Redis's lookupKey.
  Entry* Find(std::string_view key, int64_t now_ms);
  // Find without counting an access (OBJECT, eviction's own checks): Redis's LOOKUP_NOTOUCH.
  Entry* Peek(std::string_view key, int64_t now_ms);
  // The entry for `key`, inserted (as an empty string, no deadline) when absent or expired.
  std::pair<Entry*, bool> FindOrInsert(std::string_view key, int64_t now_ms);
  // Inserts or replaces the value and clears any deadline (SET semantics without KEEPTTL).
  Entry* Upsert(std::string_view key, Value value);
  bool Erase(std::string_view key);
  // Removes `key` and hands its entry over (to be freed elsewhere: LazyFreer); null when absent.
  EntryPtr Extract(std::string_view key);
  // Empties the table and hands its contents over (FLUSHALL ASYNC frees them in the background).
  struct Contents {
    Map map;
    absl::btree_set<std::pair<int64_t, const Entry*>> expires;
  };
  Contents TakeAll();
  // Sets (or with 0 clears) the deadline of an entry of this table.
  void SetExpire(Entry* entry, int64_t at_ms);

  // Deletes up to `max_keys` keys whose deadline is <= now; returns how many.
  size_t ActiveExpire(int64_t now_ms, size_t max_keys);

  // Eviction's sampling. Appends up to `n` entries to `out`: SampleKeys from all keys, SampleVolatile
  // from keys with a deadline, each continuing where its previous call stopped (a sweep, like
  // Redis's dictGetSomeKeys from a random bucket); NearestDeadlines the `n` soonest deadlines.
  void SampleKeys(size_t n, std::vector<Entry*>* out);
  void SampleVolatile(size_t n, std::vector<Entry*>* out);
  void NearestDeadlines(size_t n, std::vector<Entry*>* out) const;

  // Access bookkeeping shared by the keyspace's tables; set once by Keyspace.
  void set_access(const AccessTracker* access) { access_ = access; }
  // Turns the frequency sketch of allkeys-tinylfu on (sized for the table) or off.
  void EnableSketch(bool on);
  // The sketch's estimate for `key` (0 when there is no sketch).
  uint8_t SketchEstimate(std::string_view key) const;

  size_t size() const { return map_.size(); }
  size_t expires_size() const { return expires_.size(); }
  void Clear();
  // Iteration yields `const EntryPtr&`; find/contains take a std::string_view. Read-only: adding or
  // removing entries behind this class's back would break the slot counts.
  const Map& map() const { return map_; }

  // Counters read by INFO stats; the owning shard's lock guards them too.
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t expired = 0;

 private:
  // Removes the entry at `it` and its deadline.
  void EraseAt(Map::iterator it);
  // An access to `e` (hit) or to an absent key (miss: only the sketch counts it).
  void Touch(Entry* e) {
    if (access_ != nullptr) e->access = access_->Touched(e->access, NextRandom());
  }
  void CountInSketch(std::string_view key);
  uint64_t NextRandom();
  void Counted(const Entry* e) {
    if (slot_keys_ != nullptr) slot_keys_->Add(e->slot());
  }

  Map map_;
  SlotKeyCounts* slot_keys_;
  // (deadline, entry) for entries with a deadline: active expiry pops from the front in order, so
  // expired keys never linger, whatever their number. Entries do not move, so a pointer suffices.
  absl::btree_set<std::pair<int64_t, const Entry*>> expires_;

  const AccessTracker* access_ = nullptr;
  uint64_t rng_ = 0x9e3779b97f4a7c15ULL;  // xorshift64 state for LFU's probabilistic increments
  std::unique_ptr<FrequencySketch> sketch_;  // allkeys-tinylfu only
  // Where the sweeps of SampleKeys / SampleVolatile resume: a key (found again by hash, so no
  // iterator is kept across inserts) and a (deadline, entry) position in `expires_`.
  std::string sample_cursor_;
  std::pair<int64_t, const Entry*> volatile_cursor_{0, nullptr};
};

}  // namespace kv
