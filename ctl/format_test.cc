#include "ctl/format.h"

#include <gtest/gtest.h>

namespace kv::ctl {
namespace {

TEST(HumanBytesTest, Units) {
  EXPECT_EQ(HumanBytes(0), "0 B");
  EXPECT_EQ(HumanBytes(512), "512 B");
  EXPECT_EQ(HumanBytes(1023), "1023 B");
  EXPECT_EQ(HumanBytes(1024), "1.0 KiB");
  EXPECT_EQ(HumanBytes(1536), "1.5 KiB");
  EXPECT_EQ(HumanBytes(1288490189), "1.2 GiB");
  EXPECT_EQ(HumanBytes(1024LL * 1024 * 1024 * 1024), "1.0 TiB");
  EXPECT_EQ(HumanBytes(-2048), "-2.0 KiB");
}

TEST(HumanBytesTest, RoundsUpIntoTheNextUnit) { EXPECT_EQ(HumanBytes(1024 * 1024 - 1), "1.0 MiB"); }

TEST(HumanCountTest, Suffixes) {
  EXPECT_EQ(HumanCount(0), "0");
  EXPECT_EQ(HumanCount(999), "999");
  EXPECT_EQ(HumanCount(1000), "1.0k");
  EXPECT_EQ(HumanCount(3400), "3.4k");
  EXPECT_EQ(HumanCount(999949), "999.9k");
  EXPECT_EQ(HumanCount(999999), "1.0M");
  EXPECT_EQ(HumanCount(2.5e9), "2.5G");
  EXPECT_EQ(HumanCount(0.5), "0.5");
}

TEST(HumanRateTest, AppendsUnit) {
  EXPECT_EQ(HumanRate(3400), "3.4k ops/s");
  EXPECT_EQ(HumanRate(0), "0 ops/s");
}

TEST(HumanDurationTest, TwoMostSignificantParts) {
  EXPECT_EQ(HumanDuration(0), "0s");
  EXPECT_EQ(HumanDuration(45), "45s");
  EXPECT_EQ(HumanDuration(723), "12m 3s");
  EXPECT_EQ(HumanDuration(5 * 3600 + 120 + 7), "5h 2m");
  EXPECT_EQ(HumanDuration(3 * 86400 + 4 * 3600 + 59), "3d 4h");
  EXPECT_EQ(HumanDuration(-1), "-");
}

TEST(HumanMicrosTest, Scales) {
  EXPECT_EQ(HumanMicros(0), "0us");
  EXPECT_EQ(HumanMicros(850), "850us");
  EXPECT_EQ(HumanMicros(1200), "1.2ms");
  EXPECT_EQ(HumanMicros(3.4e6), "3.4s");
}

TEST(HumanPercentTest, RatioOrDash) {
  EXPECT_EQ(HumanPercent(1, 8), "12.5%");
  EXPECT_EQ(HumanPercent(0, 0), "-");
}

}  // namespace
}  // namespace kv::ctl
