#include "server/commands/test_util.h"
#include "server/resp/errors.h"

namespace kv {
namespace {

using ListFamilyTest = test::CommandTest;

TEST_F(ListFamilyTest, PushRangeLen) {
  EXPECT_EQ(Run({"rpush", "l", "a", "b", "c"}), Int(3));
  EXPECT_EQ(Run({"lpush", "l", "x", "y"}), Int(5));
  EXPECT_EQ(Run({"lrange", "l", "0", "-1"}), Arr({"y", "x", "a", "b", "c"}));
  EXPECT_EQ(Run({"lrange", "l", "-2", "100"}), Arr({"b", "c"}));
  EXPECT_EQ(Run({"lrange", "l", "3", "1"}), "*0\r\n");
  EXPECT_EQ(Run({"lrange", "l", "x", "1"}), Err(resp::kNotIntegerErr));
  EXPECT_EQ(Run({"lrange", "nope", "0", "-1"}), "*0\r\n");
  EXPECT_EQ(Run({"llen", "l"}), Int(5));
  EXPECT_EQ(Run({"llen", "nope"}), Int(0));
  EXPECT_EQ(Run({"lpushx", "nope", "a"}), Int(0));
  EXPECT_EQ(Run({"rpushx", "l", "z"}), Int(6));
  EXPECT_EQ(Run({"lpush", "l"}), Err(resp::WrongNumArgsError("lpush")));
}

TEST_F(ListFamilyTest, PopWithCount) {
  Run({"rpush", "l", "a", "b", "c", "d"});
  EXPECT_EQ(Run({"lpop", "l"}), Bulk("a"));
  EXPECT_EQ(Run({"rpop", "l", "2"}), Arr({"d", "c"}));
  EXPECT_EQ(Run({"lpop", "l", "0"}), "*0\r\n");
  EXPECT_EQ(Run({"lpop", "l", "-1"}), Err(resp::kOutOfRangeErr));
  EXPECT_EQ(Run({"lpop", "l", "x"}), Err(resp::kOutOfRangeErr));
  EXPECT_EQ(Run({"lpop", "l", "1", "2"}), Err(resp::WrongNumArgsError("lpop")));
  EXPECT_EQ(Run({"lpop", "l", "10"}), Arr({"b"}));
  // The emptied list is gone: LPUSHX no longer finds it.
  EXPECT_EQ(Run({"lpushx", "l", "a"}), Int(0));
  EXPECT_EQ(Run({"lpop", "l"}), kNil);
  EXPECT_EQ(Run({"lpop", "l", "0"}), "*-1\r\n");
  EXPECT_EQ(Run({"rpop", "l", "3"}), "*-1\r\n");
}

TEST_F(ListFamilyTest, IndexSetInsert) {
  Run({"rpush", "l", "a", "b", "c"});
  EXPECT_EQ(Run({"lindex", "l", "-1"}), Bulk("c"));
  EXPECT_EQ(Run({"lindex", "l", "3"}), kNil);
  EXPECT_EQ(Run({"lindex", "l", "x"}), Err(resp::kNotIntegerErr));
  EXPECT_EQ(Run({"lindex", "nope", "x"}), kNil);
  EXPECT_EQ(Run({"lset", "l", "1", "B"}), kOk);
  EXPECT_EQ(Run({"lset", "l", "5", "B"}), Err("ERR index out of range"));
  EXPECT_EQ(Run({"lset", "nope", "0", "B"}), Err("ERR no such key"));
  EXPECT_EQ(Run({"linsert", "l", "BEFORE", "B", "x"}), Int(4));
  EXPECT_EQ(Run({"linsert", "l", "after", "c", "y"}), Int(5));
  EXPECT_EQ(Run({"linsert", "l", "after", "zz", "y"}), Int(-1));
  EXPECT_EQ(Run({"linsert", "nope", "after", "zz", "y"}), Int(0));
  EXPECT_EQ(Run({"linsert", "l", "middle", "c", "y"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"lrange", "l", "0", "-1"}), Arr({"a", "x", "B", "c", "y"}));
}

TEST_F(ListFamilyTest, RemTrim) {
  Run({"rpush", "l", "a", "b", "a", "c", "a"});
  EXPECT_EQ(Run({"lrem", "l", "-1", "a"}), Int(1));
  EXPECT_EQ(Run({"lrange", "l", "0", "-1"}), Arr({"a", "b", "a", "c"}));
  EXPECT_EQ(Run({"lrem", "l", "1", "a"}), Int(1));
  EXPECT_EQ(Run({"lrange", "l", "0", "-1"}), Arr({"b", "a", "c"}));
  EXPECT_EQ(Run({"lrem", "l", "0", "a"}), Int(1));
  EXPECT_EQ(Run({"ltrim", "l", "1", "-1"}), kOk);
  EXPECT_EQ(Run({"lrange", "l", "0", "-1"}), Arr({"c"}));
  EXPECT_EQ(Run({"ltrim", "l", "5", "10"}), kOk);
  EXPECT_EQ(Run({"llen", "l"}), Int(0));
  EXPECT_EQ(Run({"ltrim", "nope", "0", "1"}), kOk);
}

TEST_F(ListFamilyTest, Pos) {
  Run({"rpush", "l", "a", "b", "c", "1", "2", "3", "c", "c"});
  EXPECT_EQ(Run({"lpos", "l", "c"}), Int(2));
  EXPECT_EQ(Run({"lpos", "l", "c", "rank", "-1"}), Int(7));
  EXPECT_EQ(Run({"lpos", "l", "c", "rank", "2"}), Int(6));
  EXPECT_EQ(Run({"lpos", "l", "c", "count", "0"}), "*3\r\n:2\r\n:6\r\n:7\r\n");
  EXPECT_EQ(Run({"lpos", "l", "c", "count", "0", "maxlen", "3"}), "*1\r\n:2\r\n");
  EXPECT_EQ(Run({"lpos", "l", "c", "rank", "-9223372036854775808"}), Int(7));
  EXPECT_EQ(Run({"lpos", "l", "zz"}), kNil);
  EXPECT_EQ(Run({"lpos", "nope", "zz", "count", "1"}), "*0\r\n");
  EXPECT_EQ(Run({"lpos", "l", "c", "rank", "0"}),
            Err("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second "
                "... or use negative to start from the end of the list"));
  EXPECT_EQ(Run({"lpos", "l", "c", "count", "-1"}), Err("ERR COUNT can't be negative"));
  EXPECT_EQ(Run({"lpos", "l", "c", "maxlen", "-1"}), Err("ERR MAXLEN can't be negative"));
  EXPECT_EQ(Run({"lpos", "l", "c", "rank"}), Err(resp::kSyntaxErr));
}

TEST_F(ListFamilyTest, Move) {
  Run({"rpush", "src", "a", "b", "c"});
  EXPECT_EQ(Run({"lmove", "src", "dst", "left", "right"}), Bulk("a"));
  EXPECT_EQ(Run({"rpoplpush", "src", "dst"}), Bulk("c"));
  EXPECT_EQ(Run({"lrange", "dst", "0", "-1"}), Arr({"c", "a"}));
  EXPECT_EQ(Run({"lmove", "dst", "dst", "left", "right"}), Bulk("c"));
  EXPECT_EQ(Run({"lrange", "dst", "0", "-1"}), Arr({"a", "c"}));
  EXPECT_EQ(Run({"lmove", "src", "dst", "up", "right"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"lmove", "nope", "dst", "left", "right"}), kNil);
  EXPECT_EQ(Run({"rpoplpush", "src", "dst"}), Bulk("b"));
  EXPECT_EQ(Run({"llen", "src"}), Int(0));
}

TEST_F(ListFamilyTest, MPop) {
  EXPECT_EQ(Run({"lmpop", "2", "a", "b", "left"}), "*-1\r\n");
  Run({"rpush", "b", "1", "2", "3"});
  EXPECT_EQ(Run({"lmpop", "2", "a", "b", "right", "count", "2"}),
            "*2\r\n" + Bulk("b") + Arr({"3", "2"}));
  EXPECT_EQ(Run({"lmpop", "2", "a", "b", "left", "count", "5"}), "*2\r\n" + Bulk("b") + Arr({"1"}));
  EXPECT_EQ(Run({"llen", "b"}), Int(0));
  EXPECT_EQ(Run({"lmpop", "0", "a", "left"}), Err("ERR numkeys should be greater than 0"));
  EXPECT_EQ(Run({"lmpop", "x", "a", "left"}), Err("ERR numkeys should be greater than 0"));
  EXPECT_EQ(Run({"lmpop", "3", "a", "b", "left"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"lmpop", "1", "a", "up"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"lmpop", "1", "a", "left", "count", "0"}),
            Err("ERR count should be greater than 0"));
  EXPECT_EQ(Run({"lmpop", "1", "a", "left", "count", "1", "count", "1"}), Err(resp::kSyntaxErr));
}

TEST_F(ListFamilyTest, WrongType) {
  Run({"set", "s", "v"});
  Run({"rpush", "l", "a"});
  const std::string wrong = Err(resp::kWrongTypeErr);
  for (auto cmd :
       std::vector<std::vector<std::string_view>>{{"lpush", "s", "a"},
                                                  {"rpushx", "s", "a"},
                                                  {"lpop", "s"},
                                                  {"llen", "s"},
                                                  {"lrange", "s", "0", "1"},
                                                  {"lindex", "s", "0"},
                                                  {"lset", "s", "0", "a"},
                                                  {"linsert", "s", "before", "a", "b"},
                                                  {"lrem", "s", "0", "a"},
                                                  {"ltrim", "s", "0", "1"},
                                                  {"lpos", "s", "a"},
                                                  {"lmove", "s", "l", "left", "left"},
                                                  {"lmove", "l", "s", "left", "left"},
                                                  {"blpop", "s", "0"},
                                                  {"blmove", "l", "s", "left", "left", "0"},
                                                  {"lmpop", "2", "nope", "s", "left"}}) {
    EXPECT_EQ(Run(cmd), wrong) << cmd[0];
  }
  // A wrong destination leaves the source untouched.
  EXPECT_EQ(Run({"llen", "l"}), Int(1));
  EXPECT_EQ(Run({"lpop", "s", "-1"}), Err(resp::kOutOfRangeErr));
}

}  // namespace
}  // namespace kv
