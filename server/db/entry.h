#pragma once

// What the keyspace stores per key: one heap block holding the value, the deadline and the key's
// bytes, so that a key with a short string value costs a single allocation (40 bytes + the key:
// 64 bytes for a 16-byte key and a 16-byte value) and the table only a pointer.
//
// Entries are created by Entry::Make and owned through EntryPtr; their address never changes while
// the key exists, so an Entry* stays valid across inserts into the table (until the key is deleted).

#include <cstdint>
#include <memory>
#include <string_view>

#include "server/base/key_slot.h"
#include "server/db/key_hash.h"
#include "server/db/value.h"

namespace kv {

class Entry;
struct EntryDeleter {
  void operator()(Entry* e) const;
};
using EntryPtr = std::unique_ptr<Entry, EntryDeleter>;

class Entry {
 public:
  static EntryPtr Make(std::string_view key, Value value = Value());

  Entry(const Entry&) = delete;
  Entry& operator=(const Entry&) = delete;

  // The key's bytes live right after the object, in the same block.
  std::string_view key() const { return {reinterpret_cast<const char*>(this + 1), key_size_}; }
  // The key's cluster slot. Computed, not stored: the 40-byte entry has no spare bits left (the
  // key size and eviction's access stamp share its last word), and CRC16 of a short key costs
  // less than 8 more bytes on every key.
  uint16_t slot() const { return KeySlot(key()); }
  // Bytes of the block (header and key).
  size_t BlockSize() const { return sizeof(Entry) + key_size_; }
  // What MEMORY USAGE reports for this key: table slot, block and value.
  size_t MemoryUsage() const;

  // Longest key an entry holds (proto-max-bulk-len cannot exceed it).
  static constexpr size_t kMaxKeySize = UINT32_MAX;

  Value value;
  int64_t expire_at_ms = 0;  // absolute Unix ms; 0 means no deadline
  // Eviction's bookkeeping: an LRU stamp or LFU's counter (server/db/access.h). DbTable keeps it.
  uint32_t access = 0;

 private:
  friend struct EntryDeleter;
  Entry(Value v, size_t key_size)
      : value(std::move(v)), key_size_(static_cast<uint32_t>(key_size)) {}
  ~Entry() = default;

  uint32_t key_size_;  // with `access`, one word: the entry stays 40 bytes
};

// Hash and equality for a table of EntryPtr looked up by key (heterogeneous: a std::string_view
// finds its entry without building one).
struct EntryKeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view key) const { return HashKey(key); }
  size_t operator()(const EntryPtr& e) const { return HashKey(e->key()); }
};

struct EntryKeyEq {
  using is_transparent = void;
  static std::string_view KeyOf(std::string_view key) { return key; }
  static std::string_view KeyOf(const EntryPtr& e) { return e->key(); }
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return KeyOf(a) == KeyOf(b);
  }
};

}  // namespace kv
