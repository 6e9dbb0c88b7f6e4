#include "server/commands/bitops.h"

#include <bit>
#include <cstring>
#include <limits>

namespace kv::bits {

uint64_t PopCount(std::string_view bytes) {
  const char* p = bytes.data();
  size_t n = bytes.size();
  uint64_t count = 0;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    count += static_cast<uint64_t>(std::popcount(word));
  }
  for (; n > 0; ++p, --n) count += static_cast<uint64_t>(std::popcount(static_cast<uint8_t>(*p)));
  return count;
}

int64_t FirstBit(std::string_view bytes, int bit) {
  // A byte (or word) that is all "skip" holds no wanted bit: 0x00 when looking for a 1, 0xff for a 0.
  const uint64_t skip_word = bit ? 0 : ~uint64_t{0};
  const uint8_t skip_byte = bit ? 0 : 0xff;
  size_t i = 0, n = bytes.size();
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, bytes.data() + i, 8);
    if (word != skip_word) break;
  }
  for (; i < n; ++i) {
    auto b = static_cast<uint8_t>(bytes[i]);
    if (b != skip_byte) {
      int in_byte = bit ? std::countl_zero(b) : std::countl_one(b);
      return static_cast<int64_t>(i * 8) + in_byte;
    }
  }
  return bit ? -1 : static_cast<int64_t>(n * 8);
}

uint64_t GetUnsigned(const uint8_t* p, uint64_t offset, int width) {
  uint64_t value = 0;
  for (int j = 0; j < width; ++j, ++offset) {
    uint64_t b = (p[offset >> 3] >> (7 - (offset & 7))) & 1;
    value = (value << 1) | b;
  }
  return value;
}

int64_t GetSigned(const uint8_t* p, uint64_t offset, int width) {
  uint64_t u = GetUnsigned(p, offset, width);
  // Sign-extend from the field's top bit.
  if (width < 64 && (u & (uint64_t{1} << (width - 1)))) u |= ~uint64_t{0} << width;
  return static_cast<int64_t>(u);
}

void SetUnsigned(uint8_t* p, uint64_t offset, int width, uint64_t value) {
  for (int j = 0; j < width; ++j, ++offset) {
    uint8_t mask = static_cast<uint8_t>(1u << (7 - (offset & 7)));
    bool on = (value >> (width - 1 - j)) & 1;
    p[offset >> 3] = on ? (p[offset >> 3] | mask) : (p[offset >> 3] & ~mask);
  }
}

namespace {
uint64_t LowBitsMask(int width) {
  return width >= 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
}
}  // namespace

FieldResult AddUnsigned(uint64_t value, int64_t incr, int width, Overflow policy) {
  const uint64_t max = LowBitsMask(width);
  // The room left above and below, as Redis computes them (signed, so a huge `value` that came
  // from a negative SET argument counts as over the top).
  const auto room_up = static_cast<int64_t>(max - value);
  const auto room_down = static_cast<int64_t>(uint64_t{0} - value);
  const uint64_t sum = value + static_cast<uint64_t>(incr);
  bool up = value > max || (incr > 0 && incr > room_up);
  bool down = !up && incr < 0 && incr < room_down;
  if (!up && !down) return {false, sum};
  if (policy == Overflow::kSat) return {true, up ? max : 0};
  return {true, sum & max};
}

FieldResult AddSigned(int64_t value, int64_t incr, int width, Overflow policy) {
  const int64_t max =
      width == 64 ? std::numeric_limits<int64_t>::max() : (int64_t{1} << (width - 1)) - 1;
  const int64_t min = -max - 1;
  const auto uvalue = static_cast<uint64_t>(value);
  // Computed modulo 2^64 like Redis does; only compared after `value` is known to be in range,
  // except for the out-of-range SET values whose classification this reproduces.
  const auto room_up = static_cast<int64_t>(static_cast<uint64_t>(max) - uvalue);
  const auto room_down = static_cast<int64_t>(static_cast<uint64_t>(min) - uvalue);
  uint64_t sum = uvalue + static_cast<uint64_t>(incr);
  bool up = value > max || (width != 64 && incr > room_up) ||
            (value >= 0 && incr > 0 && incr > room_up);
  bool down = !up && (value < min || (width != 64 && incr < room_down) ||
                      (value < 0 && incr < 0 && incr < room_down));
  if (!up && !down) return {false, sum};
  if (policy == Overflow::kSat) {
    return {true, static_cast<uint64_t>(up ? max : min)};
  }
  if (width < 64) {
    const uint64_t high = ~uint64_t{0} << width;
    sum = (sum & (uint64_t{1} << (width - 1))) ? (sum | high) : (sum & ~high);
  }
  return {true, sum};
}

}  // namespace kv::bits
