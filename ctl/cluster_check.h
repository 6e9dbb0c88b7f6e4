#pragma once

// `kvctl status`'s verdict: the seed's view of the cluster checked against every member's own
// answer. Pure (no gRPC calls), so the rules for "degraded" are unit tested on their own.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "kvcache/v1/admin.pb.h"

namespace kv::ctl {

// One member: as the seed sees it, and what it answered itself.
struct MemberCheck {
  kvcache::v1::ClusterMember member;  // the seed's view (state, reachable, slots)
  bool answered = false;              // kvctl reached it at its admin address
  std::string error;                  // when not answered: "UNAVAILABLE: ..."
  uint64_t epoch = 0;                 // its own committed epoch, digest and sync state
  std::string digest;
  bool synced = false;
  int64_t keys = 0;  // over all databases, from its GetNodeInfo
};

struct ClusterCheck {
  kvcache::v1::GetClusterStatusResponse seed;
  std::vector<MemberCheck> members;  // the seed's members, in its order
  // Why the cluster is degraded, one sentence each; empty when it is healthy.
  std::vector<std::string> problems;

  bool degraded() const { return !problems.empty(); }
};

// Fills `problems`: a member the seed's heartbeats miss, a member kvctl cannot reach, a member at
// another epoch or digest than the seed, a member not synced, slots nobody serves.
void FindProblems(ClusterCheck* check);

// Keys over all databases of a node.
int64_t TotalKeys(const kvcache::v1::NodeInfo& info);

nlohmann::json ToJson(const ClusterCheck& check);
std::string RenderStatus(const ClusterCheck& check);

}  // namespace kv::ctl
