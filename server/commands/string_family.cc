// String commands (Redis t_string.c).

#include <limits>

#include "server/commands/arg_parsing.h"
#include "server/commands/command_registry.h"

namespace kv {
namespace {

// SET key value [NX|XX] [GET] [EX s|PX ms|EXAT s|PXAT ms|KEEPTTL]
struct SetOptions {
  bool nx = false, xx = false, get = false, keepttl = false;
  int64_t expire_at_ms = 0;  // absolute; 0 = none
};

// Parses the options from args[first..]; replies and returns false on error.
bool ParseSetOptions(CommandContext& ctx, ArgList args, size_t first, SetOptions* opt) {
  bool have_expire = false;
  for (size_t i = first; i < args.size(); ++i) {
    std::string_view a = args[i];
    bool more = i + 1 < args.size();
    if (EqualsIgnoreCase(a, "NX") && !opt->xx) {
      opt->nx = true;
    } else if (EqualsIgnoreCase(a, "XX") && !opt->nx) {
      opt->xx = true;
    } else if (EqualsIgnoreCase(a, "GET")) {
      opt->get = true;
    } else if (EqualsIgnoreCase(a, "KEEPTTL") && !have_expire) {
      opt->keepttl = true;
    } else if ((EqualsIgnoreCase(a, "EX") || EqualsIgnoreCase(a, "PX") ||
                EqualsIgnoreCase(a, "EXAT") || EqualsIgnoreCase(a, "PXAT")) &&
               !opt->keepttl && !have_expire && more) {
      auto v = ParseInt64(args[++i]);
      if (!v) {
        ctx.rb.Error(resp::kNotIntegerErr);
        return false;
      }
      bool seconds = EqualsIgnoreCase(a, "EX") || EqualsIgnoreCase(a, "EXAT");
      bool relative = EqualsIgnoreCase(a, "EX") || EqualsIgnoreCase(a, "PX");
      constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
      if (*v <= 0 || (seconds && *v > kMax / 1000)) {
        ctx.rb.Error("ERR invalid expire time in 'set' command");
        return false;
      }
      int64_t ms = seconds ? *v * 1000 : *v;
      if (relative && ms > kMax - ctx.now_ms) {
        ctx.rb.Error("ERR invalid expire time in 'set' command");
        return false;
      }
      opt->expire_at_ms = relative ? ctx.now_ms + ms : ms;
      have_expire = true;
    } else {
      ctx.rb.Error(resp::kSyntaxErr);
      return false;
    }
  }
  return true;
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

void CmdSet(CommandContext& ctx, ArgList args) {
  SetOptions opt;
  if (!ParseSetOptions(ctx, args, 3, &opt)) return;
  std::string_view key = args[1];
  DbTable& db = ctx.Db(key);
  Entry* e = db.Find(key, ctx.now_ms);
  if (opt.get && e != nullptr && e->value.type() != ValueType::kString) {
    return ctx.rb.Error(resp::kWrongTypeErr);
  }
  bool exists = e != nullptr;
  if ((opt.nx && exists) || (opt.xx && !exists)) {
    if (opt.get) {
      return exists ? ctx.rb.Bulk(e->value.str()) : ctx.rb.NullBulk();
    }
    return ctx.rb.NullBulk();
  }
  if (opt.get) {
    exists ? ctx.rb.Bulk(e->value.str()) : ctx.rb.NullBulk();
  }
  if (exists && opt.keepttl) {
    e->value = Value(std::string(args[2]));
  } else if (exists && e->value.type() == ValueType::kString && e->expire_at_ms == 0 &&
             opt.expire_at_ms == 0) {
    e->value.str().assign(args[2]);  // reuse the existing buffer
  } else {
    e = db.Upsert(key, Value(std::string(args[2])));
    if (opt.expire_at_ms != 0) db.SetExpire(key, e, opt.expire_at_ms);
  }
  ctx.MarkDirty();
  if (opt.expire_at_ms != 0) {
    // Relative expiries are logged as absolute so a replay days later gives the same keyspace.
    ctx.Propagate({"SET", key, args[2], "PXAT", std::to_string(opt.expire_at_ms)});
  } else if (opt.keepttl || opt.nx || opt.xx || opt.get) {
    ctx.Propagate(opt.keepttl ? std::vector<std::string>{"SET", std::string(key),
                                                          std::string(args[2]), "KEEPTTL"}
                              : std::vector<std::string>{"SET", std::string(key),
                                                          std::string(args[2])});
  }
  if (!opt.get) ctx.rb.Ok();
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
      (delta > 0 && current > 0 && delta > std::numeric_limits<int64_t>::max() - current)) {
    if (inserted) db.Erase(key);
    return ctx.rb.Error(resp::kOverflowErr);
  }
  current += delta;
  e->value = Value(std::to_string(current));
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
    return ctx.rb.Error("ERR decrement would overflow");
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
    ctx.Db(args[i]).Upsert(args[i], Value(std::string(args[i + 1])));
  }
  ctx.MarkDirty();
  ctx.rb.Ok();
}

}  // namespace

void RegisterStringFamily(CommandRegistry& r) {
  r.Add({"get", 2, kReadOnly | kFast, 1, 1, 1, CmdGet});
  r.Add({"set", -3, kWrite | kDenyOom, 1, 1, 1, CmdSet});
  r.Add({"incr", 2, kWrite | kDenyOom | kFast, 1, 1, 1, CmdIncr});
  r.Add({"decr", 2, kWrite | kDenyOom | kFast, 1, 1, 1, CmdDecr});
  r.Add({"incrby", 3, kWrite | kDenyOom | kFast, 1, 1, 1, CmdIncrBy});
  r.Add({"decrby", 3, kWrite | kDenyOom | kFast, 1, 1, 1, CmdDecrBy});
  r.Add({"mget", -2, kReadOnly | kFast, 1, -1, 1, CmdMGet});
  r.Add({"mset", -3, kWrite | kDenyOom, 1, -1, 2, CmdMSet});
}

}  // namespace kv
