// Key deadlines (Redis expire.c): EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT with NX/XX/GT/LT, TTL,
// PTTL, EXPIRETIME, PEXPIRETIME and PERSIST. Deadlines are absolute Unix milliseconds, and every
// change is logged as PEXPIREAT (or DEL when the deadline is already past) so that replaying the
// AOF later gives the same deadlines.

#include <limits>
#include <string>
#include <vector>

#include "server/commands/arg_parsing.h"
#include "server/commands/command_registry.h"

namespace kv {
namespace {

enum ExpireCondition : uint32_t { kNx = 1, kXx = 2, kGt = 4, kLt = 8 };

// Redis's parseExtendedExpireArgumentsOrReply.
bool ParseExpireConditionsOrReply(CommandContext& ctx, ArgList args, uint32_t* flags) {
  for (size_t i = 3; i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "NX")) {
      *flags |= kNx;
    } else if (EqualsIgnoreCase(args[i], "XX")) {
      *flags |= kXx;
    } else if (EqualsIgnoreCase(args[i], "GT")) {
      *flags |= kGt;
    } else if (EqualsIgnoreCase(args[i], "LT")) {
      *flags |= kLt;
    } else {
      ctx.rb.Error("ERR Unsupported option " + std::string(args[i]));
      return false;
    }
  }
  if ((*flags & kNx) && (*flags & (kXx | kGt | kLt))) {
    ctx.rb.Error(resp::kExpireNxConflictErr);
    return false;
  }
  if ((*flags & kGt) && (*flags & kLt)) {
    ctx.rb.Error(resp::kExpireGtLtConflictErr);
    return false;
  }
  return true;
}

// Redis's expireGenericCommand. `base_ms` is now for relative forms and 0 for absolute ones.
void ExpireGeneric(CommandContext& ctx, ArgList args, std::string_view cmd, int64_t base_ms,
                   bool seconds) {
  uint32_t flags = 0;
  if (!ParseExpireConditionsOrReply(ctx, args, &flags)) return;
  auto when = ParseIntOrReply(ctx, args[2]);
  if (!when) return;
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  auto invalid = [&] {
    ctx.rb.Error("ERR invalid expire time in '" + std::string(cmd) + "' command");
  };
  int64_t at = *when;
  if (seconds) {
    if (at > kMax / 1000 || at < kMin / 1000) return invalid();
    at *= 1000;
  }
  if (at > kMax - base_ms) return invalid();
  at += base_ms;

  std::string_view key = args[1];
  DbTable& db = ctx.Db(key);
  Entry* e = db.Find(key, ctx.now_ms);
  if (e == nullptr) return ctx.rb.Integer(0);
  // A key without a deadline counts as an infinite TTL for GT and LT.
  const int64_t current = e->expire_at_ms;
  if ((flags & kNx) && current != 0) return ctx.rb.Integer(0);
  if ((flags & kXx) && current == 0) return ctx.rb.Integer(0);
  if ((flags & kGt) && (current == 0 || at <= current)) return ctx.rb.Integer(0);
  if ((flags & kLt) && current != 0 && at >= current) return ctx.rb.Integer(0);

  ctx.MarkDirty();
  // While the AOF loads, a past deadline is set rather than applied, as in Redis.
  if (at <= ctx.now_ms && !ctx.server.loading.load(std::memory_order_relaxed)) {
    db.Erase(key);
    ctx.Propagate({"DEL", key});
    return ctx.rb.Integer(1);
  }
  db.SetExpire(e, at);
  ctx.rb.Integer(1);
  if (cmd != "pexpireat") {
    std::vector<std::string> argv{"PEXPIREAT", std::string(key), std::to_string(at)};
    for (size_t i = 3; i < args.size(); ++i) argv.emplace_back(args[i]);
    ctx.Propagate(std::move(argv));
  }
}

void CmdExpire(CommandContext& ctx, ArgList args) {
  ExpireGeneric(ctx, args, "expire", ctx.now_ms, true);
}
void CmdPExpire(CommandContext& ctx, ArgList args) {
  ExpireGeneric(ctx, args, "pexpire", ctx.now_ms, false);
}
void CmdExpireAt(CommandContext& ctx, ArgList args) {
  ExpireGeneric(ctx, args, "expireat", 0, true);
}
void CmdPExpireAt(CommandContext& ctx, ArgList args) {
  ExpireGeneric(ctx, args, "pexpireat", 0, false);
}

// TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 for a missing key, -1 without a deadline; seconds are
// rounded to the nearest, as Redis does.
void TtlGeneric(CommandContext& ctx, ArgList args, bool ms, bool absolute) {
  Entry* e = ctx.Db(args[1]).Find(args[1], ctx.now_ms);
  if (e == nullptr) return ctx.rb.Integer(-2);
  if (e->expire_at_ms == 0) return ctx.rb.Integer(-1);
  int64_t ttl = absolute ? e->expire_at_ms : e->expire_at_ms - ctx.now_ms;
  if (ttl < 0) ttl = 0;
  ctx.rb.Integer(ms ? ttl : (ttl + 500) / 1000);
}
void CmdTtl(CommandContext& ctx, ArgList args) { TtlGeneric(ctx, args, false, false); }
void CmdPTtl(CommandContext& ctx, ArgList args) { TtlGeneric(ctx, args, true, false); }
void CmdExpireTime(CommandContext& ctx, ArgList args) { TtlGeneric(ctx, args, false, true); }
void CmdPExpireTime(CommandContext& ctx, ArgList args) { TtlGeneric(ctx, args, true, true); }

void CmdPersist(CommandContext& ctx, ArgList args) {
  DbTable& db = ctx.Db(args[1]);
  Entry* e = db.Find(args[1], ctx.now_ms);
  if (e == nullptr || e->expire_at_ms == 0) return ctx.rb.Integer(0);
  db.SetExpire(e, 0);
  ctx.MarkDirty();
  ctx.rb.Integer(1);
}

}  // namespace

void RegisterGenericExpireCommands(CommandRegistry& r) {
  r.Add({"expire", -3, kWrite | kFast, 1, 1, 1, CmdExpire});
  r.Add({"pexpire", -3, kWrite | kFast, 1, 1, 1, CmdPExpire});
  r.Add({"expireat", -3, kWrite | kFast, 1, 1, 1, CmdExpireAt});
  r.Add({"pexpireat", -3, kWrite | kFast, 1, 1, 1, CmdPExpireAt});
  r.Add({"ttl", 2, kReadOnly | kFast, 1, 1, 1, CmdTtl});
  r.Add({"pttl", 2, kReadOnly | kFast, 1, 1, 1, CmdPTtl});
  r.Add({"expiretime", 2, kReadOnly | kFast, 1, 1, 1, CmdExpireTime});
  r.Add({"pexpiretime", 2, kReadOnly | kFast, 1, 1, 1, CmdPExpireTime});
  r.Add({"persist", 2, kWrite | kFast, 1, 1, 1, CmdPersist});
}

}  // namespace kv
