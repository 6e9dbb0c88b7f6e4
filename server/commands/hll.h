#pragma once

// HyperLogLog in Redis's exact string representation (Redis hyperloglog.c), so that the bytes of
// an HLL key are the bytes Redis would hold for the same insertions, and counts agree exactly:
//
//   "HYLL" | encoding (0 dense, 1 sparse) | 3 zero bytes | cached cardinality, 8 bytes LE
//   dense:  16384 registers of 6 bits, packed from the least significant bit of each byte
//   sparse: run-length opcodes ZERO 00xxxxxx (1..64 zeros), XZERO 01xxxxxx yyyyyyyy (1..16384
//           zeros), VAL 1vvvvvxx (1..4 registers of value 1..32)
//
// The top bit of the cached cardinality's last byte marks the cache stale. Elements are hashed with
// MurmurHash64A (seed 0xadc83b19): the low 14 bits pick the register, the rest give the run length.
// Every function takes the string as stored under the key; none of them replies.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kv::hll {

inline constexpr int kRegisters = 16384;
inline constexpr size_t kHeaderSize = 16;
inline constexpr size_t kDenseSize = kHeaderSize + kRegisters * 6 / 8;

// Register values, one byte each (the merge buffer of PFCOUNT with several keys and PFMERGE).
using RawRegisters = std::array<uint8_t, kRegisters>;

// Redis's isHLLObjectOrReply check: magic, a known encoding, and the exact dense size.
bool LooksLikeHll(std::string_view s);
bool IsSparse(std::string_view s);

// An empty HLL: sparse, all registers zero.
std::string NewHll();

// The result of an operation on the registers; kCorrupt means a sparse body that does not cover
// exactly 16384 registers (Redis's "INVALIDOBJ Corrupted HLL object detected").
enum class Status { kUnchanged, kChanged, kCorrupt };

// Adds one element. A sparse HLL turns dense when a register would exceed 32 or the string
// would grow past `sparse_max_bytes` (hll-sparse-max-bytes). Invalidates the cache on change.
Status Add(std::string& s, std::string_view element, size_t sparse_max_bytes);

// The cardinality, from the cache when it is valid, otherwise computed and cached in the header
// (*cache_updated tells the caller the string changed). nullopt when corrupt.
std::optional<uint64_t> Count(std::string& s, bool* cache_updated);

// raw[i] = max(raw[i], register i of s). False when corrupt.
bool MergeInto(std::string_view s, RawRegisters& raw);
// The estimate over raw registers (PFCOUNT of several keys).
uint64_t CountRaw(const RawRegisters& raw);
// Raises the registers of `s` to `raw` (PFMERGE's destination), dense first if `to_dense`.
Status StoreMax(std::string& s, const RawRegisters& raw, bool to_dense, size_t sparse_max_bytes);

// Marks the cached cardinality stale (PFADD does when anything changed, even just the creation).
void InvalidateCache(std::string& s);

// Converts a sparse HLL to dense in place; false (and `s` untouched) when corrupt.
bool ToDense(std::string& s);
// Register i of a dense HLL.
uint8_t DenseRegister(std::string_view s, int i);
// PFDEBUG DECODE's text ("Z:16384", "z:3 v:2,1 ...") of a sparse HLL.
std::string DecodeSparse(std::string_view s);

// MurmurHash64A as Redis uses it (endian-neutral), exposed for tests.
uint64_t MurmurHash64A(std::string_view data, uint64_t seed);

}  // namespace kv::hll
