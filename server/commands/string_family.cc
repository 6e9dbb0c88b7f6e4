// String commands (Redis t_string.c): GET/SET and their variants, counters, MGET/MSET.
// APPEND, STRLEN, GETRANGE, SETRANGE and INCRBYFLOAT live in string_range.cc.

#include <limits>
#include <string>
#include <vector>

#include "server/commands/arg_parsing.h"
#include "server/commands/command_registry.h"

namespace kv {

void RegisterStringRangeCommands(CommandRegistry& r);  // string_range.cc
void RegisterStringLcsCommand(CommandRegistry& r);     // string_lcs.cc

namespace {

constexpr int64_t kMaxInt64 = std::numeric_limits<int64_t>::max();

// The options shared by SET and GETEX, parsed as Redis's parseExtendedStringArgumentsOrReply:
// first the keywords (a syntax error wins over a bad number), then the expire value.
enum ExpireFlag : uint32_t {
  kNx = 1 << 0,
  kXx = 1 << 1,
  kGet = 1 << 2,
  kKeepTtl = 1 << 3,
  kPersist = 1 << 4,
  kEx = 1 << 5,
  kPx = 1 << 6,
  kExAt = 1 << 7,
  kPxAt = 1 << 8,
};
constexpr uint32_t kAnyExpire = kEx | kPx | kExAt | kPxAt;

struct StringOptions {
  uint32_t flags = 0;
  std::string_view expire;  // the number after EX/PX/EXAT/PXAT
  bool has(uint32_t f) const { return (flags & f) != 0; }
};

// `for_set` selects SET's keywords (NX XX GET KEEPTTL); otherwise GETEX's (PERSIST). Like Redis,
// a repeated expire keyword of the same kind is accepted and the last one wins.
bool ParseStringOptions(CommandContext& ctx, ArgList args, size_t first, bool for_set,
                        StringOptions* opt) {
  for (size_t i = first; i < args.size(); ++i) {
    std::string_view a = args[i];
    bool more = i + 1 < args.size();
    uint32_t f = opt->flags;
    auto expire_ok = [&](uint32_t self) {
      return !(f & (kKeepTtl | kPersist)) && !(f & (kAnyExpire & ~self)) && more;
    };
    if (for_set && EqualsIgnoreCase(a, "NX") && !(f & kXx)) {
      opt->flags |= kNx;
    } else if (for_set && EqualsIgnoreCase(a, "XX") && !(f & kNx)) {
      opt->flags |= kXx;
    } else if (for_set && EqualsIgnoreCase(a, "GET")) {
      opt->flags |= kGet;
    } else if (for_set && EqualsIgnoreCase(a, "KEEPTTL") && !(f & (kPersist | kAnyExpire))) {
      opt->flags |= kKeepTtl;
    } else if (!for_set && EqualsIgnoreCase(a, "PERSIST") && !(f & (kKeepTtl | kAnyExpire))) {
      opt->flags |= kPersist;
    } else if (EqualsIgnoreCase(a, "EX") && expire_ok(kEx)) {
      opt->flags |= kEx;
      opt->expire = args[++i];
    } else if (EqualsIgnoreCase(a, "PX") && expire_ok(kPx)) {
      opt->flags |= kPx;
      opt->expire = args[++i];
    } else if (EqualsIgnoreCase(a, "EXAT") && expire_ok(kExAt)) {
      opt->flags |= kExAt;
      opt->expire = args[++i];
    } else if (EqualsIgnoreCase(a, "PXAT") && expire_ok(kPxAt)) {
      opt->flags |= kPxAt;
      opt->expire = args[++i];
    } else {
      ctx.rb.Error(resp::kSyntaxErr);
      return false;
    }
  }
  return true;
}

std::string InvalidExpireError(std::string_view cmd) {
  return "ERR invalid expire time in '" + std::string(cmd) + "' command";
}

// Redis's getExpireMillisecondsOrReply: `value` in seconds or ms, relative or absolute, to an
// absolute Unix-ms deadline. Replies and returns nullopt on a bad number or an overflow.
std::optional<int64_t> ExpireDeadlineOrReply(CommandContext& ctx, std::string_view cmd,
                                             std::string_view value, bool seconds, bool relative) {
  auto v = ParseIntOrReply(ctx, value);
  if (!v) return std::nullopt;
  if (*v <= 0 || (seconds && *v > kMaxInt64 / 1000)) {
    ctx.rb.Error(InvalidExpireError(cmd));
    return std::nullopt;
  }
  int64_t ms = seconds ? *v * 1000 : *v;
  if (relative) {
    if (ms > kMaxInt64 - ctx.now_ms) {
      ctx.rb.Error(InvalidExpireError(cmd));
      return std::nullopt;
    }
    ms += ctx.now_ms;
  }
  return ms;
}

std::optional<int64_t> DeadlineFromOptions(CommandContext& ctx, std::string_view cmd,
                                           const StringOptions& opt) {
  return ExpireDeadlineOrReply(ctx, cmd, opt.expire, opt.has(kEx | kExAt), opt.has(kEx | kPx));
}

// Stores a string under `key`: with `keep_ttl` the deadline stays, otherwise it becomes
// `expire_at_ms` (0 = none). The existing entry (and a heap buffer) is reused when the key exists.
void StoreString(CommandContext& ctx, std::string_view key, std::string_view value, bool keep_ttl,
                 int64_t expire_at_ms) {
  DbTable& db = ctx.Db(key);
  Entry* e = db.Find(key, ctx.now_ms);
  if (e != nullptr) {
    e->value.SetStr(value);
  } else {
    e = db.Upsert(key, Value(value));
  }
  if (!keep_ttl) db.SetExpire(e, expire_at_ms);
}

// The AOF form of a string write with a deadline: SET key value PXAT <absolute ms>.
void PropagateSetPxAt(CommandContext& ctx, std::string_view key, std::string_view value,
                      int64_t at_ms) {
  std::string at = std::to_string(at_ms);
  ctx.Propagate({"SET", key, value, "PXAT", at});
}

// SET's core (Redis setGenericCommand), shared by SET, SETNX, SETEX and PSETEX.
void SetGeneric(CommandContext& ctx, std::string_view key, std::string_view value,
                const StringOptions& opt, int64_t expire_at_ms) {
  DbTable& db = ctx.Db(key);
  Entry* e = db.Find(key, ctx.now_ms);
  if (opt.has(kGet) && e != nullptr && e->value.type() != ValueType::kString) {
    return ctx.rb.Error(resp::kWrongTypeErr);
  }
  bool exists = e != nullptr;
  if ((opt.has(kNx) && exists) || (opt.has(kXx) && !exists)) {
    if (opt.has(kGet) && exists) return ctx.rb.Bulk(e->value.str());
    return ctx.rb.NullBulk();
  }
  if (opt.has(kGet)) {
    exists ? ctx.rb.Bulk(e->value.str()) : ctx.rb.NullBulk();
  }
  StoreString(ctx, key, value, opt.has(kKeepTtl), expire_at_ms);
  ctx.MarkDirty();
  if (expire_at_ms != 0) {
    // Relative expiries are logged as absolute so a replay days later gives the same keyspace.
    PropagateSetPxAt(ctx, key, value, expire_at_ms);
  } else if (opt.has(kKeepTtl)) {
    ctx.Propagate({"SET", key, value, "KEEPTTL"});
  } else if (opt.flags != 0) {
    ctx.Propagate({"SET", key, value});  // NX/XX/GET decided here; the replay must not re-decide
  }  // else the command as sent is logged: no copy on the hot path
  if (!opt.has(kGet)) ctx.rb.Ok();
}

void CmdGet(CommandContext& ctx, ArgList args) {
  DbTable& db = ctx.Db(args[1]);
  Entry* e = db.Find(args[1], ctx.now_ms);
  if (e == nullptr) {
    ++db.misses;
    return ctx.rb.NullBulk();
  }
  if (e->value.type() != ValueType::kString) return ctx.rb.Error(resp::kWrongTypeErr);
  ++db.hits;
  ctx.rb.Bulk(e->value.str());
}

// SET key value [NX|XX] [GET] [EX s|PX ms|EXAT s|PXAT ms|KEEPTTL]
void CmdSet(CommandContext& ctx, ArgList args) {
  StringOptions opt;
  if (!ParseStringOptions(ctx, args, 3, /*for_set=*/true, &opt)) return;
  int64_t at = 0;
  if (opt.has(kAnyExpire)) {
    auto d = DeadlineFromOptions(ctx, "set", opt);
    if (!d) return;
    at = *d;
  }
  SetGeneric(ctx, args[1], args[2], opt, at);
}

void CmdSetNx(CommandContext& ctx, ArgList args) {
  DbTable& db = ctx.Db(args[1]);
  if (db.Find(args[1], ctx.now_ms) != nullptr) return ctx.rb.Integer(0);
  db.Upsert(args[1], Value(args[2]));
  ctx.MarkDirty();
  ctx.rb.Integer(1);
}

// SETEX key seconds value / PSETEX key ms value
void SetEx(CommandContext& ctx, ArgList args, std::string_view cmd, bool seconds) {
  auto at = ExpireDeadlineOrReply(ctx, cmd, args[2], seconds, /*relative=*/true);
  if (!at) return;
  SetGeneric(ctx, args[1], args[3], StringOptions{}, *at);
}
void CmdSetEx(CommandContext& ctx, ArgList args) { SetEx(ctx, args, "setex", true); }
void CmdPSetEx(CommandContext& ctx, ArgList args) { SetEx(ctx, args, "psetex", false); }

void CmdGetSet(CommandContext& ctx, ArgList args) {
  bool wrong;
  Entry* e = FindTyped(ctx, args[1], ValueType::kString, &wrong);
  if (wrong) return;
  e != nullptr ? ctx.rb.Bulk(e->value.str()) : ctx.rb.NullBulk();
  StoreString(ctx, args[1], args[2], /*keep_ttl=*/false, 0);
  ctx.MarkDirty();
  ctx.Propagate({"SET", args[1], args[2]});
}

void CmdGetDel(CommandContext& ctx, ArgList args) {
  bool wrong;
  Entry* e = FindTyped(ctx, args[1], ValueType::kString, &wrong);
  if (wrong) return;
  if (e == nullptr) return ctx.rb.NullBulk();
  ctx.rb.Bulk(e->value.str());
  ctx.Db(args[1]).Erase(args[1]);
  ctx.MarkDirty();
  ctx.Propagate({"DEL", args[1]});
}

// GETEX key [EX s|PX ms|EXAT s|PXAT ms|PERSIST]
void CmdGetEx(CommandContext& ctx, ArgList args) {
  StringOptions opt;
  if (!ParseStringOptions(ctx, args, 2, /*for_set=*/false, &opt)) return;
  std::string_view key = args[1];
  bool wrong;
  Entry* e = FindTyped(ctx, key, ValueType::kString, &wrong);
  if (wrong) return;
  if (e == nullptr) return ctx.rb.NullBulk();
  int64_t at = 0;
  if (opt.has(kAnyExpire)) {
    auto d = DeadlineFromOptions(ctx, "getex", opt);
    if (!d) return;
    at = *d;
  }
  ctx.rb.Bulk(e->value.str());
  DbTable& db = ctx.Db(key);
  if (opt.has(kExAt | kPxAt) && at <= ctx.now_ms && !ctx.server.loading.load()) {
    db.Erase(key);
    ctx.MarkDirty();
    ctx.Propagate({"DEL", key});
  } else if (at != 0) {
    db.SetExpire(e, at);
    ctx.MarkDirty();
    std::string at_str = std::to_string(at);
    ctx.Propagate({"PEXPIREAT", key, at_str});
  } else if (opt.has(kPersist) && e->expire_at_ms != 0) {
    db.SetExpire(e, 0);
    ctx.MarkDirty();
    ctx.Propagate({"PERSIST", key});
  }
}

// INCR / DECR / INCRBY / DECRBY share this.
void IncrBy(CommandContext& ctx, std::string_view key, int64_t delta) {
  DbTable& db = ctx.Db(key);
  auto [e, inserted] = db.FindOrInsert(key, ctx.now_ms);
  int64_t current = 0;
  if (!inserted) {
    if (e->value.type() != ValueType::kString) return ctx.rb.Error(resp::kWrongTypeErr);
    auto v = ParseInt64(e->value.str());
    if (!v) return ctx.rb.Error(resp::kNotIntegerErr);
    current = *v;
  }
  if ((delta < 0 && current < 0 && delta < std::numeric_limits<int64_t>::min() - current) ||
      (delta > 0 && current > 0 && delta > kMaxInt64 - current)) {
    if (inserted) db.Erase(key);
    return ctx.rb.Error(resp::kOverflowErr);
  }
  current += delta;
  e->value.SetStr(std::to_string(current));
  ctx.MarkDirty();
  ctx.rb.Integer(current);
}

void CmdIncr(CommandContext& ctx, ArgList args) { IncrBy(ctx, args[1], 1); }
void CmdDecr(CommandContext& ctx, ArgList args) { IncrBy(ctx, args[1], -1); }
void CmdIncrBy(CommandContext& ctx, ArgList args) {
  if (auto d = ParseIntOrReply(ctx, args[2])) IncrBy(ctx, args[1], *d);
}
void CmdDecrBy(CommandContext& ctx, ArgList args) {
  auto d = ParseIntOrReply(ctx, args[2]);
  if (!d) return;
  if (*d == std::numeric_limits<int64_t>::min()) {
    return ctx.rb.Error(resp::kDecrementOverflowErr);
  }
  IncrBy(ctx, args[1], -*d);
}

void CmdMGet(CommandContext& ctx, ArgList args) {
  ctx.rb.ArrayHeader(args.size() - 1);
  for (size_t i = 1; i < args.size(); ++i) {
    DbTable& db = ctx.Db(args[i]);
    Entry* e = db.Find(args[i], ctx.now_ms);
    if (e == nullptr || e->value.type() != ValueType::kString) {
      ++db.misses;
      ctx.rb.NullBulk();
    } else {
      ++db.hits;
      ctx.rb.Bulk(e->value.str());
    }
  }
}

void CmdMSet(CommandContext& ctx, ArgList args) {
  if (args.size() % 2 == 0) return ctx.rb.Error(resp::WrongNumArgsError("mset"));
  for (size_t i = 1; i + 1 < args.size(); i += 2) {
    ctx.Db(args[i]).Upsert(args[i], Value(args[i + 1]));
  }
  ctx.MarkDirty();
  ctx.rb.Ok();
}

// MSETNX sets all the keys or, when any of them exists, none.
void CmdMSetNx(CommandContext& ctx, ArgList args) {
  if (args.size() % 2 == 0) return ctx.rb.Error(resp::WrongNumArgsError("msetnx"));
  for (size_t i = 1; i + 1 < args.size(); i += 2) {
    if (ctx.Db(args[i]).Find(args[i], ctx.now_ms) != nullptr) return ctx.rb.Integer(0);
  }
  for (size_t i = 1; i + 1 < args.size(); i += 2) {
    ctx.Db(args[i]).Upsert(args[i], Value(args[i + 1]));
  }
  ctx.MarkDirty();
  ctx.rb.Integer(1);
}

}  // namespace

void RegisterStringFamily(CommandRegistry& r) {
  r.Add({"get", 2, kReadOnly | kFast, 1, 1, 1, CmdGet});
  r.Add({"set", -3, kWrite | kDenyOom, 1, 1, 1, CmdSet});
  r.Add({"setnx", 3, kWrite | kDenyOom | kFast, 1, 1, 1, CmdSetNx});
  r.Add({"setex", 4, kWrite | kDenyOom, 1, 1, 1, CmdSetEx});
  r.Add({"psetex", 4, kWrite | kDenyOom, 1, 1, 1, CmdPSetEx});
  r.Add({"getset", 3, kWrite | kDenyOom | kFast, 1, 1, 1, CmdGetSet});
  r.Add({"getdel", 2, kWrite | kFast, 1, 1, 1, CmdGetDel});
  r.Add({"getex", -2, kWrite | kFast, 1, 1, 1, CmdGetEx});
  r.Add({"incr", 2, kWrite | kDenyOom | kFast, 1, 1, 1, CmdIncr});
  r.Add({"decr", 2, kWrite | kDenyOom | kFast, 1, 1, 1, CmdDecr});
  r.Add({"incrby", 3, kWrite | kDenyOom | kFast, 1, 1, 1, CmdIncrBy});
  r.Add({"decrby", 3, kWrite | kDenyOom | kFast, 1, 1, 1, CmdDecrBy});
  r.Add({"mget", -2, kReadOnly | kFast, 1, -1, 1, CmdMGet});
  r.Add({"mset", -3, kWrite | kDenyOom, 1, -1, 2, CmdMSet});
  r.Add({"msetnx", -3, kWrite | kDenyOom, 1, -1, 2, CmdMSetNx});
  RegisterStringRangeCommands(r);
  RegisterStringLcsCommand(r);
}

}  // namespace kv
