#include "admin/fake_cluster.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <tuple>

#include "server/base/key_slot.h"

namespace kv::admin {

struct FakeCluster::Node {
  FakeBackend backend;
  std::unique_ptr<NodeView> view;
  std::unique_ptr<AdminServer> server;
  std::string address;                                         // admin, fixed at start
  bool stopped = false;                                        // guarded by FakeCluster::mu_
  std::optional<std::pair<uint64_t, std::string>> stale_view;  // guarded by FakeCluster::mu_
};

// Node i's ClusterBackend: the shared state as node i sees it.
class FakeCluster::NodeView final : public ClusterBackend {
 public:
  NodeView(FakeCluster& cluster, int self) : cluster_(cluster), self_(self) {}

  ClusterStatus GetStatus() override {
    std::lock_guard lock(cluster_.mu_);
    return cluster_.StatusLocked(self_);
  }

  RingInfo GetRing(bool with_ranges) override {
    std::lock_guard lock(cluster_.mu_);
    const std::vector<int> owners = cluster_.OwnersLocked(cluster_.members_);
    RingInfo ring;
    ring.epoch = cluster_.epoch_;
    ring.vnodes = 128;
    for (int m : cluster_.members_) {
      const auto slots = std::count(owners.begin(), owners.end(), m);
      ring.shares.push_back(
          {IdOf(m), slots, 100.0 * static_cast<double>(slots) / kNumSlots, slots});
    }
    if (with_ranges) {
      for (uint32_t s = 0; s < kNumSlots; ++s) {
        if (s == 0 || owners[s] != owners[s - 1]) ring.ranges.push_back({s, s, IdOf(owners[s])});
        ring.ranges.back().last = s;
      }
    }
    return ring;
  }

  AdminError PlanRingChange(const RingChange& change, RingPlan* out) override {
    std::lock_guard lock(cluster_.mu_);
    std::vector<int> next;
    if (AdminError err = cluster_.PlanLocked(change, &next, &out->moves); !err.ok()) return err;
    out->epoch = cluster_.epoch_;
    const std::vector<int> owners = cluster_.OwnersLocked(next);
    for (int j : next) out->members.push_back(cluster_.MemberLocked(self_, j, owners));
    return AdminError::Ok();
  }

  AdminError ApplyRingChange(const RingChange& change, RingApplied* out) override {
    std::lock_guard lock(cluster_.mu_);
    if (change.if_epoch && *change.if_epoch != cluster_.epoch_) {
      return {AdminCode::kFailedPrecondition,
              "ring is at epoch " + std::to_string(cluster_.epoch_)};
    }
    std::vector<int> next;
    if (AdminError err = cluster_.PlanLocked(change, &next, &out->moves); !err.ok()) return err;
    // Voters: the current members, less those a forced change removes without their vote.
    int voters = 0, up = 0;
    for (int m : cluster_.members_) {
      const bool removed = std::find(next.begin(), next.end(), m) == next.end();
      if (change.force && removed) continue;
      ++voters;
      up += cluster_.nodes_[m]->stopped ? 0 : 1;
    }
    if (up <= voters / 2) {
      return {AdminCode::kUnavailable,
              "no quorum (" + std::to_string(up) + " of " + std::to_string(voters) + " reachable)"};
    }
    cluster_.members_ = std::move(next);
    ++cluster_.epoch_;
    out->epoch = cluster_.epoch_;
    out->digest = cluster_.DigestLocked();
    return AdminError::Ok();
  }

  KeyLocation Where(const std::string& key) override {
    std::lock_guard lock(cluster_.mu_);
    KeyLocation where;
    where.slot = KeySlot(key);
    const int owner = cluster_.OwnersLocked(cluster_.members_)[where.slot];
    where.node_id = IdOf(owner);
    where.resp_address = resp_address(owner);
    where.admin_address = cluster_.nodes_[owner]->address;
    where.epoch = cluster_.epoch_;
    where.reachable = !cluster_.nodes_[owner]->stopped;
    return where;
  }

 private:
  FakeCluster& cluster_;
  const int self_;
};

FakeCluster::FakeCluster(int nodes, int members, const std::string& token) {
  for (int i = 0; i < nodes; ++i) {
    auto node = std::make_unique<Node>();
    node->backend.ready = true;
    node->backend.SetIdentity(IdOf(i), resp_address(i), 1000 * (i + 1));
    node->view = std::make_unique<NodeView>(*this, i);
    AdminServerOptions options;
    options.bind_address = "127.0.0.1";
    options.port = 0;
    options.token = token;
    options.cluster = node->view.get();
    AdminError error;
    node->server = AdminServer::Start(options, node->backend, &error);
    if (node->server) node->address = node->server->address();
    nodes_.push_back(std::move(node));
    if (i < members) members_.push_back(i);
  }
}

FakeCluster::~FakeCluster() {
  // Servers first: their handlers call into the views and the shared state.
  for (auto& node : nodes_) node->server.reset();
}

std::string FakeCluster::IdOf(int i) { return std::string(40, static_cast<char>('a' + i)); }

std::string FakeCluster::resp_address(int i) { return "127.0.0.1:" + std::to_string(7000 + i); }

std::string FakeCluster::admin_address(int i) const { return nodes_[i]->address; }

std::string FakeCluster::seeds() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (int m : members_) out += (out.empty() ? "" : ",") + nodes_[m]->address;
  return out;
}

void FakeCluster::StopNode(int i) {
  std::unique_ptr<AdminServer> server;
  {
    std::lock_guard lock(mu_);
    nodes_[i]->stopped = true;
    server = std::move(nodes_[i]->server);
  }
  // Outside mu_: the server waits for its in-flight calls, which may be waiting for mu_.
  server.reset();
}

void FakeCluster::SetStaleView(int i, uint64_t epoch, const std::string& digest) {
  std::lock_guard lock(mu_);
  nodes_[i]->stale_view.emplace(epoch, digest);
}

uint64_t FakeCluster::epoch() const {
  std::lock_guard lock(mu_);
  return epoch_;
}

std::string FakeCluster::digest() const {
  std::lock_guard lock(mu_);
  return DigestLocked();
}

int FakeCluster::member_count() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(members_.size());
}

FakeBackend& FakeCluster::backend(int i) { return nodes_[i]->backend; }

std::vector<int> FakeCluster::OwnersLocked(const std::vector<int>& members) const {
  std::vector<int> owners(kNumSlots, -1);
  if (members.empty()) return owners;
  for (size_t s = 0; s < kNumSlots; ++s) owners[s] = members[s * members.size() / kNumSlots];
  return owners;
}

std::string FakeCluster::DigestLocked() const {
  // FNV-1a over the epoch and the member ids: equal states, equal digests.
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](const std::string& s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  };
  mix(std::to_string(epoch_));
  for (int m : members_) mix(IdOf(m));
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

ClusterMemberInfo FakeCluster::MemberLocked(int self, int j, const std::vector<int>& owners) const {
  ClusterMemberInfo m;
  m.node_id = IdOf(j);
  m.resp_address = resp_address(j);
  m.admin_address = nodes_[j]->address;
  m.state = "up";
  m.is_self = j == self;
  m.reachable = m.is_self || !nodes_[j]->stopped;
  m.last_heard_ms = m.is_self ? 0 : nodes_[j]->stopped ? 4200 : 150;
  m.slots = std::count(owners.begin(), owners.end(), j);
  return m;
}

ClusterStatus FakeCluster::StatusLocked(int self) const {
  ClusterStatus st;
  st.epoch = epoch_;
  st.digest = DigestLocked();
  if (const auto& stale = nodes_[self]->stale_view) std::tie(st.epoch, st.digest) = *stale;
  st.node_id = IdOf(self);
  st.cluster_id = std::string(40, '9');
  st.synced = true;
  st.vnodes = 128;
  const std::vector<int> owners = OwnersLocked(members_);
  for (int m : members_) {
    st.members.push_back(MemberLocked(self, m, owners));
    if (!st.members.back().reachable) st.slots_unserved += st.members.back().slots;
  }
  return st;
}

int FakeCluster::FindNodeLocked(const std::string& which, bool members_only) const {
  for (int i = 0; i < static_cast<int>(nodes_.size()); ++i) {
    if (which != IdOf(i) && which != nodes_[i]->address) continue;
    const bool member = std::find(members_.begin(), members_.end(), i) != members_.end();
    return members_only && !member ? -1 : i;
  }
  return -1;
}

AdminError FakeCluster::PlanLocked(const RingChange& change, std::vector<int>* next,
                                   std::vector<SlotMoveSummary>* moves) const {
  *next = members_;
  for (const std::string& addr : change.add) {
    const int i = FindNodeLocked(addr, false);
    if (i < 0) return {AdminCode::kInvalidArgument, "no kvcache node answers at " + addr};
    if (std::find(next->begin(), next->end(), i) != next->end()) {
      return {AdminCode::kFailedPrecondition, IdOf(i) + " is already a member"};
    }
    next->push_back(i);
  }
  for (const std::string& which : change.remove) {
    const int i = FindNodeLocked(which, true);
    if (i < 0) return {AdminCode::kNotFound, "no member " + which};
    next->erase(std::find(next->begin(), next->end(), i));
  }
  if (next->empty()) return {AdminCode::kFailedPrecondition, "the last member cannot leave"};
  std::sort(next->begin(), next->end());
  const std::vector<int> before = OwnersLocked(members_), after = OwnersLocked(*next);
  std::map<std::pair<int, int>, int64_t> slots;
  for (size_t s = 0; s < kNumSlots; ++s) {
    if (before[s] != after[s]) ++slots[{before[s], after[s]}];
  }
  for (const auto& [from_to, n] : slots) {
    const bool source_down = nodes_[from_to.first]->stopped;
    const int64_t keys = source_down ? -1 : n * kKeysPerSlot;
    moves->push_back({IdOf(from_to.first), IdOf(from_to.second), n, keys,
                      source_down ? -1 : keys * kBytesPerKey});
  }
  return AdminError::Ok();
}

}  // namespace kv::admin
