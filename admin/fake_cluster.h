#pragma once

// Test-only: a cluster of fake nodes in one process, so kvctl's seeds, fan-out and --all can be
// driven without real nodes. Node i is an AdminServer on its own loopback port over a FakeBackend
// and a ClusterBackend view of one shared, deliberately simple state: members own equal contiguous
// slot ranges in id order, each slot holds the same made-up number of keys, and a ring change
// commits at once when a majority of the members is up.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "admin/admin_server.h"
#include "admin/cluster_backend.h"
#include "admin/fake_backend.h"

namespace kv::admin {

class FakeCluster {
 public:
  // Starts `nodes` admin servers (token `token`); the first `members` form the cluster at epoch 1,
  // the others are spare nodes for add-node. Node i's id is 40 times the letter 'a' + i.
  FakeCluster(int nodes, int members, const std::string& token);
  ~FakeCluster();
  FakeCluster(const FakeCluster&) = delete;
  FakeCluster& operator=(const FakeCluster&) = delete;

  static constexpr int64_t kKeysPerSlot = 3;
  static constexpr int64_t kBytesPerKey = 100;

  static std::string IdOf(int i);
  std::string admin_address(int i) const;
  static std::string resp_address(int i);  // made up: 127.0.0.1:7000+i
  // Admin addresses of the current members, comma-separated: kvctl --addr.
  std::string seeds() const;

  // Node i's admin server goes away: kvctl cannot reach it and the others see it down.
  void StopNode(int i);
  // Node i reports another committed state than the others (it missed a change).
  void SetStaleView(int i, uint64_t epoch, const std::string& digest);
  uint64_t epoch() const;
  std::string digest() const;
  int member_count() const;
  FakeBackend& backend(int i);

 private:
  class NodeView;
  struct Node;

  // Every `Locked` function needs mu_ held.
  std::vector<int> OwnersLocked(const std::vector<int>& members) const;
  std::string DigestLocked() const;
  ClusterStatus StatusLocked(int self) const;
  ClusterMemberInfo MemberLocked(int self, int j, const std::vector<int>& owners) const;
  AdminError PlanLocked(const RingChange& change, std::vector<int>* next,
                        std::vector<SlotMoveSummary>* moves) const;
  int FindNodeLocked(const std::string& which, bool members_only) const;

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<int> members_;  // node indexes, in id order; guarded by mu_
  uint64_t epoch_ = 1;        // guarded by mu_
};

}  // namespace kv::admin
