// Hash commands (Redis t_hash.c). A hash that loses its last field is deleted, as in Redis.
//
// Field order: Redis answers HKEYS/HVALS/HGETALL of a small (listpack) hash in insertion order;
// this hash table answers in its own order. Redis documents no order, so clients must not rely on
// it.

#include <cmath>
#include <random>

#include "server/commands/arg_parsing.h"
#include "server/commands/command_registry.h"

namespace kv {
namespace {

// The hash at `key`, created empty when absent; nullptr after replying WRONGTYPE.
HashValue* HashForWrite(CommandContext& ctx, std::string_view key) {
  bool wrong = false;
  Entry* e = FindTyped(ctx, key, ValueType::kHash, &wrong);
  if (wrong) return nullptr;
  if (e == nullptr) e = ctx.Db(key).Upsert(key, Value::NewHash());
  return &e->value.hash();
}

void DeleteIfEmptyHash(CommandContext& ctx, std::string_view key, Entry* e) {
  if (e->value.hash().empty()) ctx.Db(key).Erase(key);
}

// HSET/HMSET key field value [field value ...]; returns the number of new fields.
bool HashSetPairs(CommandContext& ctx, ArgList args, int64_t* added) {
  if (args.size() % 2 != 0) {
    ctx.rb.Error(resp::WrongNumArgsError(ToLower(args[0])));
    return false;
  }
  HashValue* h = HashForWrite(ctx, args[1]);
  if (h == nullptr) return false;
  *added = 0;
  for (size_t i = 2; i < args.size(); i += 2) {
    auto [it, inserted] = h->try_emplace(std::string(args[i]), std::string(args[i + 1]));
    if (inserted) {
      ++*added;
    } else {
      it->second.assign(args[i + 1]);
    }
  }
  ctx.MarkDirty();
  return true;
}

void CmdHSet(CommandContext& ctx, ArgList args) {
  int64_t added = 0;
  if (HashSetPairs(ctx, args, &added)) ctx.rb.Integer(added);
}

void CmdHMSet(CommandContext& ctx, ArgList args) {
  int64_t added = 0;
  if (HashSetPairs(ctx, args, &added)) ctx.rb.Ok();
}

void CmdHSetNx(CommandContext& ctx, ArgList args) {
  HashValue* h = HashForWrite(ctx, args[1]);
  if (h == nullptr) return;
  auto [it, inserted] = h->try_emplace(std::string(args[2]), std::string(args[3]));
  if (inserted) ctx.MarkDirty();
  ctx.rb.Integer(inserted ? 1 : 0);
}

void CmdHGet(CommandContext& ctx, ArgList args) {
  bool wrong = false;
  Entry* e = FindTyped(ctx, args[1], ValueType::kHash, &wrong);
  if (wrong) return;
  if (e == nullptr) return ctx.rb.NullBulk();
  auto it = e->value.hash().find(args[2]);
  if (it == e->value.hash().end()) return ctx.rb.NullBulk();
  ctx.rb.Bulk(it->second);
}

void CmdHMGet(CommandContext& ctx, ArgList args) {
  bool wrong = false;
  Entry* e = FindTyped(ctx, args[1], ValueType::kHash, &wrong);
  if (wrong) return;
  ctx.rb.ArrayHeader(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) {
    if (e == nullptr) {
      ctx.rb.NullBulk();
      continue;
    }
    auto it = e->value.hash().find(args[i]);
    if (it == e->value.hash().end()) {
      ctx.rb.NullBulk();
    } else {
      ctx.rb.Bulk(it->second);
    }
  }
}

void CmdHDel(CommandContext& ctx, ArgList args) {
  bool wrong = false;
  Entry* e = FindTyped(ctx, args[1], ValueType::kHash, &wrong);
  if (wrong) return;
  if (e == nullptr) return ctx.rb.Integer(0);
  int64_t deleted = 0;
  HashValue& h = e->value.hash();
  for (size_t i = 2; i < args.size() && !h.empty(); ++i) {
    auto it = h.find(args[i]);
    if (it == h.end()) continue;
    h.erase(it);
    ++deleted;
  }
  if (deleted > 0) {
    DeleteIfEmptyHash(ctx, args[1], e);
    ctx.MarkDirty();
  }
  ctx.rb.Integer(deleted);
}

void CmdHLen(CommandContext& ctx, ArgList args) {
  bool wrong = false;
  Entry* e = FindTyped(ctx, args[1], ValueType::kHash, &wrong);
  if (wrong) return;
  ctx.rb.Integer(e == nullptr ? 0 : static_cast<int64_t>(e->value.hash().size()));
}

void CmdHExists(CommandContext& ctx, ArgList args) {
  bool wrong = false;
  Entry* e = FindTyped(ctx, args[1], ValueType::kHash, &wrong);
  if (wrong) return;
  ctx.rb.Integer(e != nullptr && e->value.hash().contains(args[2]) ? 1 : 0);
}

void CmdHStrLen(CommandContext& ctx, ArgList args) {
  bool wrong = false;
  Entry* e = FindTyped(ctx, args[1], ValueType::kHash, &wrong);
  if (wrong) return;
  if (e == nullptr) return ctx.rb.Integer(0);
  auto it = e->value.hash().find(args[2]);
  ctx.rb.Integer(it == e->value.hash().end() ? 0 : static_cast<int64_t>(it->second.size()));
}

enum class HashPart { kKeys, kValues, kBoth };

void HashGetAll(CommandContext& ctx, ArgList args, HashPart part) {
  bool wrong = false;
  Entry* e = FindTyped(ctx, args[1], ValueType::kHash, &wrong);
  if (wrong) return;
  size_t n = e == nullptr ? 0 : e->value.hash().size();
  if (part == HashPart::kBoth) {
    ctx.rb.MapHeader(n);
  } else {
    ctx.rb.ArrayHeader(n);
  }
  if (e == nullptr) return;
  for (const auto& [field, value] : e->value.hash()) {
    if (part != HashPart::kValues) ctx.rb.Bulk(field);
    if (part != HashPart::kKeys) ctx.rb.Bulk(value);
  }
}

void CmdHKeys(CommandContext& ctx, ArgList args) { HashGetAll(ctx, args, HashPart::kKeys); }
void CmdHVals(CommandContext& ctx, ArgList args) { HashGetAll(ctx, args, HashPart::kValues); }
void CmdHGetAll(CommandContext& ctx, ArgList args) { HashGetAll(ctx, args, HashPart::kBoth); }

void CmdHIncrBy(CommandContext& ctx, ArgList args) {
  auto incr = ParseIntOrReply(ctx, args[3]);
  if (!incr) return;
  HashValue* h = HashForWrite(ctx, args[1]);
  if (h == nullptr) return;
  int64_t cur = 0;
  auto it = h->find(args[2]);
  if (it != h->end()) {
    auto v = ParseInt64(it->second);
    if (!v) return ctx.rb.Error("ERR hash value is not an integer");
    cur = *v;
  }
  if ((*incr < 0 && cur < 0 && *incr < INT64_MIN - cur) ||
      (*incr > 0 && cur > 0 && *incr > INT64_MAX - cur)) {
    return ctx.rb.Error(resp::kOverflowErr);
  }
  cur += *incr;
  (*h)[args[2]] = std::to_string(cur);
  ctx.MarkDirty();
  ctx.rb.Integer(cur);
}

void CmdHIncrByFloat(CommandContext& ctx, ArgList args) {
  auto incr = ParseLongDouble(args[3]);
  if (!incr) return ctx.rb.Error(resp::kNotFloatErr);
  if (std::isnan(*incr) || std::isinf(*incr)) return ctx.rb.Error("ERR value is NaN or Infinity");
  HashValue* h = HashForWrite(ctx, args[1]);
  if (h == nullptr) return;
  long double cur = 0;
  auto it = h->find(args[2]);
  if (it != h->end()) {
    auto v = ParseLongDouble(it->second);
    if (!v) return ctx.rb.Error("ERR hash value is not a float");
    cur = *v;
  }
  cur += *incr;
  if (std::isnan(cur) || std::isinf(cur)) return ctx.rb.Error(resp::kNanErr);
  std::string out = FormatLongDoubleHuman(cur);
  (*h)[args[2]] = out;
  ctx.MarkDirty();
  // Logged as the resulting value: replaying the float sum could round differently.
  ctx.Propagate({"HSET", args[1], args[2], out});
  ctx.rb.Bulk(out);
}

// HRANDFIELD key [count [WITHVALUES]]
void CmdHRandField(CommandContext& ctx, ArgList args) {
  if (args.size() == 2) {
    bool wrong = false;
    Entry* e = FindTyped(ctx, args[1], ValueType::kHash, &wrong);
    if (wrong) return;
    if (e == nullptr) return ctx.rb.NullBulk();
    const HashValue& h = e->value.hash();
    std::minstd_rand rng(std::random_device{}());
    auto it = h.begin();
    std::advance(it, static_cast<ptrdiff_t>(rng() % h.size()));
    return ctx.rb.Bulk(it->first);
  }
  auto count = ParseIntOrReply(ctx, args[2]);
  if (!count) return;
  if (*count == INT64_MIN) {
    return ctx.rb.Error(
        "ERR value is out of range, value must between -9223372036854775807 and "
        "9223372036854775807");
  }
  bool with_values = false;
  if (args.size() == 4 && EqualsIgnoreCase(args[3], "withvalues")) {
    with_values = true;
  } else if (args.size() >= 4) {
    return ctx.rb.Error(resp::kSyntaxErr);
  }
  bool wrong = false;
  Entry* e = FindTyped(ctx, args[1], ValueType::kHash, &wrong);
  if (wrong) return;
  if (e == nullptr || *count == 0) return ctx.rb.ArrayHeader(0);
  const HashValue& h = e->value.hash();
  std::vector<const std::pair<const std::string, std::string>*> picked;
  std::minstd_rand rng(std::random_device{}());
  if (*count < 0) {
    // Negative: exactly -count fields, repetitions allowed.
    std::vector<const std::pair<const std::string, std::string>*> all;
    all.reserve(h.size());
    for (const auto& kv : h) all.push_back(&kv);
    uint64_t n = 0 - static_cast<uint64_t>(*count);
    picked.reserve(static_cast<size_t>(std::min<uint64_t>(n, 1 << 20)));
    for (uint64_t i = 0; i < n; ++i) picked.push_back(all[rng() % all.size()]);
  } else {
    for (const auto& kv : h) picked.push_back(&kv);
    if (static_cast<uint64_t>(*count) < picked.size()) {
      std::shuffle(picked.begin(), picked.end(), rng);
      picked.resize(static_cast<size_t>(*count));
    }
  }
  // RESP3 gives each field-value pair as a two-element array; RESP2 a flat list.
  bool nested = with_values && ctx.rb.resp3();
  ctx.rb.ArrayHeader(with_values && !nested ? picked.size() * 2 : picked.size());
  for (const auto* kv : picked) {
    if (nested) ctx.rb.ArrayHeader(2);
    ctx.rb.Bulk(kv->first);
    if (with_values) ctx.rb.Bulk(kv->second);
  }
}

}  // namespace

void RegisterHashScan(CommandRegistry& r);  // hash_scan.cc

void RegisterHashFamily(CommandRegistry& r) {
  r.Add({"hset", -4, kWrite | kDenyOom | kFast, 1, 1, 1, CmdHSet});
  r.Add({"hmset", -4, kWrite | kDenyOom | kFast, 1, 1, 1, CmdHMSet});
  r.Add({"hsetnx", 4, kWrite | kDenyOom | kFast, 1, 1, 1, CmdHSetNx});
  r.Add({"hget", 3, kReadOnly | kFast, 1, 1, 1, CmdHGet});
  r.Add({"hmget", -3, kReadOnly | kFast, 1, 1, 1, CmdHMGet});
  r.Add({"hdel", -3, kWrite | kFast, 1, 1, 1, CmdHDel});
  r.Add({"hlen", 2, kReadOnly | kFast, 1, 1, 1, CmdHLen});
  r.Add({"hexists", 3, kReadOnly | kFast, 1, 1, 1, CmdHExists});
  r.Add({"hstrlen", 3, kReadOnly | kFast, 1, 1, 1, CmdHStrLen});
  r.Add({"hkeys", 2, kReadOnly, 1, 1, 1, CmdHKeys});
  r.Add({"hvals", 2, kReadOnly, 1, 1, 1, CmdHVals});
  r.Add({"hgetall", 2, kReadOnly, 1, 1, 1, CmdHGetAll});
  r.Add({"hincrby", 4, kWrite | kDenyOom | kFast, 1, 1, 1, CmdHIncrBy});
  r.Add({"hincrbyfloat", 4, kWrite | kDenyOom | kFast, 1, 1, 1, CmdHIncrByFloat});
  r.Add({"hrandfield", -2, kReadOnly, 1, 1, 1, CmdHRandField});
  RegisterHashScan(r);
}

}  // namespace kv
