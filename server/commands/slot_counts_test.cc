// The keyspace's per-slot key counts stay exact on every command path that creates or removes
// keys: each test recounts the whole keyspace after every command (keyspace_test_util.h).

#include <random>
#include <string>
#include <vector>

#include "server/base/clock.h"
#include "server/commands/blocking_test_util.h"
#include "server/db/keyspace_test_util.h"

namespace kv {
namespace {

class SlotCountsTest : public test::BlockingTest {
 protected:
  // Runs the command, then checks the counts against a recount.
  std::string Check(std::initializer_list<std::string_view> argv) {
    std::string reply = Run(argv);
    EXPECT_EQ(test::SlotCountMismatch(state_.keyspace), "") << "after " << *argv.begin();
    return reply;
  }
  uint64_t Count(std::string_view key) { return state_.keyspace.CountKeysInSlot(KeySlot(key)); }
};

TEST_F(SlotCountsTest, StringsKeysAndExpiry) {
  Check({"set", "a", "1"});
  Check({"set", "a", "2"});
  EXPECT_EQ(Count("a"), 1u);
  Check({"mset", "b", "1", "c", "2", "{a}x", "3"});
  EXPECT_EQ(Count("a"), 2u);  // "{a}x" shares a's slot
  Check({"msetnx", "d", "1", "e", "2"});
  Check({"setnx", "f", "1"});
  Check({"getset", "g", "1"});
  Check({"append", "h", "x"});
  Check({"incr", "i"});
  Check({"incrbyfloat", "j", "1.5"});
  Check({"setrange", "k", "3", "x"});
  Check({"getdel", "b"});
  Check({"del", "c", "d", "nokey"});
  Check({"unlink", "e"});
  const std::string past = std::to_string(UnixMillis() - 1000);
  Check({"set", "m", "1", "pxat", past});  // already expired: Redis stores nothing
  Check({"pexpireat", "f", past});         // a deadline in the past deletes
  Check({"expire", "g", "-1"});
  Check({"getex", "h", "pxat", past});
  EXPECT_EQ(Run({"exists", "f", "g", "h", "m"}), Int(0));
  Check({"set", "n", "1", "ex", "100"});
  Check({"persist", "n"});
}

TEST_F(SlotCountsTest, RenameMoveCopyAndFlush) {
  Check({"set", "a", "1"});
  Check({"rename", "a", "b"});
  EXPECT_EQ(Count("a"), 0u);
  EXPECT_EQ(Count("b"), 1u);
  Check({"set", "c", "2"});
  Check({"rename", "b", "c"});  // overwrites c
  Check({"set", "d", "3"});
  Check({"renamenx", "c", "d"});  // refused
  Check({"renamenx", "c", "e"});
  Check({"copy", "e", "f"});
  Check({"copy", "e", "f", "replace"});
  Check({"copy", "e", "e2", "db", "3"});
  Check({"move", "d", "2"});
  EXPECT_EQ(Count("d"), 1u);  // counts sum every database
  Check({"select", "2"});
  Check({"set", "x", "1"});
  Check({"flushdb"});
  EXPECT_EQ(Count("d"), 0u);
  EXPECT_EQ(Count("e2"), 1u);
  Check({"flushall"});
  EXPECT_EQ(Count("e2"), 0u);
  EXPECT_EQ(Count("f"), 0u);
}

TEST_F(SlotCountsTest, CollectionsThatEmptyAreDeleted) {
  Check({"rpush", "l", "a", "b", "c"});
  Check({"lpop", "l"});
  Check({"rpop", "l", "5"});
  EXPECT_EQ(Count("l"), 0u);
  Check({"rpush", "l", "a", "b"});
  Check({"lmove", "l", "l2", "left", "left"});
  Check({"rpoplpush", "l", "l3"});
  Check({"ltrim", "l2", "5", "10"});
  Check({"lrem", "l3", "0", "b"});
  Check({"linsert", "nolist", "before", "a", "b"});
  Check({"sadd", "s", "a", "b"});
  Check({"smove", "s", "s2", "a"});
  Check({"srem", "s", "b"});
  Check({"spop", "s2"});
  Check({"sadd", "s3", "x"});
  Check({"sinterstore", "s4", "s3", "nokey"});  // empty result: deletes the destination
  Check({"sunionstore", "s4", "s3", "s3"});
  Check({"sdiffstore", "s4", "s3", "s3"});
  Check({"hset", "h", "f", "v", "g", "w"});
  Check({"hdel", "h", "f", "g"});
  Check({"hincrby", "h", "f", "1"});
  Check({"zadd", "z", "1", "a", "2", "b"});
  Check({"zpopmin", "z"});
  Check({"zrem", "z", "b"});
  Check({"zadd", "z", "1", "a"});
  Check({"zunionstore", "z2", "2", "z", "z"});
  Check({"zinterstore", "z3", "2", "z", "nokey"});
  Check({"zrangestore", "z4", "z", "0", "-1"});
  Check({"zremrangebyrank", "z4", "0", "-1"});
  EXPECT_EQ(Run({"dbsize"}), Int(4));  // s3, h, z, z2: the others emptied
}

TEST_F(SlotCountsTest, ServedBlockingPopsAndExec) {
  test::Waiter pop, move_same, move_other, zpop;
  const std::string dst_other = KeyInShard("src", false);
  const std::string dst_same = KeyInShard("src", true);
  RunAs(pop, {"blpop", "src", "0"});
  RunAs(move_same, {"blmove", "src", dst_same, "left", "left", "0"});
  RunAs(move_other, {"blmove", "src", dst_other, "left", "left", "0"});
  Check({"rpush", "src", "a", "b", "c"});  // served in order; the last one empties src
  EXPECT_EQ(Count("src"), 0u);
  EXPECT_EQ(pop.RunPosted(), Arr({"src", "a"}));
  EXPECT_EQ(move_same.RunPosted(), Bulk("b"));
  EXPECT_EQ(move_other.RunPosted(), Bulk("c"));
  EXPECT_EQ(Count(dst_same), 1u);
  EXPECT_EQ(Count(dst_other), 1u);
  RunAs(zpop, {"bzpopmin", "zs", "0"});
  Check({"zadd", "zs", "1", "m"});
  EXPECT_EQ(Count("zs"), 0u);

  Check({"multi"});
  Check({"set", "t1", "1"});
  Check({"del", dst_same});
  Check({"flushdb"});
  Check({"set", "t2", "1"});
  Check({"exec"});
  EXPECT_EQ(state_.keyspace.KeyCount(0), 1u);
  EXPECT_EQ(Count("t2"), 1u);
}

TEST_F(SlotCountsTest, RandomCommands) {
  // Commands that create, move and delete keys, on a few keys and databases, in random order.
  // K1, K2 and DB stand for a random key and database; FLUSHDB and FLUSHALL come up rarely.
  const std::vector<std::vector<std::string>> commands = {
      {"set", "K1", "v"},
      {"del", "K1", "K2"},
      {"rpush", "K1", "x"},
      {"lpop", "K1"},
      {"sadd", "K1", "m"},
      {"smove", "K1", "K2", "m"},
      {"rename", "K1", "K2"},
      {"move", "K1", "DB"},
      {"select", "DB"},
      {"copy", "K1", "K2", "db", "DB", "replace"},
      {"pexpireat", "K1", "PAST"},
      {"lmove", "K1", "K2", "left", "right"},
      {"zadd", "K1", "1", "m"},
      {"zpopmax", "K1"}};
  const std::vector<std::string> keys = {"a", "b", "{a}c", "d", "e"};
  const std::string past = std::to_string(UnixMillis() - 1000);
  std::mt19937 rng(11);
  for (int i = 0; i < 3000; ++i) {
    std::vector<std::string> argv = commands[rng() % commands.size()];
    if (rng() % 500 == 0) argv = {rng() % 2 ? "flushdb" : "flushall"};
    for (std::string& a : argv) {
      if (a == "K1" || a == "K2") a = keys[rng() % keys.size()];
      if (a == "DB") a = std::to_string(rng() % 3);
      if (a == "PAST") a = past;
    }
    Run(std::vector<std::string_view>(argv.begin(), argv.end()));
    if (i % 10 == 0) {
      ASSERT_EQ(test::SlotCountMismatch(state_.keyspace), "") << "command " << i;
    }
  }
  EXPECT_EQ(test::SlotCountMismatch(state_.keyspace), "");
  EXPECT_GT(state_.keyspace.KeyCount(0) + state_.keyspace.KeyCount(1), 0u);
}

}  // namespace
}  // namespace kv
