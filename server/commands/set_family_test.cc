#include <algorithm>
#include <set>

#include "server/commands/test_util.h"
#include "server/resp/errors.h"

namespace kv {
namespace {

class SetFamilyTest : public test::CommandTest {
 protected:
  // The bulk strings of a flat RESP array reply, sorted (set replies have no order).
  static std::vector<std::string> SortedBulks(const std::string& reply) {
    std::vector<std::string> out;
    size_t pos = reply.find("\r\n") + 2;
    while (pos < reply.size() && reply[pos] == '$') {
      size_t eol = reply.find("\r\n", pos);
      size_t len = std::stoul(reply.substr(pos + 1, eol - pos - 1));
      out.push_back(reply.substr(eol + 2, len));
      pos = eol + 2 + len + 2;
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  using V = std::vector<std::string>;
  static constexpr std::string_view kWrongType = resp::kWrongTypeErr;
};

TEST_F(SetFamilyTest, AddRemCard) {
  EXPECT_EQ(Run({"sadd", "s", "a", "b", "a"}), Int(2));
  EXPECT_EQ(Run({"sadd", "s", "b", "c"}), Int(1));
  EXPECT_EQ(Run({"scard", "s"}), Int(3));
  EXPECT_EQ(Run({"scard", "nope"}), Int(0));
  EXPECT_EQ(Run({"srem", "s", "a", "x"}), Int(1));
  EXPECT_EQ(Run({"srem", "nope", "a"}), Int(0));
  EXPECT_EQ(Run({"srem", "s", "b", "c"}), Int(2));
  EXPECT_EQ(Run({"scard", "s"}), Int(0));
  EXPECT_EQ(Run({"sadd", "s"}), Err(resp::WrongNumArgsError("sadd")));
}

TEST_F(SetFamilyTest, EmptiedSetIsDeleted) {
  Run({"sadd", "s", "a"});
  Run({"srem", "s", "a"});
  // A string can be stored there again: the key is gone, not an empty set.
  EXPECT_EQ(Run({"set", "s", "x"}), kOk);
  EXPECT_EQ(Run({"get", "s"}), Bulk("x"));
}

TEST_F(SetFamilyTest, WrongType) {
  Run({"set", "str", "x"});
  for (auto cmd : std::vector<std::vector<std::string_view>>{{"sadd", "str", "a"},
                                                             {"srem", "str", "a"},
                                                             {"sismember", "str", "a"},
                                                             {"smismember", "str", "a"},
                                                             {"smembers", "str"},
                                                             {"scard", "str"},
                                                             {"spop", "str"},
                                                             {"spop", "str", "2"},
                                                             {"srandmember", "str"},
                                                             {"srandmember", "str", "2"},
                                                             {"sinter", "str"},
                                                             {"sunion", "str"},
                                                             {"sdiff", "str"},
                                                             {"sscan", "str", "0"},
                                                             {"smove", "str", "d", "a"},
                                                             {"sintercard", "1", "str"}}) {
    EXPECT_EQ(Run(cmd), Err(kWrongType)) << cmd[0];
  }
}

TEST_F(SetFamilyTest, Membership) {
  Run({"sadd", "s", "a", "b"});
  EXPECT_EQ(Run({"sismember", "s", "a"}), Int(1));
  EXPECT_EQ(Run({"sismember", "s", "z"}), Int(0));
  EXPECT_EQ(Run({"sismember", "nope", "a"}), Int(0));
  EXPECT_EQ(Run({"smismember", "s", "a", "z", "b"}), "*3\r\n:1\r\n:0\r\n:1\r\n");
  EXPECT_EQ(Run({"smismember", "nope", "a"}), "*1\r\n:0\r\n");
  EXPECT_EQ(SortedBulks(Run({"smembers", "s"})), (V{"a", "b"}));
  EXPECT_EQ(Run({"smembers", "nope"}), "*0\r\n");
  client_.resp3 = true;
  EXPECT_EQ(Run({"smembers", "nope"}), "~0\r\n");
  EXPECT_EQ(Run({"smembers", "s"}).substr(0, 4), "~2\r\n");
}

TEST_F(SetFamilyTest, SPop) {
  EXPECT_EQ(Run({"spop", "nope"}), kNil);
  EXPECT_EQ(Run({"spop", "nope", "3"}), "*0\r\n");
  Run({"sadd", "s", "a", "b", "c", "d"});
  EXPECT_EQ(Run({"spop", "s", "-1"}), Err(resp::kOutOfRangeErr));
  EXPECT_EQ(Run({"spop", "s", "x"}), Err(resp::kOutOfRangeErr));
  EXPECT_EQ(Run({"spop", "s", "1", "2"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"spop", "s", "0"}), "*0\r\n");
  V two = SortedBulks(Run({"spop", "s", "2"}));
  EXPECT_EQ(two.size(), 2u);
  EXPECT_EQ(Run({"scard", "s"}), Int(2));
  for (const auto& m : two) EXPECT_EQ(Run({"sismember", "s", m}), Int(0));
  std::string one = Run({"spop", "s"});
  EXPECT_EQ(one.size(), Bulk("a").size());
  V rest = SortedBulks(Run({"spop", "s", "10"}));
  EXPECT_EQ(rest.size(), 1u);
  EXPECT_EQ(Run({"scard", "s"}), Int(0));
  EXPECT_EQ(Run({"set", "s", "gone"}), kOk);
}

TEST_F(SetFamilyTest, SRandMember) {
  EXPECT_EQ(Run({"srandmember", "nope"}), kNil);
  EXPECT_EQ(Run({"srandmember", "nope", "5"}), "*0\r\n");
  Run({"sadd", "s", "a", "b", "c"});
  EXPECT_EQ(Run({"srandmember", "s", "0"}), "*0\r\n");
  EXPECT_EQ(SortedBulks(Run({"srandmember", "s", "10"})), (V{"a", "b", "c"}));
  V two = SortedBulks(Run({"srandmember", "s", "2"}));
  ASSERT_EQ(two.size(), 2u);
  EXPECT_NE(two[0], two[1]);
  V many = SortedBulks(Run({"srandmember", "s", "-20"}));
  EXPECT_EQ(many.size(), 20u);  // repeats allowed
  EXPECT_EQ(Run({"scard", "s"}), Int(3));
  EXPECT_EQ(Run({"srandmember", "s", "1", "2"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"srandmember", "s", "x"}), Err(resp::kNotIntegerErr));
  client_.resp3 = true;
  EXPECT_EQ(Run({"srandmember", "s", "-2"}).substr(0, 4), "*2\r\n");
}

TEST_F(SetFamilyTest, SMove) {
  Run({"sadd", "src", "a", "b"});
  EXPECT_EQ(Run({"smove", "src", "dst", "a"}), Int(1));
  EXPECT_EQ(Run({"smove", "src", "dst", "zz"}), Int(0));
  EXPECT_EQ(Run({"sismember", "dst", "a"}), Int(1));
  EXPECT_EQ(Run({"smove", "src", "src", "b"}), Int(1));
  EXPECT_EQ(Run({"smove", "src", "dst", "b"}), Int(1));
  EXPECT_EQ(Run({"scard", "src"}), Int(0));
  EXPECT_EQ(Run({"scard", "dst"}), Int(2));
  Run({"set", "str", "x"});
  EXPECT_EQ(Run({"smove", "nope", "str", "a"}), Int(0));  // absent source: 0 before type checks
  EXPECT_EQ(Run({"smove", "dst", "str", "a"}), Err(kWrongType));
}

TEST_F(SetFamilyTest, Algebra) {
  Run({"sadd", "a", "1", "2", "3", "4"});
  Run({"sadd", "b", "2", "3", "5"});
  Run({"sadd", "c", "3", "6"});
  EXPECT_EQ(SortedBulks(Run({"sinter", "a", "b"})), (V{"2", "3"}));
  EXPECT_EQ(SortedBulks(Run({"sinter", "a", "b", "c"})), (V{"3"}));
  EXPECT_EQ(Run({"sinter", "a", "nope"}), "*0\r\n");
  EXPECT_EQ(SortedBulks(Run({"sunion", "a", "nope", "c"})), (V{"1", "2", "3", "4", "6"}));
  EXPECT_EQ(SortedBulks(Run({"sdiff", "a", "b", "c"})), (V{"1", "4"}));
  EXPECT_EQ(Run({"sdiff", "nope", "a"}), "*0\r\n");
  EXPECT_EQ(Run({"sdiff", "a", "a"}), "*0\r\n");
  Run({"set", "str", "x"});
  EXPECT_EQ(Run({"sinter", "nope", "str"}), Err(kWrongType));
  EXPECT_EQ(Run({"sunion", "a", "str"}), Err(kWrongType));
}

TEST_F(SetFamilyTest, StoreForms) {
  Run({"sadd", "a", "1", "2", "3"});
  Run({"sadd", "b", "2", "3", "4"});
  Run({"set", "dst", "string"});
  EXPECT_EQ(Run({"sinterstore", "dst", "a", "b"}), Int(2));  // overwrites whatever was there
  EXPECT_EQ(SortedBulks(Run({"smembers", "dst"})), (V{"2", "3"}));
  EXPECT_EQ(Run({"sunionstore", "dst", "a", "b"}), Int(4));
  EXPECT_EQ(Run({"sdiffstore", "dst", "a", "b"}), Int(1));
  EXPECT_EQ(SortedBulks(Run({"smembers", "dst"})), (V{"1"}));
  EXPECT_EQ(Run({"sdiffstore", "a", "a", "b"}), Int(1));  // destination among the sources
  EXPECT_EQ(SortedBulks(Run({"smembers", "a"})), (V{"1"}));
  EXPECT_EQ(Run({"sinterstore", "dst", "a", "nope"}), Int(0));
  EXPECT_EQ(Run({"scard", "dst"}), Int(0));
  EXPECT_EQ(Run({"set", "dst", "x"}), kOk);  // the empty result deleted it
  EXPECT_EQ(Run({"sunionstore", "dst", "nope"}), Int(0));
  EXPECT_EQ(Run({"get", "dst"}), kNil);
  Run({"set", "str", "x"});
  EXPECT_EQ(Run({"sinterstore", "dst", "a", "str"}), Err(kWrongType));
}

TEST_F(SetFamilyTest, SInterCard) {
  Run({"sadd", "a", "1", "2", "3", "4"});
  Run({"sadd", "b", "1", "2", "3", "5"});
  EXPECT_EQ(Run({"sintercard", "2", "a", "b"}), Int(3));
  EXPECT_EQ(Run({"sintercard", "2", "a", "b", "limit", "2"}), Int(2));
  EXPECT_EQ(Run({"sintercard", "2", "a", "b", "LIMIT", "0"}), Int(3));
  EXPECT_EQ(Run({"sintercard", "1", "a"}), Int(4));
  EXPECT_EQ(Run({"sintercard", "2", "a", "nope"}), Int(0));
  EXPECT_EQ(Run({"sintercard", "0", "a"}), Err("ERR numkeys should be greater than 0"));
  EXPECT_EQ(Run({"sintercard", "x", "a"}), Err("ERR numkeys should be greater than 0"));
  EXPECT_EQ(Run({"sintercard", "3", "a", "b"}),
            Err("ERR Number of keys can't be greater than number of args"));
  EXPECT_EQ(Run({"sintercard", "2", "a", "b", "limit", "-1"}), Err("ERR LIMIT can't be negative"));
  EXPECT_EQ(Run({"sintercard", "2", "a", "b", "limit"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"sintercard", "1", "a", "b"}), Err(resp::kSyntaxErr));
}

TEST_F(SetFamilyTest, SScan) {
  EXPECT_EQ(Run({"sscan", "nope", "0"}), "*2\r\n$1\r\n0\r\n*0\r\n");
  Run({"sadd", "s", "apple", "avocado", "banana"});
  EXPECT_EQ(Run({"sscan", "s", "x"}), Err("ERR invalid cursor"));
  EXPECT_EQ(Run({"sscan", "s", "0", "count", "0"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"sscan", "s", "0", "count"}), Err(resp::kSyntaxErr));
  EXPECT_EQ(Run({"sscan", "s", "0", "foo", "bar"}), Err(resp::kSyntaxErr));
  std::string r = Run({"sscan", "s", "0", "match", "a*", "count", "1"});
  EXPECT_EQ(r.substr(0, 11), "*2\r\n$1\r\n0\r\n");
  EXPECT_EQ(SortedBulks(r.substr(11)), (V{"apple", "avocado"}));
  Run({"sadd", "s", ""});
  EXPECT_EQ(SortedBulks(Run({"sscan", "s", "0", "match", "*"}).substr(11)),
            (V{"", "apple", "avocado", "banana"}));
}

// A set larger than one page: iterating to cursor 0 returns every member exactly once, even with
// members added and removed during the scan, and pages are smaller than the set.
TEST_F(SetFamilyTest, SScanLargeSetPages) {
  std::vector<std::string> members;
  for (int i = 0; i < 1000; ++i) members.push_back("m" + std::to_string(i));
  for (const auto& m : members) Run({"sadd", "big", m});
  std::set<std::string> seen;
  std::string cursor = "0";
  size_t pages = 0, total = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string r = Run({"sscan", "big", cursor, "count", "10"});
    ASSERT_EQ(r.substr(0, 4), "*2\r\n");
    size_t eol = r.find("\r\n", 4);
    size_t len = std::stoul(r.substr(5, eol - 5));
    cursor = r.substr(eol + 2, len);
    V page = SortedBulks(r.substr(eol + 2 + len + 2));
    EXPECT_LT(page.size(), 1000u);
    total += page.size();
    seen.insert(page.begin(), page.end());
    ++pages;
    if (i == 3) {
      Run({"srem", "big", "m999"});  // maybe not seen: allowed either way
      Run({"sadd", "big", "late"});
    }
    if (cursor == "0") break;
  }
  EXPECT_EQ(cursor, "0");
  EXPECT_GT(pages, 2u);
  for (int i = 0; i < 999; ++i) EXPECT_TRUE(seen.count("m" + std::to_string(i))) << i;
  EXPECT_LE(total, 1001u);  // no member twice
  std::string all = Run({"sscan", "big", "0", "match", "m99?", "count", "100000"});
  EXPECT_EQ(SortedBulks(all.substr(11)).size(), 9u);  // m990..m998; one page takes everything
}

}  // namespace
}  // namespace kv
