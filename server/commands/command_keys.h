#pragma once

// The keys of one command, found once from its table row, and the one function that turns them
// into shard locks. The dispatcher (Execute, EXEC's queue, AOF replay), the AOF rewrite's capture,
// the key observers and the cluster's router all read the same CommandKeys, so a command's keys
// are located and hashed once.

#include <absl/container/inlined_vector.h>

#include <cstdint>
#include <string_view>

#include "server/base/key_slot.h"
#include "server/commands/command.h"
#include "server/db/keyspace.h"

namespace kv {

struct CommandKey {
  size_t pos;             // index in the command's args
  std::string_view name;  // args[pos]
  uint16_t slot;          // KeySlot(name)
};

class CommandKeys {
 public:
  CommandKeys() = default;
  // The key arguments `spec` names in `args` (positions past the end, which a command refused for
  // its arity may yield, are dropped) and their slots. `args` must outlive this object.
  CommandKeys(const CommandSpec& spec, ArgList args);

  // In argument order; a key given twice appears twice.
  const absl::InlinedVector<CommandKey, 4>& keys() const { return keys_; }
  bool empty() const { return keys_.empty(); }
  size_t size() const { return keys_.size(); }
  const CommandKey& operator[](size_t i) const { return keys_[i]; }
  // The command touches the whole keyspace (kAllShards): it locks every shard.
  bool all_shards() const { return all_shards_; }

  // Whether every key hashes to the same slot (Redis Cluster's CROSSSLOT check); true with none.
  bool SameSlot() const;
  // The slot of `key`: looked up when `key` is one of these arguments (the same bytes, as handlers
  // pass them on), else computed. Saves a handler's table lookup from hashing its key again.
  uint16_t SlotOf(std::string_view key) const;

 private:
  absl::InlinedVector<CommandKey, 4> keys_;
  bool all_shards_ = false;
};

// Takes the shard locks `keys` needs: every shard for an all-shards command, else the shards of its
// slots in ascending order (so multi-key commands cannot deadlock); none without keys.
ShardLocks LockShards(Keyspace& ks, const CommandKeys& keys);

}  // namespace kv
