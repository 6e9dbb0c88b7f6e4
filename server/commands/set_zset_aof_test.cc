// What the set and sorted set commands hand to the AOF: random effects (SPOP) are logged as the
// deterministic SREM / DEL they had, and a command that changed nothing is not logged at all.

#include <string>
#include <vector>

#include "server/commands/log_capture_test_util.h"
#include "server/commands/test_util.h"

namespace kv {
namespace {

class SetZSetAofTest : public test::CommandTest {
 protected:
  SetZSetAofTest() { state_.write_log.store(&log_); }
  ~SetZSetAofTest() override { state_.write_log.store(nullptr); }

  // The records appended by one command.
  std::vector<std::string> Logged(std::initializer_list<std::string_view> argv) {
    log_.records.clear();
    Run(argv);
    return log_.records;
  }

  test::CapturingWriteLog log_;
  using V = std::vector<std::string>;
};

TEST_F(SetZSetAofTest, SPopIsLoggedAsSRemOrDel) {
  Run({"sadd", "s", "a", "b", "c"});
  V one = Logged({"spop", "s"});
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].substr(0, 7), "SREM s ");
  V two = Logged({"spop", "s", "1"});
  ASSERT_EQ(two.size(), 1u);
  EXPECT_EQ(two[0].substr(0, 7), "SREM s ");
  EXPECT_EQ(Logged({"spop", "s", "5"}), V{"DEL s"});  // the rest, so the key went
  EXPECT_EQ(Logged({"spop", "s"}), V{});
  Run({"sadd", "t", "x"});
  EXPECT_EQ(Logged({"spop", "t"}), V{"DEL t"});
}

TEST_F(SetZSetAofTest, NoOpsAreNotLogged) {
  Run({"sadd", "s", "a"});
  Run({"zadd", "z", "1", "a"});
  Run({"set", "str", "x"});
  for (auto cmd : std::vector<std::vector<std::string_view>>{{"sadd", "s", "a"},
                                                             {"srem", "s", "zz"},
                                                             {"srem", "nope", "a"},
                                                             {"smove", "s", "d", "zz"},
                                                             {"sinterstore", "d", "nope"},
                                                             {"zadd", "z", "1", "a"},
                                                             {"zadd", "z", "nx", "5", "a"},
                                                             {"zadd", "z", "xx", "5", "b"},
                                                             {"zrem", "z", "zz"},
                                                             {"zremrangebyscore", "z", "5", "10"},
                                                             {"zpopmin", "nope"},
                                                             {"zunionstore", "d", "1", "nope"},
                                                             {"zadd", "str", "1", "a"},
                                                             {"sadd", "str", "a"}}) {
    log_.records.clear();
    Run(cmd);
    EXPECT_TRUE(log_.records.empty()) << cmd[0] << " " << cmd[1];
  }
}

TEST_F(SetZSetAofTest, DeterministicWritesAreLoggedAsSent) {
  EXPECT_EQ(Logged({"sadd", "s", "a", "b"}), V{"sadd s a b"});
  EXPECT_EQ(Logged({"zadd", "z", "incr", "2", "a"}), V{"zadd z incr 2 a"});
  EXPECT_EQ(Logged({"zpopmin", "z", "1"}), V{"zpopmin z 1"});
  Run({"sadd", "t", "x"});
  EXPECT_EQ(Logged({"sunionstore", "d", "s", "t"}), V{"sunionstore d s t"});
  EXPECT_EQ(Logged({"sinterstore", "d", "s", "t"}), V{"sinterstore d s t"});  // deletes d
  EXPECT_EQ(Logged({"sinterstore", "d", "s", "t"}), V{});                     // nothing left
}

}  // namespace
}  // namespace kv
