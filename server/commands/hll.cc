#include "server/commands/hll.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <utility>

namespace kv::hll {
namespace {

constexpr uint8_t kDense = 0;
constexpr uint8_t kSparse = 1;
constexpr int kRegisterBits = 6;
constexpr uint8_t kRegisterMax = 63;
constexpr int kIndexBits = 14;                // log2(kRegisters)
constexpr int kRunBits = 64 - kIndexBits;     // hash bits left to count the zero run in
constexpr uint64_t kHashSeed = 0xadc83b19ULL;
constexpr int kSparseValMax = 32;             // largest register value a VAL opcode holds
constexpr int kSparseValMaxRun = 4;
constexpr int kSparseZeroMaxRun = 64;
constexpr int kSparseXZeroMaxRun = 16384;
constexpr double kAlphaInf = 0.721347520444481703680;  // 0.5 / ln(2)

// Sparse opcodes.
bool IsZero(uint8_t b) { return (b & 0xc0) == 0; }
bool IsXZero(uint8_t b) { return (b & 0xc0) == 0x40; }
bool IsVal(uint8_t b) { return (b & 0x80) != 0; }
int ZeroRun(uint8_t b) { return (b & 0x3f) + 1; }
int XZeroRun(uint8_t b0, uint8_t b1) { return (((b0 & 0x3f) << 8) | b1) + 1; }
int ValValue(uint8_t b) { return ((b >> 2) & 0x1f) + 1; }
int ValRun(uint8_t b) { return (b & 0x3) + 1; }
uint8_t ValOp(int value, int run) { return static_cast<uint8_t>(((value - 1) << 2 | (run - 1)) | 0x80); }
uint8_t ZeroOp(int run) { return static_cast<uint8_t>(run - 1); }
void PutXZero(std::string& out, int run) {
  out.push_back(static_cast<char>(((run - 1) >> 8) | 0x40));
  out.push_back(static_cast<char>((run - 1) & 0xff));
}
// A run of zeros as one opcode: ZERO when it fits, XZERO otherwise.
void PutZeros(std::string& out, int run) {
  if (run > kSparseZeroMaxRun) {
    PutXZero(out, run);
  } else {
    out.push_back(static_cast<char>(ZeroOp(run)));
  }
}

uint8_t At(std::string_view s, size_t i) { return i < s.size() ? static_cast<uint8_t>(s[i]) : 0; }

// Dense registers start after the header and are packed from each byte's least significant bit.
uint8_t GetDense(std::string_view s, int i) {
  size_t byte = kHeaderSize + static_cast<size_t>(i) * kRegisterBits / 8;
  unsigned shift = (static_cast<unsigned>(i) * kRegisterBits) & 7;
  unsigned v = (At(s, byte) >> shift) | (At(s, byte + 1) << (8 - shift));
  return static_cast<uint8_t>(v & kRegisterMax);
}

void SetDense(std::string& s, int i, uint8_t value) {
  size_t byte = kHeaderSize + static_cast<size_t>(i) * kRegisterBits / 8;
  unsigned shift = (static_cast<unsigned>(i) * kRegisterBits) & 7;
  auto& b0 = reinterpret_cast<uint8_t&>(s[byte]);
  b0 = static_cast<uint8_t>((b0 & ~(kRegisterMax << shift)) | (value << shift));
  if (shift > 8 - kRegisterBits) {  // the register spills into the next byte
    auto& b1 = reinterpret_cast<uint8_t&>(s[byte + 1]);
    b1 = static_cast<uint8_t>((b1 & ~(kRegisterMax >> (8 - shift))) | (value >> (8 - shift)));
  }
}

bool RaiseDense(std::string& s, int i, uint8_t count) {
  if (count <= GetDense(s, i)) return false;
  SetDense(s, i, count);
  return true;
}

// The register an element lands in and the length of its "000..1" pattern (1..kRunBits+1).
std::pair<int, uint8_t> PatternOf(std::string_view element) {
  uint64_t hash = MurmurHash64A(element, kHashSeed);
  int index = static_cast<int>(hash & (kRegisters - 1));
  hash >>= kIndexBits;
  hash |= uint64_t{1} << kRunBits;  // bounds the run
  return {index, static_cast<uint8_t>(std::countr_zero(hash) + 1)};
}

// Merges equal adjacent VAL opcodes, scanning at most five opcodes from `from` (as Redis does
// after each sparse update, so the bytes stay the same as Redis's).
void MergeAdjacentVals(std::string& s, size_t from) {
  size_t p = from;
  for (int budget = 5; p < s.size() && budget-- > 0;) {
    auto b = static_cast<uint8_t>(s[p]);
    if (IsXZero(b)) {
      p += 2;
      continue;
    }
    if (IsZero(b)) {
      ++p;
      continue;
    }
    if (p + 1 < s.size() && IsVal(static_cast<uint8_t>(s[p + 1]))) {
      auto b1 = static_cast<uint8_t>(s[p + 1]);
      int run = ValRun(b) + ValRun(b1);
      if (ValValue(b) == ValValue(b1) && run <= kSparseValMaxRun) {
        s[p + 1] = static_cast<char>(ValOp(ValValue(b), run));
        s.erase(p, 1);
        continue;  // the merged opcode may merge with the next one too
      }
    }
    ++p;
  }
}

Status PromoteAndSet(std::string& s, int index, uint8_t count) {
  if (!ToDense(s)) return Status::kCorrupt;
  RaiseDense(s, index, count);
  return Status::kChanged;
}

// Raises register `index` of a sparse HLL to `count` by splitting the opcode that covers it.
Status SparseSet(std::string& s, int index, uint8_t count, size_t sparse_max_bytes) {
  if (count > kSparseValMax) return PromoteAndSet(s, index, count);
  // Find the opcode covering `index`.
  size_t p = kHeaderSize, prev = std::string::npos;
  int first = 0, span = 0;
  while (p < s.size()) {
    auto b = static_cast<uint8_t>(s[p]);
    size_t oplen = 1;
    if (IsZero(b)) {
      span = ZeroRun(b);
    } else if (IsVal(b)) {
      span = ValRun(b);
    } else {
      span = XZeroRun(b, At(s, p + 1));
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span == 0 || p >= s.size()) return Status::kCorrupt;

  auto op = static_cast<uint8_t>(s[p]);
  bool is_xzero = IsXZero(op);
  if (IsVal(op)) {
    if (ValValue(op) >= count) return Status::kUnchanged;
    if (ValRun(op) == 1) {
      s[p] = static_cast<char>(ValOp(count, 1));
      MergeAdjacentVals(s, prev == std::string::npos ? kHeaderSize : prev);
      InvalidateCache(s);
      return Status::kChanged;
    }
  } else if (IsZero(op) && ZeroRun(op) == 1) {
    s[p] = static_cast<char>(ValOp(count, 1));
    MergeAdjacentVals(s, prev == std::string::npos ? kHeaderSize : prev);
    InvalidateCache(s);
    return Status::kChanged;
  }
  // Split the opcode into [before] VAL(count) [after].
  int last = first + span - 1;
  std::string seq;
  if (IsVal(op)) {
    int value = ValValue(op);
    if (index != first) seq.push_back(static_cast<char>(ValOp(value, index - first)));
    seq.push_back(static_cast<char>(ValOp(count, 1)));
    if (index != last) seq.push_back(static_cast<char>(ValOp(value, last - index)));
  } else {
    if (index != first) PutZeros(seq, index - first);
    seq.push_back(static_cast<char>(ValOp(count, 1)));
    if (index != last) PutZeros(seq, last - index);
  }
  size_t old_len = is_xzero ? 2 : 1;
  if (seq.size() > old_len && s.size() + (seq.size() - old_len) > sparse_max_bytes) {
    return PromoteAndSet(s, index, count);
  }
  s.replace(p, old_len, seq);
  MergeAdjacentVals(s, prev == std::string::npos ? kHeaderSize : prev);
  InvalidateCache(s);
  return Status::kChanged;
}

Status SetRegister(std::string& s, int index, uint8_t count, size_t sparse_max_bytes) {
  if (IsSparse(s)) return SparseSet(s, index, count, sparse_max_bytes);
  if (!RaiseDense(s, index, count)) return Status::kUnchanged;
  InvalidateCache(s);
  return Status::kChanged;
}

// Calls fn(first_register, run, value) for each opcode of a sparse body; returns the number of
// registers covered (kRegisters when valid). Stops at a VAL run past the last register.
template <typename Fn>
int WalkSparse(std::string_view s, Fn fn) {
  int idx = 0;
  for (size_t p = kHeaderSize; p < s.size();) {
    auto b = static_cast<uint8_t>(s[p]);
    if (IsZero(b)) {
      fn(idx, ZeroRun(b), 0);
      idx += ZeroRun(b);
      ++p;
    } else if (IsXZero(b)) {
      int run = XZeroRun(b, At(s, p + 1));
      fn(idx, run, 0);
      idx += run;
      p += 2;
    } else {
      int run = ValRun(b);
      if (idx + run > kRegisters) break;
      fn(idx, run, ValValue(b));
      idx += run;
      ++p;
    }
  }
  return idx;
}

// Ertl's sigma and tau ("New cardinality estimation algorithms for HyperLogLog sketches").
double Sigma(double x) {
  if (x == 1.) return INFINITY;
  double y = 1, z = x, prev;
  do {
    x *= x;
    prev = z;
    z += x * y;
    y += y;
  } while (prev != z);
  return z;
}

double Tau(double x) {
  if (x == 0. || x == 1.) return 0.;
  double y = 1.0, z = 1 - x, prev;
  do {
    x = std::sqrt(x);
    prev = z;
    y *= 0.5;
    z -= std::pow(1 - x, 2) * y;
  } while (prev != z);
  return z / 3;
}

// The estimate from a histogram of register values.
uint64_t Estimate(const std::array<int, 64>& histo) {
  const double m = kRegisters;
  double z = m * Tau((m - histo[kRunBits + 1]) / m);
  for (int j = kRunBits; j >= 1; --j) {
    z += histo[static_cast<size_t>(j)];
    z *= 0.5;
  }
  z += m * Sigma(histo[0] / m);
  return static_cast<uint64_t>(std::llround(kAlphaInf * m * m / z));
}

}  // namespace

uint64_t MurmurHash64A(std::string_view data, uint64_t seed) {
  constexpr uint64_t m = 0xc6a4a7935bd1e995ULL;
  constexpr int r = 47;
  const auto* p = reinterpret_cast<const uint8_t*>(data.data());
  const size_t len = data.size();
  uint64_t h = seed ^ (len * m);
  const size_t blocks = len / 8;
  for (size_t i = 0; i < blocks; ++i, p += 8) {
    uint64_t k = 0;
    for (int b = 7; b >= 0; --b) k = (k << 8) | p[b];  // little-endian load on any host
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
  }
  if (size_t tail = len & 7; tail != 0) {
    for (size_t b = tail; b-- > 0;) h ^= static_cast<uint64_t>(p[b]) << (8 * b);
    h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

bool LooksLikeHll(std::string_view s) {
  if (s.size() < kHeaderSize || s.substr(0, 4) != "HYLL") return false;
  auto encoding = static_cast<uint8_t>(s[4]);
  if (encoding > kSparse) return false;
  return encoding != kDense || s.size() == kDenseSize;
}

bool IsSparse(std::string_view s) { return static_cast<uint8_t>(s[4]) == kSparse; }

std::string NewHll() {
  std::string s(kHeaderSize, '\0');
  std::memcpy(s.data(), "HYLL", 4);
  s[4] = static_cast<char>(kSparse);
  for (int left = kRegisters; left > 0; left -= kSparseXZeroMaxRun) {
    PutXZero(s, std::min(left, kSparseXZeroMaxRun));
  }
  return s;
}

Status Add(std::string& s, std::string_view element, size_t sparse_max_bytes) {
  auto [index, count] = PatternOf(element);
  return SetRegister(s, index, count, sparse_max_bytes);
}

std::optional<uint64_t> Count(std::string& s, bool* cache_updated) {
  *cache_updated = false;
  if ((static_cast<uint8_t>(s[15]) & 0x80) == 0) {
    uint64_t card = 0;
    for (int i = 7; i >= 0; --i) card = (card << 8) | static_cast<uint8_t>(s[8 + static_cast<size_t>(i)]);
    return card;
  }
  std::array<int, 64> histo{};
  if (IsSparse(s)) {
    int covered = WalkSparse(s, [&](int, int run, int value) {
      histo[static_cast<size_t>(value)] += run;
    });
    if (covered != kRegisters) return std::nullopt;
  } else {
    for (int i = 0; i < kRegisters; ++i) ++histo[GetDense(s, i)];
  }
  uint64_t card = Estimate(histo);
  for (size_t i = 0; i < 8; ++i) s[8 + i] = static_cast<char>((card >> (8 * i)) & 0xff);
  *cache_updated = true;
  return card;
}

bool MergeInto(std::string_view s, RawRegisters& raw) {
  if (!IsSparse(s)) {
    for (int i = 0; i < kRegisters; ++i) {
      raw[static_cast<size_t>(i)] = std::max(raw[static_cast<size_t>(i)], GetDense(s, i));
    }
    return true;
  }
  int covered = WalkSparse(s, [&](int first, int run, int value) {
    if (value == 0) return;
    for (int i = first; i < first + run; ++i) {
      auto& r = raw[static_cast<size_t>(i)];
      r = std::max(r, static_cast<uint8_t>(value));
    }
  });
  return covered == kRegisters;
}

uint64_t CountRaw(const RawRegisters& raw) {
  std::array<int, 64> histo{};
  for (uint8_t v : raw) ++histo[v & 63];
  return Estimate(histo);
}

Status StoreMax(std::string& s, const RawRegisters& raw, bool to_dense, size_t sparse_max_bytes) {
  if (to_dense && !ToDense(s)) return Status::kCorrupt;
  for (int i = 0; i < kRegisters; ++i) {
    if (raw[static_cast<size_t>(i)] != 0) SetRegister(s, i, raw[static_cast<size_t>(i)], sparse_max_bytes);
  }
  InvalidateCache(s);
  return Status::kChanged;
}

void InvalidateCache(std::string& s) { s[15] = static_cast<char>(s[15] | 0x80); }

bool ToDense(std::string& s) {
  if (!IsSparse(s)) return true;
  std::string dense(kDenseSize, '\0');
  std::memcpy(dense.data(), s.data(), kHeaderSize);  // magic and cached cardinality carry over
  dense[4] = static_cast<char>(kDense);
  int covered = WalkSparse(s, [&](int first, int run, int value) {
    if (value == 0) return;
    for (int i = first; i < first + run; ++i) SetDense(dense, i, static_cast<uint8_t>(value));
  });
  if (covered != kRegisters) return false;
  s = std::move(dense);
  return true;
}

uint8_t DenseRegister(std::string_view s, int i) { return GetDense(s, i); }

std::string DecodeSparse(std::string_view s) {
  std::string out;
  for (size_t p = kHeaderSize; p < s.size();) {
    auto b = static_cast<uint8_t>(s[p]);
    if (!out.empty()) out.push_back(' ');
    if (IsZero(b)) {
      out += "z:" + std::to_string(ZeroRun(b));
      ++p;
    } else if (IsXZero(b)) {
      out += "Z:" + std::to_string(XZeroRun(b, At(s, p + 1)));
      p += 2;
    } else {
      out += "v:" + std::to_string(ValValue(b)) + "," + std::to_string(ValRun(b));
      ++p;
    }
  }
  return out;
}

}  // namespace kv::hll
