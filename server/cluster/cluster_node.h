#pragma once

// One node's membership in the cluster: it loads the saved state, bootstraps or joins, drives the
// agreement (persisting before sending), heartbeats every member every 200 ms, pulls a newer state
// when a heartbeat shows one, marks members down after cluster-node-timeout without an answer, and
// publishes a RoutingTable for the RESP threads.
//
// Threading: one cluster thread ticks the agreement and sends heartbeats. Peer RPCs (gRPC threads)
// and transport callbacks call in concurrently; everything shared is guarded by mu_. Nothing here
// blocks a RESP thread: they only read the published RoutingTable. Outgoing calls are made after
// mu_ is released.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "server/cluster/agreement.h"
#include "server/cluster/peer_transport.h"
#include "server/cluster/ring_change.h"
#include "server/cluster/routing_table.h"
#include "server/cluster/state_store.h"

namespace kv::cluster {

struct ClusterOptions {
  Member self;       // id and announced addresses
  std::string dir;   // where cluster-state lives
  std::string join;  // host:adminport of a member to join; empty: bootstrap a ring of one
  int vnodes = 128;
  int64_t node_timeout_ms = 1000;
  int64_t heartbeat_ms = 200;
  int64_t propose_timeout_ms = 5000;
};

// A member's liveness as this node sees it.
struct MemberHealth {
  bool reachable = false;
  int64_t last_heard_ms = 0;  // ms since the last heartbeat answer (0 for self)
};

struct RingChangeRequest {
  std::vector<std::string> add;     // admin addresses
  std::vector<std::string> remove;  // ids or admin addresses
  std::optional<uint64_t> if_epoch;
  bool force = false;
};

struct RingChangeResult {
  uint64_t epoch = 0;  // plan: the epoch planned on; apply: the committed epoch after
  std::string digest;
  std::vector<MoveGroup> moves;
  ClusterState next;  // plan: the state the change would commit
};

class ClusterNode {
 public:
  using RoutingListener = std::function<void(RoutingPtr)>;

  ClusterNode(ClusterOptions options, PeerTransport& transport, LocalKeyspace& keyspace);
  ~ClusterNode();
  ClusterNode(const ClusterNode&) = delete;
  ClusterNode& operator=(const ClusterNode&) = delete;

  // Loads <dir>/cluster-state; an error when it exists but is unreadable.
  Status Load();
  // Called with every new RoutingTable (on the cluster or a gRPC thread); set before Start.
  void SetRoutingListener(RoutingListener listener) { listener_ = std::move(listener); }
  // Bootstraps, joins or syncs in the background; routing says when the node serves.
  void Start();
  void Stop();

  RoutingPtr routing() const;
  ClusterState State() const;
  std::vector<MemberHealth> Health() const;  // by member index of State()

  // Peer service (gRPC threads).
  std::optional<AgreementMsg> OnAgree(const AgreementMsg& msg);
  HeartbeatInfo OnHeartbeat(const HeartbeatInfo& from);
  HelloInfo Hello();
  // Adds `joiner` (blocking until committed or failed) and returns the committed state.
  Status OnJoin(const Member& joiner, int64_t keys, ClusterState* out);
  std::vector<SlotStat> LocalSlotStats(const std::vector<uint16_t>& slots);

  // Admin (gRPC threads; block for the peers' answers and the agreement).
  Status PlanRingChange(const RingChangeRequest& req, RingChangeResult* out);
  Status ApplyRingChange(const RingChangeRequest& req, RingChangeResult* out);

 private:
  struct PeerLiveness {
    int64_t last_ok_ms = 0;
    int consecutive_failures = 0;
    bool reachable = true;
  };
  struct Waiter {
    bool done = false;
    ProposalOutcome outcome;
  };
  using Outbox = std::vector<AgreementMsg>;

  int64_t Now() const;
  void Run();
  void TickLocked(int64_t now, Outbox* out);
  void SendHeartbeats(int64_t now);
  void TryJoin();
  // Fetches a member's committed state (it showed a newer epoch) and learns it.
  void PullState(const std::string& admin_address);
  // Takes the agreement's Ready: persists, handles messages to self, queues the rest in `out`.
  void PumpLocked(Outbox* out);
  void Send(Outbox out);
  void OnCommittedLocked();
  void PublishLocked();
  void AdoptForeignLocked(const ClusterState& state);
  void NoteHeardLocked(const std::string& id, int64_t now);
  const Member* MemberByIdLocked(const std::string& id) const;
  Status ProposeAndWait(ChangeFn change, ProposeOptions opts, ProposalOutcome* outcome);
  Status Resolve(const RingChangeRequest& req, const ClusterState& cur, ResolvedChange* out);
  Status CountMovingKeys(const ClusterState& cur, const std::vector<SlotMove>& moves,
                         const std::vector<std::string>& skip_sources,
                         std::vector<SlotStat>* stats, std::vector<std::string>* unanswered);

  const ClusterOptions opts_;
  PeerTransport& transport_;
  LocalKeyspace& keyspace_;
  StateStore store_;
  RoutingListener listener_;

  mutable std::mutex mu_;
  std::condition_variable cv_;  // proposal outcomes, stop
  std::unique_ptr<Agreement> agreement_;
  std::map<std::string, PeerLiveness> peers_;  // by member id
  std::map<uint64_t, Waiter> waiters_;         // proposal id -> outcome
  RoutingPtr routing_;
  std::string digest_;  // of the committed state; heartbeats carry it 5 times a second
  bool synced_ = false;
  bool swept_ = false;
  bool joining_ = false;  // a Join call is out
  int64_t started_ms_ = 0;
  int64_t last_heartbeat_ms_ = 0;
  int64_t last_join_ms_ = 0;
  std::map<std::string, bool> answered_since_start_;  // members heard from since start (sync)
  bool stop_ = false;

  std::thread thread_;
};

}  // namespace kv::cluster
