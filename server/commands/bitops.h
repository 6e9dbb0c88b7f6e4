#pragma once

// Bit-level helpers on strings used as bitmaps (Redis bitops.c semantics): bit 0 is the most
// significant bit of byte 0, bits past the end of a string read as 0. Pure functions on bytes, so
// the command handlers stay about parsing and replying, and unit tests reach every edge directly.

#include <cstdint>
#include <string_view>

namespace kv::bits {

// Number of set bits in `bytes`.
uint64_t PopCount(std::string_view bytes);

// Position of the first bit equal to `bit` (0 or 1) in `bytes`. When there is none, -1 for a
// set bit, and for a clear bit the position just past the end (bytes.size() * 8): past the end a
// bitmap reads as zeros. This is the contract of Redis's redisBitpos, which BITPOS builds on.
int64_t FirstBit(std::string_view bytes, int bit);

// An integer of `width` bits (1..64) at bit `offset`, most significant bit first. `p` must hold
// every byte the field touches.
uint64_t GetUnsigned(const uint8_t* p, uint64_t offset, int width);
int64_t GetSigned(const uint8_t* p, uint64_t offset, int width);
void SetUnsigned(uint8_t* p, uint64_t offset, int width, uint64_t value);

// BITFIELD's overflow policies (OVERFLOW WRAP|SAT|FAIL).
enum class Overflow : uint8_t { kWrap, kSat, kFail };

// The result of storing value + incr in a field of `width` bits: `overflowed` tells whether it
// did not fit; then `value` is what WRAP or SAT store (unspecified under FAIL, which stores
// nothing). Without overflow `value` is the plain sum.
struct FieldResult {
  bool overflowed;
  uint64_t value;  // the bits to store (for signed fields, the two's complement pattern)
};
// `value` is the current (or, for SET, the new) field value and `incr` 0 for SET. Mirrors Redis's
// checkUnsignedBitfieldOverflow / checkSignedBitfieldOverflow, including how they classify values
// that do not fit the width at all (a negative SET into an unsigned field saturates to the max).
FieldResult AddUnsigned(uint64_t value, int64_t incr, int width, Overflow policy);
FieldResult AddSigned(int64_t value, int64_t incr, int width, Overflow policy);

}  // namespace kv::bits
