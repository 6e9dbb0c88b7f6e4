// String commands that work on a part of the value or on its number: APPEND, STRLEN, GETRANGE
// (SUBSTR), SETRANGE and INCRBYFLOAT (Redis t_string.c). Registered by RegisterStringFamily.

#include <cmath>
#include <string>

#include "server/commands/arg_parsing.h"
#include "server/commands/command_registry.h"

namespace kv {
namespace {

// Redis's checkStringLength: a string may not grow past proto-max-bulk-len.
bool CheckStringLengthOrReply(CommandContext& ctx, int64_t size, int64_t append) {
  int64_t limit = ctx.server.config.GetInt("proto-max-bulk-len");
  // Both are non-negative and below 2^62 in practice; compare without overflowing anyway.
  if (size > limit || append > limit - size) {
    ctx.rb.Error(resp::kStringTooLongErr);
    return false;
  }
  return true;
}

void CmdAppend(CommandContext& ctx, ArgList args) {
  std::string_view key = args[1];
  DbTable& db = ctx.Db(key);
  Entry* e = db.Find(key, ctx.now_ms);
  if (e == nullptr) {
    e = db.Upsert(key, Value(args[2]));
  } else {
    if (e->value.type() != ValueType::kString) return ctx.rb.Error(resp::kWrongTypeErr);
    std::string& s = e->value.MutableStr();  // appending makes it raw, as in Redis
    if (!CheckStringLengthOrReply(ctx, static_cast<int64_t>(s.size()),
                                  static_cast<int64_t>(args[2].size()))) {
      return;
    }
    s.append(args[2]);
  }
  ctx.MarkDirty();
  ctx.rb.Integer(static_cast<int64_t>(e->value.str().size()));
}

void CmdStrLen(CommandContext& ctx, ArgList args) {
  bool wrong;
  Entry* e = FindTyped(ctx, args[1], ValueType::kString, &wrong);
  if (wrong) return;
  ctx.rb.Integer(e == nullptr ? 0 : static_cast<int64_t>(e->value.str().size()));
}

// GETRANGE key start end (and its old name SUBSTR): inclusive, negative indexes count from the
// end, clamped to the string; the numbers are checked before the key, as in Redis.
void CmdGetRange(CommandContext& ctx, ArgList args) {
  auto start = ParseIntOrReply(ctx, args[2]);
  if (!start) return;
  auto end = ParseIntOrReply(ctx, args[3]);
  if (!end) return;
  bool wrong;
  Entry* e = FindTyped(ctx, args[1], ValueType::kString, &wrong);
  if (wrong) return;
  if (e == nullptr) return ctx.rb.Bulk("");
  std::string_view s = e->value.str();
  int64_t len = static_cast<int64_t>(s.size());
  int64_t from = *start, to = *end;
  if (from < 0 && to < 0 && from > to) return ctx.rb.Bulk("");
  if (from < 0) from += len;
  if (to < 0) to += len;
  if (from < 0) from = 0;
  if (to < 0) to = 0;
  if (to >= len) to = len - 1;
  if (from > to || len == 0) return ctx.rb.Bulk("");
  ctx.rb.Bulk(s.substr(static_cast<size_t>(from), static_cast<size_t>(to - from + 1)));
}

// SETRANGE key offset value: overwrites from `offset`, zero-padding a shorter string.
void CmdSetRange(CommandContext& ctx, ArgList args) {
  auto offset = ParseIntOrReply(ctx, args[2]);
  if (!offset) return;
  if (*offset < 0) return ctx.rb.Error(resp::kOffsetOutOfRangeErr);
  std::string_view key = args[1], value = args[3];
  DbTable& db = ctx.Db(key);
  Entry* e = db.Find(key, ctx.now_ms);
  if (e == nullptr) {
    if (value.empty()) return ctx.rb.Integer(0);  // nothing to set on a missing key
    if (!CheckStringLengthOrReply(ctx, *offset, static_cast<int64_t>(value.size()))) return;
    e = db.Upsert(key, Value());
  } else {
    if (e->value.type() != ValueType::kString) return ctx.rb.Error(resp::kWrongTypeErr);
    if (value.empty()) return ctx.rb.Integer(static_cast<int64_t>(e->value.str().size()));
    if (!CheckStringLengthOrReply(ctx, *offset, static_cast<int64_t>(value.size()))) return;
  }
  std::string& s = e->value.MutableStr();
  size_t off = static_cast<size_t>(*offset);
  if (s.size() < off + value.size()) s.resize(off + value.size(), '\0');
  s.replace(off, value.size(), value);
  ctx.MarkDirty();
  ctx.rb.Integer(static_cast<int64_t>(s.size()));
}

// INCRBYFLOAT key increment: long double arithmetic and Redis's human formatting. Logged as
// SET key <result> KEEPTTL so a replay does not depend on the platform's long double rounding.
void CmdIncrByFloat(CommandContext& ctx, ArgList args) {
  std::string_view key = args[1];
  bool wrong;
  Entry* e = FindTyped(ctx, key, ValueType::kString, &wrong);
  if (wrong) return;
  long double value = 0;
  if (e != nullptr) {
    auto v = ParseLongDouble(e->value.str());
    if (!v) return ctx.rb.Error(resp::kNotFloatErr);
    value = *v;
  }
  auto incr = ParseLongDouble(args[2]);
  if (!incr) return ctx.rb.Error(resp::kNotFloatErr);
  value += *incr;
  if (std::isnan(value) || std::isinf(value)) return ctx.rb.Error(resp::kNanErr);
  std::string result = FormatLongDoubleHuman(value);
  if (e != nullptr) {
    e->value.SetStr(result);  // keeps the deadline, as Redis's dbReplaceValue
  } else {
    ctx.Db(key).Upsert(key, Value(result));
  }
  ctx.MarkDirty();
  ctx.Propagate({"SET", key, result, "KEEPTTL"});
  ctx.rb.Bulk(result);
}

}  // namespace

void RegisterStringRangeCommands(CommandRegistry& r) {
  r.Add({"append", 3, kWrite | kDenyOom | kFast, 1, 1, 1, CmdAppend});
  r.Add({"strlen", 2, kReadOnly | kFast, 1, 1, 1, CmdStrLen});
  r.Add({"getrange", 4, kReadOnly, 1, 1, 1, CmdGetRange});
  r.Add({"substr", 4, kReadOnly, 1, 1, 1, CmdGetRange});
  r.Add({"setrange", 4, kWrite | kDenyOom, 1, 1, 1, CmdSetRange});
  r.Add({"incrbyfloat", 3, kWrite | kDenyOom | kFast, 1, 1, 1, CmdIncrByFloat});
}

}  // namespace kv
