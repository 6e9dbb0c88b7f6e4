#include "server/commands/zset_family.h"

#include "server/commands/test_util.h"
#include "server/resp/errors.h"

namespace kv {
namespace {

class ZSetFamilyTest : public test::CommandTest {
 protected:
  static constexpr std::string_view kWrongType = resp::kWrongTypeErr;
  static constexpr std::string_view kEmpty = "*0\r\n";
  void Seed() { Run({"zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d"}); }
};

TEST_F(ZSetFamilyTest, AddScoreCard) {
  EXPECT_EQ(Run({"zadd", "z", "1", "a", "2", "b"}), Int(2));
  EXPECT_EQ(Run({"zadd", "z", "1.5", "a", "3", "c"}), Int(1));
  EXPECT_EQ(Run({"zscore", "z", "a"}), Bulk("1.5"));
  EXPECT_EQ(Run({"zscore", "z", "zz"}), kNil);
  EXPECT_EQ(Run({"zscore", "nope", "a"}), kNil);
  EXPECT_EQ(Run({"zcard", "z"}), Int(3));
  EXPECT_EQ(Run({"zcard", "nope"}), Int(0));
  EXPECT_EQ(Run({"zmscore", "z", "a", "zz", "c"}), "*3\r\n$3\r\n1.5\r\n$-1\r\n$1\r\n3\r\n");
  EXPECT_EQ(Run({"zmscore", "nope", "a"}), "*1\r\n$-1\r\n");
  EXPECT_EQ(Run({"zadd", "z", "0.1", "x"}), Int(1));
  EXPECT_EQ(Run({"zscore", "z", "x"}), Bulk("0.10000000000000001"));  // Redis 7.0's %.17g
  EXPECT_EQ(Run({"zadd", "z", "inf", "i", "-inf", "j"}), Int(2));
  EXPECT_EQ(Run({"zscore", "z", "i"}), Bulk("inf"));
  EXPECT_EQ(Run({"zscore", "z", "j"}), Bulk("-inf"));
  EXPECT_EQ(Run({"zadd", "z", "-0", "nz"}), Int(1));
  EXPECT_EQ(Run({"zscore", "z", "nz"}), Bulk("0"));
  client_.resp3 = true;
  EXPECT_EQ(Run({"zscore", "z", "a"}), ",1.5\r\n");
  EXPECT_EQ(Run({"zscore", "z", "i"}), ",inf\r\n");
  EXPECT_EQ(Run({"zscore", "z", "zz"}), "_\r\n");
}

TEST_F(ZSetFamilyTest, AddOptions) {
  Seed();
  EXPECT_EQ(Run({"zadd", "z", "nx", "10", "a", "5", "e"}), Int(1));
  EXPECT_EQ(Run({"zscore", "z", "a"}), Bulk("1"));
  EXPECT_EQ(Run({"zadd", "z", "xx", "10", "a", "6", "f"}), Int(0));
  EXPECT_EQ(Run({"zscore", "z", "a"}), Bulk("10"));
  EXPECT_EQ(Run({"zscore", "z", "f"}), kNil);
  EXPECT_EQ(Run({"zadd", "z", "ch", "11", "a", "2", "b", "7", "g"}), Int(2));
  EXPECT_EQ(Run({"zadd", "z", "gt", "ch", "5", "a", "12", "b"}), Int(1));
  EXPECT_EQ(Run({"zscore", "z", "a"}), Bulk("11"));
  EXPECT_EQ(Run({"zadd", "z", "lt", "ch", "5", "a", "20", "b"}), Int(1));
  EXPECT_EQ(Run({"zscore", "z", "a"}), Bulk("5"));
  EXPECT_EQ(Run({"zadd", "z", "incr", "2.5", "a"}), Bulk("7.5"));
  EXPECT_EQ(Run({"zadd", "z", "nx", "incr", "1", "a"}), kNil);
  EXPECT_EQ(Run({"zadd", "z", "gt", "incr", "-1", "a"}), kNil);
  EXPECT_EQ(Run({"zadd", "nope", "xx", "1", "a"}), Int(0));
  EXPECT_EQ(Run({"zadd", "nope", "xx", "incr", "1", "a"}), kNil);
  EXPECT_EQ(Run({"zcard", "nope"}), Int(0));
}

TEST_F(ZSetFamilyTest, AddErrors) {
  EXPECT_EQ(Run({"zadd", "z", "nx", "xx", "1", "a"}),
            Err("ERR XX and NX options at the same time are not compatible"));
  EXPECT_EQ(Run({"zadd", "z", "nx", "gt", "1", "a"}),
            Err("ERR GT, LT, and/or NX options at the same time are not compatible"));
  EXPECT_EQ(Run({"zadd", "z", "gt", "lt", "1", "a"}),
            Err("ERR GT, LT, and/or NX options at the same time are not compatible"));
  EXPECT_EQ(Run({"zadd", "z", "incr", "1", "a", "2", "b"}),
            Err("ERR INCR option supports a single increment-element pair"));
  EXPECT_EQ(Run({"zadd", "z", "1", "a", "2"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"zadd", "z", "nx", "xx"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"zadd", "z", "1"}), Err(resp::WrongNumArgsError("zadd")));
  EXPECT_EQ(Run({"zadd", "z", "nx", "ch", "a"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"zadd", "z", "1", "a", "x", "b"}), Err("ERR value is not a valid float"));
  EXPECT_EQ(Run({"zadd", "z", "nan", "a"}), Err("ERR value is not a valid float"));
  EXPECT_EQ(Run({"zadd", "z", "1e400", "a"}), Err("ERR value is not a valid float"));
  EXPECT_EQ(Run({"zadd", "z", "1e-400", "a"}), Err("ERR value is not a valid float"));
  EXPECT_EQ(Run({"zcard", "z"}), Int(0));  // nothing applied
  EXPECT_EQ(Run({"zadd", "z", "inf", "a"}), Int(1));
  EXPECT_EQ(Run({"zincrby", "z", "-inf", "a"}), Err("ERR resulting score is not a number (NaN)"));
  EXPECT_EQ(Run({"zadd", "z", "incr", "-inf", "a"}),
            Err("ERR resulting score is not a number (NaN)"));
  Run({"set", "str", "x"});
  EXPECT_EQ(Run({"zadd", "str", "1", "a"}), Err(kWrongType));
}

TEST_F(ZSetFamilyTest, IncrByRem) {
  EXPECT_EQ(Run({"zincrby", "z", "2", "a"}), Bulk("2"));
  EXPECT_EQ(Run({"zincrby", "z", "0.5", "a"}), Bulk("2.5"));
  EXPECT_EQ(Run({"zincrby", "z", "x", "a"}), Err(resp::kNotFloatErr));
  EXPECT_EQ(Run({"zincrby", "z", "nx", "a"}), Err(resp::kSyntaxErr));  // as in Redis
  EXPECT_EQ(Run({"zrem", "z", "a", "b"}), Int(1));
  EXPECT_EQ(Run({"zrem", "nope", "a"}), Int(0));
  EXPECT_EQ(Run({"set", "z", "x"}), kOk);  // emptied, so deleted
}

TEST_F(ZSetFamilyTest, RankCount) {
  Seed();
  EXPECT_EQ(Run({"zrank", "z", "a"}), Int(0));
  EXPECT_EQ(Run({"zrank", "z", "d"}), Int(3));
  EXPECT_EQ(Run({"zrevrank", "z", "d"}), Int(0));
  EXPECT_EQ(Run({"zrank", "z", "zz"}), kNil);
  EXPECT_EQ(Run({"zrank", "nope", "a"}), kNil);
  EXPECT_EQ(Run({"zcount", "z", "2", "3"}), Int(2));
  EXPECT_EQ(Run({"zcount", "z", "(2", "+inf"}), Int(2));
  EXPECT_EQ(Run({"zcount", "z", "x", "3"}), Err("ERR min or max is not a float"));
  EXPECT_EQ(Run({"zcount", "nope", "x", "3"}), Err("ERR min or max is not a float"));
  EXPECT_EQ(Run({"zcount", "nope", "1", "3"}), Int(0));
  Run({"zadd", "l", "0", "a", "0", "b", "0", "c"});
  EXPECT_EQ(Run({"zlexcount", "l", "-", "+"}), Int(3));
  EXPECT_EQ(Run({"zlexcount", "l", "(a", "[c"}), Int(2));
  EXPECT_EQ(Run({"zlexcount", "l", "a", "[c"}), Err("ERR min or max not valid string range item"));
  Run({"set", "str", "x"});
  EXPECT_EQ(Run({"zrank", "str", "a"}), Err(kWrongType));
  EXPECT_EQ(Run({"zcount", "str", "1", "2"}), Err(kWrongType));
}

TEST_F(ZSetFamilyTest, RangeByRank) {
  Seed();
  EXPECT_EQ(Run({"zrange", "z", "0", "-1"}), Arr({"a", "b", "c", "d"}));
  EXPECT_EQ(Run({"zrange", "z", "1", "2", "withscores"}), Arr({"b", "2", "c", "3"}));
  EXPECT_EQ(Run({"zrange", "z", "0", "1", "rev"}), Arr({"d", "c"}));
  EXPECT_EQ(Run({"zrevrange", "z", "0", "1"}), Arr({"d", "c"}));
  EXPECT_EQ(Run({"zrange", "z", "5", "10"}), kEmpty);
  EXPECT_EQ(Run({"zrange", "z", "-100", "100"}), Arr({"a", "b", "c", "d"}));
  EXPECT_EQ(Run({"zrange", "nope", "0", "-1"}), kEmpty);
  EXPECT_EQ(Run({"zrange", "z", "x", "1"}), Err(resp::kNotIntegerErr));
  EXPECT_EQ(Run({"zrange", "z", "0", "1", "limit", "0", "1"}),
            Err("ERR syntax error, LIMIT is only supported in combination with either BYSCORE "
                "or BYLEX"));
  EXPECT_EQ(Run({"zrange", "z", "0", "1", "bogus"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"zrevrange", "z", "0", "1", "rev"}), Err(resp::kSyntaxErr));
  client_.resp3 = true;
  EXPECT_EQ(Run({"zrange", "z", "0", "0", "withscores"}), "*1\r\n*2\r\n$1\r\na\r\n,1\r\n");
}

TEST_F(ZSetFamilyTest, RangeByScore) {
  Seed();
  EXPECT_EQ(Run({"zrange", "z", "2", "(4", "byscore"}), Arr({"b", "c"}));
  EXPECT_EQ(Run({"zrange", "z", "(4", "2", "byscore", "rev"}), Arr({"c", "b"}));
  EXPECT_EQ(Run({"zrangebyscore", "z", "-inf", "+inf", "limit", "1", "2"}), Arr({"b", "c"}));
  EXPECT_EQ(Run({"zrangebyscore", "z", "-inf", "+inf", "limit", "-1", "2"}), kEmpty);
  EXPECT_EQ(Run({"zrangebyscore", "z", "-inf", "+inf", "limit", "3", "-1"}), Arr({"d"}));
  EXPECT_EQ(Run({"zrevrangebyscore", "z", "+inf", "-inf", "withscores", "limit", "0", "1"}),
            Arr({"d", "4"}));
  EXPECT_EQ(Run({"zrangebyscore", "z", "x", "1"}), Err("ERR min or max is not a float"));
  EXPECT_EQ(Run({"zrangebyscore", "z", "1", "2", "byscore"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"zrangebyscore", "z", "1", "2", "limit", "1"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"zrangebyscore", "z", "1", "2", "limit", "x", "1"}), Err(resp::kNotIntegerErr));
}

TEST_F(ZSetFamilyTest, RangeByLex) {
  Run({"zadd", "l", "0", "a", "0", "b", "0", "c", "0", "d"});
  EXPECT_EQ(Run({"zrange", "l", "[b", "+", "bylex"}), Arr({"b", "c", "d"}));
  EXPECT_EQ(Run({"zrange", "l", "+", "(b", "bylex", "rev", "limit", "1", "1"}), Arr({"c"}));
  EXPECT_EQ(Run({"zrangebylex", "l", "-", "(c"}), Arr({"a", "b"}));
  EXPECT_EQ(Run({"zrevrangebylex", "l", "[c", "-"}), Arr({"c", "b", "a"}));
  EXPECT_EQ(Run({"zrange", "l", "-", "+", "bylex", "withscores"}),
            Err("ERR syntax error, WITHSCORES not supported in combination with BYLEX"));
  EXPECT_EQ(Run({"zrangebylex", "l", "-", "+", "withscores"}),
            Err("ERR syntax error, WITHSCORES not supported in combination with BYLEX"));
  EXPECT_EQ(Run({"zrangebylex", "l", "a", "+"}), Err("ERR min or max not valid string range item"));
}

TEST_F(ZSetFamilyTest, RangeStore) {
  Seed();
  EXPECT_EQ(Run({"zrangestore", "dst", "z", "1", "2"}), Int(2));
  EXPECT_EQ(Run({"zrange", "dst", "0", "-1", "withscores"}), Arr({"b", "2", "c", "3"}));
  EXPECT_EQ(Run({"zrangestore", "dst", "z", "(1", "3", "byscore", "limit", "0", "1"}), Int(1));
  EXPECT_EQ(Run({"zrange", "dst", "0", "-1"}), Arr({"b"}));
  EXPECT_EQ(Run({"zrangestore", "dst", "z", "0", "1", "withscores"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"zrangestore", "dst", "nope", "0", "1"}), Int(0));
  EXPECT_EQ(Run({"zcard", "dst"}), Int(0));
  EXPECT_EQ(Run({"zrangestore", "z", "z", "0", "0"}), Int(1));
  EXPECT_EQ(Run({"zrange", "z", "0", "-1"}), Arr({"a"}));
}

TEST_F(ZSetFamilyTest, RemRange) {
  Seed();
  EXPECT_EQ(Run({"zremrangebyrank", "z", "0", "0"}), Int(1));
  EXPECT_EQ(Run({"zremrangebyscore", "z", "(2", "3"}), Int(1));
  EXPECT_EQ(Run({"zrange", "z", "0", "-1"}), Arr({"b", "d"}));
  EXPECT_EQ(Run({"zremrangebyrank", "z", "5", "10"}), Int(0));
  EXPECT_EQ(Run({"zremrangebyscore", "z", "x", "1"}), Err("ERR min or max is not a float"));
  EXPECT_EQ(Run({"zremrangebyrank", "z", "x", "1"}), Err(resp::kNotIntegerErr));
  EXPECT_EQ(Run({"zremrangebylex", "z", "-", "+"}), Int(2));
  EXPECT_EQ(Run({"set", "z", "x"}), kOk);  // emptied, so deleted
  EXPECT_EQ(Run({"zremrangebylex", "nope", "-", "+"}), Int(0));
  EXPECT_EQ(Run({"zremrangebylex", "z", "-", "+"}), Err(kWrongType));
}

TEST_F(ZSetFamilyTest, Pop) {
  EXPECT_EQ(Run({"zpopmin", "nope"}), kEmpty);
  Seed();
  EXPECT_EQ(Run({"zpopmin", "z"}), Arr({"a", "1"}));
  EXPECT_EQ(Run({"zpopmax", "z", "2"}), Arr({"d", "4", "c", "3"}));
  EXPECT_EQ(Run({"zpopmin", "z", "0"}), kEmpty);
  EXPECT_EQ(Run({"zpopmin", "z", "-1"}), Err(resp::kOutOfRangeErr));
  EXPECT_EQ(Run({"zpopmin", "z", "x"}), Err(resp::kOutOfRangeErr));
  EXPECT_EQ(Run({"zpopmin", "z", "1", "2"}), Err(resp::kSyntaxErr));
  client_.resp3 = true;
  Run({"zadd", "z", "5", "e"});
  EXPECT_EQ(Run({"zpopmin", "z"}), "*2\r\n$1\r\nb\r\n,2\r\n");
  EXPECT_EQ(Run({"zpopmax", "z", "5"}), "*1\r\n*2\r\n$1\r\ne\r\n,5\r\n");
  EXPECT_EQ(Run({"zcard", "z"}), Int(0));
}

TEST_F(ZSetFamilyTest, MPop) {
  Run({"zadd", "mp", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(Run({"zmpop", "2", "nope", "mp", "MIN"}), "*2\r\n$2\r\nmp\r\n*1\r\n" + Arr({"a", "1"}));
  EXPECT_EQ(Run({"zmpop", "1", "mp", "max", "count", "5"}),
            "*2\r\n$2\r\nmp\r\n*2\r\n" + Arr({"c", "3"}) + Arr({"b", "2"}));
  EXPECT_EQ(Run({"zmpop", "1", "mp", "min"}), "*-1\r\n");
  EXPECT_EQ(Run({"zmpop", "0", "mp", "min"}), Err("ERR numkeys should be greater than 0"));
  EXPECT_EQ(Run({"zmpop", "1", "mp", "min", "count", "0"}),
            Err("ERR count should be greater than 0"));
  EXPECT_EQ(Run({"zmpop", "2", "mp", "min"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"zmpop", "1", "mp", "avg"}), Err(resp::kSyntaxErr));
  Run({"set", "str", "x"});
  EXPECT_EQ(Run({"zmpop", "2", "str", "mp", "min"}), Err(kWrongType));
}

TEST_F(ZSetFamilyTest, RandMember) {
  EXPECT_EQ(Run({"zrandmember", "nope"}), kNil);
  EXPECT_EQ(Run({"zrandmember", "nope", "3"}), kEmpty);
  Run({"zadd", "r", "1", "only"});
  EXPECT_EQ(Run({"zrandmember", "r"}), Bulk("only"));
  EXPECT_EQ(Run({"zrandmember", "r", "3", "withscores"}), Arr({"only", "1"}));
  EXPECT_EQ(Run({"zrandmember", "r", "-2"}), Arr({"only", "only"}));
  EXPECT_EQ(Run({"zrandmember", "r", "0"}), kEmpty);
  EXPECT_EQ(Run({"zrandmember", "r", "abc"}), Err(resp::kNotIntegerErr));
  EXPECT_EQ(Run({"zrandmember", "r", "1", "bogus"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"zrandmember", "r", "-9223372036854775807", "withscores"}),
            Err("ERR value is out of range"));
  Run({"zadd", "r", "2", "two", "3", "three"});
  EXPECT_EQ(Run({"zrandmember", "r", "2"}).substr(0, 4), "*2\r\n");
  client_.resp3 = true;
  EXPECT_EQ(Run({"zrandmember", "r", "-1", "withscores"}).substr(0, 8), "*1\r\n*2\r\n");
}

TEST_F(ZSetFamilyTest, UnionInterStore) {
  Run({"zadd", "a", "1", "x", "2", "y"});
  Run({"zadd", "b", "10", "y", "20", "z"});
  Run({"sadd", "s", "y", "w"});
  EXPECT_EQ(Run({"zunionstore", "d", "2", "a", "b"}), Int(3));
  EXPECT_EQ(Run({"zrange", "d", "0", "-1", "withscores"}), Arr({"x", "1", "y", "12", "z", "20"}));
  EXPECT_EQ(Run({"zinterstore", "d", "2", "a", "b", "weights", "2", "3"}), Int(1));
  EXPECT_EQ(Run({"zscore", "d", "y"}), Bulk("34"));
  EXPECT_EQ(Run({"zinterstore", "d", "3", "a", "b", "s", "aggregate", "max"}), Int(1));
  EXPECT_EQ(Run({"zscore", "d", "y"}), Bulk("10"));
  EXPECT_EQ(Run({"zunionstore", "d", "2", "a", "s", "aggregate", "min"}), Int(3));
  EXPECT_EQ(Run({"zrange", "d", "0", "-1", "withscores"}), Arr({"w", "1", "x", "1", "y", "1"}));
  EXPECT_EQ(Run({"zinterstore", "d", "2", "a", "nope"}), Int(0));
  EXPECT_EQ(Run({"zcard", "d"}), Int(0));
  EXPECT_EQ(Run({"zunion", "2", "a", "b", "withscores"}), Arr({"x", "1", "y", "12", "z", "20"}));
  EXPECT_EQ(Run({"zinter", "2", "a", "b"}), Arr({"y"}));
  EXPECT_EQ(Run({"zdiff", "2", "a", "b", "withscores"}), Arr({"x", "1"}));
  EXPECT_EQ(Run({"zdiffstore", "d", "2", "b", "a"}), Int(1));
  EXPECT_EQ(Run({"zintercard", "2", "a", "b"}), Int(1));
  // inf * 0 and inf + -inf give 0, as in Redis.
  Run({"zadd", "i", "inf", "x"});
  Run({"zadd", "j", "-inf", "x"});
  EXPECT_EQ(Run({"zunion", "2", "i", "j", "withscores"}), Arr({"x", "0"}));
  EXPECT_EQ(Run({"zunion", "1", "i", "weights", "0", "withscores"}), Arr({"x", "0"}));
}

TEST_F(ZSetFamilyTest, UnionInterErrors) {
  Run({"zadd", "a", "1", "x"});
  EXPECT_EQ(Run({"zunionstore", "d", "0", "a"}),
            Err("ERR at least 1 input key is needed for 'zunionstore' command"));
  EXPECT_EQ(Run({"zunionstore", "d", "x", "a"}), Err(resp::kNotIntegerErr));
  EXPECT_EQ(Run({"zunionstore", "d", "3", "a"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"zunionstore", "d", "1", "a", "weights"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"zunionstore", "d", "1", "a", "weights", "x"}),
            Err("ERR weight value is not a float"));
  EXPECT_EQ(Run({"zunionstore", "d", "1", "a", "aggregate", "avg"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"zunionstore", "d", "1", "a", "withscores"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"zdiff", "1", "a", "weights", "1"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"zintercard", "1", "a", "limit", "-1"}), Err("ERR LIMIT can't be negative"));
  Run({"set", "str", "x"});
  EXPECT_EQ(Run({"zunionstore", "d", "2", "a", "str"}), Err(kWrongType));
}

TEST_F(ZSetFamilyTest, Scan) {
  EXPECT_EQ(Run({"zscan", "nope", "0"}), "*2\r\n$1\r\n0\r\n*0\r\n");
  Run({"zadd", "z", "1", "a", "2.5", "b", "3", "c"});
  EXPECT_EQ(Run({"zscan", "z", "0", "match", "[ab]"}),
            "*2\r\n$1\r\n0\r\n" + Arr({"a", "1", "b", "2.5"}));
  EXPECT_EQ(Run({"zscan", "z", "abc"}), Err("ERR invalid cursor"));
  EXPECT_EQ(Run({"zscan", "z", "0", "count", "0"}), Err(resp::kSyntaxErr));
}

TEST_F(ZSetFamilyTest, ScanLargeSetPages) {
  for (int i = 0; i < 500; ++i) Run({"zadd", "big", std::to_string(i), "m" + std::to_string(i)});
  std::string first = Run({"zscan", "big", "0", "count", "5"});
  EXPECT_NE(first.substr(0, 11), "*2\r\n$1\r\n0\r\n");  // a real cursor, not the end
  // One page with a huge COUNT returns every pair, score after member.
  std::string all = Run({"zscan", "big", "0", "count", "100000", "match", "m42"});
  EXPECT_EQ(all, "*2\r\n$1\r\n0\r\n" + Arr({"m42", "42"}));
}

TEST_F(ZSetFamilyTest, WrongType) {
  Run({"sadd", "s", "x"});
  for (auto cmd : std::vector<std::vector<std::string_view>>{{"zrem", "s", "a"},
                                                             {"zscore", "s", "a"},
                                                             {"zmscore", "s", "a"},
                                                             {"zincrby", "s", "1", "a"},
                                                             {"zcard", "s"},
                                                             {"zrevrank", "s", "a"},
                                                             {"zrange", "s", "0", "1"},
                                                             {"zlexcount", "s", "-", "+"},
                                                             {"zpopmax", "s"},
                                                             {"zscan", "s", "0"},
                                                             {"zrangestore", "d", "s", "0", "1"}}) {
    EXPECT_EQ(Run(cmd), Err(kWrongType)) << cmd[0];
  }
}

}  // namespace
}  // namespace kv
