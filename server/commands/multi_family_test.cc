#include <chrono>
#include <thread>

#include "server/commands/test_util.h"
#include "server/resp/errors.h"

namespace kv {
namespace {

class MultiTest : public test::CommandTest {
 protected:
  static constexpr std::string_view kQueued = "+QUEUED\r\n";
  static constexpr std::string_view kNullArray = "*-1\r\n";
  ClientState other_;
};

TEST_F(MultiTest, ControlErrors) {
  EXPECT_EQ(Run({"exec"}), Err(resp::kExecWithoutMultiErr));
  EXPECT_EQ(Run({"discard"}), Err(resp::kDiscardWithoutMultiErr));
  EXPECT_EQ(Run({"multi"}), kOk);
  EXPECT_EQ(Run({"multi"}), Err(resp::kMultiNestedErr));
  EXPECT_EQ(Run({"watch", "k"}), Err(resp::kWatchInMultiErr));
  // Neither error dooms the transaction.
  EXPECT_EQ(Run({"set", "k", "v"}), kQueued);
  EXPECT_EQ(Run({"exec"}), "*1\r\n" + std::string(kOk));
  EXPECT_EQ(Run({"watch"}), Err(resp::WrongNumArgsError("watch")));
  EXPECT_EQ(Run({"unwatch", "x"}), Err(resp::WrongNumArgsError("unwatch")));
}

TEST_F(MultiTest, QueueAndExec) {
  EXPECT_EQ(Run({"multi"}), kOk);
  EXPECT_EQ(Run({"set", "a", "1"}), kQueued);
  EXPECT_EQ(Run({"incr", "a"}), kQueued);
  EXPECT_EQ(Run({"get", "a"}), kQueued);
  EXPECT_EQ(Run({"ping"}), kQueued);
  EXPECT_EQ(Run({"get", "a"}), kQueued);
  // Nothing ran yet.
  EXPECT_EQ(RunAs(other_, {"get", "a"}), kNil);
  EXPECT_EQ(Run({"exec"}), "*5\r\n+OK\r\n:2\r\n" + Bulk("2") + "+PONG\r\n" + Bulk("2"));
  EXPECT_EQ(Run({"multi"}), kOk);
  EXPECT_EQ(Run({"exec"}), "*0\r\n");
}

TEST_F(MultiTest, RuntimeErrorsDoNotAbort) {
  EXPECT_EQ(Run({"set", "s", "x"}), kOk);
  EXPECT_EQ(Run({"multi"}), kOk);
  EXPECT_EQ(Run({"incr", "s"}), kQueued);
  EXPECT_EQ(Run({"set", "t", "1"}), kQueued);
  EXPECT_EQ(Run({"exec"}), "*2\r\n" + Err(resp::kNotIntegerErr) + std::string(kOk));
}

TEST_F(MultiTest, QueueTimeErrorsAbort) {
  EXPECT_EQ(Run({"multi"}), kOk);
  EXPECT_EQ(Run({"set", "d", "1"}), kQueued);
  EXPECT_EQ(Run({"nosuchcommand", "x"}),
            Err("ERR unknown command 'nosuchcommand', with args beginning with: 'x' "));
  EXPECT_EQ(Run({"exec"}), Err(resp::kExecAbortErr));
  EXPECT_EQ(Run({"get", "d"}), kNil);

  EXPECT_EQ(Run({"multi"}), kOk);
  EXPECT_EQ(Run({"get"}), Err(resp::WrongNumArgsError("get")));
  EXPECT_EQ(Run({"exec"}), Err(resp::kExecAbortErr));
  EXPECT_EQ(Run({"exec"}), Err(resp::kExecWithoutMultiErr));
}

TEST_F(MultiTest, RejectedExecDiscardsAtOnce) {
  EXPECT_EQ(Run({"multi"}), kOk);
  EXPECT_EQ(Run({"set", "a", "1"}), kQueued);
  EXPECT_EQ(Run({"exec", "extra"}),
            Err("EXECABORT Transaction discarded because of: wrong number of arguments for "
                "'exec' command"));
  EXPECT_EQ(Run({"exec"}), Err(resp::kExecWithoutMultiErr));
  EXPECT_EQ(Run({"get", "a"}), kNil);
}

TEST_F(MultiTest, Discard) {
  EXPECT_EQ(Run({"watch", "w"}), kOk);
  EXPECT_EQ(Run({"multi"}), kOk);
  EXPECT_EQ(Run({"set", "b", "1"}), kQueued);
  EXPECT_EQ(Run({"discard"}), kOk);
  EXPECT_EQ(Run({"get", "b"}), kNil);
  EXPECT_EQ(state_.watches->watched_count(), 0u);  // DISCARD unwatches
}

TEST_F(MultiTest, WatchedKeyModifiedByAnotherClient) {
  EXPECT_EQ(Run({"watch", "w", "w"}), kOk);
  EXPECT_EQ(state_.watches->watched_count(), 1u);
  EXPECT_EQ(RunAs(other_, {"set", "w", "changed"}), kOk);
  EXPECT_EQ(Run({"multi"}), kOk);
  EXPECT_EQ(Run({"set", "w", "mine"}), kQueued);
  EXPECT_EQ(Run({"exec"}), kNullArray);
  EXPECT_EQ(Run({"get", "w"}), Bulk("changed"));
  EXPECT_EQ(state_.watches->watched_count(), 0u);
  // The next transaction is not affected.
  EXPECT_EQ(Run({"watch", "w"}), kOk);
  EXPECT_EQ(Run({"multi"}), kOk);
  EXPECT_EQ(Run({"set", "w", "mine"}), kQueued);
  EXPECT_EQ(Run({"exec"}), "*1\r\n" + std::string(kOk));
}

TEST_F(MultiTest, OwnWriteAndOtherDatabases) {
  EXPECT_EQ(Run({"watch", "own"}), kOk);
  EXPECT_EQ(Run({"set", "own", "1"}), kOk);
  EXPECT_EQ(Run({"multi"}), kOk);
  EXPECT_EQ(Run({"exec"}), kNullArray);
  // The same key name in another database is another key.
  EXPECT_EQ(Run({"watch", "k"}), kOk);
  EXPECT_EQ(RunAs(other_, {"select", "1"}), kOk);
  EXPECT_EQ(RunAs(other_, {"set", "k", "x"}), kOk);
  EXPECT_EQ(Run({"multi"}), kOk);
  EXPECT_EQ(Run({"exec"}), "*0\r\n");
}

TEST_F(MultiTest, FailedWriteDoesNotTouch) {
  EXPECT_EQ(Run({"set", "n", "x"}), kOk);
  EXPECT_EQ(Run({"watch", "n"}), kOk);
  EXPECT_EQ(RunAs(other_, {"incr", "n"}), Err(resp::kNotIntegerErr));
  EXPECT_EQ(RunAs(other_, {"set", "n", "y", "nx"}), kNil);
  EXPECT_EQ(Run({"multi"}), kOk);
  EXPECT_EQ(Run({"exec"}), "*0\r\n");
}

TEST_F(MultiTest, Unwatch) {
  EXPECT_EQ(Run({"watch", "w"}), kOk);
  EXPECT_EQ(RunAs(other_, {"set", "w", "again"}), kOk);
  EXPECT_EQ(Run({"unwatch"}), kOk);
  EXPECT_EQ(Run({"multi"}), kOk);
  EXPECT_EQ(Run({"get", "w"}), kQueued);
  EXPECT_EQ(Run({"exec"}), "*1\r\n" + Bulk("again"));
}

TEST_F(MultiTest, WatchedKeyExpiring) {
  EXPECT_EQ(Run({"set", "x", "v", "px", "20"}), kOk);
  EXPECT_EQ(Run({"watch", "x"}), kOk);
  std::this_thread::sleep_for(std::chrono::milliseconds(40));
  EXPECT_EQ(Run({"multi"}), kOk);
  EXPECT_EQ(Run({"get", "x"}), kQueued);
  EXPECT_EQ(Run({"exec"}), kNullArray);
  // A key with a deadline that has not passed does not abort.
  EXPECT_EQ(Run({"set", "y", "v", "px", "100000"}), kOk);
  EXPECT_EQ(Run({"watch", "y"}), kOk);
  EXPECT_EQ(Run({"multi"}), kOk);
  EXPECT_EQ(Run({"exec"}), "*0\r\n");
}

TEST_F(MultiTest, FlushTouchesOnlyExistingKeys) {
  EXPECT_EQ(Run({"set", "a", "1"}), kOk);
  EXPECT_EQ(Run({"watch", "missing"}), kOk);
  state_.watches->OnFlush(0);
  EXPECT_EQ(Run({"multi"}), kOk);
  EXPECT_EQ(Run({"exec"}), "*0\r\n");
  EXPECT_EQ(Run({"watch", "a"}), kOk);
  state_.watches->OnFlush(-1);
  EXPECT_EQ(Run({"multi"}), kOk);
  EXPECT_EQ(Run({"exec"}), kNullArray);
}

TEST_F(MultiTest, DisconnectUnwatches) {
  {
    ClientState gone;
    EXPECT_EQ(RunAs(gone, {"watch", "a", "b"}), kOk);
    EXPECT_EQ(state_.watches->watched_count(), 2u);
  }
  EXPECT_EQ(state_.watches->watched_count(), 0u);
  EXPECT_EQ(Run({"set", "a", "1"}), kOk);  // must not touch freed state
}

TEST_F(MultiTest, QueuedCommandsOwnTheirArguments) {
  EXPECT_EQ(Run({"multi"}), kOk);
  {
    std::string key = "key";
    std::string value = "value";
    EXPECT_EQ(Run({"set", key, value}), kQueued);
    key.assign("XXX");
    value.assign("YYYYY");
  }
  EXPECT_EQ(Run({"exec"}), "*1\r\n" + std::string(kOk));
  EXPECT_EQ(Run({"get", "key"}), Bulk("value"));
}

TEST_F(MultiTest, AuthAndHelloAreQueued) {
  EXPECT_EQ(Run({"multi"}), kOk);
  EXPECT_EQ(Run({"hello", "3"}), kQueued);
  EXPECT_EQ(Run({"quit"}), kOk);  // QUIT runs at once
}

}  // namespace
}  // namespace kv

namespace kv {
namespace {

using MultiFlushTest = test::CommandTest;

TEST_F(MultiFlushTest, FlushallTouchesWatchedKeysThatExisted) {
  ClientState other;
  EXPECT_EQ(Run({"set", "a", "1"}), kOk);
  EXPECT_EQ(Run({"watch", "a"}), kOk);
  EXPECT_EQ(RunAs(other, {"flushall"}), kOk);
  EXPECT_EQ(Run({"multi"}), kOk);
  EXPECT_EQ(Run({"exec"}), "*-1\r\n");
  // A watched key that did not exist is not touched by a flush (Redis 7 behaviour).
  EXPECT_EQ(Run({"watch", "missing"}), kOk);
  EXPECT_EQ(RunAs(other, {"flushdb"}), kOk);
  EXPECT_EQ(Run({"multi"}), kOk);
  EXPECT_EQ(Run({"exec"}), "*0\r\n");
  // DEL of a watched key touches it.
  EXPECT_EQ(Run({"set", "d", "1"}), kOk);
  EXPECT_EQ(Run({"watch", "d"}), kOk);
  EXPECT_EQ(RunAs(other, {"del", "d"}), Int(1));
  EXPECT_EQ(Run({"multi"}), kOk);
  EXPECT_EQ(Run({"exec"}), "*-1\r\n");
}

TEST_F(MultiFlushTest, AllShardsCommandsInsideExec) {
  // DBSIZE / FLUSHALL / KEYS are kAllShards: inside EXEC they run under the locks EXEC holds.
  EXPECT_EQ(Run({"set", "a", "1"}), kOk);
  EXPECT_EQ(Run({"multi"}), kOk);
  EXPECT_EQ(Run({"dbsize"}), "+QUEUED\r\n");
  EXPECT_EQ(Run({"keys", "*"}), "+QUEUED\r\n");
  EXPECT_EQ(Run({"flushall"}), "+QUEUED\r\n");
  EXPECT_EQ(Run({"dbsize"}), "+QUEUED\r\n");
  EXPECT_EQ(Run({"exec"}), "*4\r\n" + Int(1) + Arr({"a"}) + std::string(kOk) + Int(0));
}

TEST_F(MultiFlushTest, ConfigResetStatInsideExecDoesNotDeadlock) {
  // CONFIG RESETSTAT locks every shard itself; inside EXEC, which holds them all, it used to
  // wait for its own thread forever.
  EXPECT_EQ(Run({"get", "a"}), "$-1\r\n");
  EXPECT_EQ(Run({"multi"}), kOk);
  EXPECT_EQ(Run({"config", "resetstat"}), "+QUEUED\r\n");
  EXPECT_EQ(Run({"set", "a", "1"}), "+QUEUED\r\n");
  EXPECT_EQ(Run({"exec"}), "*2\r\n" + std::string(kOk) + std::string(kOk));
  EXPECT_EQ(Run({"config", "resetstat"}), kOk);  // and outside EXEC it still takes the locks
  EXPECT_EQ(Run({"get", "a"}), "$1\r\n1\r\n");
}

}  // namespace
}  // namespace kv
