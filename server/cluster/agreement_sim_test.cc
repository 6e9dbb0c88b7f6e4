// A randomised simulation of the agreement protocol: several nodes, a network that drops,
// delays, duplicates and reorders messages, nodes that crash (losing everything not persisted)
// and restart, and concurrent proposers. Over thousands of seeds it checks the two properties the
// cluster relies on: never two different states committed for one epoch, and members that stay
// connected converge on one state once faults stop.

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <queue>
#include <random>

#include "server/cluster/agreement.h"

namespace kv::cluster {
namespace {

struct Event {
  int64_t at;
  uint64_t seq;  // ties broken by creation order, so a seed replays identically
  int kind;      // 0: deliver a message, 1: tick every node
  AgreementMsg msg;
  bool operator>(const Event& o) const { return at != o.at ? at > o.at : seq > o.seq; }
};

struct SimNode {
  std::string id;
  std::unique_ptr<Agreement> agreement;  // null while crashed
  DurableState disk;                     // what survives a crash
};

class Simulation {
 public:
  Simulation(uint64_t seed, size_t n) : rng_(seed) {
    ClusterState initial;
    initial.epoch = 1;
    initial.change_id = "initial";
    for (size_t i = 0; i < n; ++i) {
      Member m;
      m.id = "node" + std::to_string(i);
      m.host = "127.0.0.1";
      initial.members.push_back(m);
    }
    for (size_t i = 0; i < n; ++i) {
      SimNode node;
      node.id = initial.members[i].id;
      node.disk.committed = initial;
      node.disk.acceptor.instance = 2;
      nodes_.push_back(std::move(node));
      Restart(i);
    }
    Record(initial);
  }

  void Run(int64_t fault_until_ms, int64_t end_ms) {
    faults_until_ = fault_until_ms;
    Push(0, 1, {});
    while (!events_.empty() && events_.top().at <= end_ms) {
      Event ev = events_.top();
      events_.pop();
      now_ = ev.at;
      if (ev.kind == 1) {
        OnTick();
        Push(now_ + 10, 1, {});
      } else {
        Deliver(ev.msg);
      }
    }
  }

  // Every node is up and holds the same committed state.
  bool Converged(std::string* why) const {
    const ClusterState& first = nodes_[0].agreement->committed();
    for (const SimNode& n : nodes_) {
      if (!n.agreement) {
        *why = n.id + " is down";
        return false;
      }
      if (n.agreement->committed().epoch != first.epoch ||
          n.agreement->committed().change_id != first.change_id) {
        *why = n.id + " at epoch " + std::to_string(n.agreement->committed().epoch) +
               ", node0 at " + std::to_string(first.epoch);
        return false;
      }
    }
    return true;
  }

  const std::string& conflict() const { return conflict_; }
  uint64_t max_epoch() const { return chosen_.empty() ? 0 : chosen_.rbegin()->first; }
  int ok_outcomes() const { return ok_outcomes_; }

 private:
  bool Faulty() const { return now_ < faults_until_; }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  int64_t Between(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }
  size_t Index(const std::string& id) const { return static_cast<size_t>(std::stoi(id.substr(4))); }

  void Push(int64_t at, int kind, AgreementMsg msg) {
    events_.push(Event{at, seq_++, kind, std::move(msg)});
  }

  void Send(AgreementMsg msg) {
    if (Faulty() && Chance(0.15)) return;  // dropped
    const int copies = Faulty() && Chance(0.1) ? 2 : 1;  // duplicated
    for (int i = 0; i < copies; ++i) {
      Push(now_ + (Faulty() ? Between(1, 60) : Between(1, 5)), 0, msg);  // delayed, reordered
    }
  }

  void Record(const ClusterState& s) {
    auto [it, inserted] = chosen_.emplace(s.epoch, s.change_id);
    if (!inserted && it->second != s.change_id && conflict_.empty()) {
      conflict_ = "epoch " + std::to_string(s.epoch) + " committed as " + it->second + " and " +
                  s.change_id;
    }
  }

  // What the node's I/O layer does with a Ready: persist, then send, then look at the outcomes.
  void Drain(size_t i) {
    SimNode& n = nodes_[i];
    Ready r = n.agreement->TakeReady();
    if (r.persist) n.disk = n.agreement->durable();
    if (r.committed_changed) Record(n.agreement->committed());
    for (AgreementMsg& m : r.messages) Send(std::move(m));
    for (const ProposalOutcome& o : r.outcomes) ok_outcomes_ += o.status.ok() ? 1 : 0;
  }

  void Deliver(const AgreementMsg& m) {
    const size_t to = Index(m.to);
    if (!nodes_[to].agreement) return;  // a crashed node hears nothing
    Agreement& a = *nodes_[to].agreement;
    const bool is_reply = m.type == MsgType::kPromise || m.type == MsgType::kAccepted ||
                          m.type == MsgType::kReject;
    if (is_reply) {
      a.OnReply(m, now_);
      Drain(to);
      return;
    }
    std::optional<AgreementMsg> reply = a.OnRequest(m);
    Drain(to);  // persists before the reply leaves
    if (reply) Send(std::move(*reply));
  }

  void Restart(size_t i) {
    nodes_[i].agreement = std::make_unique<Agreement>(nodes_[i].id, nodes_[i].disk, rng_());
  }

  void OnTick() {
    for (size_t i = 0; i < nodes_.size(); ++i) {
      SimNode& n = nodes_[i];
      if (!n.agreement) {
        if (!Faulty() || Chance(0.05)) Restart(i);
        continue;
      }
      if (Faulty() && Chance(0.004)) {  // crash: everything not on disk is gone
        n.agreement.reset();
        continue;
      }
      n.agreement->Tick(now_);
      // Proposals: often two or more nodes at about the same time, some guarded by an epoch.
      if (Faulty() && Chance(0.03)) {
        const int value = static_cast<int>(Between(1, 1000000));
        ProposeOptions opts;
        opts.timeout_ms = 2000;
        if (Chance(0.5)) opts.if_epoch = n.agreement->committed().epoch;
        n.agreement->Propose(
            [value](const ClusterState&, ClusterState* next) {
              next->vnodes = value;
              return Status::Ok();
            },
            opts, now_);
      }
      // Heartbeat stand-in: now and then tell a random peer our committed state, as the node's
      // heartbeat plus state pull does.
      if (Chance(0.05)) {
        AgreementMsg gossip;
        gossip.type = MsgType::kCommit;
        gossip.from = n.id;
        gossip.to = nodes_[static_cast<size_t>(Between(0, static_cast<int64_t>(nodes_.size()) - 1))].id;
        gossip.instance = n.agreement->committed().epoch;
        gossip.value = std::make_shared<ClusterState>(n.agreement->committed());
        if (gossip.to != n.id) Send(std::move(gossip));
      }
      Drain(i);
    }
  }

  std::mt19937_64 rng_;
  std::vector<SimNode> nodes_;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
  uint64_t seq_ = 0;
  int64_t now_ = 0;
  int64_t faults_until_ = 0;
  std::map<uint64_t, std::string> chosen_;  // epoch -> change id seen committed anywhere
  std::string conflict_;
  int ok_outcomes_ = 0;
};

TEST(AgreementSimulation, OneStatePerEpochAndConvergenceOver10000Seeds) {
  uint64_t total_epochs = 0;
  int total_ok = 0;
  for (uint64_t seed = 1; seed <= 10000; ++seed) {
    const size_t n = 3 + seed % 3;  // 3, 4 or 5 members
    Simulation sim(seed, n);
    sim.Run(/*fault_until_ms=*/1500, /*end_ms=*/6000);
    ASSERT_EQ(sim.conflict(), "") << "seed " << seed;
    std::string why;
    ASSERT_TRUE(sim.Converged(&why)) << "seed " << seed << ": " << why;
    total_epochs += sim.max_epoch();
    total_ok += sim.ok_outcomes();
  }
  // The runs must actually decide things, or the checks above prove nothing.
  EXPECT_GT(total_epochs, 10000u * 3);
  EXPECT_GT(total_ok, 10000);
}

}  // namespace
}  // namespace kv::cluster
