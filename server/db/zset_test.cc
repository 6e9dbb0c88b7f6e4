#include "server/db/zset.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace kv {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

using Entries = std::vector<ZEntry>;

Entries Collect(auto&& fn) {
  Entries out;
  fn([&out](std::string_view m, double s) { out.push_back(ZEntry{std::string(m), s}); });
  return out;
}

Entries All(const ZSet& z) {
  return Collect([&](ZSet::Visitor v) { z.ForEach(v); });
}

ZScoreRange Score(std::string_view min, std::string_view max) {
  auto r = ParseScoreRange(min, max);
  EXPECT_TRUE(r.ok()) << min << " " << max;
  return *r;
}

ZLexRange Lex(std::string_view min, std::string_view max) {
  auto r = ParseLexRange(min, max);
  EXPECT_TRUE(r.ok()) << min << " " << max;
  return *r;
}

// ---- Parsers ----

TEST(ZSetParseTest, ScoreRange) {
  auto r = ParseScoreRange("(1.5", "+inf");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->min, 1.5);
  EXPECT_TRUE(r->min_exclusive);
  EXPECT_EQ(r->max, kInf);
  EXPECT_FALSE(r->max_exclusive);

  r = ParseScoreRange("-inf", "inf");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->min, -kInf);
  EXPECT_EQ(r->max, kInf);

  r = ParseScoreRange("(-inf", "(5");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->min_exclusive);
  EXPECT_TRUE(r->max_exclusive);
  EXPECT_EQ(r->max, 5);

  // strtod's grammar, as Redis uses it.
  r = ParseScoreRange("1e3", "0x10");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->min, 1000);
  EXPECT_EQ(r->max, 16);
  r = ParseScoreRange(" 2", "-Infinity");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->min, 2);
  EXPECT_EQ(r->max, -kInf);
  // strtod("") consumes nothing and stops at the terminator: Redis reads it as 0.
  r = ParseScoreRange("", "(");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->min, 0);
  EXPECT_EQ(r->max, 0);
  EXPECT_TRUE(r->max_exclusive);
  // Overflow saturates to infinity, as strtod does.
  r = ParseScoreRange("1e400", "-1e400");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->min, kInf);
  EXPECT_EQ(r->max, -kInf);

  for (auto [min, max] : std::vector<std::pair<std::string, std::string>>{{"a", "1"},
                                                                          {"1", "b"},
                                                                          {"nan", "1"},
                                                                          {"1", "(nan"},
                                                                          {"1 ", "2"},
                                                                          {"((1", "2"},
                                                                          {"[1", "2"},
                                                                          {"1", "2x"},
                                                                          {"1.5.5", "2"}}) {
    auto bad = ParseScoreRange(min, max);
    ASSERT_FALSE(bad.ok()) << min << " " << max;
    EXPECT_EQ(bad.error, kZMinMaxNotFloatErr);
  }
}

TEST(ZSetParseTest, LexRange) {
  auto r = ParseLexRange("[a", "(b");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->min.kind, ZLexBound::Kind::kValue);
  EXPECT_EQ(r->min.value, "a");
  EXPECT_FALSE(r->min.exclusive);
  EXPECT_EQ(r->max.value, "b");
  EXPECT_TRUE(r->max.exclusive);

  r = ParseLexRange("-", "+");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->min.kind, ZLexBound::Kind::kMinusInf);
  EXPECT_EQ(r->max.kind, ZLexBound::Kind::kPlusInf);

  r = ParseLexRange("[", "(");  // empty strings are valid items
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->min.value, "");
  EXPECT_EQ(r->max.value, "");

  for (auto [min, max] : std::vector<std::pair<std::string, std::string>>{
           {"a", "[b"}, {"[a", "b"}, {"", "+"}, {"-", ""}, {"+a", "+"}, {"-", "-b"}, {"1", "2"}}) {
    auto bad = ParseLexRange(min, max);
    ASSERT_FALSE(bad.ok()) << min << " " << max;
    EXPECT_EQ(bad.error, kZMinMaxNotLexErr);
  }
}

TEST(ZSetParseTest, NormalizeRankRange) {
  using P = std::pair<size_t, size_t>;
  EXPECT_EQ(NormalizeRankRange(0, -1, 5), P(0, 4));
  EXPECT_EQ(NormalizeRankRange(-2, -1, 5), P(3, 4));
  EXPECT_EQ(NormalizeRankRange(-100, 100, 5), P(0, 4));
  EXPECT_EQ(NormalizeRankRange(2, 2, 5), P(2, 2));
  EXPECT_EQ(NormalizeRankRange(3, 1, 5), std::nullopt);
  EXPECT_EQ(NormalizeRankRange(5, 10, 5), std::nullopt);
  EXPECT_EQ(NormalizeRankRange(0, -1, 0), std::nullopt);
  EXPECT_EQ(NormalizeRankRange(-1, -6, 5), std::nullopt);
}

// ---- Basic behaviour ----

TEST(ZSetTest, AddUpdateRemove) {
  ZSet z;
  EXPECT_TRUE(z.empty());
  EXPECT_TRUE(z.Add("a", 1));
  EXPECT_TRUE(z.Add("b", 2));
  EXPECT_FALSE(z.Add("a", 3));  // update, not new
  EXPECT_EQ(z.size(), 2u);
  EXPECT_EQ(z.Score("a"), 3);
  EXPECT_EQ(z.Score("zz"), std::nullopt);
  EXPECT_EQ(All(z), (Entries{{"b", 2}, {"a", 3}}));
  EXPECT_FALSE(z.Add("a", 3));  // same score: no-op
  EXPECT_TRUE(z.Remove("b"));
  EXPECT_FALSE(z.Remove("b"));
  EXPECT_EQ(z.size(), 1u);
  EXPECT_EQ(z.Rank("a"), 0u);
  EXPECT_EQ(z.Rank("b"), std::nullopt);
  z.Clear();
  EXPECT_TRUE(z.empty());
  EXPECT_FALSE(z.First().valid());
  EXPECT_TRUE(z.Add("c", 1));
  EXPECT_EQ(All(z), (Entries{{"c", 1}}));
}

// zsetAdd semantics, as exercised by zset.tcl's ZADD NX/XX/GT/LT/INCR tests.
TEST(ZSetTest, AddWithOptions) {
  ZSet z;
  ZAddResult r = z.Add("a", 1, ZAddOptions{});
  EXPECT_TRUE(r.added);
  EXPECT_EQ(r.new_score, 1);

  r = z.Add("a", 1, ZAddOptions{});  // same score: no flag at all, still a "success"
  EXPECT_FALSE(r.added || r.updated || r.nop || r.nan);
  EXPECT_EQ(r.new_score, 1);

  r = z.Add("b", 2, ZAddOptions{.xx = true});
  EXPECT_TRUE(r.nop);
  EXPECT_EQ(z.Score("b"), std::nullopt);

  r = z.Add("a", 5, ZAddOptions{.nx = true});
  EXPECT_TRUE(r.nop);
  EXPECT_EQ(z.Score("a"), 1);

  r = z.Add("a", 5, ZAddOptions{.xx = true});
  EXPECT_TRUE(r.updated);
  EXPECT_EQ(z.Score("a"), 5);

  r = z.Add("a", 3, ZAddOptions{.gt = true});
  EXPECT_TRUE(r.nop);
  r = z.Add("a", 5, ZAddOptions{.gt = true});  // equal is not greater
  EXPECT_TRUE(r.nop);
  r = z.Add("a", 7, ZAddOptions{.gt = true});
  EXPECT_TRUE(r.updated);
  r = z.Add("a", 9, ZAddOptions{.lt = true});
  EXPECT_TRUE(r.nop);
  r = z.Add("new", 9, ZAddOptions{.lt = true});  // GT/LT never block new members
  EXPECT_TRUE(r.added);

  r = z.Add("a", 2.5, ZAddOptions{.incr = true});
  EXPECT_TRUE(r.updated);
  EXPECT_EQ(r.new_score, 9.5);
  EXPECT_EQ(z.Score("a"), 9.5);
  r = z.Add("a", -1, ZAddOptions{.gt = true, .incr = true});  // 8.5 is not greater
  EXPECT_TRUE(r.nop);
  r = z.Add("c", 4, ZAddOptions{.incr = true});  // increment of a missing member starts at 0
  EXPECT_TRUE(r.added);
  EXPECT_EQ(r.new_score, 4);

  z.Add("inf", kInf);
  r = z.Add("inf", -kInf, ZAddOptions{.incr = true});
  EXPECT_TRUE(r.nan);
  EXPECT_EQ(z.Score("inf"), kInf);
  r = z.Add("x", std::nan(""), ZAddOptions{});
  EXPECT_TRUE(r.nan);
  EXPECT_EQ(z.Score("x"), std::nullopt);
  EXPECT_EQ(z.size(), 4u);
}

TEST(ZSetTest, EqualScoresOrderByMemberBytes) {
  ZSet z;
  using namespace std::string_literals;
  for (std::string m : {"b"s, "a"s, "ab"s, ""s, "\xff"s, "B"s, "a\0"s, "\x01"s}) z.Add(m, 5);
  // memcmp order: bytes compare unsigned, a prefix sorts first.
  EXPECT_EQ(All(z), (Entries{{""s, 5},
                             {"\x01"s, 5},
                             {"B"s, 5},
                             {"a"s, 5},
                             {"a\0"s, 5},
                             {"ab"s, 5},
                             {"b"s, 5},
                             {"\xff"s, 5}}));
  EXPECT_EQ(z.Rank("\xff"s), 7u);
  EXPECT_EQ(z.Rank("\xff"s, true), 0u);
  EXPECT_EQ(z.Rank(""s, true), 7u);
}

TEST(ZSetTest, InfiniteScores) {
  ZSet z;
  z.Add("pinf", kInf);
  z.Add("ninf", -kInf);
  z.Add("zero", 0);
  z.Add("neg0", -0.0);  // equal to 0 for ordering, member decides
  EXPECT_EQ(All(z), (Entries{{"ninf", -kInf}, {"neg0", -0.0}, {"zero", 0}, {"pinf", kInf}}));
  EXPECT_EQ(z.CountInScoreRange(Score("-inf", "+inf")), 4u);
  EXPECT_EQ(z.CountInScoreRange(Score("(-inf", "(+inf")), 2u);
  EXPECT_EQ(z.CountInScoreRange(Score("+inf", "+inf")), 1u);
  EXPECT_EQ(z.CountInScoreRange(Score("-inf", "-inf")), 1u);
  EXPECT_EQ(z.CountInScoreRange(Score("0", "0")), 2u);
  EXPECT_EQ(z.CountInScoreRange(Score("(0", "0")), 0u);
  EXPECT_FALSE(z.Add("pinf", kInf));
  EXPECT_FALSE(z.Add("pinf", -kInf));  // move from one end to the other
  EXPECT_EQ(z.Rank("pinf"), 1u);       // "ninf" < "pinf" with equal -inf
  EXPECT_EQ(z.RemoveRangeByScore(Score("-inf", "(0")), 2u);
  EXPECT_EQ(All(z), (Entries{{"neg0", -0.0}, {"zero", 0}}));
}

TEST(ZSetTest, ScoreUpdateKeepsOrder) {
  ZSet z;
  for (int i = 0; i < 100; ++i) z.Add("m" + std::to_string(i), i);
  z.Add("m50", 50.5);  // stays in place
  z.Add("m10", 1000);  // moves to the end
  z.Add("m99", -1);    // moves to the front
  z.Add("m20", 21);    // ties with m21: "m20" < "m21"
  EXPECT_EQ(z.Rank("m99"), 0u);
  EXPECT_EQ(z.Rank("m10"), 99u);
  EXPECT_EQ(z.Rank("m20"), z.Rank("m21").value() - 1);
  EXPECT_EQ(z.Score("m50"), 50.5);
  double prev = -kInf;
  std::string prev_member;
  z.ForEach([&](std::string_view m, double s) {
    EXPECT_TRUE(prev < s || (prev == s && prev_member < m));
    prev = s;
    prev_member = std::string(m);
  });
}

TEST(ZSetTest, RangesSmall) {
  ZSet z;
  z.Add("a", 1);
  z.Add("b", 2);
  z.Add("c", 3);
  z.Add("d", 4);
  z.Add("e", 5);
  auto by_rank = [&](size_t s, size_t e, bool rev) {
    return Collect([&](ZSet::Visitor v) { z.RangeByRank(s, e, rev, v); });
  };
  EXPECT_EQ(by_rank(1, 2, false), (Entries{{"b", 2}, {"c", 3}}));
  EXPECT_EQ(by_rank(0, 1, true), (Entries{{"e", 5}, {"d", 4}}));
  EXPECT_EQ(by_rank(3, 100, false), (Entries{{"d", 4}, {"e", 5}}));
  EXPECT_EQ(by_rank(5, 6, false), Entries{});

  auto by_score = [&](std::string_view min, std::string_view max, bool rev, size_t off,
                      size_t cnt) {
    return Collect([&](ZSet::Visitor v) { z.RangeByScore(Score(min, max), rev, off, cnt, v); });
  };
  EXPECT_EQ(by_score("(1", "3", false, 0, ZSet::kNoLimit), (Entries{{"b", 2}, {"c", 3}}));
  EXPECT_EQ(by_score("(1", "3", true, 0, ZSet::kNoLimit), (Entries{{"c", 3}, {"b", 2}}));
  EXPECT_EQ(by_score("-inf", "+inf", false, 1, 2), (Entries{{"b", 2}, {"c", 3}}));
  EXPECT_EQ(by_score("-inf", "+inf", true, 1, 2), (Entries{{"d", 4}, {"c", 3}}));
  EXPECT_EQ(by_score("-inf", "+inf", false, 5, 2), Entries{});
  EXPECT_EQ(by_score("-inf", "+inf", false, 0, 0), Entries{});
  EXPECT_EQ(by_score("3", "1", false, 0, ZSet::kNoLimit), Entries{});
  EXPECT_EQ(by_score("(2", "(3", false, 0, ZSet::kNoLimit), Entries{});
  EXPECT_EQ(by_score("6", "+inf", false, 0, ZSet::kNoLimit), Entries{});
  EXPECT_EQ(z.CountInScoreRange(Score("2", "(5")), 3u);
  EXPECT_EQ(z.FirstInScoreRange(Score("(2", "5")).member(), "c");
  EXPECT_EQ(z.LastInScoreRange(Score("(2", "(5")).member(), "d");
  EXPECT_FALSE(z.FirstInScoreRange(Score("(5", "10")).valid());

  ZSet::Cursor c = z.AtRank(2);
  ASSERT_TRUE(c.valid());
  EXPECT_EQ(c.member(), "c");
  c.Prev();
  EXPECT_EQ(c.member(), "b");
  c.Next();
  c.Next();
  EXPECT_EQ(c.score(), 4);
  EXPECT_FALSE(z.AtRank(5).valid());
  EXPECT_EQ(z.Last().member(), "e");
}

// ZRANGEBYLEX examples from the Redis documentation and zset.tcl.
TEST(ZSetTest, LexRangesSmall) {
  ZSet z;
  for (const char* m : {"a", "b", "c", "d", "e", "f", "g"}) z.Add(m, 0);
  auto by_lex = [&](std::string_view min, std::string_view max, bool rev) {
    Entries e =
        Collect([&](ZSet::Visitor v) { z.RangeByLex(Lex(min, max), rev, 0, ZSet::kNoLimit, v); });
    std::string s;
    for (auto& x : e) s += x.member;
    return s;
  };
  EXPECT_EQ(by_lex("-", "[c", false), "abc");
  EXPECT_EQ(by_lex("-", "(c", false), "ab");
  EXPECT_EQ(by_lex("[aaa", "(g", false), "bcdef");
  EXPECT_EQ(by_lex("[c", "+", true), "gfedc");
  EXPECT_EQ(by_lex("-", "+", false), "abcdefg");
  EXPECT_EQ(by_lex("+", "-", false), "");
  EXPECT_EQ(by_lex("-", "-", false), "");
  EXPECT_EQ(by_lex("+", "+", false), "");
  EXPECT_EQ(by_lex("[c", "(c", false), "");
  EXPECT_EQ(by_lex("[c", "[c", false), "c");
  EXPECT_EQ(by_lex("[z", "+", false), "");
  EXPECT_EQ(z.CountInLexRange(Lex("(b", "[f")), 4u);
  EXPECT_EQ(z.CountInLexRange(Lex("-", "+")), 7u);
  EXPECT_EQ(z.RemoveRangeByLex(Lex("[b", "(e")), 3u);
  EXPECT_EQ(by_lex("-", "+", false), "aefg");
}

TEST(ZSetTest, PopMinMax) {
  ZSet z;
  for (int i = 0; i < 10; ++i) z.Add(std::string(1, static_cast<char>('a' + i)), i);
  EXPECT_EQ(z.PopMin(2), (Entries{{"a", 0}, {"b", 1}}));
  EXPECT_EQ(z.PopMax(3), (Entries{{"j", 9}, {"i", 8}, {"h", 7}}));
  EXPECT_EQ(z.PopMin(0), Entries{});
  EXPECT_EQ(z.size(), 5u);
  EXPECT_EQ(z.PopMax(100).size(), 5u);
  EXPECT_TRUE(z.empty());
  EXPECT_EQ(z.PopMin(1), Entries{});
  EXPECT_EQ(z.Score("c"), std::nullopt);
}

TEST(ZSetTest, RemoveRanges) {
  ZSet z;
  for (int i = 0; i < 20; ++i) z.Add("m" + std::to_string(100 + i), i);
  EXPECT_EQ(z.RemoveRangeByRank(0, 1), 2u);     // scores 0, 1
  EXPECT_EQ(z.RemoveRangeByRank(16, 100), 2u);  // scores 18, 19
  EXPECT_EQ(z.RemoveRangeByRank(20, 30), 0u);
  EXPECT_EQ(z.RemoveRangeByScore(Score("(5", "7")), 2u);  // 6, 7
  EXPECT_EQ(z.RemoveRangeByScore(Score("7", "5")), 0u);
  EXPECT_EQ(z.size(), 14u);
  EXPECT_EQ(z.Score("m106"), std::nullopt);
  EXPECT_EQ(z.Score("m105"), 5);
  EXPECT_EQ(z.Rank("m108"), 4u);  // 2,3,4,5,8
  EXPECT_EQ(z.RemoveRangeByScore(Score("-inf", "+inf")), 14u);
  EXPECT_TRUE(z.empty());
  EXPECT_TRUE(z.Add("again", 1));
  EXPECT_EQ(z.Rank("again"), 0u);
}

// Removing the elements a range visit reported (the ZRANGESTORE/ZREMRANGE pattern) while
// other members keep being added.
TEST(ZSetTest, RemoveWhatARangeReturned) {
  ZSet z;
  for (int i = 0; i < 200; ++i) z.Add("k" + std::to_string(i), i % 10);
  Entries in_range = Collect(
      [&](ZSet::Visitor v) { z.RangeByScore(Score("3", "(6"), false, 0, ZSet::kNoLimit, v); });
  ASSERT_EQ(in_range.size(), 60u);
  for (auto& e : in_range) {
    EXPECT_TRUE(z.Remove(e.member));
    z.Add(e.member + "x", 100);
  }
  EXPECT_EQ(z.CountInScoreRange(Score("3", "(6")), 0u);
  EXPECT_EQ(z.CountInScoreRange(Score("100", "100")), 60u);
  EXPECT_EQ(z.size(), 200u);
}

TEST(ZSetTest, MoveCloneAndMemory) {
  ZSet a;
  const size_t empty_usage = a.MemoryUsage();
  for (int i = 0; i < 1000; ++i) a.Add("member:" + std::to_string(i), i * 0.5);
  EXPECT_GT(a.MemoryUsage(), empty_usage + 1000 * 8);

  ZSet b = std::move(a);
  EXPECT_EQ(b.size(), 1000u);
  EXPECT_EQ(a.size(), 0u);  // NOLINT(bugprone-use-after-move): moved-from is empty and usable
  EXPECT_FALSE(a.First().valid());
  EXPECT_EQ(a.Score("member:1"), std::nullopt);
  EXPECT_TRUE(a.Add("fresh", 1));
  EXPECT_EQ(a.Rank("fresh"), 0u);

  ZSet c = b.Clone();
  EXPECT_EQ(All(c), All(b));
  c.Remove("member:0");
  EXPECT_EQ(b.Score("member:0"), 0);
  EXPECT_EQ(c.size(), 999u);

  ZSet d(b);  // copy construction is deep, like Clone()
  EXPECT_EQ(All(d), All(b));
  EXPECT_EQ(d.CheckInvariants(), "");
  d = a;  // copy-assign over a non-empty set
  EXPECT_EQ(All(d), All(a));
  d = d;  // self-assignment is a no-op
  EXPECT_EQ(All(d), All(a));

  a = std::move(c);  // move-assign over a non-empty set frees the old contents (ASan checks)
  EXPECT_EQ(a.size(), 999u);
  EXPECT_EQ(a.Score("fresh"), std::nullopt);
  EXPECT_EQ(a.Rank("member:999"), 998u);
}

// ---- Randomised differential test against a std::set model ----

class Model {
 public:
  bool Add(const std::string& m, double s) {
    auto it = scores_.find(m);
    if (it != scores_.end()) {
      set_.erase({it->second, m});
      it->second = s;
      set_.insert({s, m});
      return false;
    }
    scores_[m] = s;
    set_.insert({s, m});
    return true;
  }
  bool Remove(const std::string& m) {
    auto it = scores_.find(m);
    if (it == scores_.end()) return false;
    set_.erase({it->second, m});
    scores_.erase(it);
    return true;
  }
  Entries Sorted() const {
    Entries out;
    for (auto& [s, m] : set_) out.push_back({m, s});
    return out;
  }
  const std::map<std::string, double>& scores() const { return scores_; }

 private:
  std::set<std::pair<double, std::string>> set_;
  std::map<std::string, double> scores_;
};

bool ModelInScore(double s, const ZScoreRange& r) {
  bool lo = r.min_exclusive ? s > r.min : s >= r.min;
  bool hi = r.max_exclusive ? s < r.max : s <= r.max;
  return lo && hi;
}

bool ModelInLex(const std::string& m, const ZLexRange& r) {
  auto above_min = [&] {
    switch (r.min.kind) {
      case ZLexBound::Kind::kMinusInf:
        return true;
      case ZLexBound::Kind::kPlusInf:
        return false;
      default:
        return r.min.exclusive ? m > r.min.value : m >= r.min.value;
    }
  };
  auto below_max = [&] {
    switch (r.max.kind) {
      case ZLexBound::Kind::kMinusInf:
        return false;
      case ZLexBound::Kind::kPlusInf:
        return true;
      default:
        return r.max.exclusive ? m < r.max.value : m <= r.max.value;
    }
  };
  return above_min() && below_max();
}

Entries ApplyLimit(Entries v, bool reverse, size_t offset, size_t count) {
  if (reverse) std::reverse(v.begin(), v.end());
  Entries out;
  for (size_t i = offset; i < v.size() && out.size() < count; ++i) out.push_back(v[i]);
  return out;
}

class ZSetRandomTest : public ::testing::TestWithParam<uint32_t> {
 protected:
  std::string RandomMember() {
    // Small alphabet with a NUL and a high byte so ties and memcmp order get exercised.
    static constexpr char kAlphabet[] = {'a', 'b', 'c', '\0', '\xff'};
    std::string m;
    size_t len = std::uniform_int_distribution<size_t>(0, 4)(rng_);
    for (size_t i = 0; i < len; ++i) m += kAlphabet[rng_() % sizeof(kAlphabet)];
    return m;
  }
  double RandomScore() {
    switch (rng_() % 20) {
      case 0:
        return kInf;
      case 1:
        return -kInf;
      case 2:
        return std::uniform_real_distribution<double>(-50, 50)(rng_);
      default:
        return static_cast<double>(static_cast<int>(rng_() % 41) - 20);
    }
  }
  std::string RandomScoreBound() {
    std::string b = (rng_() % 3 == 0) ? "(" : "";
    switch (rng_() % 8) {
      case 0:
        return b + "-inf";
      case 1:
        return b + "+inf";
      default:
        return b + std::to_string(static_cast<int>(rng_() % 45) - 22);
    }
  }
  std::string RandomLexBound() {
    switch (rng_() % 8) {
      case 0:
        return "-";
      case 1:
        return "+";
      default:
        return ((rng_() % 2) ? "(" : "[") + RandomMember();
    }
  }
  size_t RandomCount() { return rng_() % 4 == 0 ? ZSet::kNoLimit : rng_() % 8; }

  std::mt19937 rng_{GetParam()};
};

void ExpectSameContents(const ZSet& z, const Model& m) {
  ASSERT_EQ(z.CheckInvariants(), "");
  ASSERT_EQ(z.size(), m.scores().size());
  ASSERT_EQ(All(z), m.Sorted());
  // Reverse walk through cursors agrees as well (checks backward links).
  Entries rev;
  for (ZSet::Cursor c = z.Last(); c.valid(); c.Prev()) {
    rev.push_back({std::string(c.member()), c.score()});
  }
  Entries sorted = m.Sorted();
  std::reverse(sorted.begin(), sorted.end());
  ASSERT_EQ(rev, sorted);
}

TEST_P(ZSetRandomTest, MatchesModelUnderRandomOps) {
  ZSet z;
  Model model;
  constexpr int kOps = 6000;
  for (int op = 0; op < kOps; ++op) {
    const uint32_t kind = rng_() % 100;
    if (kind < 45) {
      std::string m = RandomMember();
      double s = RandomScore();
      ASSERT_EQ(z.Add(m, s), model.Add(m, s));
    } else if (kind < 60) {
      std::string m = RandomMember();
      ASSERT_EQ(z.Remove(m), model.Remove(m));
    } else if (kind < 70) {
      // Rank, reverse rank and score of a random (maybe absent) member.
      std::string m = RandomMember();
      Entries sorted = model.Sorted();
      auto it = std::find_if(sorted.begin(), sorted.end(),
                             [&](const ZEntry& e) { return e.member == m; });
      if (it == sorted.end()) {
        ASSERT_EQ(z.Rank(m), std::nullopt);
        ASSERT_EQ(z.Score(m), std::nullopt);
      } else {
        size_t r = static_cast<size_t>(it - sorted.begin());
        ASSERT_EQ(z.Rank(m), r);
        ASSERT_EQ(z.Rank(m, true), sorted.size() - 1 - r);
        ASSERT_EQ(z.Score(m), it->score);
        ZSet::Cursor c = z.AtRank(r);
        ASSERT_TRUE(c.valid());
        ASSERT_EQ(c.member(), m);
      }
    } else if (kind < 76) {
      // Rank ranges with Redis index normalisation.
      int64_t start = static_cast<int64_t>(rng_() % 40) - 20;
      int64_t stop = static_cast<int64_t>(rng_() % 40) - 20;
      bool rev = rng_() % 2;
      Entries sorted = model.Sorted();
      if (rev) std::reverse(sorted.begin(), sorted.end());
      Entries want;
      auto norm = NormalizeRankRange(start, stop, sorted.size());
      if (norm) {
        for (size_t i = norm->first; i <= norm->second; ++i) want.push_back(sorted[i]);
      }
      Entries got = Collect([&](ZSet::Visitor v) {
        if (norm) z.RangeByRank(norm->first, norm->second, rev, v);
      });
      ASSERT_EQ(got, want) << start << " " << stop << " rev=" << rev;
    } else if (kind < 86) {
      // Score ranges, counts, offsets, first/last.
      ZScoreRange r = Score(RandomScoreBound(), RandomScoreBound());
      bool rev = rng_() % 2;
      size_t offset = rng_() % 4 == 0 ? rng_() % 10 : 0;
      size_t count = RandomCount();
      Entries in;
      for (auto& e : model.Sorted()) {
        if (ModelInScore(e.score, r)) in.push_back(e);
      }
      ASSERT_EQ(z.CountInScoreRange(r), in.size());
      Entries got = Collect([&](ZSet::Visitor v) { z.RangeByScore(r, rev, offset, count, v); });
      ASSERT_EQ(got, ApplyLimit(in, rev, offset, count));
      ZSet::Cursor first = z.FirstInScoreRange(r);
      ZSet::Cursor last = z.LastInScoreRange(r);
      ASSERT_EQ(first.valid(), !in.empty());
      ASSERT_EQ(last.valid(), !in.empty());
      if (!in.empty()) {
        ASSERT_EQ(first.member(), in.front().member);
        ASSERT_EQ(last.member(), in.back().member);
      }
    } else if (kind < 90) {
      ZScoreRange r = Score(RandomScoreBound(), RandomScoreBound());
      size_t want = 0;
      for (auto& e : model.Sorted()) {
        if (ModelInScore(e.score, r)) want += model.Remove(e.member) ? 1 : 0;
      }
      ASSERT_EQ(z.RemoveRangeByScore(r), want);
    } else if (kind < 94) {
      auto norm = NormalizeRankRange(static_cast<int64_t>(rng_() % 20) - 10,
                                     static_cast<int64_t>(rng_() % 20) - 10, model.scores().size());
      if (!norm) continue;
      Entries sorted = model.Sorted();
      for (size_t i = norm->first; i <= norm->second; ++i) model.Remove(sorted[i].member);
      ASSERT_EQ(z.RemoveRangeByRank(norm->first, norm->second), norm->second - norm->first + 1);
    } else if (kind < 97) {
      size_t count = rng_() % 4;
      bool max = rng_() % 2;
      Entries sorted = model.Sorted();
      if (max) std::reverse(sorted.begin(), sorted.end());
      Entries want(sorted.begin(), sorted.begin() + std::min(count, sorted.size()));
      for (auto& e : want) model.Remove(e.member);
      ASSERT_EQ(max ? z.PopMax(count) : z.PopMin(count), want);
    } else {
      ASSERT_NO_FATAL_FAILURE(ExpectSameContents(z, model));
    }
    if (op % 500 == 0) {
      ASSERT_EQ(z.CheckInvariants(), "") << "after op " << op;
    }
  }
  ExpectSameContents(z, model);
}

// Lex operations are defined when all scores are equal; drive them against the model.
TEST_P(ZSetRandomTest, LexMatchesModel) {
  ZSet z;
  Model model;
  for (int op = 0; op < 4000; ++op) {
    const uint32_t kind = rng_() % 100;
    if (kind < 50) {
      std::string m = RandomMember();
      ASSERT_EQ(z.Add(m, 7), model.Add(m, 7));
    } else if (kind < 60) {
      std::string m = RandomMember();
      ASSERT_EQ(z.Remove(m), model.Remove(m));
    } else if (kind < 92) {
      ZLexRange r = Lex(RandomLexBound(), RandomLexBound());
      bool rev = rng_() % 2;
      size_t offset = rng_() % 4 == 0 ? rng_() % 10 : 0;
      size_t count = RandomCount();
      Entries in;
      for (auto& e : model.Sorted()) {
        if (ModelInLex(e.member, r)) in.push_back(e);
      }
      ASSERT_EQ(z.CountInLexRange(r), in.size());
      Entries got = Collect([&](ZSet::Visitor v) { z.RangeByLex(r, rev, offset, count, v); });
      ASSERT_EQ(got, ApplyLimit(in, rev, offset, count));
      ASSERT_EQ(z.FirstInLexRange(r).valid(), !in.empty());
      if (!in.empty()) {
        ASSERT_EQ(z.FirstInLexRange(r).member(), in.front().member);
        ASSERT_EQ(z.LastInLexRange(r).member(), in.back().member);
      }
    } else {
      ZLexRange r = Lex(RandomLexBound(), RandomLexBound());
      size_t want = 0;
      for (auto& e : model.Sorted()) {
        if (ModelInLex(e.member, r)) want += model.Remove(e.member) ? 1 : 0;
      }
      ASSERT_EQ(z.RemoveRangeByLex(r), want);
    }
  }
  ExpectSameContents(z, model);
}

INSTANTIATE_TEST_SUITE_P(Seeds, ZSetRandomTest, ::testing::Values(1u, 2u, 3u, 42u, 20261125u));

// Large enough that the skip list grows many levels and the header is reallocated a few times.
TEST(ZSetTest, LargeSetRanksAreConsistent) {
  ZSet z;
  constexpr int kN = 50000;
  std::mt19937 rng(7);
  std::vector<int> perm(kN);
  for (int i = 0; i < kN; ++i) perm[i] = i;
  std::shuffle(perm.begin(), perm.end(), rng);
  for (int i : perm) z.Add("e" + std::to_string(i), i);
  for (int i = 0; i < kN; i += 997) {
    ASSERT_EQ(z.Rank("e" + std::to_string(i)), static_cast<size_t>(i));
    ASSERT_EQ(z.AtRank(i).score(), i);
  }
  EXPECT_EQ(z.CountInScoreRange(Score("(100", "200")), 100u);
  EXPECT_EQ(z.RemoveRangeByRank(0, kN / 2 - 1), static_cast<size_t>(kN / 2));
  EXPECT_EQ(z.Rank("e" + std::to_string(kN / 2)), 0u);
  for (int i = kN / 2; i < kN; i += 2) z.Remove("e" + std::to_string(i));
  EXPECT_EQ(z.size(), static_cast<size_t>(kN / 4));
  EXPECT_EQ(z.Rank("e" + std::to_string(kN - 1)), static_cast<size_t>(kN / 4 - 1));
  EXPECT_EQ(z.CheckInvariants(), "");
}

}  // namespace
}  // namespace kv
