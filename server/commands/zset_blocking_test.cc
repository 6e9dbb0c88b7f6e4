// BZPOPMIN, BZPOPMAX, BZMPOP and BLMPOP through the dispatcher, CLIENT UNBLOCK and the INFO
// counts of blocked clients and subscriptions (fake channels: blocking_test_util.h). Expected
// bytes are Redis 7.0's.

#include <string>
#include <vector>

#include "server/commands/blocking_test_util.h"
#include "server/commands/log_capture_test_util.h"
#include "server/resp/errors.h"

namespace kv {
namespace {

using test::Waiter;

class ZSetBlockingTest : public test::BlockingTest {
 protected:
  ZSetBlockingTest() { state_.write_log.store(&log_); }
  ~ZSetBlockingTest() override { state_.write_log.store(nullptr); }

  // [key, member, score] as BZPOPMIN replies in RESP2.
  static std::string KeyMemberScore(std::string_view key, std::string_view m, std::string_view s) {
    return Arr({key, m, s});
  }
  std::string InfoLine(std::string_view section, std::string_view field) {
    std::string info = Run({"info", section});
    size_t at = info.find(std::string(field) + ":");
    if (at == std::string::npos) return "";
    size_t end = info.find("\r\n", at);
    return info.substr(at + field.size() + 1, end - at - field.size() - 1);
  }

  test::CapturingWriteLog log_;
  using V = std::vector<std::string>;
};

TEST_F(ZSetBlockingTest, BZPopImmediateAndErrors) {
  Run({"zadd", "z", "1", "a", "2", "b", "3", "c"});
  log_.records.clear();
  EXPECT_EQ(Run({"bzpopmin", "nope", "z", "0"}), KeyMemberScore("z", "a", "1"));
  EXPECT_EQ(Run({"bzpopmax", "z", "0"}), KeyMemberScore("z", "c", "3"));
  // Logged as the ZPOPMIN/ZPOPMAX they did, as Redis propagates them.
  EXPECT_EQ(log_.records, (V{"ZPOPMIN z", "ZPOPMAX z"}));
  EXPECT_EQ(Run({"bzpopmin", "z", "-1"}), Err(resp::kTimeoutNegativeErr));
  EXPECT_EQ(Run({"bzpopmin", "z", "abc"}), Err(resp::kTimeoutNotFloatErr));
  EXPECT_EQ(Run({"bzpopmin", "z"}), Err(resp::WrongNumArgsError("bzpopmin")));
  Run({"set", "s", "x"});
  EXPECT_EQ(Run({"bzpopmin", "s", "0"}), Err(resp::kWrongTypeErr));
  // Types are checked in order up to the first existing key, even when that is not a zset.
  EXPECT_EQ(Run({"bzpopmin", "nope", "s", "z", "0"}), Err(resp::kWrongTypeErr));
  EXPECT_EQ(Run({"bzpopmin", "z", "s", "0"}), KeyMemberScore("z", "b", "2"));
  EXPECT_EQ(Run({"exists", "z"}), Int(0));  // emptied, so deleted
  // No channel (as during AOF loading) or inside EXEC: a null array, as on timeout.
  EXPECT_EQ(Run({"bzpopmin", "z", "0"}), "*-1\r\n");
  Waiter w;
  w.client.in_exec = true;
  EXPECT_EQ(RunAs(w, {"bzpopmax", "z", "0"}), "*-1\r\n");
  EXPECT_EQ(RunAs(w, {"bzmpop", "0", "1", "z", "min"}), "*-1\r\n");
  EXPECT_EQ(RunAs(w, {"blmpop", "0", "1", "l", "left"}), "*-1\r\n");
  EXPECT_FALSE(w.client.blocked);
}

TEST_F(ZSetBlockingTest, BZPopResp3ScoreIsDouble) {
  client_.resp3 = true;
  Run({"zadd", "z", "1.5", "a", "2", "b"});
  EXPECT_EQ(Run({"bzpopmin", "z", "0"}), "*3\r\n$1\r\nz\r\n$1\r\na\r\n,1.5\r\n");
  EXPECT_EQ(Run({"bzmpop", "0", "1", "z", "max", "count", "5"}),
            "*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nb\r\n,2\r\n");
}

TEST_F(ZSetBlockingTest, BZMPopImmediateAndErrors) {
  Run({"zadd", "z", "1", "a", "2", "b", "3", "c"});
  log_.records.clear();
  EXPECT_EQ(Run({"bzmpop", "0", "2", "nope", "z", "min"}),
            "*2\r\n$1\r\nz\r\n*1\r\n" + Arr({"a", "1"}));
  EXPECT_EQ(Run({"bzmpop", "0", "1", "z", "MAX", "COUNT", "5"}),
            "*2\r\n$1\r\nz\r\n*2\r\n" + Arr({"c", "3"}) + Arr({"b", "2"}));
  EXPECT_EQ(log_.records, (V{"ZPOPMIN z 1", "ZPOPMAX z 5"}));
  // numkeys, MIN|MAX and COUNT are checked before the timeout.
  EXPECT_EQ(Run({"bzmpop", "x", "0", "z", "min"}), Err(resp::kNumKeysErr));
  EXPECT_EQ(Run({"bzmpop", "x", "1", "z", "mid"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"bzmpop", "x", "1", "z", "min", "count", "0"}), Err(resp::kCountPositiveErr));
  EXPECT_EQ(Run({"bzmpop", "x", "1", "z", "min"}), Err(resp::kTimeoutNotFloatErr));
  EXPECT_EQ(Run({"bzmpop", "-1", "1", "z", "min"}), Err(resp::kTimeoutNegativeErr));
  EXPECT_EQ(Run({"bzmpop", "0", "0", "z", "min"}), Err(resp::kNumKeysErr));
  EXPECT_EQ(Run({"bzmpop", "0", "x", "z", "min"}), Err(resp::kNumKeysErr));
  EXPECT_EQ(Run({"bzmpop", "0", "2", "z", "min"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"bzmpop", "0", "1", "z", "mid"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"bzmpop", "0", "1", "z", "min", "count", "0"}), Err(resp::kCountPositiveErr));
  EXPECT_EQ(Run({"bzmpop", "0", "1", "z", "min", "count", "1", "count", "1"}),
            Err(resp::kSyntaxErr));
  Run({"set", "s", "x"});
  EXPECT_EQ(Run({"bzmpop", "0", "1", "s", "min"}), Err(resp::kWrongTypeErr));
  EXPECT_EQ(Run({"bzmpop", "0", "1"}), Err(resp::WrongNumArgsError("bzmpop")));
}

TEST_F(ZSetBlockingTest, BLMPopImmediateAndErrors) {
  Run({"rpush", "l", "a", "b", "c"});
  log_.records.clear();
  EXPECT_EQ(Run({"blmpop", "0", "2", "nope", "l", "left"}), "*2\r\n$1\r\nl\r\n" + Arr({"a"}));
  EXPECT_EQ(Run({"blmpop", "0", "1", "l", "right", "count", "5"}),
            "*2\r\n$1\r\nl\r\n" + Arr({"c", "b"}));
  EXPECT_EQ(log_.records, (V{"LPOP l 1", "RPOP l 2"}));
  // numkeys, the direction and COUNT are checked before the timeout (lmpopGenericCommand).
  EXPECT_EQ(Run({"blmpop", "x", "0", "l", "left"}), Err(resp::kNumKeysErr));
  EXPECT_EQ(Run({"blmpop", "x", "1", "l", "left"}), Err(resp::kTimeoutNotFloatErr));
  EXPECT_EQ(Run({"blmpop", "-1", "1", "l", "up"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"blmpop", "-1", "1", "l", "left"}), Err(resp::kTimeoutNegativeErr));
  EXPECT_EQ(Run({"blmpop", "0", "3", "l", "left"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"blmpop", "0", "1", "l", "left", "count", "-2"}), Err(resp::kCountPositiveErr));
  Run({"set", "s", "x"});
  EXPECT_EQ(Run({"blmpop", "0", "1", "s", "left"}), Err(resp::kWrongTypeErr));
  EXPECT_EQ(Run({"blmpop", "0", "1", "nope", "left"}), "*-1\r\n");  // no channel
}

TEST_F(ZSetBlockingTest, ZAddWakesWaitersInFifoOrder) {
  Waiter w1, w2, w3;
  EXPECT_EQ(RunAs(w1, {"bzpopmin", "a", "z", "0"}), "");
  EXPECT_EQ(RunAs(w2, {"bzpopmax", "z", "1.5"}), "");
  EXPECT_EQ(RunAs(w3, {"bzmpop", "0.25", "1", "z", "min", "count", "2"}), "");
  EXPECT_TRUE(w1.client.blocked);
  EXPECT_TRUE(w1.channel->timers.empty());
  ASSERT_EQ(w2.channel->timers.size(), 1u);
  EXPECT_EQ(w2.channel->timers[0].first, std::chrono::milliseconds(1500));
  EXPECT_EQ(InfoLine("clients", "blocked_clients"), "3");
  log_.records.clear();
  EXPECT_EQ(Run({"zadd", "z", "1", "m1", "2", "m2", "3", "m3", "4", "m4"}), Int(4));
  // Served atomically with the ZADD, oldest first, each logged after the ZADD that fed it.
  EXPECT_EQ(log_.records,
            (V{"zadd z 1 m1 2 m2 3 m3 4 m4", "ZPOPMIN z", "ZPOPMAX z", "ZPOPMIN z 2"}));
  EXPECT_EQ(Run({"zcard", "z"}), Int(0));
  EXPECT_EQ(w1.RunPosted(), KeyMemberScore("z", "m1", "1"));
  EXPECT_EQ(w2.RunPosted(), KeyMemberScore("z", "m4", "4"));
  EXPECT_EQ(w3.RunPosted(), "*2\r\n$1\r\nz\r\n*2\r\n" + Arr({"m2", "2"}) + Arr({"m3", "3"}));
  EXPECT_FALSE(w1.client.blocked);
  EXPECT_EQ(InfoLine("clients", "blocked_clients"), "0");
  // Timers of served waiters do nothing; w1 no longer waits on "a".
  EXPECT_EQ(w2.FireTimer(), "");
  EXPECT_EQ(Run({"zadd", "a", "1", "x"}), Int(1));
  EXPECT_EQ(w1.RunPosted(), "");
  EXPECT_EQ(Run({"zcard", "a"}), Int(1));
}

TEST_F(ZSetBlockingTest, TimeoutAndResp3) {
  Waiter w;
  EXPECT_EQ(RunAs(w, {"bzpopmin", "z", "0.1"}), "");
  EXPECT_EQ(w.FireTimer(), "*-1\r\n");
  EXPECT_FALSE(w.client.blocked);
  // A timed-out waiter does not take a later ZADD.
  EXPECT_EQ(Run({"zadd", "z", "1", "a"}), Int(1));
  EXPECT_EQ(w.RunPosted(), "");
  EXPECT_EQ(Run({"zcard", "z"}), Int(1));
  w.client.resp3 = true;
  EXPECT_EQ(RunAs(w, {"bzmpop", "0.1", "1", "y", "max"}), "");
  EXPECT_EQ(w.FireTimer(1), "_\r\n");
  EXPECT_EQ(RunAs(w, {"bzpopmax", "y", "0"}), "");
  EXPECT_EQ(Run({"zadd", "y", "2.5", "b"}), Int(1));
  EXPECT_EQ(w.RunPosted(), "*3\r\n$1\r\ny\r\n$1\r\nb\r\n,2.5\r\n");
}

TEST_F(ZSetBlockingTest, WaitersOfTheOtherTypeKeepTheirPlace) {
  Waiter lw, zw;
  RunAs(lw, {"blpop", "k", "0"});
  RunAs(zw, {"bzpopmin", "k", "0"});
  // A sorted set in "k" serves the BZPOPMIN waiter even though the BLPOP one is older.
  EXPECT_EQ(Run({"zadd", "k", "1", "a"}), Int(1));
  EXPECT_EQ(zw.RunPosted(), KeyMemberScore("k", "a", "1"));
  EXPECT_EQ(lw.RunPosted(), "");
  EXPECT_TRUE(lw.client.blocked);
  // And the list waiter is still first in line for a list.
  RunAs(zw, {"bzpopmin", "k", "0"});
  EXPECT_EQ(Run({"rpush", "k", "x"}), Int(1));
  EXPECT_EQ(lw.RunPosted(), Arr({"k", "x"}));
  EXPECT_EQ(zw.RunPosted(), "");
  EXPECT_EQ(InfoLine("clients", "blocked_clients"), "1");
}

TEST_F(ZSetBlockingTest, StoreCommandsWake) {
  Waiter w;
  Run({"zadd", "src", "1", "a", "2", "b"});
  RunAs(w, {"bzmpop", "0", "2", "nope", "dst", "max", "count", "10"});
  EXPECT_EQ(Run({"zunionstore", "dst", "1", "src"}), Int(2));
  EXPECT_EQ(w.RunPosted(), "*2\r\n$3\r\ndst\r\n*2\r\n" + Arr({"b", "2"}) + Arr({"a", "1"}));
  RunAs(w, {"bzpopmin", "inc", "0"});
  EXPECT_EQ(Run({"zincrby", "inc", "5", "m"}), Bulk("5"));
  EXPECT_EQ(w.RunPosted(), KeyMemberScore("inc", "m", "5"));
}

TEST_F(ZSetBlockingTest, MoveAndCopyIntoTheWaitersDbWake) {
  Waiter w1, w2;
  w1.client.db = 1;
  w2.client.db = 2;
  RunAs(w1, {"bzpopmin", "z", "0"});
  RunAs(w2, {"blmpop", "0", "1", "l", "left", "count", "5"});
  Run({"zadd", "z", "1", "a", "2", "b"});
  Run({"rpush", "l", "x", "y"});
  log_.records.clear();
  EXPECT_EQ(Run({"move", "z", "1"}), Int(1));
  EXPECT_EQ(Run({"copy", "l", "l", "db", "2"}), Int(1));
  // The pops are logged after the commands that fed them, so a replay ends the same.
  EXPECT_EQ(log_.records, (V{"move z 1", "ZPOPMIN z", "copy l l db 2", "LPOP l 2"}));
  EXPECT_EQ(w1.RunPosted(), KeyMemberScore("z", "a", "1"));
  EXPECT_EQ(w2.RunPosted(), "*2\r\n$1\r\nl\r\n" + Arr({"x", "y"}));
}

TEST_F(ZSetBlockingTest, GoneWaiterDoesNotSwallow) {
  Waiter dead, closed, alive;
  RunAs(dead, {"bzpopmin", "z", "0"});
  RunAs(closed, {"bzmpop", "0", "1", "z", "min"});
  RunAs(alive, {"bzpopmax", "z", "0"});
  dead.channel.reset();
  dead.client.channel.reset();
  closed.client.RunCloseHooks();  // the connection closed
  EXPECT_EQ(Run({"zadd", "z", "1", "a", "2", "b"}), Int(2));
  EXPECT_EQ(alive.RunPosted(), KeyMemberScore("z", "b", "2"));
  EXPECT_EQ(closed.RunPosted(), "");
  EXPECT_EQ(Run({"zcard", "z"}), Int(1));
  EXPECT_EQ(InfoLine("clients", "blocked_clients"), "0");
}

TEST_F(ZSetBlockingTest, BLMPopWakesWithCount) {
  Waiter w1, w2;
  RunAs(w1, {"blmpop", "0", "2", "a", "b", "right", "count", "2"});
  RunAs(w2, {"blmpop", "0", "1", "b", "left"});
  log_.records.clear();
  EXPECT_EQ(Run({"rpush", "b", "1", "2", "3", "4"}), Int(4));
  EXPECT_EQ(log_.records, (V{"rpush b 1 2 3 4", "RPOP b 2", "LPOP b 1"}));
  EXPECT_EQ(w1.RunPosted(), "*2\r\n$1\r\nb\r\n" + Arr({"4", "3"}));
  EXPECT_EQ(w2.RunPosted(), "*2\r\n$1\r\nb\r\n" + Arr({"1"}));
  EXPECT_EQ(Run({"lrange", "b", "0", "-1"}), Arr({"2"}));
  // A BLMPOP waiter is woken by a BLMOVE's push like any list waiter.
  RunAs(w1, {"blmpop", "0", "1", "dst", "left", "count", "3"});
  EXPECT_EQ(Run({"lmove", "b", "dst", "left", "left"}), Bulk("2"));
  EXPECT_EQ(w1.RunPosted(), "*2\r\n$3\r\ndst\r\n" + Arr({"2"}));
  // Timeout: a null array.
  RunAs(w2, {"blmpop", "0.5", "1", "q", "left"});
  EXPECT_EQ(w2.FireTimer(), "*-1\r\n");
}

TEST_F(ZSetBlockingTest, ClientUnblock) {
  Waiter w1, w2, w3;
  RunAs(w1, {"bzpopmin", "z", "0"});
  RunAs(w2, {"blpop", "l", "0"});
  RunAs(w3, {"blmpop", "0", "1", "m", "left"});
  const std::string id1 = std::to_string(w1.client.id), id2 = std::to_string(w2.client.id),
                    id3 = std::to_string(w3.client.id);
  EXPECT_EQ(Run({"client", "unblock", id1}), Int(1));
  EXPECT_EQ(w1.RunPosted(), "*-1\r\n");
  EXPECT_FALSE(w1.client.blocked);
  EXPECT_EQ(Run({"client", "unblock", id1}), Int(0));  // no longer blocked
  EXPECT_EQ(Run({"client", "unblock", id2, "ERROR"}), Int(1));
  EXPECT_EQ(w2.RunPosted(), "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
  w3.client.resp3 = true;
  EXPECT_EQ(Run({"client", "unblock", id3, "timeout"}), Int(1));
  EXPECT_EQ(w3.RunPosted(), "_\r\n");
  // Unblocked waiters take nothing afterwards.
  Run({"zadd", "z", "1", "a"});
  Run({"rpush", "l", "a"});
  EXPECT_EQ(w1.RunPosted() + w2.RunPosted(), "");
  EXPECT_EQ(Run({"zcard", "z"}), Int(1));
  EXPECT_EQ(Run({"llen", "l"}), Int(1));
  // The timer of an unblocked waiter does nothing.
  RunAs(w1, {"bzpopmin", "z2", "1"});
  EXPECT_EQ(Run({"client", "unblock", id1}), Int(1));
  EXPECT_EQ(w1.RunPosted(), "*-1\r\n");
  EXPECT_EQ(w1.FireTimer(), "");
  // Errors, in Redis's order: the reason before the id.
  EXPECT_EQ(Run({"client", "unblock", "99999"}), Int(0));
  EXPECT_EQ(Run({"client", "unblock", "-1"}), Int(0));
  EXPECT_EQ(Run({"client", "unblock", "1", "foo"}), Err(resp::kUnblockReasonErr));
  EXPECT_EQ(Run({"client", "unblock", "x", "foo"}), Err(resp::kUnblockReasonErr));
  EXPECT_EQ(Run({"client", "unblock", "x"}), Err(resp::kNotIntegerErr));
  EXPECT_EQ(Run({"client", "unblock", "1", "timeout", "x"}),
            Err("ERR unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT "
                "HELP."));
  EXPECT_EQ(Run({"client", "unblock"}),
            Err("ERR wrong number of arguments for 'client|unblock' command"));
}

TEST_F(ZSetBlockingTest, InfoPubSubCounts) {
  EXPECT_EQ(InfoLine("stats", "pubsub_channels"), "0");
  EXPECT_EQ(InfoLine("stats", "pubsub_patterns"), "0");
  Waiter sub, sub2;  // distinct ids and channels, as the pub/sub registry needs
  RunAs(sub, {"subscribe", "c1", "c2"});
  RunAs(sub, {"psubscribe", "p*"});
  RunAs(sub2, {"subscribe", "c1"});
  RunAs(sub2, {"psubscribe", "p*", "q*"});
  EXPECT_EQ(InfoLine("stats", "pubsub_channels"), "2");
  EXPECT_EQ(InfoLine("stats", "pubsub_patterns"), "2");
  RunAs(sub, {"unsubscribe"});
  EXPECT_EQ(InfoLine("stats", "pubsub_channels"), "1");
  sub2.client.RunCloseHooks();  // disconnect
  EXPECT_EQ(InfoLine("stats", "pubsub_channels"), "0");
  EXPECT_EQ(InfoLine("stats", "pubsub_patterns"), "1");
}

}  // namespace
}  // namespace kv
