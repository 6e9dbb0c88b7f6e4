// The bit helpers behind SETBIT/BITCOUNT/BITPOS/BITFIELD and the HLL register code, checked
// directly at their edges (the differential scripts check the commands against Redis).

#include "server/commands/bitops.h"

#include <gtest/gtest.h>

#include <string>

#include "server/commands/hll.h"

namespace kv {
namespace {

TEST(BitOps, PopCountCoversWordsAndTail) {
  EXPECT_EQ(bits::PopCount(""), 0u);
  EXPECT_EQ(bits::PopCount(std::string(9, '\xff')), 72u);
  EXPECT_EQ(bits::PopCount("foobar"), 26u);
}

TEST(BitOps, FirstBitReportsNoneAsRedisDoes) {
  EXPECT_EQ(bits::FirstBit(std::string(3, '\0'), 1), -1);
  EXPECT_EQ(bits::FirstBit(std::string(3, '\xff'), 0), 24);  // the first bit past the end
  EXPECT_EQ(bits::FirstBit(std::string(17, '\0') + "\x01", 1), 17 * 8 + 7);
  EXPECT_EQ(bits::FirstBit(std::string(10, '\xff') + "\xfe", 0), 10 * 8 + 7);
}

TEST(BitOps, FieldsRoundTripAcrossByteBoundaries) {
  uint8_t buf[10] = {};
  bits::SetUnsigned(buf, 5, 13, 0x1abc);
  EXPECT_EQ(bits::GetUnsigned(buf, 5, 13), 0x1abcu);
  bits::SetUnsigned(buf, 3, 64, ~uint64_t{0});
  EXPECT_EQ(bits::GetSigned(buf, 3, 64), -1);
  EXPECT_EQ(bits::GetSigned(buf, 0, 4), 1);  // 0001
  bits::SetUnsigned(buf, 70, 7, 0x40);
  EXPECT_EQ(bits::GetSigned(buf, 70, 7), -64);
}

TEST(BitOps, OverflowPolicies) {
  using bits::Overflow;
  EXPECT_EQ(bits::AddSigned(127, 1, 8, Overflow::kWrap).value, static_cast<uint64_t>(-128));
  EXPECT_EQ(bits::AddSigned(127, 1, 8, Overflow::kSat).value, 127u);
  EXPECT_TRUE(bits::AddSigned(127, 1, 8, Overflow::kFail).overflowed);
  EXPECT_FALSE(bits::AddSigned(-128, 255, 8, Overflow::kFail).overflowed);
  EXPECT_EQ(bits::AddSigned(INT64_MIN, -1, 64, Overflow::kSat).value,
            static_cast<uint64_t>(INT64_MIN));
  EXPECT_EQ(bits::AddUnsigned(3, 1, 2, Overflow::kWrap).value, 0u);
  EXPECT_EQ(bits::AddUnsigned(0, -10, 2, Overflow::kSat).value, 0u);
  // A negative SET into an unsigned field is "too big": SAT stores the maximum.
  EXPECT_EQ(bits::AddUnsigned(static_cast<uint64_t>(-1), 0, 8, Overflow::kSat).value, 255u);
}

TEST(Hll, EmptyIsSparseAndCountsZero) {
  std::string h = hll::NewHll();
  EXPECT_EQ(h.size(), 16u + 2u);
  EXPECT_TRUE(hll::LooksLikeHll(h));
  EXPECT_TRUE(hll::IsSparse(h));
  EXPECT_EQ(hll::DecodeSparse(h), "Z:16384");
  bool updated;
  EXPECT_EQ(hll::Count(h, &updated), 0u);
}

TEST(Hll, SparseAndDenseAgree) {
  std::string sparse = hll::NewHll(), dense = hll::NewHll();
  ASSERT_TRUE(hll::ToDense(dense));
  EXPECT_EQ(dense.size(), hll::kDenseSize);
  for (int i = 0; i < 1500; ++i) {
    std::string e = "element:" + std::to_string(i);
    EXPECT_EQ(hll::Add(sparse, e, 1 << 20), hll::Add(dense, e, 1 << 20)) << i;
  }
  EXPECT_TRUE(hll::IsSparse(sparse));
  bool updated;
  EXPECT_EQ(hll::Count(sparse, &updated), hll::Count(dense, &updated));
  std::string promoted = sparse;
  ASSERT_TRUE(hll::ToDense(promoted));
  EXPECT_EQ(promoted.substr(16), dense.substr(16));
}

TEST(Hll, CorruptSparseBodyIsReported) {
  std::string h = hll::NewHll();
  h.push_back('\x00');  // one register too many
  hll::InvalidateCache(h);  // or the (valid) cached 0 answers
  bool updated;
  EXPECT_FALSE(hll::Count(h, &updated).has_value());
  EXPECT_FALSE(hll::ToDense(h));
}

}  // namespace
}  // namespace kv
