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

}  // namespace
}  // namespace kv
