#include "server/resp/parser.h"

#include <gtest/gtest.h>

#include <string>

namespace kv::resp {
namespace {

using Result = Parser::Result;

struct Parsed {
  Result result;
  size_t consumed;
  std::vector<std::string> args;
  std::string error;
};

Parsed ParseOnce(std::string_view in, ParserLimits limits = {}) {
  Parser p(limits);
  ArgVec args;
  size_t consumed = 0;
  Result r = p.Parse(in, &consumed, &args);
  return {r, consumed, {args.begin(), args.end()}, std::string(p.error())};
}

TEST(ParserTest, Multibulk) {
  auto p = ParseOnce("*2\r\n$3\r\nGET\r\n$3\r\nkey\r\nextra");
  EXPECT_EQ(p.result, Result::kOk);
  EXPECT_EQ(p.consumed, 22u);
  EXPECT_EQ(p.args, (std::vector<std::string>{"GET", "key"}));
}

TEST(ParserTest, BinarySafeBulk) {
  std::string in("*1\r\n$5\r\na\r\n\0b\r\n", 16);
  auto p = ParseOnce(in);
  ASSERT_EQ(p.result, Result::kOk);
  EXPECT_EQ(p.args[0], std::string("a\r\n\0b", 5));
}

TEST(ParserTest, EveryPrefixIsPending) {
  std::string in = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n";
  for (size_t n = 0; n < in.size(); ++n) {
    EXPECT_EQ(ParseOnce(in.substr(0, n)).result, Result::kInputPending) << n;
  }
  EXPECT_EQ(ParseOnce(in).result, Result::kOk);
}

TEST(ParserTest, PendingHintCoversBulk) {
  Parser p;
  ArgVec args;
  size_t consumed;
  EXPECT_EQ(p.Parse("*1\r\n$100\r\nab", &consumed, &args), Result::kInputPending);
  EXPECT_EQ(p.hint(), 4u + 6u + 100u + 2u);
}

TEST(ParserTest, Inline) {
  auto p = ParseOnce("PING\r\n");
  EXPECT_EQ(p.result, Result::kOk);
  EXPECT_EQ(p.consumed, 6u);
  EXPECT_EQ(p.args, (std::vector<std::string>{"PING"}));
  p = ParseOnce("set  k   v\n");
  EXPECT_EQ(p.args, (std::vector<std::string>{"set", "k", "v"}));
}

TEST(ParserTest, InlineQuotes) {
  auto p = ParseOnce("set \"a b\" 'c d' \"\\x41\\n\"\r\n");
  ASSERT_EQ(p.result, Result::kOk);
  EXPECT_EQ(p.args, (std::vector<std::string>{"set", "a b", "c d", "A\n"}));
  EXPECT_EQ(ParseOnce("set \"abc\r\n").error, "Protocol error: unbalanced quotes in request");
  EXPECT_EQ(ParseOnce("set \"a\"b\r\n").result, Result::kProtocolError);
}

TEST(ParserTest, BlankInlineLineIsEmptyCommand) {
  auto p = ParseOnce("\r\n");
  EXPECT_EQ(p.result, Result::kOk);
  EXPECT_EQ(p.consumed, 2u);
  EXPECT_TRUE(p.args.empty());
}

TEST(ParserTest, ZeroAndNegativeCountAreSkipped) {
  EXPECT_EQ(ParseOnce("*0\r\n").consumed, 4u);
  auto p = ParseOnce("*-1\r\n");
  EXPECT_EQ(p.result, Result::kOk);
  EXPECT_TRUE(p.args.empty());
}

TEST(ParserTest, ProtocolErrors) {
  EXPECT_EQ(ParseOnce("*abc\r\n").error, "Protocol error: invalid multibulk length");
  EXPECT_EQ(ParseOnce("*3000000000\r\n").error, "Protocol error: invalid multibulk length");
  EXPECT_EQ(ParseOnce("*1\r\nfoo\r\n").error, "Protocol error: expected '$', got 'f'");
  EXPECT_EQ(ParseOnce("*1\r\n$x\r\n").error, "Protocol error: invalid bulk length");
  EXPECT_EQ(ParseOnce("*1\r\n$-5\r\n").error, "Protocol error: invalid bulk length");
  EXPECT_EQ(ParseOnce("*1\r\n$-1\r\n").error, "Protocol error: invalid bulk length");
  EXPECT_EQ(ParseOnce("*1\r\n$3\r\nabcXY").error, "Protocol error: expected CRLF after bulk data");
  ParserLimits small;
  small.max_bulk_len = 10;
  EXPECT_EQ(ParseOnce("*1\r\n$11\r\n", small).error, "Protocol error: invalid bulk length");
  EXPECT_EQ(ParseOnce("*1\r\n$10\r\n0123456789\r\n", small).result, Result::kOk);
}

TEST(ParserTest, OversizedLines) {
  ParserLimits small;
  small.max_inline_len = 16;
  EXPECT_EQ(ParseOnce(std::string(17, 'a'), small).error, "Protocol error: too big inline request");
  EXPECT_EQ(ParseOnce("*" + std::string(17, '1'), small).error,
            "Protocol error: too big mbulk count string");
  EXPECT_EQ(ParseOnce("*1\r\n$" + std::string(17, '1'), small).error,
            "Protocol error: too big bulk count string");
}

}  // namespace
}  // namespace kv::resp
