#pragma once

// Agreement on the cluster state: single-decree Paxos, one instance per epoch. Instance e decides
// the state of epoch e; its acceptors are the members of the committed state of epoch e-1, so at
// most one state is ever committed per epoch, whoever proposes and whatever messages are lost,
// duplicated or reordered (see README.md for why Paxos and not Raft).
//
// A pure state machine in the style of etcd's raft package: no threads, clocks, files or sockets.
// Requests come in through OnRequest (acceptor side) and replies through OnReply (proposer side);
// time advances through Tick. Everything to do comes out of TakeReady(): persist durable() first,
// then send the messages. OnRequest's own reply may be sent only after that persist too.

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "server/cluster/cluster_state.h"
#include "server/cluster/status.h"

namespace kv::cluster {

// Ballots are ordered by round, then by proposer id, so two proposers never share one.
struct Ballot {
  uint64_t round = 0;
  std::string node;
  auto operator<=>(const Ballot&) const = default;
};

enum class MsgType : uint8_t { kPrepare, kPromise, kAccept, kAccepted, kReject, kCommit };

struct AgreementMsg {
  MsgType type = MsgType::kPrepare;
  std::string from;
  std::string to;
  uint64_t instance = 0;  // the epoch being decided
  // Prepare/accept: the proposer's ballot. Promise/accepted: the ballot answered. Reject: the
  // ballot the acceptor has promised.
  Ballot ballot;
  // Promise: the acceptor's last accepted ballot and value in this instance, if any.
  std::optional<Ballot> accepted_ballot;
  // Accept: the proposed state. Promise: the last accepted one. Commit: the chosen state. Reject:
  // the acceptor's committed state when it is already past the instance.
  std::shared_ptr<const ClusterState> value;
  uint64_t committed_epoch = 0;  // reject: the acceptor's committed epoch
};

// What must survive a crash before any message that depends on it leaves.
struct AcceptorState {
  uint64_t instance = 0;  // always committed.epoch + 1
  Ballot promised;
  std::optional<Ballot> accepted_ballot;
  std::shared_ptr<const ClusterState> accepted_value;
};

struct DurableState {
  ClusterState committed;
  AcceptorState acceptor;
};

// Computes the next state from the committed one (`next` starts as a copy of `current`); an error
// refuses the change. Called again on the newer state when another change wins the epoch first.
using ChangeFn = std::function<Status(const ClusterState& current, ClusterState* next)>;

struct ProposeOptions {
  // Refuse with kFailedPrecondition ("ring is at epoch M") unless the change applies to this epoch
  // and wins it.
  std::optional<uint64_t> if_epoch;
  // Members that do not vote (remove-node --force: given up as dead). Unsafe if they are alive.
  std::vector<std::string> non_voters;
  int64_t timeout_ms = 5000;
};

struct ProposalOutcome {
  uint64_t id = 0;
  Status status;
  uint64_t epoch = 0;  // the committed epoch when the proposal ended
};

struct Ready {
  bool persist = false;  // durable() changed: write it before sending anything below
  std::vector<AgreementMsg> messages;
  std::vector<ProposalOutcome> outcomes;
  bool committed_changed = false;
};

class Agreement {
 public:
  Agreement(std::string self, DurableState durable, uint64_t seed);

  // Queues a change; its outcome comes out of TakeReady() later. Returns the proposal id.
  uint64_t Propose(ChangeFn change, ProposeOptions opts, int64_t now_ms);
  // Acceptor side: prepare, accept or commit from a proposer. The reply (none for commit) may leave
  // only after a TakeReady().persist has been written.
  std::optional<AgreementMsg> OnRequest(const AgreementMsg& req);
  // Proposer side: a reply to one of this node's requests.
  void OnReply(const AgreementMsg& reply, int64_t now_ms);
  // A committed state learned outside the protocol (pulled after a heartbeat showed a newer epoch).
  void Learn(const ClusterState& state, int64_t now_ms);
  void Tick(int64_t now_ms);
  Ready TakeReady();

  const DurableState& durable() const { return durable_; }
  const ClusterState& committed() const { return durable_.committed; }
  bool proposing() const { return !queue_.empty(); }

 private:
  enum class Phase { kWaiting, kPreparing, kAccepting };
  struct Proposal {
    uint64_t id = 0;
    ChangeFn change;
    ProposeOptions opts;
    int64_t deadline_ms = 0;
    Phase phase = Phase::kWaiting;
    int64_t phase_deadline_ms = 0;  // kWaiting: when to start; otherwise when to give up the round
    uint64_t instance = 0;
    Ballot ballot;
    std::vector<std::string> acceptors;
    std::set<std::string> promised_by;
    std::set<std::string> accepted_by;
    std::set<std::string> reachable;  // acceptors that answered anything, for "k of n reachable"
    std::optional<Ballot> best_ballot;
    std::shared_ptr<const ClusterState> best_value;
    std::shared_ptr<const ClusterState> own_value;
    std::shared_ptr<const ClusterState> proposing;
  };

  void StartRound(Proposal& p, int64_t now_ms);
  void RetryLater(Proposal& p, int64_t now_ms);
  void Finish(Status status);
  void Chosen(std::shared_ptr<const ClusterState> value, int64_t now_ms);
  // Adopts a newer committed state and settles the active proposal against it.
  void Commit(const ClusterState& state, int64_t now_ms);
  size_t Quorum(const Proposal& p) const { return p.acceptors.size() / 2 + 1; }
  void Send(MsgType type, const std::string& to, const Proposal& p,
            std::shared_ptr<const ClusterState> value);

  std::string self_;
  DurableState durable_;
  std::mt19937_64 rng_;
  std::deque<Proposal> queue_;  // front() is the active proposal
  uint64_t next_id_ = 1;
  uint64_t max_round_seen_ = 0;
  Ready ready_;
};

}  // namespace kv::cluster
