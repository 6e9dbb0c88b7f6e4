#include <set>

#include "server/commands/test_util.h"
#include "server/resp/errors.h"

namespace kv {
namespace {

using HashFamilyTest = test::CommandTest;

TEST_F(HashFamilyTest, SetGet) {
  EXPECT_EQ(Run({"hset", "h", "a", "1", "b", "2"}), Int(2));
  EXPECT_EQ(Run({"hset", "h", "a", "3", "c", "4"}), Int(1));
  EXPECT_EQ(Run({"hset", "h", "a"}), Err(resp::WrongNumArgsError("hset")));
  EXPECT_EQ(Run({"hmset", "h", "d", "5"}), kOk);
  EXPECT_EQ(Run({"hmset", "h", "d", "5", "e"}), Err(resp::WrongNumArgsError("hmset")));
  EXPECT_EQ(Run({"hsetnx", "h", "a", "x"}), Int(0));
  EXPECT_EQ(Run({"hsetnx", "h", "f", "6"}), Int(1));
  EXPECT_EQ(Run({"hget", "h", "a"}), Bulk("3"));
  EXPECT_EQ(Run({"hget", "h", "zz"}), kNil);
  EXPECT_EQ(Run({"hget", "nope", "a"}), kNil);
  EXPECT_EQ(Run({"hmget", "h", "a", "zz", "b"}), "*3\r\n$1\r\n3\r\n$-1\r\n$1\r\n2\r\n");
  EXPECT_EQ(Run({"hmget", "nope", "a"}), "*1\r\n$-1\r\n");
  EXPECT_EQ(Run({"hlen", "h"}), Int(5));
  EXPECT_EQ(Run({"hlen", "nope"}), Int(0));
  EXPECT_EQ(Run({"hexists", "h", "a"}), Int(1));
  EXPECT_EQ(Run({"hexists", "h", "zz"}), Int(0));
  EXPECT_EQ(Run({"hstrlen", "h", "a"}), Int(1));
  EXPECT_EQ(Run({"hstrlen", "h", "zz"}), Int(0));
}

TEST_F(HashFamilyTest, DelDeletesEmptyHash) {
  Run({"hset", "h", "a", "1", "b", "2"});
  EXPECT_EQ(Run({"hdel", "h", "a", "a", "zz"}), Int(1));
  EXPECT_EQ(Run({"hdel", "h", "b"}), Int(1));
  EXPECT_EQ(Run({"hlen", "h"}), Int(0));
  // Gone as a key: another type may take the name.
  EXPECT_EQ(Run({"rpush", "h", "x"}), Int(1));
  EXPECT_EQ(Run({"hdel", "nope", "a"}), Int(0));
}

TEST_F(HashFamilyTest, GetAllKeysVals) {
  Run({"hset", "h", "f", "v"});
  EXPECT_EQ(Run({"hgetall", "h"}), Arr({"f", "v"}));
  EXPECT_EQ(Run({"hkeys", "h"}), Arr({"f"}));
  EXPECT_EQ(Run({"hvals", "h"}), Arr({"v"}));
  EXPECT_EQ(Run({"hgetall", "nope"}), "*0\r\n");
  client_.resp3 = true;
  EXPECT_EQ(Run({"hgetall", "h"}), "%1\r\n$1\r\nf\r\n$1\r\nv\r\n");
  EXPECT_EQ(Run({"hgetall", "nope"}), "%0\r\n");
  Run({"hset", "h", "g", "w"});
  std::string all = Run({"hgetall", "h"});
  EXPECT_TRUE(all == "%2\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\ng\r\n$1\r\nw\r\n" ||
              all == "%2\r\n$1\r\ng\r\n$1\r\nw\r\n$1\r\nf\r\n$1\r\nv\r\n")
      << all;
}

TEST_F(HashFamilyTest, IncrBy) {
  EXPECT_EQ(Run({"hincrby", "h", "n", "5"}), Int(5));
  EXPECT_EQ(Run({"hincrby", "h", "n", "-7"}), Int(-2));
  EXPECT_EQ(Run({"hincrby", "h", "n", "x"}), Err(resp::kNotIntegerErr));
  Run({"hset", "h", "s", "abc", "big", "9223372036854775807"});
  EXPECT_EQ(Run({"hincrby", "h", "s", "1"}), Err("ERR hash value is not an integer"));
  EXPECT_EQ(Run({"hincrby", "h", "big", "1"}), Err(resp::kOverflowErr));
}

TEST_F(HashFamilyTest, IncrByFloat) {
  EXPECT_EQ(Run({"hincrbyfloat", "h", "f", "1.5"}), Bulk("1.5"));
  EXPECT_EQ(Run({"hincrbyfloat", "h", "f", "1e2"}), Bulk("101.5"));
  EXPECT_EQ(Run({"hincrbyfloat", "h", "f", "-101.5"}), Bulk("0"));
  EXPECT_EQ(Run({"hincrbyfloat", "h", "f", "x"}), Err(resp::kNotFloatErr));
  EXPECT_EQ(Run({"hincrbyfloat", "h", "f", "inf"}), Err("ERR value is NaN or Infinity"));
  // Long double arithmetic, as Redis: twice DBL_MAX is still finite.
  Run({"hset", "h", "s", "abc", "d", "1.7976931348623157e308", "m", "1.1e4932"});
  EXPECT_EQ(Run({"hincrbyfloat", "h", "s", "1"}), Err("ERR hash value is not a float"));
  EXPECT_EQ(Run({"hincrbyfloat", "h", "d", "1.7976931348623157e308"}).substr(0, 6), "$309\r\n");
  EXPECT_EQ(Run({"hincrbyfloat", "h", "m", "1.1e4932"}), Err(resp::kNanErr));
}

TEST_F(HashFamilyTest, RandField) {
  EXPECT_EQ(Run({"hrandfield", "nope"}), kNil);
  EXPECT_EQ(Run({"hrandfield", "nope", "3"}), "*0\r\n");
  Run({"hset", "h", "f", "v"});
  EXPECT_EQ(Run({"hrandfield", "h"}), Bulk("f"));
  EXPECT_EQ(Run({"hrandfield", "h", "0"}), "*0\r\n");
  EXPECT_EQ(Run({"hrandfield", "h", "5"}), Arr({"f"}));
  EXPECT_EQ(Run({"hrandfield", "h", "-3"}), Arr({"f", "f", "f"}));
  EXPECT_EQ(Run({"hrandfield", "h", "-2", "withvalues"}), Arr({"f", "v", "f", "v"}));
  EXPECT_EQ(Run({"hrandfield", "h", "1", "withvalues", "x"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"hrandfield", "h", "1", "withscores"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"hrandfield", "h", "x"}), Err(resp::kNotIntegerErr));
  client_.resp3 = true;
  EXPECT_EQ(Run({"hrandfield", "h", "1", "withvalues"}), "*1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n");
  Run({"hset", "h", "g", "w", "i", "x"});
  EXPECT_EQ(Run({"hrandfield", "h", "2"}).substr(0, 4), "*2\r\n");
}

TEST_F(HashFamilyTest, ScanSmall) {
  EXPECT_EQ(Run({"hscan", "nope", "0"}), "*2\r\n$1\r\n0\r\n*0\r\n");
  Run({"hset", "h", "f", "v"});
  EXPECT_EQ(Run({"hscan", "h", "0"}), "*2\r\n$1\r\n0\r\n" + Arr({"f", "v"}));
  EXPECT_EQ(Run({"hscan", "h", "0", "match", "f*", "count", "1"}),
            "*2\r\n$1\r\n0\r\n" + Arr({"f", "v"}));
  EXPECT_EQ(Run({"hscan", "h", "0", "match", "g*"}), "*2\r\n$1\r\n0\r\n*0\r\n");
  EXPECT_EQ(Run({"hscan", "h", "x"}), Err("ERR invalid cursor"));
  EXPECT_EQ(Run({"hscan", "h", "0", "count", "0"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"hscan", "h", "0", "count", "x"}), Err(resp::kNotIntegerErr));
  EXPECT_EQ(Run({"hscan", "h", "0", "match"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"hscan", "h", "0", "type", "hash"}), Err(resp::kSyntaxErr));
}

// Parses an HSCAN reply: returns the next cursor and adds the fields to `seen`.
std::string ParseScan(const std::string& reply, std::multiset<std::string>* seen) {
  size_t pos = 0;
  auto line = [&]() {
    size_t end = reply.find("\r\n", pos);
    std::string l = reply.substr(pos, end - pos);
    pos = end + 2;
    return l;
  };
  auto bulk = [&]() {
    size_t n = std::stoul(line().substr(1));
    std::string b = reply.substr(pos, n);
    pos += n + 2;
    return b;
  };
  line();  // *2
  std::string cursor = bulk();
  size_t n = std::stoul(line().substr(1));
  for (size_t i = 0; i < n; i += 2) {
    seen->insert(bulk());
    bulk();
  }
  return cursor;
}

TEST_F(HashFamilyTest, ScanLargeReturnsEveryStableFieldOnce) {
  constexpr int kFields = 1000;
  for (int i = 0; i < kFields; ++i) {
    std::string f = "f" + std::to_string(i);
    Run({"hset", "h", f, "v"});
  }
  std::multiset<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    cursor = ParseScan(Run({"hscan", "h", cursor, "count", "5"}), &seen);
    // Changes during the scan: fields f0..f99 are deleted, new ones added.
    if (calls < 100) {
      std::string del = "f" + std::to_string(calls), add = "n" + std::to_string(calls);
      Run({"hdel", "h", del});
      Run({"hset", "h", add, "v"});
    }
    ASSERT_LT(++calls, 10000);
  } while (cursor != "0");
  for (int i = 100; i < kFields; ++i) EXPECT_EQ(seen.count("f" + std::to_string(i)), 1u) << i;
  EXPECT_LE(calls, 40);  // each call returns at least 1/32 of the table
}

TEST_F(HashFamilyTest, WrongType) {
  Run({"set", "s", "v"});
  const std::string wrong = Err(resp::kWrongTypeErr);
  for (auto cmd : std::vector<std::vector<std::string_view>>{{"hset", "s", "a", "b"},
                                                             {"hsetnx", "s", "a", "b"},
                                                             {"hget", "s", "a"},
                                                             {"hmget", "s", "a"},
                                                             {"hdel", "s", "a"},
                                                             {"hlen", "s"},
                                                             {"hexists", "s", "a"},
                                                             {"hstrlen", "s", "a"},
                                                             {"hkeys", "s"},
                                                             {"hvals", "s"},
                                                             {"hgetall", "s"},
                                                             {"hincrby", "s", "a", "1"},
                                                             {"hincrbyfloat", "s", "a", "1"},
                                                             {"hrandfield", "s"},
                                                             {"hrandfield", "s", "2"},
                                                             {"hscan", "s", "0"},
                                                             {"hscan", "s", "0", "count", "0"}}) {
    EXPECT_EQ(Run(cmd), wrong) << cmd[0];
  }
}

}  // namespace
}  // namespace kv
