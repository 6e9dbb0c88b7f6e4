#include "server/base/clock.h"
#include "server/commands/log_capture_test_util.h"
#include "server/commands/test_util.h"
#include "server/resp/errors.h"

namespace kv {
namespace {

using StringFamilyTest = test::CommandTest;

TEST_F(StringFamilyTest, SetGet) {
  EXPECT_EQ(Run({"set", "k", "v"}), kOk);
  EXPECT_EQ(Run({"GET", "k"}), Bulk("v"));
  EXPECT_EQ(Run({"get", "missing"}), kNil);
  EXPECT_EQ(Run({"get"}), Err(resp::WrongNumArgsError("get")));
}

TEST_F(StringFamilyTest, SetOptions) {
  EXPECT_EQ(Run({"set", "k", "v", "nx"}), kOk);
  EXPECT_EQ(Run({"set", "k", "w", "nx"}), kNil);
  EXPECT_EQ(Run({"set", "k", "w", "xx", "get"}), Bulk("v"));
  EXPECT_EQ(Run({"set", "k", "w", "nx", "xx"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"set", "k", "w", "ex", "0"}), Err("ERR invalid expire time in 'set' command"));
  EXPECT_EQ(Run({"set", "k", "w", "ex", "x"}), Err(resp::kNotIntegerErr));
  EXPECT_EQ(Run({"set", "k", "w", "ex", "10", "keepttl"}), Err(resp::kSyntaxErr));
}

TEST_F(StringFamilyTest, Incr) {
  EXPECT_EQ(Run({"incr", "n"}), Int(1));
  EXPECT_EQ(Run({"incrby", "n", "10"}), Int(11));
  EXPECT_EQ(Run({"decrby", "n", "20"}), Int(-9));
  EXPECT_EQ(Run({"set", "n", "9223372036854775807"}), kOk);
  EXPECT_EQ(Run({"incr", "n"}), Err(resp::kOverflowErr));
  EXPECT_EQ(Run({"set", "s", "abc"}), kOk);
  EXPECT_EQ(Run({"incr", "s"}), Err(resp::kNotIntegerErr));
}

TEST_F(StringFamilyTest, UnknownCommand) {
  EXPECT_EQ(Run({"nope", "a", "b"}),
            Err("ERR unknown command 'nope', with args beginning with: 'a' 'b' "));
}

class StringExtTest : public test::CommandTest {
 protected:
  StringExtTest() { state_.write_log.store(&log_); }
  ~StringExtTest() override { state_.write_log.store(nullptr); }
  // Puts a list under `key` in db 0 (the list family lives elsewhere) for WRONGTYPE checks.
  void MakeList(std::string_view key) {
    Keyspace& ks = state_.keyspace;
    ks.shard(ks.ShardIndex(key)).dbs[0].Upsert(key, Value::NewList())->value.list().push_back("x");
  }
  test::CapturingWriteLog log_;
};

TEST_F(StringExtTest, SetNx) {
  EXPECT_EQ(Run({"setnx", "k", "v"}), Int(1));
  EXPECT_EQ(Run({"setnx", "k", "w"}), Int(0));
  EXPECT_EQ(Run({"get", "k"}), Bulk("v"));
  EXPECT_EQ(Run({"setnx", "k"}), Err(resp::WrongNumArgsError("setnx")));
  EXPECT_EQ(log_.records, std::vector<std::string>{"setnx k v"});
}

TEST_F(StringExtTest, SetExPropagatesAbsolute) {
  int64_t before = UnixMillis();
  EXPECT_EQ(Run({"setex", "k", "100", "v"}), kOk);
  EXPECT_EQ(Run({"ttl", "k"}), Int(100));
  ASSERT_EQ(log_.records.size(), 1u);
  std::string rec = log_.records[0];
  ASSERT_EQ(rec.rfind("SET k v PXAT ", 0), 0u) << rec;
  int64_t at = std::stoll(rec.substr(13));
  EXPECT_GE(at, before + 100000);
  EXPECT_LE(at, UnixMillis() + 100000);
  EXPECT_EQ(Run({"setex", "k", "0", "v"}), Err("ERR invalid expire time in 'setex' command"));
  EXPECT_EQ(Run({"setex", "k", "-1", "v"}), Err("ERR invalid expire time in 'setex' command"));
  EXPECT_EQ(Run({"setex", "k", "x", "v"}), Err(resp::kNotIntegerErr));
  EXPECT_EQ(Run({"setex", "k", "9223372036854775807", "v"}),
            Err("ERR invalid expire time in 'setex' command"));
  EXPECT_EQ(Run({"psetex", "k", "9223372036854775807", "v"}),
            Err("ERR invalid expire time in 'psetex' command"));
  EXPECT_EQ(Run({"psetex", "k", "5000", "v"}), kOk);
  EXPECT_EQ(Run({"ttl", "k"}), Int(5));
}

TEST_F(StringExtTest, SetOptionOrder) {
  // Keywords are checked before numbers, and a repeated EX is accepted (last wins), as Redis 7.
  EXPECT_EQ(Run({"set", "k", "v", "ex", "abc", "nx", "xx"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"set", "k", "v", "ex", "10", "ex", "20"}), kOk);
  EXPECT_EQ(Run({"ttl", "k"}), Int(20));
  EXPECT_EQ(Run({"set", "k", "v", "ex", "10", "px", "20"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"set", "k", "v", "keepttl"}), kOk);
  EXPECT_EQ(Run({"ttl", "k"}), Int(20));
  EXPECT_EQ(Run({"set", "k", "v"}), kOk);
  EXPECT_EQ(Run({"ttl", "k"}), Int(-1));
  MakeList("l");
  EXPECT_EQ(Run({"set", "l", "v", "get"}), Err(resp::kWrongTypeErr));
  EXPECT_EQ(Run({"set", "l", "v"}), kOk);
  EXPECT_EQ(Run({"type", "l"}), "+string\r\n");
}

TEST_F(StringExtTest, GetSetGetDel) {
  EXPECT_EQ(Run({"getset", "k", "a"}), kNil);
  EXPECT_EQ(Run({"expire", "k", "100"}), Int(1));
  EXPECT_EQ(Run({"getset", "k", "b"}), Bulk("a"));
  EXPECT_EQ(Run({"ttl", "k"}), Int(-1));
  EXPECT_EQ(Run({"getdel", "k"}), Bulk("b"));
  EXPECT_EQ(Run({"getdel", "k"}), kNil);
  MakeList("l");
  EXPECT_EQ(Run({"getset", "l", "x"}), Err(resp::kWrongTypeErr));
  EXPECT_EQ(Run({"getdel", "l"}), Err(resp::kWrongTypeErr));
  EXPECT_EQ(log_.records.back(), "DEL k");
}

TEST_F(StringExtTest, GetEx) {
  EXPECT_EQ(Run({"getex", "k"}), kNil);
  EXPECT_EQ(Run({"getex", "k", "ex", "abc"}), kNil);  // a missing key wins over a bad number
  EXPECT_EQ(Run({"set", "k", "v"}), kOk);
  EXPECT_EQ(Run({"getex", "k", "ex", "100"}), Bulk("v"));
  EXPECT_EQ(Run({"ttl", "k"}), Int(100));
  EXPECT_EQ(log_.records.back().rfind("PEXPIREAT k ", 0), 0u);
  EXPECT_EQ(Run({"getex", "k", "persist"}), Bulk("v"));
  EXPECT_EQ(Run({"ttl", "k"}), Int(-1));
  EXPECT_EQ(log_.records.back(), "PERSIST k");
  size_t n = log_.records.size();
  EXPECT_EQ(Run({"getex", "k", "persist"}), Bulk("v"));  // nothing changed, nothing logged
  EXPECT_EQ(log_.records.size(), n);
  EXPECT_EQ(Run({"getex", "k", "ex", "0"}), Err("ERR invalid expire time in 'getex' command"));
  EXPECT_EQ(Run({"getex", "k", "ex", "1", "persist"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"getex", "k", "keepttl"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"getex", "k", "nx"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"getex", "k", "ex"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"getex", "k", "exat", "100"}), Bulk("v"));  // a past deadline deletes
  EXPECT_EQ(Run({"exists", "k"}), Int(0));
  EXPECT_EQ(log_.records.back(), "DEL k");
  MakeList("l");
  EXPECT_EQ(Run({"getex", "l"}), Err(resp::kWrongTypeErr));
}

TEST_F(StringExtTest, MSetNx) {
  EXPECT_EQ(Run({"msetnx", "a", "1", "b", "2"}), Int(1));
  EXPECT_EQ(Run({"msetnx", "a", "1", "c", "3"}), Int(0));
  EXPECT_EQ(Run({"exists", "c"}), Int(0));
  EXPECT_EQ(Run({"msetnx", "a", "1", "b"}), Err(resp::WrongNumArgsError("msetnx")));
}

TEST_F(StringExtTest, AppendStrlen) {
  EXPECT_EQ(Run({"append", "k", "hello"}), Int(5));
  EXPECT_EQ(Run({"append", "k", " world"}), Int(11));
  EXPECT_EQ(Run({"strlen", "k"}), Int(11));
  EXPECT_EQ(Run({"strlen", "none"}), Int(0));
  MakeList("l");
  EXPECT_EQ(Run({"append", "l", "x"}), Err(resp::kWrongTypeErr));
  EXPECT_EQ(Run({"strlen", "l"}), Err(resp::kWrongTypeErr));
}

TEST_F(StringExtTest, IncrByFloat) {
  EXPECT_EQ(Run({"set", "f", "10.50"}), kOk);
  EXPECT_EQ(Run({"expire", "f", "100"}), Int(1));
  EXPECT_EQ(Run({"incrbyfloat", "f", "0.1"}), Bulk("10.6"));
  EXPECT_EQ(log_.records.back(), "SET f 10.6 KEEPTTL");
  EXPECT_EQ(Run({"ttl", "f"}), Int(100));
  EXPECT_EQ(Run({"incrbyfloat", "f", "-5"}), Bulk("5.6"));
  EXPECT_EQ(Run({"set", "f", "5.0e3"}), kOk);
  EXPECT_EQ(Run({"incrbyfloat", "f", "2.0e2"}), Bulk("5200"));
  EXPECT_EQ(Run({"incrbyfloat", "n", "3"}), Bulk("3"));
  EXPECT_EQ(Run({"incrbyfloat", "f", "abc"}), Err(resp::kNotFloatErr));
  EXPECT_EQ(Run({"incrbyfloat", "f", "inf"}), Err(resp::kNanErr));
  EXPECT_EQ(Run({"set", "s", " 1"}), kOk);
  EXPECT_EQ(Run({"incrbyfloat", "s", "1"}), Err(resp::kNotFloatErr));
  MakeList("l");
  EXPECT_EQ(Run({"incrbyfloat", "l", "1"}), Err(resp::kWrongTypeErr));
}

TEST_F(StringExtTest, GetRange) {
  EXPECT_EQ(Run({"set", "s", "This is a string"}), kOk);
  EXPECT_EQ(Run({"getrange", "s", "0", "3"}), Bulk("This"));
  EXPECT_EQ(Run({"getrange", "s", "-3", "-1"}), Bulk("ing"));
  EXPECT_EQ(Run({"getrange", "s", "0", "-1"}), Bulk("This is a string"));
  EXPECT_EQ(Run({"getrange", "s", "10", "100"}), Bulk("string"));
  EXPECT_EQ(Run({"getrange", "s", "-1", "-3"}), Bulk(""));
  EXPECT_EQ(Run({"getrange", "s", "-100", "-50"}), Bulk("T"));
  EXPECT_EQ(Run({"getrange", "s", "5", "2"}), Bulk(""));
  EXPECT_EQ(Run({"getrange", "none", "0", "-1"}), Bulk(""));
  EXPECT_EQ(Run({"getrange", "none", "a", "1"}), Err(resp::kNotIntegerErr));
  EXPECT_EQ(Run({"substr", "s", "0", "3"}), Bulk("This"));
  MakeList("l");
  EXPECT_EQ(Run({"getrange", "l", "0", "1"}), Err(resp::kWrongTypeErr));
}

TEST_F(StringExtTest, SetRange) {
  EXPECT_EQ(Run({"setrange", "k", "5", "hello"}), Int(10));
  EXPECT_EQ(Run({"get", "k"}), Bulk(std::string("\0\0\0\0\0hello", 10)));
  EXPECT_EQ(Run({"setrange", "k", "0", "HE"}), Int(10));
  EXPECT_EQ(Run({"getrange", "k", "0", "1"}), Bulk("HE"));
  EXPECT_EQ(Run({"setrange", "k", "0", ""}), Int(10));
  EXPECT_EQ(Run({"setrange", "empty", "3", ""}), Int(0));
  EXPECT_EQ(Run({"exists", "empty"}), Int(0));
  EXPECT_EQ(Run({"setrange", "k", "-1", "x"}), Err(resp::kOffsetOutOfRangeErr));
  EXPECT_EQ(Run({"setrange", "k", "536870912", "x"}), Err(resp::kStringTooLongErr));
  EXPECT_EQ(Run({"setrange", "k2", "536870912", "x"}), Err(resp::kStringTooLongErr));
  MakeList("l");
  EXPECT_EQ(Run({"setrange", "l", "0", "x"}), Err(resp::kWrongTypeErr));
  EXPECT_EQ(Run({"setrange", "l", "0", ""}), Err(resp::kWrongTypeErr));
}

}  // namespace
}  // namespace kv
