// BITFIELD and BITFIELD_RO (Redis bitops.c): integers of 1..64 bits at any bit offset of a
// string. All operations are parsed before any runs, so a bad argument anywhere changes nothing;
// the string is then grown once to the farthest bit a write reaches.

#include <algorithm>
#include <string>
#include <vector>

#include "server/commands/bitmap_args.h"
#include "server/commands/bitops.h"
#include "server/commands/command_registry.h"

namespace kv {
namespace {

constexpr std::string_view kFieldTypeErr =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 "
    "is.";
constexpr std::string_view kOverflowTypeErr = "ERR Invalid OVERFLOW type specified";
constexpr std::string_view kReadOnlyGetOnlyErr = "ERR BITFIELD_RO only supports the GET subcommand";

enum class FieldOp : uint8_t { kGet, kSet, kIncrBy };

struct FieldSpec {
  FieldOp op;
  bool is_signed;
  int width;
  bits::Overflow overflow;
  uint64_t offset;
  int64_t arg;  // SET's value or INCRBY's increment
};

// "i<1..64>" or "u<1..63>": u64 would not fit a RESP integer.
bool ParseFieldTypeOrReply(CommandContext& ctx, std::string_view arg, bool* is_signed, int* width) {
  auto bits = arg.empty() ? std::nullopt : ParseInt64(arg.substr(1));
  bool ok = !arg.empty() && (arg[0] == 'i' || arg[0] == 'u') && bits && *bits >= 1 &&
            *bits <= (arg[0] == 'i' ? 64 : 63);
  if (!ok) {
    ctx.rb.Error(kFieldTypeErr);
    return false;
  }
  *is_signed = arg[0] == 'i';
  *width = static_cast<int>(*bits);
  return true;
}

// Parses the subcommands from args[2]; replies and returns false on the first bad one.
bool ParseFieldSpecsOrReply(CommandContext& ctx, ArgList args, std::vector<FieldSpec>* specs) {
  bits::Overflow overflow = bits::Overflow::kWrap;
  for (size_t j = 2; j < args.size(); ++j) {
    size_t rest = args.size() - j - 1;
    std::string_view sub = args[j];
    FieldOp op;
    if (EqualsIgnoreCase(sub, "get") && rest >= 2) {
      op = FieldOp::kGet;
    } else if (EqualsIgnoreCase(sub, "set") && rest >= 3) {
      op = FieldOp::kSet;
    } else if (EqualsIgnoreCase(sub, "incrby") && rest >= 3) {
      op = FieldOp::kIncrBy;
    } else if (EqualsIgnoreCase(sub, "overflow") && rest >= 1) {
      std::string_view kind = args[++j];
      if (EqualsIgnoreCase(kind, "wrap")) {
        overflow = bits::Overflow::kWrap;
      } else if (EqualsIgnoreCase(kind, "sat")) {
        overflow = bits::Overflow::kSat;
      } else if (EqualsIgnoreCase(kind, "fail")) {
        overflow = bits::Overflow::kFail;
      } else {
        ctx.rb.Error(kOverflowTypeErr);
        return false;
      }
      continue;
    } else {
      ctx.rb.Error(resp::kSyntaxErr);
      return false;
    }
    FieldSpec spec{op, false, 0, overflow, 0, 0};
    if (!ParseFieldTypeOrReply(ctx, args[j + 1], &spec.is_signed, &spec.width)) return false;
    auto offset = ParseBitOffsetOrReply(ctx, args[j + 2], spec.width);
    if (!offset) return false;
    spec.offset = *offset;
    if (op != FieldOp::kGet) {
      auto v = ParseIntOrReply(ctx, args[j + 3]);
      if (!v) return false;
      spec.arg = *v;
    }
    specs->push_back(spec);
    j += op == FieldOp::kGet ? 2 : 3;
  }
  return true;
}

// GET on a string that may be shorter than the field: reads through a zero-padded copy of the
// (at most 9) bytes the field spans.
int64_t ReadField(std::string_view s, const FieldSpec& f) {
  uint8_t buf[9] = {};
  uint64_t first = f.offset >> 3;
  for (uint64_t i = 0; i < 9 && first + i < s.size(); ++i) {
    buf[i] = static_cast<uint8_t>(s[first + i]);
  }
  uint64_t bit = f.offset & 7;
  return f.is_signed ? bits::GetSigned(buf, bit, f.width)
                     : static_cast<int64_t>(bits::GetUnsigned(buf, bit, f.width));
}

// SET or INCRBY on a string long enough for the field. Replies the old value (SET) or the new
// one (INCRBY), or a null when the overflow policy is FAIL and the result does not fit. Returns
// whether the field changed.
bool WriteField(CommandContext& ctx, std::string& s, const FieldSpec& f) {
  auto* p = reinterpret_cast<uint8_t*>(s.data());
  bool incr = f.op == FieldOp::kIncrBy;
  uint64_t old_bits = bits::GetUnsigned(p, f.offset, f.width);
  int64_t old_value = f.is_signed ? bits::GetSigned(p, f.offset, f.width)
                                  : static_cast<int64_t>(old_bits);
  bits::FieldResult r =
      f.is_signed
          ? bits::AddSigned(incr ? old_value : f.arg, incr ? f.arg : 0, f.width, f.overflow)
          : bits::AddUnsigned(incr ? old_bits : static_cast<uint64_t>(f.arg), incr ? f.arg : 0,
                              f.width, f.overflow);
  if (r.overflowed && f.overflow == bits::Overflow::kFail) {
    ctx.rb.NullBulk();
    return false;
  }
  ctx.rb.Integer(incr ? static_cast<int64_t>(r.value) : old_value);
  bits::SetUnsigned(p, f.offset, f.width, r.value);
  uint64_t mask = f.width == 64 ? ~uint64_t{0} : (uint64_t{1} << f.width) - 1;
  return (r.value & mask) != old_bits;
}

void BitfieldGeneric(CommandContext& ctx, ArgList args, bool read_only_command) {
  std::vector<FieldSpec> specs;
  if (!ParseFieldSpecsOrReply(ctx, args, &specs)) return;
  uint64_t max_bit = 0;
  bool writes = false;
  for (const FieldSpec& f : specs) {
    if (f.op == FieldOp::kGet) continue;
    writes = true;
    max_bit = std::max(max_bit, f.offset + static_cast<uint64_t>(f.width) - 1);
  }
  std::string_view key = args[1];
  if (!writes) {
    bool wrong;
    Entry* e = FindTyped(ctx, key, ValueType::kString, &wrong);
    if (wrong) return;
    std::string_view s = e != nullptr ? e->value.str() : std::string_view();
    ctx.rb.ArrayHeader(specs.size());
    for (const FieldSpec& f : specs) ctx.rb.Integer(ReadField(s, f));
    return;
  }
  if (read_only_command) return ctx.rb.Error(kReadOnlyGetOnlyErr);
  bool grown;
  std::string* s = StringForBitWriteOrReply(ctx, key, max_bit, &grown);
  if (s == nullptr) return;
  // Growing the string is a change even if every write then fails: the AOF must replay it.
  uint64_t changes = grown ? 1 : 0;
  ctx.rb.ArrayHeader(specs.size());
  for (const FieldSpec& f : specs) {
    if (f.op == FieldOp::kGet) {
      ctx.rb.Integer(ReadField(*s, f));
    } else if (WriteField(ctx, *s, f)) {
      ++changes;
    }
  }
  if (changes != 0) ctx.MarkDirty(changes);
}

// BITFIELD key [GET type offset] [SET type offset value] [INCRBY type offset increment]
//              [OVERFLOW WRAP|SAT|FAIL] ...
void CmdBitfield(CommandContext& ctx, ArgList args) { BitfieldGeneric(ctx, args, false); }
// BITFIELD_RO key [GET type offset ...]
void CmdBitfieldRo(CommandContext& ctx, ArgList args) { BitfieldGeneric(ctx, args, true); }

}  // namespace

void RegisterBitfieldCommands(CommandRegistry& r) {
  r.Add({"bitfield", -2, kWrite | kDenyOom, 1, 1, 1, CmdBitfield});
  r.Add({"bitfield_ro", -2, kReadOnly | kFast, 1, 1, 1, CmdBitfieldRo});
}

}  // namespace kv
