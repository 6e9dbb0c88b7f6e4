#pragma once

// The node's durable cluster state in <dir>/cluster-state: the committed state and the acceptor's
// promise and accepted value for the next epoch. Written the way the AOF manifest is (temp file,
// fsync, rename, fsync of the directory), before any message that depends on it leaves.

#include <optional>
#include <string>

#include "server/cluster/agreement.h"

namespace kv::cluster {

inline constexpr char kStateFileName[] = "cluster-state";

std::string SerializeDurable(const DurableState& d);
std::optional<DurableState> ParseDurable(const std::string& text, std::string* error);

class StateStore {
 public:
  explicit StateStore(std::string dir) : dir_(std::move(dir)) {}

  // nullopt and no error when there is no file yet (a new node); nullopt and *error when the file
  // exists but cannot be read or parsed: the node must not start with a half-remembered promise.
  std::optional<DurableState> Load(std::string* error) const;
  Status Save(const DurableState& d) const;

 private:
  std::string dir_;
};

}  // namespace kv::cluster
