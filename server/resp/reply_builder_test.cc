#include "server/resp/reply_builder.h"

#include <gtest/gtest.h>

#include <vector>

#include "server/resp/errors.h"

namespace kv::resp {
namespace {

TEST(ReplyBuilderTest, Resp2) {
  std::string out;
  ReplyBuilder rb(&out);
  rb.Ok();
  rb.Error("ERR bad\r\nthing");
  rb.Integer(-42);
  rb.Bulk("hi");
  rb.NullBulk();
  rb.NullArray();
  rb.MapHeader(1);
  rb.Double(1.5);
  rb.Bool(true);
  EXPECT_EQ(out, "+OK\r\n-ERR bad  thing\r\n:-42\r\n$2\r\nhi\r\n$-1\r\n*-1\r\n*2\r\n$3\r\n1.5\r\n:1\r\n");
}

TEST(ReplyBuilderTest, Resp3) {
  std::string out;
  ReplyBuilder rb(&out);
  rb.set_resp3(true);
  rb.NullBulk();
  rb.MapHeader(2);
  rb.SetHeader(3);
  rb.Double(2.0);
  rb.Bool(false);
  rb.PushHeader(3);
  rb.Verbatim("ab");
  EXPECT_EQ(out, "_\r\n%2\r\n~3\r\n,2\r\n#f\r\n>3\r\n=6\r\ntxt:ab\r\n");
}

TEST(ReplyBuilderTest, FormatDoubleMatchesRedis) {
  EXPECT_EQ(FormatDouble(1.1), "1.1000000000000001");
  EXPECT_EQ(FormatDouble(3), "3");
  EXPECT_EQ(FormatDouble(1.0 / 0.0), "inf");
  EXPECT_EQ(FormatDouble(-1.0 / 0.0), "-inf");
}

TEST(ErrorsTest, Texts) {
  EXPECT_EQ(WrongNumArgsError("GET"), "ERR wrong number of arguments for 'get' command");
  std::vector<std::string_view> args = {"a", "b"};
  EXPECT_EQ(UnknownCommandError("foo", args),
            "ERR unknown command 'foo', with args beginning with: 'a' 'b' ");
  EXPECT_EQ(UnknownSubcommandError("x", "client"), "ERR unknown subcommand 'x'. Try CLIENT HELP.");
}

}  // namespace
}  // namespace kv::resp
