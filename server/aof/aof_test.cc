// End-to-end tests of Aof inside one process: a node writes through the dispatcher, shuts down,
// and a fresh node loads the files back.

#include "server/aof/aof.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "server/aof/aof_format.h"
#include "server/base/file_util.h"
#include "server/commands/command_registry.h"
#include "server/db/keyspace_test_util.h"

namespace kv {
namespace {

class Node {
 public:
  explicit Node(const std::string& dir, std::vector<std::pair<std::string, std::string>> extra = {})
      : state_(config_init(dir, extra)), dispatcher_(state_), aof_(dispatcher_) {
    RegisterAllFamilies(state_.commands);
    client_.authenticated = true;
  }
  std::optional<std::string> Start() { return aof_.Start(); }
  std::string Run(std::vector<std::string> argv) {
    std::vector<std::string_view> views(argv.begin(), argv.end());
    return RunAs(client_, views);
  }
  std::string RunAs(ClientState& c, std::vector<std::string_view> argv) {
    std::string out;
    resp::ReplyBuilder rb(&out);
    dispatcher_.Execute(c, argv, rb);
    return out;
  }
  Aof& aof() { return aof_; }
  Config& config() { return config_; }
  ServerState& state() { return state_; }

 private:
  Config& config_init(const std::string& dir,
                      const std::vector<std::pair<std::string, std::string>>& extra) {
    EXPECT_FALSE(config_.Set("dir", dir));
    EXPECT_FALSE(config_.Set("appendonly", "yes"));
    EXPECT_FALSE(config_.Set("shards", "8"));
    for (const auto& [k, v] : extra) EXPECT_FALSE(config_.Set(k, v)) << k;
    return config_;
  }

  Config config_;
  ServerState state_;
  Dispatcher dispatcher_;
  Aof aof_;
  ClientState client_;
};

class AofTest : public ::testing::Test {
 protected:
  AofTest() {
    dir_ = std::filesystem::temp_directory_path() /
           ("aof_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~AofTest() override { std::filesystem::remove_all(dir_); }
  std::string aof_dir() const { return (dir_ / "appendonlydir").string(); }

  std::filesystem::path dir_;
};

TEST_F(AofTest, WritesSurviveRestartWithSelect) {
  {
    Node n(dir_.string());
    ASSERT_FALSE(n.Start());
    EXPECT_EQ(n.Run({"SET", "a", "1"}), "+OK\r\n");
    EXPECT_EQ(n.Run({"INCR", "a"}), ":2\r\n");
    EXPECT_EQ(n.Run({"SELECT", "3"}), "+OK\r\n");
    EXPECT_EQ(n.Run({"SET", "b", "x", "PX", "100000"}), "+OK\r\n");
    EXPECT_EQ(n.Run({"SET", "gone", "x", "PX", "1"}), "+OK\r\n");
    EXPECT_EQ(n.Run({"GET", "a"}), "$-1\r\n");
    n.aof().Shutdown();
  }
  std::string manifest;
  ASSERT_TRUE(file_io::ReadFile(aof_dir() + "/appendonly.aof.manifest", &manifest));
  EXPECT_EQ(manifest, "file appendonly.aof.1.incr.aof seq 1 type i\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  Node n(dir_.string());
  ASSERT_FALSE(n.Start());
  EXPECT_EQ(n.Run({"GET", "a"}), "$1\r\n2\r\n");
  EXPECT_EQ(n.Run({"SELECT", "3"}), "+OK\r\n");
  EXPECT_EQ(n.Run({"GET", "b"}), "$1\r\nx\r\n");
  EXPECT_EQ(n.Run({"GET", "gone"}), "$-1\r\n");
}

// Keys loaded from the AOF (and the rewrite's base file) are counted per slot like any others.
TEST_F(AofTest, LoadKeepsSlotCountsExact) {
  {
    Node n(dir_.string());
    ASSERT_FALSE(n.Start());
    for (int i = 0; i < 200; ++i) n.Run({"SET", "{t}" + std::to_string(i), "v"});
    n.Run({"RPUSH", "list", "a"});
    n.Run({"LPOP", "list"});
    n.Run({"SELECT", "2"});
    n.Run({"SADD", "{t}set", "m"});
    ASSERT_FALSE(n.aof().StartRewrite(AofControl::RewriteTrigger::kAdmin));
    EXPECT_TRUE(n.aof().WaitForRewrite());
    n.Run({"SELECT", "0"});
    n.Run({"DEL", "{t}0"});
    n.aof().Shutdown();
  }
  Node n(dir_.string());
  ASSERT_FALSE(n.Start());
  EXPECT_EQ(test::SlotCountMismatch(n.state().keyspace), "");
  EXPECT_EQ(n.state().keyspace.CountKeysInSlot(KeySlot("t")), 200u);  // 199 in db 0, 1 in db 2
  EXPECT_EQ(n.state().keyspace.CountKeysInSlot(KeySlot("list")), 0u);
}

// appendfsync always: an fsync waits for as many held replies as the previous one released
// (group commit). Clients that stop writing must not hold the others' replies for more than that
// fsync's own duration.
TEST_F(AofTest, AlwaysReleasesALoneWriterAfterABusyRound) {
  Node n(dir_.string(), {{"appendfsync", "always"}});
  ASSERT_FALSE(n.Start());
  std::atomic<int> released{0};
  auto hold_reply = [&](ClientState& c) {
    if (n.aof().ReadyToReply(c.last_write_seq, [&released] { released.fetch_add(1); })) {
      released.fetch_add(1);
    }
  };
  auto wait_released = [&](int want) {
    for (int i = 0; i < 5000 && released.load() < want; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return released.load();
  };
  std::vector<ClientState> clients(20);
  for (auto& c : clients) c.authenticated = true;
  // Rounds of 20 writers: all execute first and then hold their replies, as the clients of one
  // event-loop round do, so one fsync mostly serves the whole round and the next one waits for 20.
  for (int round = 0; round < 3; ++round) {
    for (size_t i = 0; i < clients.size(); ++i) {
      EXPECT_EQ(n.RunAs(clients[i], {"SET", "k" + std::to_string(i), "v"}), "+OK\r\n");
    }
    for (auto& c : clients) hold_reply(c);
    EXPECT_EQ(wait_released(20 * (round + 1)), 20 * (round + 1));
  }
  // Only one client keeps writing: each of its writes is released although the 19 others never
  // come back.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(n.RunAs(clients[0], {"SET", "k0", "w"}), "+OK\r\n");
    hold_reply(clients[0]);
    EXPECT_EQ(wait_released(61 + i), 61 + i);
  }
  EXPECT_EQ(n.aof().fsynced_seq(), clients[0].last_write_seq);
  n.aof().Shutdown();
}

TEST_F(AofTest, RewriteCompactsAndKeepsLaterWrites) {
  {
    Node n(dir_.string());
    ASSERT_FALSE(n.Start());
    for (int i = 0; i < 100; ++i) n.Run({"INCR", "counter"});
    n.Run({"SET", "s", "v", "EX", "1000"});
    ASSERT_FALSE(n.aof().StartRewrite(AofControl::RewriteTrigger::kAdmin));
    EXPECT_TRUE(n.aof().WaitForRewrite());
    n.Run({"INCR", "counter"});
    n.aof().Shutdown();
  }
  std::string manifest;
  ASSERT_TRUE(file_io::ReadFile(aof_dir() + "/appendonly.aof.manifest", &manifest));
  EXPECT_EQ(manifest,
            "file appendonly.aof.1.base.aof seq 1 type b\n"
            "file appendonly.aof.2.incr.aof seq 2 type i\n");
  EXPECT_FALSE(std::filesystem::exists(aof_dir() + "/appendonly.aof.1.incr.aof"));
  std::string base;
  ASSERT_TRUE(file_io::ReadFile(aof_dir() + "/appendonly.aof.1.base.aof", &base));
  EXPECT_NE(base.find("$3\r\n100\r\n"), std::string::npos);  // compacted to one SET
  Node n(dir_.string());
  ASSERT_FALSE(n.Start());
  EXPECT_EQ(n.Run({"GET", "counter"}), "$3\r\n101\r\n");
  EXPECT_EQ(n.Run({"GET", "s"}), "$1\r\nv\r\n");
}

TEST_F(AofTest, RewriteUnderConcurrentWritesLosesNothing) {
  constexpr int kThreads = 3;
  constexpr int kIncrs = 4000;
  constexpr int kKeys = 200;
  {
    Node n(dir_.string());
    ASSERT_FALSE(n.Start());
    for (int i = 0; i < kKeys; ++i) n.Run({"SET", "k" + std::to_string(i), "0"});
    std::atomic<bool> go{false};
    std::vector<std::thread> writers;
    for (int t = 0; t < kThreads; ++t) {
      writers.emplace_back([&] {
        ClientState c;
        c.authenticated = true;
        while (!go) std::this_thread::yield();
        for (int i = 0; i < kIncrs; ++i) {
          std::string key = "k" + std::to_string(i % kKeys);
          EXPECT_EQ(n.RunAs(c, {"INCR", key}).front(), ':');
        }
      });
    }
    go = true;
    // Several rewrites while the writers run, each cutting at a different moment.
    for (int r = 0; r < 3; ++r) {
      while (n.aof().StartRewrite(AofControl::RewriteTrigger::kAdmin)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      EXPECT_TRUE(n.aof().WaitForRewrite());
    }
    for (auto& w : writers) w.join();
    n.aof().Shutdown();
  }
  Node n(dir_.string());
  ASSERT_FALSE(n.Start());
  for (int i = 0; i < kKeys; ++i) {
    std::string want = std::to_string(kThreads * kIncrs / kKeys);
    EXPECT_EQ(n.Run({"GET", "k" + std::to_string(i)}),
              "$" + std::to_string(want.size()) + "\r\n" + want + "\r\n");
  }
}

TEST_F(AofTest, TruncatedTailIsCutBackOrRefused) {
  {
    Node n(dir_.string());
    ASSERT_FALSE(n.Start());
    n.Run({"SET", "a", "1"});
    n.Run({"SET", "b", "2"});
    n.aof().Shutdown();
  }
  const std::string incr = aof_dir() + "/appendonly.aof.1.incr.aof";
  int64_t whole = file_io::FileSize(incr);
  {
    std::string data;
    ASSERT_TRUE(file_io::ReadFile(incr, &data));
    data += "*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$1";
    ASSERT_EQ(file_io::WriteFileAtomic(aof_dir(), "appendonly.aof.1.incr.aof", data), 0);
  }
  {
    Node n(dir_.string(), {{"aof-load-truncated", "no"}});
    auto err = n.Start();
    ASSERT_TRUE(err);
    EXPECT_NE(err->find("Unexpected end of file"), std::string::npos) << *err;
    EXPECT_NE(err->find(std::to_string(whole)), std::string::npos) << *err;
  }
  Node n(dir_.string());
  ASSERT_FALSE(n.Start());
  EXPECT_EQ(n.Run({"GET", "b"}), "$1\r\n2\r\n");
  EXPECT_EQ(file_io::FileSize(incr), whole);
}

TEST_F(AofTest, CorruptionInTheMiddleNamesTheOffset) {
  {
    Node n(dir_.string());
    ASSERT_FALSE(n.Start());
    n.Run({"SET", "a", "1"});
    n.Run({"SET", "b", "2"});
    n.aof().Shutdown();
  }
  const std::string incr = aof_dir() + "/appendonly.aof.1.incr.aof";
  std::string data;
  ASSERT_TRUE(file_io::ReadFile(incr, &data));
  size_t second = data.find("*3", data.find("SET") + 1);
  ASSERT_NE(second, std::string::npos);
  data[second] = '!';
  ASSERT_EQ(file_io::WriteFileAtomic(aof_dir(), "appendonly.aof.1.incr.aof", data), 0);
  Node n(dir_.string());
  auto err = n.Start();
  ASSERT_TRUE(err);
  EXPECT_NE(err->find("byte offset " + std::to_string(second)), std::string::npos) << *err;
}

// CONFIG SET appendonly yes starts the log through a rewrite of what is in memory; no stops it.
TEST_F(AofTest, AppendOnlySwitchedAtRunTime) {
  const std::string manifest = aof_dir() + "/appendonly.aof.manifest";
  {
    Node n(dir_.string(), {{"appendonly", "no"}});
    ASSERT_FALSE(n.Start());
    n.Run({"SET", "before", "1"});
    ASSERT_FALSE(n.config().Set("appendonly", "yes", true));
    std::string text;
    for (int i = 0; i < 500 && text.find(" type b") == std::string::npos; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      file_io::ReadFile(manifest, &text);
    }
    ASSERT_NE(text.find(" type b"), std::string::npos);
    n.Run({"SET", "after", "2"});
    ASSERT_FALSE(n.config().Set("appendonly", "no", true));
    n.Run({"SET", "unlogged", "3"});
    n.aof().Shutdown();
  }
  Node n(dir_.string());
  ASSERT_FALSE(n.Start());
  EXPECT_EQ(n.Run({"GET", "before"}), "$1\r\n1\r\n");
  EXPECT_EQ(n.Run({"GET", "after"}), "$1\r\n2\r\n");
  EXPECT_EQ(n.Run({"GET", "unlogged"}), "$-1\r\n");
}

TEST_F(AofTest, AdminRewriteRefusedWhenOffAndWhileRunning) {
  Node n(dir_.string(), {{"appendonly", "no"}});
  ASSERT_FALSE(n.Start());
  auto err = n.aof().StartRewrite(AofControl::RewriteTrigger::kAdmin);
  ASSERT_TRUE(err);
  EXPECT_EQ(*err, "ERR AOF is disabled (appendonly no)");
  for (int i = 0; i < 20000; ++i) n.Run({"SET", "k" + std::to_string(i), "v"});
  ASSERT_FALSE(n.aof().StartRewrite(AofControl::RewriteTrigger::kCommand));
  auto again = n.aof().StartRewrite(AofControl::RewriteTrigger::kCommand);
  if (again) {
    EXPECT_EQ(*again, "ERR Background append only file rewriting already in progress");
  }
  EXPECT_TRUE(n.aof().WaitForRewrite());
}

TEST_F(AofTest, PersistenceInfoLines) {
  Node n(dir_.string());
  ASSERT_FALSE(n.Start());
  std::string info;
  n.aof().AppendPersistenceInfo(&info);
  EXPECT_NE(info.find("aof_enabled:1\r\n"), std::string::npos) << info;
  EXPECT_NE(info.find("aof_last_write_status:ok\r\n"), std::string::npos);
  EXPECT_NE(info.find("aof_current_size:"), std::string::npos);
  EXPECT_NE(info.find("aof_rewrites:0\r\n"), std::string::npos);
}

TEST_F(AofTest, PersistenceInfoShowsLoadProgressWhileLoading) {
  {
    Node n(dir_.string());
    ASSERT_FALSE(n.Start());
    for (int i = 0; i < 100; ++i) n.Run({"SET", "k" + std::to_string(i), "v"});
    n.aof().Shutdown();
  }
  const int64_t size = file_io::FileSize(aof_dir() + "/appendonly.aof.1.incr.aof");
  ASSERT_GT(size, 0);
  Node n(dir_.string());
  n.state().loading = true;  // as main() has it until the files are replayed
  ASSERT_FALSE(n.Start());
  std::string info;
  n.aof().AppendPersistenceInfo(&info);
  EXPECT_NE(info.find("aof_enabled:1\r\n"), std::string::npos) << info;
  const std::string bytes = std::to_string(size);
  EXPECT_NE(info.find("\r\nloading_total_bytes:" + bytes +
                      "\r\nloading_rdb_used_mem:0\r\n"
                      "loading_loaded_bytes:" +
                      bytes + "\r\nloading_loaded_perc:100.00\r\n"),
            std::string::npos)
      << info;
  n.state().loading = false;
  info.clear();
  n.aof().AppendPersistenceInfo(&info);
  EXPECT_EQ(info.find("loading_"), std::string::npos) << info;
}

}  // namespace
}  // namespace kv
