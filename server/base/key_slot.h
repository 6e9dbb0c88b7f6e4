#pragma once

// Redis Cluster's key → slot mapping: CRC16 (XMODEM) of the key, or of its hash tag, mod 16384.
// Every node, client library and kvctl must agree on it bit for bit, so it follows Redis's
// cluster.c keyHashSlot exactly (see KeySlot).

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace kv {

inline constexpr size_t kNumSlots = 16384;

// CRC16-CCITT as XMODEM (polynomial 0x1021, initial 0, no reflection), Redis's crc16.c:
// Crc16("123456789") == 0x31C3.
uint16_t Crc16(std::string_view data);

// The part of `key` that is hashed: the bytes between the first '{' and the first '}' after it,
// when that is not empty; otherwise the whole key ("{}x", "x{", "}{" hash whole).
std::string_view HashTagOf(std::string_view key);

// The key's cluster slot in [0, kNumSlots).
inline uint16_t KeySlot(std::string_view key) {
  return static_cast<uint16_t>(Crc16(HashTagOf(key)) & (kNumSlots - 1));
}

}  // namespace kv
