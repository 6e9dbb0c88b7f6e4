#include "admin/token_auth.h"

#include <gtest/gtest.h>

namespace kv::admin {
namespace {

TEST(ConstantTimeEqualsTest, Basics) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("s3cret", "s3cret"));
  EXPECT_FALSE(ConstantTimeEquals("s3cret", "s3creT"));
  EXPECT_FALSE(ConstantTimeEquals("s3cre", "s3cret"));    // prefix
  EXPECT_FALSE(ConstantTimeEquals("s3crets", "s3cret"));  // longer
  EXPECT_FALSE(ConstantTimeEquals("", "s3cret"));
  EXPECT_FALSE(ConstantTimeEquals(std::string_view("a\0", 2), "a"));
}

TEST(BearerTokenMatchesTest, SchemeAndToken) {
  EXPECT_TRUE(BearerTokenMatches("Bearer tok", "tok"));
  EXPECT_TRUE(BearerTokenMatches("bearer tok", "tok"));
  EXPECT_TRUE(BearerTokenMatches("BEARER tok", "tok"));
  EXPECT_FALSE(BearerTokenMatches("Bearer TOK", "tok"));
  EXPECT_FALSE(BearerTokenMatches("Basic tok", "tok"));
  EXPECT_FALSE(BearerTokenMatches("tok", "tok"));
  EXPECT_FALSE(BearerTokenMatches("Bearer ", "tok"));
  EXPECT_FALSE(BearerTokenMatches("", "tok"));
  EXPECT_FALSE(BearerTokenMatches("Bearer tok ", "tok"));
}

TEST(BearerTokenMatchesTest, EmptyTokenMeansAuthOff) {
  EXPECT_TRUE(BearerTokenMatches("", ""));
  EXPECT_TRUE(BearerTokenMatches("Bearer anything", ""));
}

}  // namespace
}  // namespace kv::admin
