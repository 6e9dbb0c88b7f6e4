// Blocking list pops through the dispatcher (fake channels: blocking_test_util.h).

#include <memory>

#include "server/commands/blocking_test_util.h"
#include "server/resp/errors.h"

namespace kv {
namespace {

using ListBlockingTest = test::BlockingTest;
using test::Waiter;

TEST_F(ListBlockingTest, ImmediateAndErrors) {
  Run({"rpush", "l", "a", "b"});
  EXPECT_EQ(Run({"blpop", "nope", "l", "0"}), Arr({"l", "a"}));
  EXPECT_EQ(Run({"brpop", "l", "0"}), Arr({"l", "b"}));
  EXPECT_EQ(Run({"blpop", "l", "x"}), Err("ERR timeout is not a float or out of range"));
  EXPECT_EQ(Run({"blpop", "l", "-1"}), Err("ERR timeout is negative"));
  EXPECT_EQ(Run({"blpop", "l", "1e400"}), Err("ERR timeout is negative"));
  EXPECT_EQ(Run({"blmove", "l", "d", "up", "left", "0"}), Err(resp::kSyntaxErr));
  // Without a channel (and inside EXEC) a blocking command answers as on timeout.
  EXPECT_EQ(Run({"blpop", "l", "0"}), "*-1\r\n");
  EXPECT_EQ(Run({"blmove", "l", "d", "left", "left", "0"}), kNil);
  Waiter w;
  w.client.in_exec = true;
  EXPECT_EQ(RunAs(w, {"brpoplpush", "l", "d", "0"}), kNil);
  EXPECT_EQ(RunAs(w, {"brpop", "l", "0"}), "*-1\r\n");
  EXPECT_FALSE(w.client.blocked);
}

TEST_F(ListBlockingTest, PushWakesWaiter) {
  Waiter w;
  EXPECT_EQ(RunAs(w, {"blpop", "a", "b", "0"}), "");
  EXPECT_TRUE(w.client.blocked);
  EXPECT_TRUE(w.channel->timers.empty());  // 0: no timeout
  EXPECT_EQ(Run({"rpush", "b", "x", "y"}), Int(2));
  // Served atomically with the push: the element is already gone.
  EXPECT_EQ(Run({"lrange", "b", "0", "-1"}), Arr({"y"}));
  EXPECT_EQ(w.RunPosted(), Arr({"b", "x"}));
  EXPECT_FALSE(w.client.blocked);
  // No longer waiting on "a" either.
  EXPECT_EQ(Run({"rpush", "a", "z"}), Int(1));
  EXPECT_EQ(w.RunPosted(), "");
  EXPECT_EQ(Run({"llen", "a"}), Int(1));
}

TEST_F(ListBlockingTest, FifoAmongWaitersAndTimeout) {
  Waiter w1, w2, w3;
  RunAs(w1, {"brpop", "k", "0"});
  RunAs(w2, {"blpop", "k", "1.5"});
  RunAs(w3, {"blpop", "k", "0.25"});
  ASSERT_EQ(w2.channel->timers.size(), 1u);
  EXPECT_EQ(w2.channel->timers[0].first, std::chrono::milliseconds(1500));
  EXPECT_EQ(Run({"rpush", "k", "a", "b"}), Int(2));
  // Oldest first: w1 (BRPOP) takes the tail, then w2 the head.
  EXPECT_EQ(w1.RunPosted(), Arr({"k", "b"}));
  EXPECT_EQ(w2.RunPosted(), Arr({"k", "a"}));
  EXPECT_EQ(w3.RunPosted(), "");
  EXPECT_TRUE(w3.client.blocked);
  // w2's timer fires after it was served: nothing happens.
  EXPECT_EQ(w2.FireTimer(), "");
  EXPECT_EQ(w3.FireTimer(), "*-1\r\n");
  EXPECT_FALSE(w3.client.blocked);
  w3.client.resp3 = true;
  RunAs(w3, {"blpop", "k", "0.1"});
  EXPECT_EQ(w3.FireTimer(1), "_\r\n");
  // Timed-out waiters do not take later pushes.
  EXPECT_EQ(Run({"lpush", "k", "c"}), Int(1));
  EXPECT_EQ(Run({"llen", "k"}), Int(1));
}

TEST_F(ListBlockingTest, GoneWaiterDoesNotSwallow) {
  Waiter dead, closed, alive;
  RunAs(dead, {"blpop", "k", "0"});
  RunAs(closed, {"blpop", "k", "0"});
  RunAs(alive, {"blpop", "k", "0"});
  dead.channel.reset();  // the connection object is gone
  dead.client.channel.reset();
  ASSERT_EQ(closed.client.on_close.size(), 1u);
  for (auto& fn : closed.client.on_close) fn();  // the connection closed
  EXPECT_EQ(Run({"rpush", "k", "v"}), Int(1));
  EXPECT_EQ(alive.RunPosted(), Arr({"k", "v"}));
  EXPECT_EQ(closed.RunPosted(), "");
  // Blocking again reuses the client's close hook rather than adding one per command.
  RunAs(alive, {"blpop", "k", "0"});
  EXPECT_EQ(alive.client.on_close.size(), 1u);
}

TEST_F(ListBlockingTest, BlockingMoveSameAndOtherShard) {
  for (bool same : {true, false}) {
    SCOPED_TRACE(same ? "same shard" : "other shard");
    std::string src = "src", dst = KeyInShard(src, same);
    Waiter w;
    EXPECT_EQ(RunAs(w, {"blmove", src, dst, "right", "left", "0"}), "");
    EXPECT_EQ(Run({"rpush", src, "a", "b"}), Int(2));
    EXPECT_EQ(w.RunPosted(), Bulk("b"));
    EXPECT_EQ(Run({"lrange", src, "0", "-1"}), Arr({"a"}));
    EXPECT_EQ(Run({"lrange", dst, "0", "-1"}), Arr({"b"}));
    // A waiter on the destination is fed by the move.
    EXPECT_EQ(Run({"lpop", src}), Bulk("a"));
    EXPECT_EQ(Run({"lpop", dst}), Bulk("b"));
    Waiter w2, w3;
    RunAs(w2, {"brpoplpush", "empty", src, "0"});
    RunAs(w, {"blmove", src, dst, "left", "left", "0"});
    RunAs(w3, {"blpop", dst, "0"});
    EXPECT_EQ(Run({"rpush", "empty", "z"}), Int(1));
    EXPECT_EQ(w2.RunPosted(), Bulk("z"));
    EXPECT_EQ(w.RunPosted(), Bulk("z"));
    EXPECT_EQ(w3.RunPosted(), Arr({dst, "z"}));
    EXPECT_EQ(Run({"llen", dst}), Int(0));
    EXPECT_EQ(Run({"llen", "empty"}), Int(0));
  }
}

TEST_F(ListBlockingTest, HugeTimeoutWaitsForever) {
  Waiter w;
  EXPECT_EQ(RunAs(w, {"blpop", "k", "1e12"}), "");
  EXPECT_TRUE(w.client.blocked);
  EXPECT_TRUE(w.channel->timers.empty());
  Waiter v;
  EXPECT_EQ(RunAs(v, {"blpop", "k", "0.0001"}), "");  // rounded up to 1 ms, as Redis
  ASSERT_EQ(v.channel->timers.size(), 1u);
  EXPECT_EQ(v.channel->timers[0].first, std::chrono::milliseconds(1));
}

TEST_F(ListBlockingTest, SameKeyRotation) {
  Waiter w;
  RunAs(w, {"blmove", "k", "k", "left", "right", "0"});
  EXPECT_EQ(Run({"rpush", "k", "a"}), Int(1));
  EXPECT_EQ(w.RunPosted(), Bulk("a"));
  EXPECT_EQ(Run({"lrange", "k", "0", "-1"}), Arr({"a"}));
}

}  // namespace
}  // namespace kv
