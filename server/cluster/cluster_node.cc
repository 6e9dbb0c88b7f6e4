#include "server/cluster/cluster_node.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <future>
#include <random>
#include <set>

namespace kv::cluster {

namespace {

constexpr int64_t kJoinRetryMs = 1000;
constexpr int64_t kPeerCallTimeoutMs = 3000;
constexpr auto kTickInterval = std::chrono::milliseconds(20);
// Answers missed in a row that mark a member down before cluster-node-timeout has passed (a
// refused connection fails fast: a killed member is seen down in well under the timeout).
constexpr int kFailuresForDown = 3;

bool IsRequest(MsgType t) {
  return t == MsgType::kPrepare || t == MsgType::kAccept || t == MsgType::kCommit;
}

std::string RandomHex(size_t n) {
  std::random_device rd;
  std::string s(n, '0');
  for (char& c : s) c = "0123456789abcdef"[rd() % 16];
  return s;
}

// Runs an asynchronous transport call and waits for its answer, or gives up after `timeout_ms`.
template <typename T, typename Call>
Status Await(Call call, int64_t timeout_ms, T* out) {
  auto done = std::make_shared<std::promise<std::pair<Status, T>>>();
  std::future<std::pair<Status, T>> f = done->get_future();
  call([done](Status st, T value) { done->set_value({std::move(st), std::move(value)}); });
  if (f.wait_for(std::chrono::milliseconds(timeout_ms)) != std::future_status::ready) {
    return Status::Error(StatusCode::kUnavailable, "no answer in time");
  }
  auto [st, value] = f.get();
  *out = std::move(value);
  return st;
}

}  // namespace

ClusterNode::ClusterNode(ClusterOptions options, PeerTransport& transport, LocalKeyspace& keyspace)
    : opts_(std::move(options)), transport_(transport), keyspace_(keyspace), store_(opts_.dir) {}

ClusterNode::~ClusterNode() { Stop(); }

int64_t ClusterNode::Now() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Status ClusterNode::Load() {
  std::string error;
  std::optional<DurableState> saved = store_.Load(&error);
  if (!saved && !error.empty()) return Status::Error(StatusCode::kInternal, error);
  std::lock_guard lock(mu_);
  agreement_ = std::make_unique<Agreement>(opts_.self.id, saved ? std::move(*saved) : DurableState{},
                                           std::random_device{}());
  if (saved) {
    digest_ = agreement_->committed().Digest();
    spdlog::info("cluster: loaded state at epoch {} ({} members)", agreement_->committed().epoch,
                 agreement_->committed().members.size());
  }
  return Status::Ok();
}

void ClusterNode::Start() {
  Outbox out;
  {
    std::lock_guard lock(mu_);
    started_ms_ = Now();
    if (agreement_->committed().empty() && opts_.join.empty()) {
      ClusterState boot = BootstrapState(opts_.self, opts_.vnodes, RandomHex(16));
      spdlog::info("cluster: bootstrapping a ring of one (cluster {}), all {} slots here",
                   boot.cluster_id, kNumSlots);
      agreement_->Learn(boot, started_ms_);
    }
    PumpLocked(&out);
    OnCommittedLocked();
  }
  Send(std::move(out));
  thread_ = std::thread([this] { Run(); });
}

void ClusterNode::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stop_) return;
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ClusterNode::Run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    Outbox out;
    const int64_t now = Now();
    TickLocked(now, &out);
    const bool beat = now - last_heartbeat_ms_ >= opts_.heartbeat_ms;
    if (beat) last_heartbeat_ms_ = now;
    const bool join = !opts_.join.empty() && !joining_ &&
                      agreement_->committed().MemberIndex(opts_.self.id) < 0 &&
                      now - last_join_ms_ >= kJoinRetryMs;
    if (join) {
      joining_ = true;
      last_join_ms_ = now;
    }
    lock.unlock();
    Send(std::move(out));
    if (beat) SendHeartbeats(now);
    if (join) TryJoin();
    lock.lock();
    cv_.wait_for(lock, kTickInterval, [this] { return stop_; });
  }
}

void ClusterNode::TickLocked(int64_t now, Outbox* out) {
  agreement_->Tick(now);
  PumpLocked(out);
  const ClusterState& st = agreement_->committed();
  bool changed = false;
  for (auto& [id, p] : peers_) {
    const bool reachable = now - p.last_ok_ms <= opts_.node_timeout_ms &&
                           p.consecutive_failures < kFailuresForDown;
    if (reachable != p.reachable) {
      p.reachable = reachable;
      changed = true;
      spdlog::warn("cluster: member {} is {}", id, reachable ? "up again" : "down");
    }
  }
  if (!synced_ && st.MemberIndex(opts_.self.id) >= 0) {
    // A restarted member serves only once a majority (itself included) has answered, so it has
    // seen any newer state, and after dropping keys of slots it no longer owns.
    size_t heard = 1;
    for (const Member& m : st.members) {
      if (m.id != opts_.self.id && answered_since_start_.count(m.id)) ++heard;
    }
    if (heard >= st.members.size() / 2 + 1) {
      synced_ = true;
      changed = true;
      spdlog::info("cluster: synced at epoch {} ({} of {} members answered)", st.epoch, heard,
                   st.members.size());
    }
  }
  if (synced_ && !swept_ && st.MemberIndex(opts_.self.id) >= 0) {
    swept_ = true;
    std::vector<bool> owned(kNumSlots, false);
    const int self = st.MemberIndex(opts_.self.id);
    for (size_t s = 0; s < kNumSlots; ++s) owned[s] = st.slot_owner[s] == self;
    if (size_t dropped = keyspace_.DropUnowned(owned); dropped > 0) {
      spdlog::warn("cluster: removed {} keys of slots this node does not own (logged as UNLINK)",
                   dropped);
    }
  }
  if (changed) PublishLocked();
}

void ClusterNode::PumpLocked(Outbox* out) {
  std::deque<AgreementMsg> local;
  while (true) {
    Ready r = agreement_->TakeReady();
    if (r.persist) {
      if (Status st = store_.Save(agreement_->durable()); !st.ok()) {
        // A promise we cannot keep across a crash must not leave: drop this round's messages.
        spdlog::error("cluster: {}; not sending agreement messages", st.message);
        r.messages.clear();
        local.clear();
      }
    }
    if (r.committed_changed) OnCommittedLocked();
    for (const ProposalOutcome& o : r.outcomes) {
      spdlog::debug("cluster: proposal {} ended at epoch {}: {}", o.id, o.epoch,
                    o.status.ok() ? "ok" : o.status.message);
      if (auto it = waiters_.find(o.id); it != waiters_.end()) {
        it->second.done = true;
        it->second.outcome = o;
      }
    }
    if (!r.outcomes.empty()) cv_.notify_all();
    for (AgreementMsg& m : r.messages) {
      if (m.to == opts_.self.id) {
        local.push_back(std::move(m));
      } else {
        out->push_back(std::move(m));
      }
    }
    if (local.empty()) return;
    // Messages to ourselves are handled here, each after the previous one's state was persisted.
    AgreementMsg m = std::move(local.front());
    local.pop_front();
    if (IsRequest(m.type)) {
      if (std::optional<AgreementMsg> reply = agreement_->OnRequest(m)) {
        local.push_back(std::move(*reply));
      }
    } else {
      agreement_->OnReply(m, Now());
    }
  }
}

const Member* ClusterNode::MemberByIdLocked(const std::string& id) const {
  return agreement_->committed().FindMember(id);
}

void ClusterNode::Send(Outbox out) {
  for (AgreementMsg& m : out) {
    std::string addr;
    {
      std::lock_guard lock(mu_);
      const Member* to = MemberByIdLocked(m.to);
      if (!to && m.value) to = m.value->FindMember(m.to);  // a member the chosen state adds
      if (!to) continue;
      addr = to->AdminAddress();
    }
    transport_.Agree(addr, std::move(m), [this](Status st, std::optional<AgreementMsg> reply) {
      if (!st.ok() || !reply) return;  // lost: the agreement's round timeout retries
      Outbox more;
      {
        std::lock_guard lock(mu_);
        if (stop_) return;
        agreement_->OnReply(*reply, Now());
        PumpLocked(&more);
      }
      Send(std::move(more));
    });
  }
}

void ClusterNode::OnCommittedLocked() {
  const ClusterState& st = agreement_->committed();
  const int64_t now = Now();
  std::set<std::string> ids;
  for (const Member& m : st.members) {
    if (m.id == opts_.self.id) continue;
    ids.insert(m.id);
    // A new member starts with the benefit of the doubt for one node timeout.
    if (!peers_.count(m.id)) peers_[m.id] = PeerLiveness{now, 0, true};
  }
  std::erase_if(peers_, [&](const auto& kv) { return !ids.count(kv.first); });
  const bool member = st.MemberIndex(opts_.self.id) >= 0;
  if (member && st.members.size() == 1) synced_ = true;  // nobody to sync with
  if (!member && synced_) {
    spdlog::warn("cluster: this node is no longer a member (epoch {})", st.epoch);
    synced_ = false;
  }
  digest_ = st.empty() ? std::string() : st.Digest();
  if (!st.empty()) {
    spdlog::info("cluster: epoch {} committed, {} members, digest {}", st.epoch, st.members.size(),
                 digest_);
  }
  PublishLocked();
}

void ClusterNode::PublishLocked() {
  auto t = std::make_shared<RoutingTable>();
  const ClusterState& st = agreement_->committed();
  t->epoch = st.epoch;
  t->cluster_id = st.cluster_id;
  t->self_id = opts_.self.id;
  t->self = st.MemberIndex(opts_.self.id);
  t->synced = synced_;
  t->members = st.members;
  t->slot_owner = st.slot_owner;
  t->reachable.resize(st.members.size(), true);
  for (size_t i = 0; i < st.members.size(); ++i) {
    if (auto it = peers_.find(st.members[i].id); it != peers_.end()) {
      t->reachable[i] = it->second.reachable;
    }
  }
  routing_ = t;
  if (listener_) listener_(routing_);
}

void ClusterNode::NoteHeardLocked(const std::string& id, int64_t now) {
  auto it = peers_.find(id);
  if (it == peers_.end()) return;
  it->second.last_ok_ms = now;
  it->second.consecutive_failures = 0;
  answered_since_start_[id] = true;
  if (!it->second.reachable) {
    it->second.reachable = true;
    spdlog::info("cluster: member {} is up again", id);
    PublishLocked();
  }
}

void ClusterNode::SendHeartbeats(int64_t now) {
  HeartbeatInfo hb;
  std::vector<std::pair<std::string, std::string>> targets;  // id, admin address
  {
    std::lock_guard lock(mu_);
    const ClusterState& st = agreement_->committed();
    hb = HeartbeatInfo{opts_.self.id, st.epoch, digest_, st.cluster_id};
    for (const Member& m : st.members) {
      if (m.id != opts_.self.id) targets.emplace_back(m.id, m.AdminAddress());
    }
  }
  (void)now;
  for (auto& [id, addr] : targets) {
    transport_.Heartbeat(
        addr, hb, opts_.node_timeout_ms / 2,
        [this, id = id, addr = addr, mine = hb](Status st, HeartbeatInfo theirs) {
          Outbox out;
          bool pull = false;
          {
            std::lock_guard lock(mu_);
            if (stop_) return;
            if (!st.ok() || theirs.node_id != id ||
                (!theirs.cluster_id.empty() && theirs.cluster_id != mine.cluster_id)) {
              if (auto it = peers_.find(id); it != peers_.end()) ++it->second.consecutive_failures;
              return;
            }
            NoteHeardLocked(id, Now());
            const ClusterState& cur = agreement_->committed();
            if (theirs.epoch > cur.epoch) {
              pull = true;
            } else if (theirs.epoch < cur.epoch) {
              AgreementMsg push;  // it missed a commit: send it ours
              push.type = MsgType::kCommit;
              push.from = opts_.self.id;
              push.to = id;
              push.instance = cur.epoch;
              push.value = std::make_shared<ClusterState>(cur);
              out.push_back(std::move(push));
            } else if (theirs.digest != mine.digest && theirs.epoch == mine.epoch) {
              spdlog::error("cluster: member {} holds a different state for epoch {} ({} vs {})",
                            id, theirs.epoch, theirs.digest, mine.digest);
            }
          }
          Send(std::move(out));
          if (pull) PullState(addr);
        });
  }
}

void ClusterNode::PullState(const std::string& admin_address) {
  transport_.GetState(admin_address, [this](Status st, ClusterState state) {
    if (!st.ok()) return;
    Outbox out;
    {
      std::lock_guard lock(mu_);
      if (stop_ || state.cluster_id != agreement_->committed().cluster_id) return;
      agreement_->Learn(state, Now());
      PumpLocked(&out);
    }
    Send(std::move(out));
  });
}

void ClusterNode::TryJoin() {
  transport_.Join(opts_.join, opts_.self, keyspace_.TotalKeys(), opts_.propose_timeout_ms,
                  [this](Status st, ClusterState state) {
                    std::lock_guard lock(mu_);
                    joining_ = false;
                    if (stop_) return;
                    if (!st.ok()) {
                      spdlog::warn("cluster: joining through {} failed: {}", opts_.join,
                                   st.message);
                      return;
                    }
                    if (state.MemberIndex(opts_.self.id) < 0) return;
                    AdoptForeignLocked(state);
                  });
}

void ClusterNode::AdoptForeignLocked(const ClusterState& state) {
  const ClusterState& cur = agreement_->committed();
  if (state.MemberIndex(opts_.self.id) < 0) return;
  if (!cur.empty() && cur.cluster_id == state.cluster_id) {
    agreement_->Learn(state, Now());
  } else if (cur.empty() || cur.members.size() <= 1 || cur.MemberIndex(opts_.self.id) < 0) {
    // Joining another cluster: a ring of one we bootstrapped (or no state) is given up for it.
    spdlog::info("cluster: joined cluster {} at epoch {}", state.cluster_id, state.epoch);
    agreement_ = std::make_unique<Agreement>(opts_.self.id, DurableState{state, {}},
                                             std::random_device{}());
    if (Status st = store_.Save(agreement_->durable()); !st.ok()) {
      spdlog::error("cluster: {}", st.message);
    }
    synced_ = true;  // the state came from the cluster just now
    swept_ = true;   // a node with keys may not join, so there is nothing to drop
    OnCommittedLocked();
    return;
  } else {
    spdlog::warn("cluster: ignoring state of cluster {}: this node belongs to {}",
                 state.cluster_id, cur.cluster_id);
    return;
  }
  Outbox out;
  PumpLocked(&out);
  // Messages from a Learn are only persisted state; nothing to send from here.
}

RoutingPtr ClusterNode::routing() const {
  std::lock_guard lock(mu_);
  return routing_;
}

ClusterState ClusterNode::State() const {
  std::lock_guard lock(mu_);
  return agreement_->committed();
}

std::vector<MemberHealth> ClusterNode::Health() const {
  std::lock_guard lock(mu_);
  const int64_t now = Now();
  std::vector<MemberHealth> out;
  for (const Member& m : agreement_->committed().members) {
    auto it = peers_.find(m.id);
    if (it == peers_.end()) {
      out.push_back({m.id == opts_.self.id, 0});
    } else {
      out.push_back({it->second.reachable, now - it->second.last_ok_ms});
    }
  }
  return out;
}

std::optional<AgreementMsg> ClusterNode::OnAgree(const AgreementMsg& msg) {
  Outbox out;
  std::optional<AgreementMsg> reply;
  {
    std::lock_guard lock(mu_);
    if (stop_) return std::nullopt;
    const ClusterState& cur = agreement_->committed();
    if (msg.type == MsgType::kCommit && msg.value && msg.value->cluster_id != cur.cluster_id) {
      AdoptForeignLocked(*msg.value);
      return std::nullopt;
    }
    reply = agreement_->OnRequest(msg);
    PumpLocked(&out);  // persists before the reply leaves
  }
  Send(std::move(out));
  return reply;
}

HeartbeatInfo ClusterNode::OnHeartbeat(const HeartbeatInfo& from) {
  std::string pull_from;
  HeartbeatInfo me;
  {
    std::lock_guard lock(mu_);
    const ClusterState& st = agreement_->committed();
    me = HeartbeatInfo{opts_.self.id, st.epoch, digest_, st.cluster_id};
    if (from.cluster_id != st.cluster_id) return me;
    NoteHeardLocked(from.node_id, Now());
    if (from.epoch > st.epoch) {
      if (const Member* m = MemberByIdLocked(from.node_id)) pull_from = m->AdminAddress();
    }
  }
  if (!pull_from.empty()) PullState(pull_from);
  return me;
}

HelloInfo ClusterNode::Hello() {
  HelloInfo h;
  h.identity = opts_.self;
  h.keys = keyspace_.TotalKeys();
  std::lock_guard lock(mu_);
  const ClusterState& st = agreement_->committed();
  h.epoch = st.epoch;
  h.members = static_cast<int>(st.members.size());
  h.cluster_id = st.cluster_id;
  return h;
}

std::vector<SlotStat> ClusterNode::LocalSlotStats(const std::vector<uint16_t>& slots) {
  return keyspace_.SlotStats(slots);
}

Status ClusterNode::ProposeAndWait(ChangeFn change, ProposeOptions opts,
                                   ProposalOutcome* outcome) {
  const int64_t wait_ms = opts.timeout_ms + 1000;
  Outbox out;
  uint64_t id = 0;
  {
    std::lock_guard lock(mu_);
    if (stop_) return Status::Error(StatusCode::kUnavailable, "node is shutting down");
    id = agreement_->Propose(std::move(change), std::move(opts), Now());
    spdlog::debug("cluster: proposal {} started at epoch {}", id, agreement_->committed().epoch);
    waiters_[id];
    PumpLocked(&out);
  }
  Send(std::move(out));
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, std::chrono::milliseconds(wait_ms),
               [&] { return stop_ || waiters_[id].done; });
  Waiter w = waiters_[id];
  waiters_.erase(id);
  if (!w.done) return Status::Error(StatusCode::kUnavailable, "no outcome in time");
  *outcome = w.outcome;
  return w.outcome.status;
}

Status ClusterNode::Resolve(const RingChangeRequest& req, const ClusterState& cur,
                            ResolvedChange* out) {
  for (const std::string& addr : req.add) {
    HelloInfo h;
    Status st = Await<HelloInfo>(
        [&](auto done) { transport_.Hello(addr, std::move(done)); }, kPeerCallTimeoutMs, &h);
    if (!st.ok()) {
      return Status::Error(StatusCode::kUnavailable,
                           fmt::format("cannot reach {}: {}", addr, st.message));
    }
    const bool known = cur.MemberIndex(h.identity.id) >= 0;
    if (!known && h.keys > 0) {
      return Status::Error(StatusCode::kFailedPrecondition,
                           fmt::format("node {} at {} holds {} keys; a node with keys cannot join "
                                       "an existing cluster",
                                       h.identity.id, addr, h.keys));
    }
    if (!known && h.members > 1 && h.cluster_id != cur.cluster_id) {
      return Status::Error(StatusCode::kFailedPrecondition,
                           fmt::format("node {} at {} is a member of another cluster ({} members)",
                                       h.identity.id, addr, h.members));
    }
    out->add.push_back(h.identity);
  }
  for (const std::string& who : req.remove) {
    const std::string id = who == "self" ? opts_.self.id : who;
    auto it = std::find_if(cur.members.begin(), cur.members.end(), [&](const Member& m) {
      return m.id == id || m.AdminAddress() == who;
    });
    if (it == cur.members.end()) {
      return Status::Error(StatusCode::kNotFound, fmt::format("no member {}", who));
    }
    out->remove.push_back(it->id);
  }
  return Status::Ok();
}

Status ClusterNode::CountMovingKeys(const ClusterState& cur, const std::vector<SlotMove>& moves,
                                    const std::vector<std::string>& skip_sources,
                                    std::vector<SlotStat>* stats,
                                    std::vector<std::string>* unanswered) {
  std::map<std::string, std::vector<uint16_t>> by_source;
  for (const SlotMove& mv : moves) {
    if (mv.from.empty()) continue;
    if (std::find(skip_sources.begin(), skip_sources.end(), mv.from) != skip_sources.end()) continue;
    by_source[mv.from].push_back(mv.slot);
  }
  for (auto& [id, slots] : by_source) {
    std::vector<SlotStat> got;
    if (id == opts_.self.id) {
      got = keyspace_.SlotStats(slots);
    } else {
      const Member* m = cur.FindMember(id);
      Status st = Await<std::vector<SlotStat>>(
          [&](auto done) { transport_.GetSlotStats(m->AdminAddress(), slots, std::move(done)); },
          kPeerCallTimeoutMs, &got);
      if (!st.ok()) {
        unanswered->push_back(id);
        continue;
      }
    }
    stats->insert(stats->end(), got.begin(), got.end());
  }
  return Status::Ok();
}

Status ClusterNode::PlanRingChange(const RingChangeRequest& req, RingChangeResult* out) {
  const ClusterState cur = State();
  ResolvedChange resolved;
  if (Status st = Resolve(req, cur, &resolved); !st.ok()) return st;
  std::vector<SlotMove> moves;
  if (Status st = NextRing(cur, resolved, &out->next, &moves); !st.ok()) return st;
  std::vector<SlotStat> stats;
  std::vector<std::string> unanswered;
  CountMovingKeys(cur, moves, {}, &stats, &unanswered);
  out->epoch = cur.epoch;
  out->moves = GroupMoves(moves, stats, unanswered);
  return Status::Ok();
}

Status ClusterNode::ApplyRingChange(const RingChangeRequest& req, RingChangeResult* out) {
  // Without --if-epoch a change that lost its epoch to another is planned again on the new state.
  const int attempts = req.if_epoch ? 1 : 3;
  Status last;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    const ClusterState cur = State();
    if (cur.MemberIndex(opts_.self.id) < 0) {
      return Status::Error(StatusCode::kFailedPrecondition, "this node is not a cluster member");
    }
    if (req.if_epoch && *req.if_epoch != cur.epoch) {
      return Status::Error(StatusCode::kFailedPrecondition,
                           fmt::format("ring is at epoch {}", cur.epoch));
    }
    ResolvedChange resolved;
    if (Status st = Resolve(req, cur, &resolved); !st.ok()) return st;
    ClusterState next;
    std::vector<SlotMove> moves;
    if (Status st = NextRing(cur, resolved, &next, &moves); !st.ok()) return st;
    const std::vector<std::string> skip = req.force ? resolved.remove : std::vector<std::string>{};
    std::vector<SlotStat> stats;
    std::vector<std::string> unanswered;
    CountMovingKeys(cur, moves, skip, &stats, &unanswered);
    if (!unanswered.empty()) {
      return Status::Error(StatusCode::kUnavailable,
                           fmt::format("cannot count the keys of moving slots on {}{}",
                                       fmt::join(unanswered, ", "),
                                       req.force ? "" : " (remove a dead node with --force)"));
    }
    if (Status st = RefuseMovingKeys(stats); !st.ok()) return st;
    ProposeOptions popts;
    popts.if_epoch = cur.epoch;  // the keys were counted on this epoch's owners
    popts.timeout_ms = opts_.propose_timeout_ms;
    if (req.force) popts.non_voters = resolved.remove;
    ProposalOutcome outcome;
    last = ProposeAndWait(
        [next](const ClusterState&, ClusterState* n) {
          *n = next;
          return Status::Ok();
        },
        popts, &outcome);
    if (last.ok()) {
      const ClusterState done = State();
      out->epoch = done.epoch;
      out->digest = done.Digest();
      out->moves = GroupMoves(moves, stats, {});
      out->next = done;
      return last;
    }
    if (last.code != StatusCode::kFailedPrecondition || req.if_epoch) return last;
  }
  return last;
}

Status ClusterNode::OnJoin(const Member& joiner, int64_t keys, ClusterState* out) {
  {
    std::lock_guard lock(mu_);
    const ClusterState& cur = agreement_->committed();
    const Member* known = cur.FindMember(joiner.id);
    if (known && known->host == joiner.host && known->port == joiner.port &&
        known->admin_port == joiner.admin_port) {
      *out = cur;  // a member that restarted without its state, or a retried join
      return Status::Ok();
    }
    if (!known && keys > 0) {
      return Status::Error(StatusCode::kFailedPrecondition,
                           fmt::format("node {} holds {} keys; a node with keys cannot join an "
                                       "existing cluster",
                                       joiner.id, keys));
    }
  }
  // Same path as an operator's ring change, with the identity the joiner sent.
  for (int attempt = 0; attempt < 3; ++attempt) {
    const ClusterState cur = State();
    if (cur.MemberIndex(opts_.self.id) < 0) {
      return Status::Error(StatusCode::kUnavailable, "this node is not a cluster member yet");
    }
    ResolvedChange resolved;
    resolved.add.push_back(joiner);
    ClusterState next;
    std::vector<SlotMove> moves;
    if (Status st = NextRing(cur, resolved, &next, &moves); !st.ok()) return st;
    std::vector<SlotStat> stats;
    std::vector<std::string> unanswered;
    CountMovingKeys(cur, moves, {}, &stats, &unanswered);
    if (!unanswered.empty()) {
      return Status::Error(StatusCode::kUnavailable,
                           fmt::format("cannot count the keys of moving slots on {}",
                                       fmt::join(unanswered, ", ")));
    }
    if (Status st = RefuseMovingKeys(stats); !st.ok()) return st;
    ProposeOptions popts;
    popts.if_epoch = cur.epoch;
    popts.timeout_ms = opts_.propose_timeout_ms;
    ProposalOutcome outcome;
    Status st = ProposeAndWait(
        [next](const ClusterState&, ClusterState* n) {
          *n = next;
          return Status::Ok();
        },
        popts, &outcome);
    if (st.ok()) {
      *out = State();
      return st;
    }
    if (st.code != StatusCode::kFailedPrecondition) return st;
  }
  return Status::Error(StatusCode::kUnavailable, "the ring kept changing; try again");
}

}  // namespace kv::cluster
