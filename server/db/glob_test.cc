#include "server/db/glob.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

namespace kv {
namespace {

struct Case {
  std::string pattern;
  std::string str;
  bool nocase;
  bool want;
};

void ExpectCases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    EXPECT_EQ(GlobMatch(c.pattern, c.str, c.nocase), c.want)
        << "pattern=\"" << c.pattern << "\" str=\"" << c.str << "\" nocase=" << c.nocase;
  }
}

TEST(GlobTest, Literals) {
  ExpectCases({
      {"hello", "hello", false, true},
      {"hello", "hell", false, false},
      {"hell", "hello", false, false},
      {"", "", false, true},
      {"", "a", false, false},
      {"a", "", false, false},
  });
}

TEST(GlobTest, Star) {
  ExpectCases({
      {"*", "anything", false, true},
      {"h*o", "hello", false, true},
      {"h*o", "ho", false, true},
      {"h*o", "hellx", false, false},
      {"*b", "ab", false, true},
      {"a*", "a", false, true},
      {"a**", "a", false, true},
      {"a***b", "axxb", false, true},
      {"*o*o*", "foo", false, true},
      {"key:*", "key:", false, true},
      {"*:*", "a:b", false, true},
      {"*:*", "ab", false, false},
      // Redis quirk: the empty subject only matches the empty pattern (KEYS short-circuits "*").
      {"*", "", false, false},
      {"**", "", false, false},
  });
}

TEST(GlobTest, QuestionMark) {
  ExpectCases({
      {"h?llo", "hello", false, true},
      {"h?llo", "hallo", false, true},
      {"h?llo", "hllo", false, false},
      {"key:1??", "key:123", false, true},
      {"key:1??", "key:12", false, false},
      {"?", "", false, false},
      {"?*", "x", false, true},
  });
}

TEST(GlobTest, Classes) {
  ExpectCases({
      {"h[ae]llo", "hello", false, true},
      {"h[ae]llo", "hallo", false, true},
      {"h[ae]llo", "hillo", false, false},
      {"h[^e]llo", "hallo", false, true},
      {"h[^e]llo", "hello", false, false},
      {"h[a-b]llo", "hbllo", false, true},
      {"h[a-b]llo", "hcllo", false, false},
      {"h[b-a]llo", "hallo", false, true},  // reversed ranges are swapped
      {"[z-a]", "m", false, true},
      {"[0-9]*", "7up", false, true},
      {"[^0-9]*", "7up", false, false},
      {"[\\]]", "]", false, true},  // escaped ']' inside a class
      {"[\\-]", "-", false, true},
      {"[]]", "]", false, false},  // ']' right after '[' closes an empty class
      {"[a-]", "]", false, true},  // "a-]" is read as the range a..']' (swapped to ]..a)
      {"[a-]", "-", false, false},
      {"[ab-]x", "-x", false, false},
  });
}

TEST(GlobTest, UnterminatedClass) {
  ExpectCases({
      {"[abc", "a", false, true},
      {"[abc", "c", false, true},
      {"[abc", "d", false, false},
      {"[abc", "ab", false, false},
      {"[", "a", false, false},
      {"[^", "a", false, true},  // empty negated class matches any byte
      {"x[", "xa", false, false},
      {"[\\", "\\", false, true},  // a lone backslash at the end of a class is literal
  });
}

TEST(GlobTest, Escapes) {
  ExpectCases({
      {"h\\*llo", "h*llo", false, true},
      {"h\\*llo", "hello", false, false},
      {"\\?", "?", false, true},
      {"\\?", "a", false, false},
      {"\\[a]", "[a]", false, true},
      {"\\\\", "\\", false, true},
      {"a\\", "a\\", false, true},  // trailing backslash matches a literal backslash
      {"a\\", "a", false, false},
      {"\\", "\\", false, true},
  });
}

TEST(GlobTest, NoCase) {
  ExpectCases({
      {"HELLO", "hello", true, true},
      {"HELLO", "hello", false, false},
      {"H[A-Z]LLO", "hello", true, true},
      {"h[a-z]llo", "HELLO", true, true},
      {"h[E]llo", "hello", true, true},
      {"h[\\E]llo", "hello", true, false},  // escaped class bytes compare exactly, as in Redis
      {"h?LLO*", "HeLlO world", true, true},
  });
}

TEST(GlobTest, BinaryAndHighBytes) {
  using namespace std::string_literals;
  ExpectCases({
      {"a\0b"s, "a\0b"s, false, true},
      {"a?b"s, "a\0b"s, false, true},
      {"a*"s, "a\0\0"s, false, true},
      {"[\xff]"s, "\xff"s, false, true},
      // Bytes compare as signed char (as in C on x86): 0xff is -1, so [a-\xff] spans -1..'a'.
      {"[a-\xff]"s, "b"s, false, false},
      {"[a-\xff]"s, "A"s, false, true},
      {"[a-\xff]"s, "\xff"s, false, true},
  });
}

// keyspace.tcl: KEYS with pattern / KEYS with hashtag.
TEST(GlobTest, KeyspaceTclKeys) {
  const std::vector<std::string> keys = {"key_x", "key_y", "key_z", "foo_a", "foo_b", "foo_c"};
  std::vector<std::string> got;
  for (const auto& k : keys) {
    if (GlobMatch("foo*", k)) got.push_back(k);
  }
  EXPECT_EQ(got, (std::vector<std::string>{"foo_a", "foo_b", "foo_c"}));

  const std::vector<std::string> tagged = {"{a}x", "{a}y", "{a}z", "{b}a", "{b}b", "{b}c"};
  std::vector<std::string> a;
  std::vector<std::string> b;
  for (const auto& k : tagged) {
    if (GlobMatch("{a}*", k)) a.push_back(k);
    if (GlobMatch("*{b}*", k)) b.push_back(k);
  }
  EXPECT_EQ(a, (std::vector<std::string>{"{a}x", "{a}y", "{a}z"}));
  EXPECT_EQ(b, (std::vector<std::string>{"{b}a", "{b}b", "{b}c"}));

  // "KEYS * two times with long key, Github issue #1208".
  EXPECT_TRUE(GlobMatch("*", "dlskeriewrioeuwqoirueioqwrueoqwrueqw"));
}

// keyspace.tcl: "Regression for pattern matching long nested loops". Without skipLongerMatches
// this takes exponential time and the test would never finish.
TEST(GlobTest, LongNestedLoopsTerminate) {
  EXPECT_FALSE(GlobMatch("a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", std::string(40, 'a')));
  EXPECT_FALSE(GlobMatch("a*a*a*a*a*a*a*a*a*a*b", std::string(100000, 'a')));
  std::string pattern;
  for (int i = 0; i < 24; ++i) pattern += "a*";
  EXPECT_TRUE(GlobMatch(pattern + "b", std::string(5000, 'a') + "b"));
  EXPECT_FALSE(GlobMatch(pattern + "b", std::string(5000, 'a') + "c"));
}

// keyspace.tcl: "Regression for pattern matching very long nested loops": the nesting cap stops
// the recursion (no stack overflow) and answers "no match".
TEST(GlobTest, VeryLongNestedLoopsHitTheNestingCap) {
  std::string pattern;
  for (int i = 0; i < 50000; ++i) pattern += "*?";
  EXPECT_FALSE(GlobMatch(pattern, std::string(50000, 'a')));
  // Below the cap the same shape matches normally.
  std::string small;
  for (int i = 0; i < 500; ++i) small += "*?";
  EXPECT_TRUE(GlobMatch(small, std::string(600, 'a')));
  EXPECT_FALSE(GlobMatch(small, std::string(499, 'a')));
}

// Redis's stringmatchlen_fuzz_test: random bytes must never crash or read out of bounds. The
// inputs live in exact-size heap buffers with no terminator, so ASan builds catch any over-read
// (the C code relies on sds terminators; the port must not).
TEST(GlobTest, RandomInputsStayInBounds) {
  std::mt19937 rng(99);
  int matches = 0;
  for (int i = 0; i < 200000; ++i) {
    const size_t plen = rng() % 32;
    const size_t slen = rng() % 32;
    auto pat = std::make_unique<char[]>(plen);
    auto str = std::make_unique<char[]>(slen);
    // Bias towards metacharacters so classes, escapes and stars are common.
    static constexpr char kMeta[] = {'*', '?', '[', ']', '^', '-', '\\', 'a', 'b'};
    for (size_t j = 0; j < plen; ++j) {
      pat[j] = (rng() % 2) ? kMeta[rng() % sizeof(kMeta)] : static_cast<char>(rng() % 256);
    }
    for (size_t j = 0; j < slen; ++j) {
      str[j] = (rng() % 2) ? 'a' + static_cast<char>(rng() % 2) : static_cast<char>(rng() % 256);
    }
    matches += GlobMatch({pat.get(), plen}, {str.get(), slen}, rng() % 2) ? 1 : 0;
  }
  EXPECT_GT(matches, 0);
}

}  // namespace
}  // namespace kv
