#include "server/cluster/agreement.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace kv::cluster {

namespace {

// How long one prepare or accept round may wait for a quorum before it retries with a higher
// ballot, and the random pause before a retry (so two duelling proposers stop colliding).
constexpr int64_t kRoundTimeoutMs = 400;
constexpr int64_t kBackoffMinMs = 10;
constexpr int64_t kBackoffMaxMs = 150;

}  // namespace

Agreement::Agreement(std::string self, DurableState durable, uint64_t seed)
    : self_(std::move(self)), durable_(std::move(durable)), rng_(seed) {
  if (durable_.acceptor.instance != durable_.committed.epoch + 1) {
    durable_.acceptor = AcceptorState{};
    durable_.acceptor.instance = durable_.committed.epoch + 1;
  }
  max_round_seen_ = durable_.acceptor.promised.round;
}

uint64_t Agreement::Propose(ChangeFn change, ProposeOptions opts, int64_t now_ms) {
  Proposal p;
  const uint64_t id = next_id_++;
  p.id = id;
  p.change = std::move(change);
  p.deadline_ms = now_ms + opts.timeout_ms;
  p.opts = std::move(opts);
  p.phase_deadline_ms = now_ms;  // start at the next Tick, or now if nothing is ahead of it
  queue_.push_back(std::move(p));
  // May finish it at once (a stale --if-epoch), emptying the queue: the id was taken before.
  if (queue_.size() == 1) StartRound(queue_.front(), now_ms);
  return id;
}

void Agreement::StartRound(Proposal& p, int64_t now_ms) {
  const ClusterState& cur = durable_.committed;
  if (p.opts.if_epoch && *p.opts.if_epoch != cur.epoch) {
    return Finish(Status::Error(StatusCode::kFailedPrecondition,
                                fmt::format("ring is at epoch {}", cur.epoch)));
  }
  // (Re)compute our value on the newest committed state: a change that lost an epoch to another
  // is applied again on top of the winner.
  if (!p.own_value || p.own_value->epoch != cur.epoch + 1) {
    auto next = std::make_shared<ClusterState>(cur);
    if (Status st = p.change(cur, next.get()); !st.ok()) return Finish(std::move(st));
    next->epoch = cur.epoch + 1;
    next->change_id = fmt::format("{}:{}:{:016x}", self_, p.id, rng_());
    p.own_value = std::move(next);
    p.acceptors.clear();
    for (const Member& m : cur.members) {
      if (std::find(p.opts.non_voters.begin(), p.opts.non_voters.end(), m.id) ==
          p.opts.non_voters.end()) {
        p.acceptors.push_back(m.id);
      }
    }
    p.reachable.clear();
  }
  if (p.acceptors.empty()) {
    return Finish(Status::Error(StatusCode::kFailedPrecondition, "no member left to vote"));
  }
  p.instance = cur.epoch + 1;
  p.ballot = Ballot{++max_round_seen_, self_};
  p.promised_by.clear();
  p.accepted_by.clear();
  p.best_ballot.reset();
  p.best_value.reset();
  p.proposing.reset();
  p.phase = Phase::kPreparing;
  p.phase_deadline_ms = now_ms + kRoundTimeoutMs;
  for (const std::string& a : p.acceptors) Send(MsgType::kPrepare, a, p, nullptr);
}

void Agreement::Send(MsgType type, const std::string& to, const Proposal& p,
                     std::shared_ptr<const ClusterState> value) {
  AgreementMsg m;
  m.type = type;
  m.from = self_;
  m.to = to;
  m.instance = p.instance;
  m.ballot = p.ballot;
  m.value = std::move(value);
  ready_.messages.push_back(std::move(m));
}

void Agreement::RetryLater(Proposal& p, int64_t now_ms) {
  std::uniform_int_distribution<int64_t> pause(kBackoffMinMs, kBackoffMaxMs);
  p.phase = Phase::kWaiting;
  p.phase_deadline_ms = now_ms + pause(rng_);
}

void Agreement::Finish(Status status) {
  ready_.outcomes.push_back({queue_.front().id, std::move(status), durable_.committed.epoch});
  queue_.pop_front();
  // The next queued proposal starts at the next Tick (its phase deadline is in the past).
}

std::optional<AgreementMsg> Agreement::OnRequest(const AgreementMsg& req) {
  if (req.type == MsgType::kCommit) {
    if (req.value) Learn(*req.value, /*now_ms=*/-1);
    return std::nullopt;
  }
  if (req.type != MsgType::kPrepare && req.type != MsgType::kAccept) return std::nullopt;

  AgreementMsg reply;
  reply.from = self_;
  reply.to = req.from;
  reply.instance = req.instance;
  reply.committed_epoch = durable_.committed.epoch;
  AcceptorState& acc = durable_.acceptor;
  if (req.instance <= durable_.committed.epoch) {
    // Decided already: the decision answers every later question about this instance.
    reply.type = MsgType::kReject;
    reply.value = std::make_shared<ClusterState>(durable_.committed);
    return reply;
  }
  if (req.instance > acc.instance) {
    // We have not learnt the previous epoch yet, so we cannot vote on the next: the proposer
    // answers with a commit that catches us up.
    reply.type = MsgType::kReject;
    return reply;
  }
  if (req.ballot < acc.promised) {
    reply.type = MsgType::kReject;
    reply.ballot = acc.promised;
    return reply;
  }
  if (req.type == MsgType::kPrepare) {
    if (acc.promised != req.ballot) {
      acc.promised = req.ballot;
      ready_.persist = true;
    }
    reply.type = MsgType::kPromise;
    reply.ballot = req.ballot;
    reply.accepted_ballot = acc.accepted_ballot;
    reply.value = acc.accepted_value;
    return reply;
  }
  if (!req.value || req.value->epoch != req.instance) {
    reply.type = MsgType::kReject;
    reply.ballot = acc.promised;
    return reply;
  }
  acc.promised = req.ballot;
  acc.accepted_ballot = req.ballot;
  acc.accepted_value = req.value;
  ready_.persist = true;
  reply.type = MsgType::kAccepted;
  reply.ballot = req.ballot;
  return reply;
}

void Agreement::OnReply(const AgreementMsg& reply, int64_t now_ms) {
  max_round_seen_ = std::max(max_round_seen_, reply.ballot.round);
  if (reply.type == MsgType::kReject && reply.value) {
    Learn(*reply.value, now_ms);  // settles the active proposal if this answers its instance
  }
  if (queue_.empty()) return;
  Proposal& p = queue_.front();
  if (reply.instance != p.instance) return;
  if (std::find(p.acceptors.begin(), p.acceptors.end(), reply.from) == p.acceptors.end()) return;
  p.reachable.insert(reply.from);
  switch (reply.type) {
    case MsgType::kPromise:
      if (p.phase != Phase::kPreparing || reply.ballot != p.ballot) return;
      p.promised_by.insert(reply.from);
      if (reply.accepted_ballot && reply.value &&
          (!p.best_ballot || *reply.accepted_ballot > *p.best_ballot)) {
        p.best_ballot = reply.accepted_ballot;
        p.best_value = reply.value;
      }
      if (p.promised_by.size() >= Quorum(p)) {
        // Paxos's rule: a value some acceptor may have accepted must be carried on, ours only when
        // none was.
        p.proposing = p.best_value ? p.best_value : p.own_value;
        p.phase = Phase::kAccepting;
        p.phase_deadline_ms = now_ms + kRoundTimeoutMs;
        for (const std::string& a : p.acceptors) Send(MsgType::kAccept, a, p, p.proposing);
      }
      return;
    case MsgType::kAccepted:
      if (p.phase != Phase::kAccepting || reply.ballot != p.ballot) return;
      p.accepted_by.insert(reply.from);
      if (p.accepted_by.size() >= Quorum(p)) Chosen(p.proposing, now_ms);
      return;
    case MsgType::kReject:
      if (reply.value) return;  // handled by Learn above
      if (reply.committed_epoch + 1 < p.instance) {
        // The acceptor is behind: send it the state it missed so it can vote next round.
        AgreementMsg catch_up;
        catch_up.type = MsgType::kCommit;
        catch_up.from = self_;
        catch_up.to = reply.from;
        catch_up.instance = durable_.committed.epoch;
        catch_up.value = std::make_shared<ClusterState>(durable_.committed);
        ready_.messages.push_back(std::move(catch_up));
        return;
      }
      if (p.phase != Phase::kWaiting && p.ballot < reply.ballot) RetryLater(p, now_ms);
      return;
    default:
      return;
  }
}

void Agreement::Chosen(std::shared_ptr<const ClusterState> value, int64_t now_ms) {
  std::set<std::string> tell;
  for (const Member& m : durable_.committed.members) tell.insert(m.id);
  for (const Member& m : value->members) tell.insert(m.id);
  tell.erase(self_);
  for (const std::string& to : tell) {
    AgreementMsg m;
    m.type = MsgType::kCommit;
    m.from = self_;
    m.to = to;
    m.instance = value->epoch;
    m.value = value;
    ready_.messages.push_back(std::move(m));
  }
  Commit(*value, now_ms);
}

void Agreement::Learn(const ClusterState& state, int64_t now_ms) {
  if (state.epoch <= durable_.committed.epoch) return;
  Commit(state, now_ms);
}

void Agreement::Commit(const ClusterState& state, int64_t now_ms) {
  durable_.committed = state;
  durable_.acceptor = AcceptorState{};
  durable_.acceptor.instance = state.epoch + 1;
  ready_.persist = true;
  ready_.committed_changed = true;
  if (queue_.empty()) return;
  Proposal& p = queue_.front();
  if (p.phase == Phase::kWaiting && !p.own_value) return;  // not started: it will use this state
  if (p.own_value && state.change_id == p.own_value->change_id) {
    return Finish(Status::Ok());
  }
  if (p.instance > state.epoch) return;  // our round is for a later epoch and still valid
  if (p.opts.if_epoch) {
    return Finish(Status::Error(StatusCode::kFailedPrecondition,
                                fmt::format("ring is at epoch {}", state.epoch)));
  }
  // Another change took the epoch: apply ours again on top of it, at once.
  p.phase = Phase::kWaiting;
  p.phase_deadline_ms = now_ms < 0 ? 0 : now_ms;
}

void Agreement::Tick(int64_t now_ms) {
  if (queue_.empty()) return;
  Proposal& p = queue_.front();
  if (now_ms >= p.deadline_ms) {
    return Finish(Status::Error(
        StatusCode::kUnavailable,
        fmt::format("no quorum ({} of {} reachable)", p.reachable.size(), p.acceptors.size())));
  }
  if (now_ms < p.phase_deadline_ms) return;
  if (p.phase == Phase::kWaiting) {
    StartRound(p, now_ms);
  } else {
    RetryLater(p, now_ms);  // the round timed out without a quorum
  }
}

Ready Agreement::TakeReady() {
  Ready out = std::move(ready_);
  ready_ = Ready{};
  return out;
}

}  // namespace kv::cluster
