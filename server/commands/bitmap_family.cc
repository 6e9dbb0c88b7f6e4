// Bitmap commands on strings (Redis bitops.c): SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP. BITFIELD
// lives in bitfield_family.cc. Argument checks run in Redis's order, so that a bad argument and a
// missing key give the same reply as Redis whichever comes first.

#include <algorithm>
#include <bit>
#include <string>
#include <vector>

#include "server/commands/bitmap_args.h"
#include "server/commands/bitops.h"
#include "server/commands/command_registry.h"

namespace kv {

void RegisterBitfieldCommands(CommandRegistry& r);  // bitfield_family.cc

namespace {

constexpr std::string_view kBitValueErr = "ERR bit is not an integer or out of range";
constexpr std::string_view kBitArgErr = "ERR The bit argument must be 1 or 0.";
constexpr std::string_view kBitOpNotErr = "ERR BITOP NOT must be called with a single source key.";

// SETBIT key offset 0|1: replies the previous bit.
void CmdSetBit(CommandContext& ctx, ArgList args) {
  auto offset = ParseBitOffsetOrReply(ctx, args[2]);
  if (!offset) return;
  auto on = ParseInt64(args[3]);
  if (!on || (*on & ~int64_t{1}) != 0) return ctx.rb.Error(kBitValueErr);
  bool grown;
  std::string* s = StringForBitWriteOrReply(ctx, args[1], *offset, &grown);
  if (s == nullptr) return;
  auto& byte = reinterpret_cast<uint8_t&>((*s)[*offset >> 3]);
  const auto mask = static_cast<uint8_t>(1u << (7 - (*offset & 7)));
  bool was = (byte & mask) != 0;
  if (grown || was != (*on == 1)) {
    byte = *on ? (byte | mask) : (byte & ~mask);
    ctx.MarkDirty();
  }
  ctx.rb.Integer(was ? 1 : 0);
}

// GETBIT key offset
void CmdGetBit(CommandContext& ctx, ArgList args) {
  auto offset = ParseBitOffsetOrReply(ctx, args[2]);
  if (!offset) return;
  bool wrong;
  Entry* e = FindTyped(ctx, args[1], ValueType::kString, &wrong);
  if (wrong) return;
  std::string_view s = e != nullptr ? e->value.str() : std::string_view();
  size_t byte = *offset >> 3;
  bool bit = byte < s.size() && (static_cast<uint8_t>(s[byte]) >> (7 - (*offset & 7))) & 1;
  ctx.rb.Integer(bit ? 1 : 0);
}

// A BITCOUNT/BITPOS range resolved to whole bytes [first, last], with masks of the bits of the
// first and last bytes that lie outside a BIT range (Redis's first/last_byte_neg_mask).
struct ByteRange {
  int64_t first = 0, last = -1;
  uint8_t first_outside = 0, last_outside = 0;
};

// Clamps [start, end] (negative = from the end) to a string of `len` bytes, counting bits when
// `in_bits`.
ByteRange ResolveRange(int64_t start, int64_t end, int64_t len, bool in_bits) {
  int64_t total = in_bits ? len * 8 : len;
  if (start < 0) start = std::max<int64_t>(total + start, 0);
  if (end < 0) end = std::max<int64_t>(total + end, 0);
  end = std::min(end, total - 1);
  ByteRange r{start, end, 0, 0};
  if (in_bits && start <= end) {
    r.first_outside = static_cast<uint8_t>(~((1u << (8 - (start & 7))) - 1));
    r.last_outside = static_cast<uint8_t>((1u << (7 - (end & 7))) - 1);
    r.first = start >> 3;
    r.last = end >> 3;
  }
  return r;
}

// Parses an optional trailing BYTE|BIT; replies a syntax error on anything else.
bool ParseUnitOrReply(CommandContext& ctx, std::string_view arg, bool* in_bits) {
  if (EqualsIgnoreCase(arg, "bit")) {
    *in_bits = true;
  } else if (EqualsIgnoreCase(arg, "byte")) {
    *in_bits = false;
  } else {
    ctx.rb.Error(resp::kSyntaxErr);
    return false;
  }
  return true;
}

// BITCOUNT key [start end [BYTE|BIT]]
void CmdBitCount(CommandContext& ctx, ArgList args) {
  bool wrong;
  Entry* e = FindTyped(ctx, args[1], ValueType::kString, &wrong);
  if (wrong) return;
  if (e == nullptr) return ctx.rb.Integer(0);  // before any argument check, as in Redis
  std::string_view s = e->value.str();
  auto len = static_cast<int64_t>(s.size());
  ByteRange r{0, len - 1, 0, 0};
  if (args.size() == 4 || args.size() == 5) {
    auto start = ParseIntOrReply(ctx, args[2]);
    if (!start) return;
    auto end = ParseIntOrReply(ctx, args[3]);
    if (!end) return;
    if (*start < 0 && *end < 0 && *start > *end) return ctx.rb.Integer(0);
    bool in_bits = false;
    if (args.size() == 5 && !ParseUnitOrReply(ctx, args[4], &in_bits)) return;
    r = ResolveRange(*start, *end, len, in_bits);
  } else if (args.size() != 2) {
    return ctx.rb.Error(resp::kSyntaxErr);
  }
  if (r.first > r.last) return ctx.rb.Integer(0);
  auto bytes = s.substr(static_cast<size_t>(r.first), static_cast<size_t>(r.last - r.first + 1));
  uint64_t count = bits::PopCount(bytes);
  // Take back the bits of the edge bytes that a BIT range leaves out.
  count -= static_cast<uint64_t>(std::popcount(static_cast<uint8_t>(bytes.front() & r.first_outside)));
  count -= static_cast<uint64_t>(std::popcount(static_cast<uint8_t>(bytes.back() & r.last_outside)));
  ctx.rb.Integer(static_cast<int64_t>(count));
}

// The first `bit` in byte `b` with the bits in `outside` forced to the opposite value, as a
// position within the byte, or -1 / 8 as FirstBit reports "none".
int64_t FirstBitInByte(uint8_t b, uint8_t outside, int bit) {
  auto masked = static_cast<char>(bit ? (b & ~outside) : (b | outside));
  return bits::FirstBit(std::string_view(&masked, 1), bit);
}

// BITPOS's search over a resolved range (Redis's bitposCommand): the edge bytes of a BIT range
// are searched with their outside bits neutralised, the bytes between at full speed. A search for
// a clear bit that runs off the end of the string answers the first bit past it, unless the
// caller gave an explicit end (`end_given`): then there is none (-1).
int64_t BitPosIn(std::string_view s, const ByteRange& r, int bit, bool end_given) {
  int64_t start = r.first, bytes = r.last - r.first + 1;
  auto byte_at = [&](int64_t i) { return static_cast<uint8_t>(s[static_cast<size_t>(i)]); };
  auto found = [](int64_t pos, int64_t width) { return pos != -1 && pos != width * 8; };
  int64_t pos = -1;
  do {
    if (r.first_outside != 0) {
      uint8_t outside = r.first_outside;
      if (bytes == 1) outside |= r.last_outside;
      pos = FirstBitInByte(byte_at(start), outside, bit);
      if (bytes == 1 || found(pos, 1)) break;
      ++start;
      --bytes;
    }
    int64_t middle = bytes - (r.last_outside != 0 ? 1 : 0);
    if (middle > 0) {
      pos = bits::FirstBit(s.substr(static_cast<size_t>(start), static_cast<size_t>(middle)), bit);
      if (bytes == middle || found(pos, middle)) break;
      start += middle;
      bytes -= middle;
    }
    pos = FirstBitInByte(byte_at(r.last), r.last_outside, bit);
  } while (false);
  if (end_given && bit == 0 && pos == bytes * 8) return -1;
  return pos == -1 ? -1 : pos + start * 8;
}

// BITPOS key bit [start [end [BYTE|BIT]]]
void CmdBitPos(CommandContext& ctx, ArgList args) {
  auto bit = ParseIntOrReply(ctx, args[2]);
  if (!bit) return;
  if (*bit != 0 && *bit != 1) return ctx.rb.Error(kBitArgErr);
  bool wrong;
  Entry* e = FindTyped(ctx, args[1], ValueType::kString, &wrong);
  if (wrong) return;
  // A missing key is an endless run of zeros; its range arguments are not even parsed.
  if (e == nullptr) return ctx.rb.Integer(*bit ? -1 : 0);
  std::string_view s = e->value.str();
  auto len = static_cast<int64_t>(s.size());
  ByteRange r{0, len - 1, 0, 0};
  bool end_given = false;
  if (args.size() >= 4 && args.size() <= 6) {
    auto start = ParseIntOrReply(ctx, args[3]);
    if (!start) return;
    bool in_bits = false;
    if (args.size() == 6 && !ParseUnitOrReply(ctx, args[5], &in_bits)) return;
    int64_t end = in_bits ? len * 8 + 7 : len - 1;
    if (args.size() >= 5) {
      auto given = ParseIntOrReply(ctx, args[4]);
      if (!given) return;
      end = *given;
      end_given = true;
    }
    r = ResolveRange(*start, end, len, in_bits);
  } else if (args.size() != 3) {
    return ctx.rb.Error(resp::kSyntaxErr);
  }
  if (r.first > r.last) return ctx.rb.Integer(-1);  // an empty range holds neither bit
  ctx.rb.Integer(BitPosIn(s, r, static_cast<int>(*bit), end_given));
}

enum class BitOp { kAnd, kOr, kXor, kNot };

// Combines `srcs` (shorter ones read as zero-padded) into a string as long as the longest.
std::string ApplyBitOp(BitOp op, const std::vector<std::string_view>& srcs, size_t max_len) {
  std::string out(max_len, '\0');
  std::copy(srcs[0].begin(), srcs[0].end(), out.begin());
  if (op == BitOp::kNot) {
    for (char& c : out) c = static_cast<char>(~c);
    return out;
  }
  for (size_t k = 1; k < srcs.size(); ++k) {
    std::string_view src = srcs[k];
    size_t n = src.size();
    switch (op) {
      case BitOp::kAnd:
        for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>(out[i] & src[i]);
        std::fill(out.begin() + static_cast<ptrdiff_t>(n), out.end(), '\0');
        break;
      case BitOp::kOr:
        for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>(out[i] | src[i]);
        break;
      case BitOp::kXor:
        for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>(out[i] ^ src[i]);
        break;
      case BitOp::kNot:
        break;
    }
  }
  return out;
}

// BITOP AND|OR|XOR|NOT destkey key [key ...]: replies the length of the result; an empty
// result deletes destkey.
void CmdBitOp(CommandContext& ctx, ArgList args) {
  BitOp op;
  std::string_view name = args[1];
  if (EqualsIgnoreCase(name, "and")) {
    op = BitOp::kAnd;
  } else if (EqualsIgnoreCase(name, "or")) {
    op = BitOp::kOr;
  } else if (EqualsIgnoreCase(name, "xor")) {
    op = BitOp::kXor;
  } else if (EqualsIgnoreCase(name, "not")) {
    op = BitOp::kNot;
  } else {
    return ctx.rb.Error(resp::kSyntaxErr);
  }
  if (op == BitOp::kNot && args.size() != 4) return ctx.rb.Error(kBitOpNotErr);
  std::vector<std::string_view> srcs;
  srcs.reserve(args.size() - 3);
  size_t max_len = 0;
  for (size_t i = 3; i < args.size(); ++i) {
    bool wrong;
    Entry* e = FindTyped(ctx, args[i], ValueType::kString, &wrong);
    if (wrong) return;
    srcs.push_back(e != nullptr ? e->value.str() : std::string_view());
    max_len = std::max(max_len, srcs.back().size());
  }
  std::string_view dest = args[2];
  DbTable& db = ctx.Db(dest);
  if (max_len == 0) {
    if (db.Erase(dest)) ctx.MarkDirty();
  } else {
    Value result(ApplyBitOp(op, srcs, max_len));  // computed before dest (maybe a source) changes
    db.Upsert(dest, std::move(result));
    ctx.MarkDirty();
  }
  ctx.rb.Integer(static_cast<int64_t>(max_len));
}

}  // namespace

void RegisterBitmapFamily(CommandRegistry& r) {
  r.Add({"setbit", 4, kWrite | kDenyOom, 1, 1, 1, CmdSetBit});
  r.Add({"getbit", 3, kReadOnly | kFast, 1, 1, 1, CmdGetBit});
  r.Add({"bitcount", -2, kReadOnly, 1, 1, 1, CmdBitCount});
  r.Add({"bitpos", -3, kReadOnly, 1, 1, 1, CmdBitPos});
  r.Add({"bitop", -4, kWrite | kDenyOom, 2, -1, 1, CmdBitOp});
  RegisterBitfieldCommands(r);
}

}  // namespace kv
