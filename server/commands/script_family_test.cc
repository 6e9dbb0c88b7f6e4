#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/commands/test_util.h"
#include "server/scripting/lua_vm.h"

namespace kv {
namespace {

using ::testing::StartsWith;

class ScriptFamilyTest : public test::CommandTest {};

TEST_F(ScriptFamilyTest, ConvertsLuaValuesAsRedis) {
  EXPECT_EQ(Run({"eval", "return 3.99", "0"}), Int(3));
  EXPECT_EQ(Run({"eval", "return 'x'", "0"}), Bulk("x"));
  EXPECT_EQ(Run({"eval", "return true", "0"}), Int(1));
  EXPECT_EQ(Run({"eval", "return false", "0"}), kNil);
  EXPECT_EQ(Run({"eval", "return {1,'a',nil,2}", "0"}), "*2\r\n:1\r\n$1\r\na\r\n");
  EXPECT_EQ(Run({"eval", "return {err='boom'}", "0"}), Err("boom"));
  EXPECT_EQ(Run({"eval", "return redis.status_reply('FINE')", "0"}), "+FINE\r\n");
  EXPECT_EQ(Run({"eval", "return {KEYS[1], ARGV[1]}", "1", "k", "a"}), Arr({"k", "a"}));
}

TEST_F(ScriptFamilyTest, CallsCommandsAndReportsErrorsWithTheirPlace) {
  EXPECT_EQ(Run({"eval", "return redis.call('set', KEYS[1], ARGV[1])", "1", "k", "v"}),
            "+OK\r\n");
  EXPECT_EQ(Run({"eval", "return redis.call('get', 'k')", "0"}), Bulk("v"));
  EXPECT_EQ(Run({"get", "k"}), Bulk("v"));
  std::string incr = "return redis.call('incr', 'k')";
  EXPECT_EQ(Run({"eval", incr, "0"}),
            Err("ERR value is not an integer or out of range script: " + Sha1Hex(incr) +
                ", on @user_script:1."));
  EXPECT_EQ(Run({"eval", "return redis.pcall('nosuch')", "0"}),
            Err("ERR Unknown Redis command called from script"));
  EXPECT_THAT(Run({"eval", "x = 1", "0"}),
              StartsWith("-ERR user_script:1: Attempt to modify a readonly table script: "));
  EXPECT_EQ(Run({"eval", "return (", "0"}),
            Err("ERR Error compiling script (new function): user_script:1: unexpected symbol "
                "near '<eof>'"));
  EXPECT_THAT(Run({"eval_ro", "return redis.call('del', 'k')", "0"}),
              StartsWith("-ERR Write commands are not allowed from read-only scripts. script: "));
}

TEST_F(ScriptFamilyTest, ScriptCache) {
  std::string sha = Sha1Hex("return 7");
  EXPECT_EQ(Run({"script", "load", "return 7"}), Bulk(sha));
  EXPECT_EQ(Run({"evalsha", sha, "0"}), Int(7));
  EXPECT_EQ(Run({"script", "exists", sha, "ffff"}), "*2\r\n:1\r\n:0\r\n");
  EXPECT_EQ(Run({"script", "flush"}), "+OK\r\n");
  EXPECT_EQ(Run({"evalsha", sha, "0"}), Err("NOSCRIPT No matching script. Please use EVAL."));
  EXPECT_EQ(Run({"eval", "return 1", "-1"}), Err("ERR Number of keys can't be negative"));
  EXPECT_EQ(Run({"eval", "return 1", "2", "a"}),
            Err("ERR Number of keys can't be greater than number of args"));
  EXPECT_EQ(Run({"script", "kill"}), Err("NOTBUSY No scripts in execution right now."));
}

TEST_F(ScriptFamilyTest, LibrariesAndSandbox) {
  EXPECT_EQ(Run({"eval", "return cjson.encode({1,2})", "0"}), Bulk("[1,2]"));
  EXPECT_EQ(Run({"eval", "return bit.band(7, 3)", "0"}), Int(3));
  EXPECT_EQ(Run({"eval", "return redis.sha1hex('')", "0"}),
            Bulk("da39a3ee5e6b4b0d3255bfef95601890afd80709"));
  EXPECT_THAT(Run({"eval", "return os", "0"}),
              StartsWith("-ERR user_script:1: Script attempted to access nonexistent global "
                         "variable 'os' script: "));
}

}  // namespace
}  // namespace kv
