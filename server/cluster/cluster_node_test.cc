// ClusterNode over an in-process transport: joins converge, a ring change that would move keys is
// refused naming the slots, and of two ring changes guarded by the same epoch exactly one wins.

#include "server/cluster/cluster_node.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <thread>

namespace kv::cluster {
namespace {

// Delivers every call on one worker thread, never inside the call, like gRPC's callback API.
class LoopbackTransport final : public PeerTransport {
 public:
  LoopbackTransport() : worker_([this] { Run(); }) {}
  ~LoopbackTransport() override {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }
  // Waits until no call is queued, running or joining: nodes may then be destroyed.
  void Drain() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return queue_.empty() && busy_ == 0; });
  }
  void Register(const std::string& addr, ClusterNode* node) {
    std::lock_guard lock(mu_);
    nodes_[addr] = node;
  }

  void Agree(const std::string& a, AgreementMsg msg,
             std::function<void(Status, std::optional<AgreementMsg>)> done) override {
    Post(a, [msg, done](ClusterNode* n) {
      if (!n) return done(Unreachable(), std::nullopt);
      done(Status::Ok(), n->OnAgree(msg));
    });
  }
  void Heartbeat(const std::string& a, HeartbeatInfo hb, int64_t,
                 std::function<void(Status, HeartbeatInfo)> done) override {
    Post(a, [hb, done](ClusterNode* n) {
      if (!n) return done(Unreachable(), {});
      done(Status::Ok(), n->OnHeartbeat(hb));
    });
  }
  void GetState(const std::string& a, std::function<void(Status, ClusterState)> done) override {
    Post(a, [done](ClusterNode* n) {
      if (!n) return done(Unreachable(), {});
      done(Status::Ok(), n->State());
    });
  }
  void Hello(const std::string& a, std::function<void(Status, HelloInfo)> done) override {
    Post(a, [done](ClusterNode* n) {
      if (!n) return done(Unreachable(), {});
      done(Status::Ok(), n->Hello());
    });
  }
  void Join(const std::string& a, const Member& self, int64_t keys, int64_t,
            std::function<void(Status, ClusterState)> done) override {
    // Join blocks for an agreement round: run it off the worker, as the Peer service does.
    Post(a, [this, self, keys, done](ClusterNode* n) {
      if (!n) return done(Unreachable(), {});
      {
        std::lock_guard lock(mu_);
        ++busy_;
      }
      std::thread([this, n, self, keys, done] {
        ClusterState st;
        Status s = n->OnJoin(self, keys, &st);
        done(s, st);
        std::lock_guard lock(mu_);
        --busy_;
        cv_.notify_all();
      }).detach();
    });
  }
  void GetSlotStats(const std::string& a, std::vector<uint16_t> slots,
                    std::function<void(Status, std::vector<SlotStat>)> done) override {
    Post(a, [slots, done](ClusterNode* n) {
      if (!n) return done(Unreachable(), {});
      done(Status::Ok(), n->LocalSlotStats(slots));
    });
  }

 private:
  static Status Unreachable() { return Status::Error(StatusCode::kUnavailable, "unreachable"); }
  void Post(const std::string& addr, std::function<void(ClusterNode*)> fn) {
    {
      std::lock_guard lock(mu_);
      queue_.emplace_back(addr, std::move(fn));
    }
    cv_.notify_all();
  }
  void Run() {
    std::unique_lock lock(mu_);
    while (true) {
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;
      auto [addr, fn] = std::move(queue_.front());
      queue_.pop_front();
      auto it = nodes_.find(addr);
      ClusterNode* n = it == nodes_.end() ? nullptr : it->second;
      ++busy_;
      lock.unlock();
      fn(n);
      lock.lock();
      --busy_;
      cv_.notify_all();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<std::string, std::function<void(ClusterNode*)>>> queue_;
  std::map<std::string, ClusterNode*> nodes_;
  int busy_ = 0;  // calls running on the worker or on a join thread
  bool stop_ = false;
  std::thread worker_;
};

// A keyspace whose only keys are the ones a test puts in given slots.
class FakeKeyspace final : public LocalKeyspace {
 public:
  int64_t TotalKeys() override {
    std::lock_guard lock(mu_);
    int64_t n = 0;
    for (auto& [s, k] : keys_) n += k;
    return n;
  }
  std::vector<SlotStat> SlotStats(const std::vector<uint16_t>& slots) override {
    std::lock_guard lock(mu_);
    std::vector<SlotStat> out;
    for (uint16_t s : slots) out.push_back({s, keys_.count(s) ? keys_[s] : 0, 0});
    return out;
  }
  size_t DropUnowned(const std::vector<bool>&) override { return 0; }
  void Put(uint16_t slot, int64_t n) {
    std::lock_guard lock(mu_);
    keys_[slot] = n;
  }

 private:
  std::mutex mu_;
  std::map<uint16_t, int64_t> keys_;
};

struct TestNode {
  std::string dir;
  FakeKeyspace keyspace;
  std::unique_ptr<ClusterNode> node;
};

class ClusterNodeTest : public ::testing::Test {
 protected:
  void TearDown() override {
    for (auto& n : nodes_) n->node->Stop();
    net_.Drain();  // callbacks in flight reach stopped nodes, never destroyed ones
    nodes_.clear();
  }

  ClusterNode& Add(int i, const std::string& join) {
    auto t = std::make_unique<TestNode>();
    t->dir = (std::filesystem::temp_directory_path() /
              ("kv-cluster-node-test-" + std::to_string(::getpid()) + "-" + std::to_string(i)))
                 .string();
    std::filesystem::remove_all(t->dir);
    std::filesystem::create_directories(t->dir);
    ClusterOptions o;
    o.self = Member{std::string(39, 'a') + static_cast<char>('0' + i), "127.0.0.1", 7000 + i,
                    8000 + i};
    o.dir = t->dir;
    o.join = join;
    o.vnodes = 16;
    o.heartbeat_ms = 50;
    o.propose_timeout_ms = 3000;
    t->node = std::make_unique<ClusterNode>(o, net_, t->keyspace);
    EXPECT_TRUE(t->node->Load().ok());
    net_.Register(o.self.AdminAddress(), t->node.get());
    t->node->Start();
    nodes_.push_back(std::move(t));
    return *nodes_.back()->node;
  }

  // Waits until every node holds `members` members at one epoch and digest.
  bool Converged(size_t members) {
    for (int i = 0; i < 300; ++i) {
      bool same = true;
      const ClusterState first = nodes_[0]->node->State();
      for (auto& n : nodes_) {
        const ClusterState s = n->node->State();
        same &= s.members.size() == members && s.epoch == first.epoch &&
                s.change_id == first.change_id;
      }
      if (same) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  LoopbackTransport net_;
  std::vector<std::unique_ptr<TestNode>> nodes_;
};

TEST_F(ClusterNodeTest, JoinsConvergeOnOneState) {
  if (getenv("KV_DEBUG")) spdlog::set_level(spdlog::level::debug);
  Add(0, "");
  Add(1, "127.0.0.1:8000");
  Add(2, "127.0.0.1:8000");
  ASSERT_TRUE(Converged(3));
  const ClusterState st = nodes_[0]->node->State();
  EXPECT_EQ(st.epoch, 3u);
  for (const Member& m : st.members) EXPECT_GT(st.SlotsOwnedBy(m.id), 0u);
}

TEST_F(ClusterNodeTest, ARingChangeThatWouldMoveKeysIsRefusedNamingTheSlots) {
  ClusterNode& a = Add(0, "");
  ASSERT_TRUE(Converged(1));
  for (uint16_t s = 0; s < kNumSlots; ++s) nodes_[0]->keyspace.Put(s, 1);  // keys everywhere
  Add(1, "");  // a ring of one of its own, empty: may be added, but its slots would move keys
  RingChangeRequest req;
  req.add = {"127.0.0.1:8001"};
  RingChangeResult out;
  Status st = a.ApplyRingChange(req, &out);
  EXPECT_EQ(st.code, StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message.find("hold"), std::string::npos) << st.message;
  EXPECT_NE(st.message.find("keys"), std::string::npos) << st.message;
  EXPECT_EQ(a.State().members.size(), 1u);
  // Planning the same change reports the keys that would move instead of refusing.
  ASSERT_TRUE(a.PlanRingChange(req, &out).ok());
  ASSERT_EQ(out.moves.size(), 1u);
  EXPECT_EQ(out.moves[0].keys, out.moves[0].slots);
}

TEST_F(ClusterNodeTest, OfTwoChangesGuardedByOneEpochExactlyOneWins) {
  ClusterNode& a = Add(0, "");
  ClusterNode& b = Add(1, "127.0.0.1:8000");
  Add(2, "127.0.0.1:8000");
  ASSERT_TRUE(Converged(3));
  Add(3, "");  // two candidates, each a ring of one
  Add(4, "");
  const uint64_t epoch = a.State().epoch;
  auto apply = [epoch](ClusterNode& n, const std::string& addr) {
    RingChangeRequest req;
    req.add = {addr};
    req.if_epoch = epoch;
    RingChangeResult out;
    return n.ApplyRingChange(req, &out);
  };
  auto fa = std::async(std::launch::async, apply, std::ref(a), "127.0.0.1:8003");
  auto fb = std::async(std::launch::async, apply, std::ref(b), "127.0.0.1:8004");
  const Status sa = fa.get();
  const Status sb = fb.get();
  EXPECT_NE(sa.ok(), sb.ok()) << sa.message << " / " << sb.message;
  const Status& loser = sa.ok() ? sb : sa;
  EXPECT_EQ(loser.code, StatusCode::kFailedPrecondition);
  EXPECT_EQ(loser.message, "ring is at epoch " + std::to_string(epoch + 1));
  EXPECT_EQ(a.State().epoch, epoch + 1);
}

}  // namespace
}  // namespace kv::cluster
