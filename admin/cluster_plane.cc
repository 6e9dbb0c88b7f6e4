#include "admin/cluster_plane.h"

#include <spdlog/spdlog.h>

#include <cstdlib>

#include "admin/cluster_backend.h"
#include "admin/server_backend.h"
#include "server/base/key_slot.h"
#include "server/cluster/cluster_node.h"
#include "server/cluster/grpc/grpc_transport.h"
#include "server/cluster/grpc/peer_service.h"
#include "server/cluster/ring.h"
#include "server/commands/cluster_keyspace.h"
#include "server/commands/cluster_routing.h"
#include "server/commands/dispatcher.h"

namespace kv::admin {

namespace {

bool IsLoopback(const std::string& host) {
  return host == "127.0.0.1" || host == "::1" || host == "localhost" || host.starts_with("127.");
}

AdminError ToAdminError(const cluster::Status& st) {
  switch (st.code) {
    case cluster::StatusCode::kOk: return AdminError::Ok();
    case cluster::StatusCode::kInvalidArgument: return {AdminCode::kInvalidArgument, st.message};
    case cluster::StatusCode::kNotFound: return {AdminCode::kNotFound, st.message};
    case cluster::StatusCode::kFailedPrecondition:
      return {AdminCode::kFailedPrecondition, st.message};
    case cluster::StatusCode::kUnavailable: return {AdminCode::kUnavailable, st.message};
    default: return {AdminCode::kInternal, st.message};
  }
}

std::vector<ClusterMemberInfo> Members(const cluster::ClusterState& st,
                                       const std::vector<cluster::MemberHealth>& health,
                                       const std::string& self) {
  std::vector<ClusterMemberInfo> out;
  for (size_t i = 0; i < st.members.size(); ++i) {
    const cluster::Member& m = st.members[i];
    ClusterMemberInfo info;
    info.node_id = m.id;
    info.resp_address = m.RespAddress();
    info.admin_address = m.AdminAddress();
    info.state = std::string(cluster::MemberStateName(m.state));
    info.is_self = m.id == self;
    info.reachable = info.is_self || (i < health.size() && health[i].reachable);
    info.last_heard_ms = i < health.size() ? health[i].last_heard_ms : 0;
    info.slots = static_cast<int64_t>(st.SlotsOwnedBy(m.id));
    out.push_back(std::move(info));
  }
  return out;
}

std::vector<SlotMoveSummary> Moves(const std::vector<cluster::MoveGroup>& groups) {
  std::vector<SlotMoveSummary> out;
  for (const cluster::MoveGroup& g : groups) out.push_back({g.from, g.to, g.slots, g.keys, g.bytes});
  return out;
}

cluster::RingChangeRequest ToRequest(const RingChange& c) {
  return cluster::RingChangeRequest{c.add, c.remove, c.if_epoch, c.force};
}

// The admin plane's view of the cluster, over the node's ClusterNode.
class NodeClusterBackend final : public ClusterBackend {
 public:
  explicit NodeClusterBackend(cluster::ClusterNode& node, std::string self)
      : node_(node), self_(std::move(self)) {}

  ClusterStatus GetStatus() override {
    const cluster::ClusterState st = node_.State();
    const auto health = node_.Health();
    ClusterStatus out;
    out.epoch = st.epoch;
    out.digest = st.empty() ? "" : st.Digest();
    out.node_id = self_;
    out.cluster_id = st.cluster_id;
    cluster::RoutingPtr r = node_.routing();
    out.synced = r && r->serving();
    out.vnodes = st.vnodes;
    out.members = Members(st, health, self_);
    for (size_t s = 0; s < st.slot_owner.size(); ++s) {
      const int16_t o = st.slot_owner[s];
      if (o == cluster::kNoOwner || !out.members[static_cast<size_t>(o)].reachable) {
        ++out.slots_unserved;
      }
    }
    if (st.empty()) out.slots_unserved = static_cast<int64_t>(kNumSlots);
    return out;
  }

  RingInfo GetRing(bool with_ranges) override {
    const cluster::ClusterState st = node_.State();
    RingInfo out;
    out.epoch = st.epoch;
    out.vnodes = st.vnodes;
    const std::vector<int16_t> target = cluster::RingTargets(st);
    for (size_t i = 0; i < st.members.size(); ++i) {
      RingShare share;
      share.node_id = st.members[i].id;
      share.slots = static_cast<int64_t>(st.SlotsOwnedBy(share.node_id));
      share.ring_slots = std::count(target.begin(), target.end(), static_cast<int16_t>(i));
      share.percent = 100.0 * static_cast<double>(share.slots) / kNumSlots;
      out.shares.push_back(std::move(share));
    }
    if (with_ranges) {
      for (size_t s = 0; s < st.slot_owner.size();) {
        size_t e = s;
        while (e + 1 < st.slot_owner.size() && st.slot_owner[e + 1] == st.slot_owner[s]) ++e;
        if (const cluster::Member* m = st.OwnerOf(s)) {
          out.ranges.push_back({static_cast<uint32_t>(s), static_cast<uint32_t>(e), m->id});
        }
        s = e + 1;
      }
    }
    return out;
  }

  AdminError PlanRingChange(const RingChange& change, RingPlan* out) override {
    cluster::RingChangeResult r;
    cluster::Status st = node_.PlanRingChange(ToRequest(change), &r);
    if (!st.ok()) return ToAdminError(st);
    out->epoch = r.epoch;
    out->moves = Moves(r.moves);
    out->members = Members(r.next, node_.Health(), self_);
    return AdminError::Ok();
  }

  AdminError ApplyRingChange(const RingChange& change, RingApplied* out) override {
    cluster::RingChangeResult r;
    cluster::Status st = node_.ApplyRingChange(ToRequest(change), &r);
    if (!st.ok()) return ToAdminError(st);
    out->epoch = r.epoch;
    out->digest = r.digest;
    out->moves = Moves(r.moves);
    return AdminError::Ok();
  }

  KeyLocation Where(const std::string& key) override {
    KeyLocation loc;
    loc.slot = KeySlot(key);
    cluster::RoutingPtr r = node_.routing();
    if (!r) return loc;
    loc.epoch = r->epoch;
    const int16_t o = r->OwnerIndex(loc.slot);
    if (o == cluster::kNoOwner) return loc;
    const cluster::Member& m = r->members[static_cast<size_t>(o)];
    loc.node_id = m.id;
    loc.resp_address = m.RespAddress();
    loc.admin_address = m.AdminAddress();
    loc.reachable = r->reachable[static_cast<size_t>(o)];
    return loc;
  }

 private:
  cluster::ClusterNode& node_;
  const std::string self_;
};

}  // namespace

struct ClusterPlane::Impl {
  // Destroyed in reverse: the transport (which waits for its calls in flight) before the node
  // their callbacks reach.
  std::unique_ptr<ClusterKeyspace> keyspace;
  std::unique_ptr<cluster::ClusterNode> node;
  std::unique_ptr<cluster::GrpcPeerTransport> transport;
  std::unique_ptr<cluster::PeerServiceImpl> service;
  std::unique_ptr<NodeClusterBackend> backend;
};

ClusterPlane::ClusterPlane(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ClusterPlane::~ClusterPlane() {
  if (impl_->node) impl_->node->Stop();
}

std::unique_ptr<ClusterPlane> ClusterPlane::Create(Dispatcher& dispatcher, std::string* error) {
  ServerState& state = dispatcher.server();
  const Config& config = state.config;
  std::string id_error;
  const std::string node_id = LoadOrCreateNodeId(config.Get("dir"), &id_error);
  if (!id_error.empty()) {
    *error = "cluster mode needs a stable node id: " + id_error;
    return nullptr;
  }
  cluster::ClusterOptions opts;
  opts.self.id = node_id;
  opts.self.host = config.Get("cluster-announce-ip");
  if (opts.self.host.empty()) opts.self.host = config.Get("bind");
  if (opts.self.host.empty() || opts.self.host == "0.0.0.0" || opts.self.host == "::" ||
      opts.self.host.find(' ') != std::string::npos) {
    *error = "cluster mode needs cluster-announce-ip when bind is not one address (bind is '" +
             config.Get("bind") + "')";
    return nullptr;
  }
  opts.self.port = static_cast<int>(config.GetInt("cluster-announce-port"));
  if (opts.self.port == 0) opts.self.port = state.tcp_port;
  opts.self.admin_port = static_cast<int>(config.GetInt("cluster-announce-admin-port"));
  if (opts.self.admin_port == 0) opts.self.admin_port = static_cast<int>(config.GetInt("admin-port"));
  opts.dir = config.Get("dir");
  opts.join = config.Get("cluster-join");
  opts.vnodes = static_cast<int>(config.GetInt("cluster-vnodes"));
  opts.node_timeout_ms = config.GetInt("cluster-node-timeout");

  cluster::PeerCredentials creds;
  creds.secret = config.Get("cluster-secret");
  if (creds.secret.empty()) {
    if (const char* env = std::getenv("KVCACHE_CLUSTER_SECRET")) creds.secret = env;
  }
  const std::string admin_bind = config.Get("admin-bind");
  if (creds.secret.empty() && (!IsLoopback(opts.self.host) ||
                               (!admin_bind.empty() && !IsLoopback(admin_bind)))) {
    *error = "cluster mode on a non-loopback address needs cluster-secret (or env "
             "KVCACHE_CLUSTER_SECRET)";
    return nullptr;
  }
  creds.tls_cert_file = config.Get("admin-tls-cert-file");
  creds.tls_key_file = config.Get("admin-tls-key-file");
  creds.tls_ca_file = config.Get("admin-tls-ca-cert-file");

  auto impl = std::make_unique<Impl>();
  impl->transport = cluster::GrpcPeerTransport::Create(creds, error);
  if (!impl->transport) return nullptr;
  impl->keyspace = std::make_unique<ClusterKeyspace>(dispatcher);
  impl->node = std::make_unique<cluster::ClusterNode>(opts, *impl->transport, *impl->keyspace);
  if (cluster::Status st = impl->node->Load(); !st.ok()) {
    *error = st.message;
    return nullptr;
  }
  auto routing = std::make_shared<ClusterRouting>();
  state.cluster = routing;
  impl->node->SetRoutingListener([routing](cluster::RoutingPtr t) { routing->Publish(std::move(t)); });
  impl->service = std::make_unique<cluster::PeerServiceImpl>(*impl->node, creds.secret);
  impl->backend = std::make_unique<NodeClusterBackend>(*impl->node, node_id);
  spdlog::info("cluster: node {} announces {}:{} (admin/peer {}), {}", node_id, opts.self.host,
               opts.self.port, opts.self.admin_port,
               opts.join.empty() ? "no join address" : "joining through " + opts.join);
  return std::unique_ptr<ClusterPlane>(new ClusterPlane(std::move(impl)));
}

grpc::Service* ClusterPlane::peer_service() { return impl_->service.get(); }
ClusterBackend* ClusterPlane::backend() { return impl_->backend.get(); }
void ClusterPlane::Start() { impl_->node->Start(); }

}  // namespace kv::admin
