#include "ctl/table.h"

#include <gtest/gtest.h>

namespace kv::ctl {
namespace {

TEST(TableTest, AlignsColumnsAndTrimsTrailingBlanks) {
  Table t({"NAME", "CALLS"}, {Table::Align::kLeft, Table::Align::kRight});
  t.AddRow({"get", "1.2k"});
  t.AddRow({"hgetall", "7"});
  EXPECT_EQ(t.Render(),
            "NAME     CALLS\n"
            "get       1.2k\n"
            "hgetall      7\n");
}

TEST(TableTest, NoHeaderAndShortRows) {
  Table t({});
  t.AddRow({"version", "0.1.0"});
  t.AddRow({"role"});
  EXPECT_EQ(t.Render(),
            "version  0.1.0\n"
            "role\n");
}

}  // namespace
}  // namespace kv::ctl
