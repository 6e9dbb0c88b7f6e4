#include "server/commands/command_keys.h"

#include <algorithm>
#include <utility>

namespace kv {

CommandKeys::CommandKeys(const CommandSpec& spec, ArgList args) : all_shards_(spec.is(kAllShards)) {
  KeyIndexVec positions;
  spec.KeyIndices(args, &positions);
  keys_.reserve(positions.size());
  for (size_t pos : positions) {
    if (pos < args.size()) keys_.push_back({pos, args[pos], KeySlot(args[pos])});
  }
}

bool CommandKeys::SameSlot() const {
  for (const CommandKey& k : keys_) {
    if (k.slot != keys_.front().slot) return false;
  }
  return true;
}

uint16_t CommandKeys::SlotOf(std::string_view key) const {
  // A bounded search: a handler of MSET with 1000 keys asks for each, and a quadratic scan would
  // cost more than hashing. Eight covers every command with a fixed number of keys.
  constexpr size_t kSearched = 8;
  const size_t n = std::min(keys_.size(), kSearched);
  for (size_t i = 0; i < n; ++i) {
    if (keys_[i].name.data() == key.data() && keys_[i].name.size() == key.size()) {
      return keys_[i].slot;
    }
  }
  return KeySlot(key);
}

ShardLocks LockShards(Keyspace& ks, const CommandKeys& keys) {
  if (keys.all_shards()) return ShardLocks::All(ks);
  if (keys.empty()) return {};
  ShardIdVec ids;
  ids.reserve(keys.size());
  for (const CommandKey& k : keys.keys()) ids.push_back(ks.ShardOfSlot(k.slot));
  return ShardLocks(ks, std::move(ids));
}

}  // namespace kv
