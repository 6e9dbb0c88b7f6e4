#include "server/aof/aof_format.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/db/zset.h"
#include "server/resp/parser.h"

namespace kv {
namespace {

// Parses every command of `bytes` back, failing the test on anything but whole commands.
std::vector<std::vector<std::string>> ParseAll(std::string_view bytes) {
  std::vector<std::vector<std::string>> cmds;
  resp::Parser parser;
  resp::ArgVec args;
  while (!bytes.empty()) {
    size_t consumed = 0;
    EXPECT_EQ(bytes[0], '*');
    auto r = parser.Parse(bytes, &consumed, &args);
    EXPECT_EQ(r, resp::Parser::Result::kOk);
    if (r != resp::Parser::Result::kOk) break;
    cmds.emplace_back(args.begin(), args.end());
    bytes.remove_prefix(consumed);
  }
  return cmds;
}

TEST(AofFormatTest, RespCommandBytes) {
  std::string out;
  AppendRespCommand(&out, {"SET", "k", ""});
  EXPECT_EQ(out, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n");
  out.clear();
  std::string binary("a\r\n\0b", 5);
  AppendRespCommand(&out, {"SET", binary, "v"});
  auto cmds = ParseAll(out);
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_EQ(cmds[0][1], binary);
}

TEST(AofFormatTest, StringWithAndWithoutDeadline) {
  std::string out;
  EntryPtr e_block = Entry::Make("e", Value("v"));
  Entry& e = *e_block;
  ASSERT_TRUE(AppendEntryCommands(&out, "k", e));
  e.expire_at_ms = 1700000000123;
  ASSERT_TRUE(AppendEntryCommands(&out, "k2", e));
  auto cmds = ParseAll(out);
  ASSERT_EQ(cmds.size(), 2u);
  EXPECT_EQ(cmds[0], (std::vector<std::string>{"SET", "k", "v"}));
  EXPECT_EQ(cmds[1], (std::vector<std::string>{"SET", "k2", "v", "PXAT", "1700000000123"}));
}

TEST(AofFormatTest, ListIsBatchedInOrder) {
  EntryPtr e_block = Entry::Make("e", Value::NewList());
  Entry& e = *e_block;
  e.expire_at_ms = 42;
  for (int i = 0; i < 150; ++i) e.value.list().push_back("x" + std::to_string(i));
  std::string out;
  ASSERT_TRUE(AppendEntryCommands(&out, "l", e));
  auto cmds = ParseAll(out);
  ASSERT_EQ(cmds.size(), 4u);  // 64 + 64 + 22 items, then PEXPIREAT
  EXPECT_EQ(cmds[0].size(), 2 + kRewriteItemsPerCommand);
  EXPECT_EQ(cmds[2].size(), 2u + 22);
  std::vector<std::string> items;
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(cmds[i][0], "RPUSH");
    EXPECT_EQ(cmds[i][1], "l");
    items.insert(items.end(), cmds[i].begin() + 2, cmds[i].end());
  }
  ASSERT_EQ(items.size(), 150u);
  for (int i = 0; i < 150; ++i) EXPECT_EQ(items[i], "x" + std::to_string(i));
  EXPECT_EQ(cmds[3], (std::vector<std::string>{"PEXPIREAT", "l", "42"}));
}

TEST(AofFormatTest, HashAndSetCoverEveryElement) {
  EntryPtr h_block = Entry::Make("h", Value::NewHash());
  Entry& h = *h_block;
  for (int i = 0; i < 70; ++i) h.value.hash()["f" + std::to_string(i)] = "v" + std::to_string(i);
  EntryPtr s_block = Entry::Make("s", Value::NewSet());
  Entry& s = *s_block;
  for (int i = 0; i < 65; ++i) s.value.set().insert("m" + std::to_string(i));
  std::string out;
  ASSERT_TRUE(AppendEntryCommands(&out, "h", h));
  ASSERT_TRUE(AppendEntryCommands(&out, "s", s));
  auto cmds = ParseAll(out);
  HashValue got_h;
  SetValue got_s;
  for (const auto& c : cmds) {
    if (c[0] == "HSET") {
      ASSERT_EQ(c.size() % 2, 0u);
      for (size_t i = 2; i < c.size(); i += 2) got_h[c[i]] = c[i + 1];
    } else {
      ASSERT_EQ(c[0], "SADD");
      for (size_t i = 2; i < c.size(); ++i) got_s.insert(c[i]);
    }
  }
  EXPECT_EQ(got_h, h.value.hash());
  EXPECT_EQ(got_s, s.value.set());
}

TEST(AofFormatTest, ZSetInAscendingOrderWithExactScores) {
  EntryPtr z_block = Entry::Make("z", Value::NewZSet());
  Entry& z = *z_block;
  z.value.zset().Add("b", 0.1);
  z.value.zset().Add("a", -1.0 / 0.0);
  z.value.zset().Add("c", 1e300);
  std::string out;
  ASSERT_TRUE(AppendEntryCommands(&out, "z", z));
  auto cmds = ParseAll(out);
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_EQ(cmds[0],
            (std::vector<std::string>{"ZADD", "z", "-inf", "a", "0.1", "b", "1e+300", "c"}));
}

TEST(AofFormatTest, ScoresRoundTrip) {
  for (double d : {0.0, -0.0, 1.5, 0.1, 1e300, -2.5e-300, 3.141592653589793}) {
    EXPECT_EQ(std::stod(FormatScore(d)), d) << FormatScore(d);
  }
  EXPECT_EQ(FormatScore(1.0 / 0.0), "inf");
  EXPECT_EQ(FormatScore(-1.0 / 0.0), "-inf");
}

TEST(AofManifestTest, FormatParseRoundTrip) {
  AofManifest m;
  m.base = AofFileInfo{"appendonly.aof.3.base.aof", 3, AofFileInfo::Type::kBase};
  m.history.push_back({"appendonly.aof.2.base.aof", 2, AofFileInfo::Type::kHistory});
  m.incrs.push_back({"appendonly.aof.5.incr.aof", 5, AofFileInfo::Type::kIncr});
  m.incrs.push_back({"appendonly.aof.6.incr.aof", 6, AofFileInfo::Type::kIncr});
  std::string text = FormatManifest(m);
  EXPECT_EQ(text,
            "file appendonly.aof.3.base.aof seq 3 type b\n"
            "file appendonly.aof.2.base.aof seq 2 type h\n"
            "file appendonly.aof.5.incr.aof seq 5 type i\n"
            "file appendonly.aof.6.incr.aof seq 6 type i\n");
  std::string err;
  auto parsed = ParseManifest(text, &err);
  ASSERT_TRUE(parsed) << err;
  EXPECT_EQ(*parsed, m);
  EXPECT_EQ(parsed->next_base_seq(), 4);
  EXPECT_EQ(parsed->next_incr_seq(), 7);
}

TEST(AofManifestTest, AcceptsRedisManifestWithCommentsAndUnknownKeys) {
  // As written by redis-server 7.0 (with an rdb preamble base), plus a comment and a future key.
  std::string err;
  auto m = ParseManifest(
      "# comment\r\nfile appendonly.aof.1.base.rdb seq 1 type b\r\n"
      "file appendonly.aof.1.incr.aof seq 1 type i startoffset 0\r\n",
      &err);
  ASSERT_TRUE(m) << err;
  EXPECT_EQ(m->base->name, "appendonly.aof.1.base.rdb");
  ASSERT_EQ(m->incrs.size(), 1u);
  EXPECT_EQ(m->incrs[0].seq, 1);
}

TEST(AofManifestTest, RejectsBadManifests) {
  std::string err;
  EXPECT_FALSE(ParseManifest("", &err));
  EXPECT_EQ(err, "Found an empty AOF manifest");
  EXPECT_FALSE(ParseManifest("file a seq 1\n", &err));
  EXPECT_FALSE(ParseManifest("file a seq x type b\n", &err));
  EXPECT_FALSE(ParseManifest("file a seq 1 type z\n", &err));
  EXPECT_FALSE(ParseManifest("file a seq 1 type b\nfile b seq 2 type b\n", &err));
  EXPECT_NE(err.find("line 2"), std::string::npos) << err;
  EXPECT_FALSE(ParseManifest("file a seq 2 type i\nfile b seq 1 type i\n", &err));
  EXPECT_FALSE(ParseManifest("file ../x seq 1 type i\n", &err));
  EXPECT_FALSE(ParseManifest("file a seq 1 type\n", &err));
}

}  // namespace
}  // namespace kv
