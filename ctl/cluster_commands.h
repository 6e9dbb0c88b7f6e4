#pragma once

// kvctl's cluster commands (status, nodes, ring, where, ring plan/apply, add-node, remove-node):
// one function each, printing a table or JSON and returning the exit code, as commands.h does.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ctl/call.h"

namespace kv::ctl {

// The ring change `ring plan`, `ring apply`, `add-node` and `remove-node` send.
struct RingChangeArgs {
  std::vector<std::string> add;     // admin addresses
  std::vector<std::string> remove;  // node ids, unique id prefixes or admin addresses
  std::optional<uint64_t> if_epoch;
  bool force = false;
};

// Epoch, members up/down, slots and keys per member (every member asked for its own epoch, digest
// and keys). Exit 1 when degraded: a member down or unreachable, unserved slots, or members
// disagreeing on the epoch or digest.
int RunClusterStatus(const GlobalOptions& g);
int RunNodes(const GlobalOptions& g);
int RunRing(const GlobalOptions& g, bool slots);
int RunWhere(const GlobalOptions& g, const std::string& key);
int RunRingPlan(const GlobalOptions& g, const RingChangeArgs& change);
// With force, also prints what forcing gave up: the removed members' slots and keys.
int RunRingApply(const GlobalOptions& g, const RingChangeArgs& change);

}  // namespace kv::ctl
