// Sorted set commands on members (Redis t_zset.c): ZADD, ZINCRBY, ZREM, ZSCORE, ZMSCORE, ZCARD,
// ZCOUNT, ZLEXCOUNT, ZRANK, ZREVRANK, ZPOPMIN, ZPOPMAX, ZSCAN. Ranges are in zset_range.cc, the
// multi-key algebra in zset_store.cc.
//
// AOF: every command here is deterministic given the keyspace, so each is logged as sent
// (ZPOPMIN key count pops the same members on replay; ties are ordered by member).

#include "server/commands/zset_family.h"

#include <algorithm>
#include <limits>
#include <random>
#include <string>

#include "server/commands/arg_parsing.h"
#include "server/commands/collection_scan.h"
#include "server/commands/mpop_args.h"
#include "server/resp/reply_builder.h"

namespace kv {

void ReplyZEntries(CommandContext& ctx, const std::vector<ZView>& items, bool withscores) {
  resp::ReplyBuilder& rb = ctx.rb;
  if (!withscores) {
    rb.ArrayHeader(items.size());
    for (const auto& [member, score] : items) rb.Bulk(member);
    return;
  }
  rb.ArrayHeader(rb.resp3() ? items.size() : items.size() * 2);
  for (const auto& [member, score] : items) {
    if (rb.resp3()) rb.ArrayHeader(2);
    rb.Bulk(member);
    rb.Double(score);
  }
}

void StoreZSet(CommandContext& ctx, std::string_view dst, ZSet result) {
  DbTable& db = ctx.Db(dst);
  size_t n = result.size();
  if (n == 0) {
    if (db.Erase(dst)) ctx.MarkDirty();
  } else {
    Entry* e = db.Upsert(dst, Value::NewZSet());
    e->value.zset() = std::move(result);
    ctx.MarkDirty();
  }
  ctx.rb.Integer(static_cast<int64_t>(n));
}

namespace {

// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...], and ZINCRBY key incr
// member (which Redis runs through the same parser with INCR set, so "ZINCRBY k nx m" is a
// syntax error there too).
void ZAddGeneric(CommandContext& ctx, ArgList args, bool incr_command) {
  ZAddOptions opt;
  opt.incr = incr_command;
  bool ch = false;
  size_t idx = 2;
  for (; idx < args.size(); ++idx) {
    std::string_view a = args[idx];
    if (EqualsIgnoreCase(a, "nx")) {
      opt.nx = true;
    } else if (EqualsIgnoreCase(a, "xx")) {
      opt.xx = true;
    } else if (EqualsIgnoreCase(a, "ch")) {
      ch = true;
    } else if (EqualsIgnoreCase(a, "incr")) {
      opt.incr = true;
    } else if (EqualsIgnoreCase(a, "gt")) {
      opt.gt = true;
    } else if (EqualsIgnoreCase(a, "lt")) {
      opt.lt = true;
    } else {
      break;
    }
  }
  size_t rest = args.size() - idx;
  if (rest == 0 || rest % 2 != 0) return ctx.rb.Error(resp::kSyntaxErr);
  size_t pairs = rest / 2;
  if (opt.nx && opt.xx) return ctx.rb.Error(resp::kZAddXxNxErr);
  if ((opt.gt && opt.nx) || (opt.lt && opt.nx) || (opt.gt && opt.lt)) {
    return ctx.rb.Error(resp::kZAddGtLtNxErr);
  }
  if (opt.incr && pairs > 1) return ctx.rb.Error(resp::kZAddIncrPairErr);
  // Every score is parsed before anything changes: the command applies fully or not at all.
  std::vector<double> scores(pairs);
  for (size_t j = 0; j < pairs; ++j) {
    auto s = ParseDoubleOrReply(ctx, args[idx + 2 * j]);
    if (!s) return;
    // -0 is stored as 0: Redis 7.0 keeps small sorted sets in a listpack, which stores "-0" as
    // the integer 0, so ZSCORE answers "0" there.
    scores[j] = *s == 0 ? 0.0 : *s;
  }

  std::string_view key = args[1];
  DbTable& db = ctx.Db(key);
  Entry* e = db.Find(key, ctx.now_ms);
  if (e != nullptr && e->value.type() != ValueType::kZSet) {
    return ctx.rb.Error(resp::kWrongTypeErr);
  }
  int64_t added = 0, updated = 0, processed = 0;
  double score = 0;
  if (e == nullptr && !opt.xx) e = db.Upsert(key, Value::NewZSet());
  if (e != nullptr) {
    ZSet& zs = e->value.zset();
    for (size_t j = 0; j < pairs; ++j) {
      ZAddResult res = zs.Add(args[idx + 2 * j + 1], scores[j], opt);
      if (res.nan) {
        // Only an increment can make NaN, so the key existed: nothing to clean up.
        ctx.MarkDirty(static_cast<uint64_t>(added + updated));
        return ctx.rb.Error(resp::kZNanErr);
      }
      added += res.added ? 1 : 0;
      updated += res.updated ? 1 : 0;
      if (!res.nop) {
        ++processed;
        score = res.new_score;
      }
    }
    if (zs.empty()) db.Erase(key);  // every pair was refused (NX/GT/LT on a new key)
  }
  ctx.MarkDirty(static_cast<uint64_t>(added + updated));
  if (opt.incr) return processed > 0 ? ctx.rb.Double(score) : ctx.rb.NullBulk();
  ctx.rb.Integer(ch ? added + updated : added);
}

void CmdZAdd(CommandContext& ctx, ArgList args) { ZAddGeneric(ctx, args, false); }
void CmdZIncrBy(CommandContext& ctx, ArgList args) { ZAddGeneric(ctx, args, true); }

// The sorted set under `key`, nullptr when absent; replies WRONGTYPE (and sets *wrong).
ZSet* FindZSet(CommandContext& ctx, std::string_view key, bool* wrong) {
  Entry* e = FindTyped(ctx, key, ValueType::kZSet, wrong);
  return e == nullptr ? nullptr : &e->value.zset();
}

void CmdZRem(CommandContext& ctx, ArgList args) {
  bool wrong = false;
  ZSet* zs = FindZSet(ctx, args[1], &wrong);
  if (wrong) return;
  if (zs == nullptr) return ctx.rb.Integer(0);
  int64_t removed = 0;
  for (size_t i = 2; i < args.size() && !zs->empty(); ++i) removed += zs->Remove(args[i]) ? 1 : 0;
  if (zs->empty()) ctx.Db(args[1]).Erase(args[1]);
  if (removed > 0) ctx.MarkDirty(static_cast<uint64_t>(removed));
  ctx.rb.Integer(removed);
}

void CmdZScore(CommandContext& ctx, ArgList args) {
  bool wrong = false;
  ZSet* zs = FindZSet(ctx, args[1], &wrong);
  if (wrong) return;
  std::optional<double> s = zs == nullptr ? std::nullopt : zs->Score(args[2]);
  s ? ctx.rb.Double(*s) : ctx.rb.NullBulk();
}

void CmdZMScore(CommandContext& ctx, ArgList args) {
  bool wrong = false;
  ZSet* zs = FindZSet(ctx, args[1], &wrong);
  if (wrong) return;
  ctx.rb.ArrayHeader(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) {
    std::optional<double> s = zs == nullptr ? std::nullopt : zs->Score(args[i]);
    s ? ctx.rb.Double(*s) : ctx.rb.NullBulk();
  }
}

void CmdZCard(CommandContext& ctx, ArgList args) {
  bool wrong = false;
  ZSet* zs = FindZSet(ctx, args[1], &wrong);
  if (wrong) return;
  ctx.rb.Integer(zs == nullptr ? 0 : static_cast<int64_t>(zs->size()));
}

// ZCOUNT key min max: the range is parsed before the key is looked at, as in Redis.
void CmdZCount(CommandContext& ctx, ArgList args) {
  auto range = ParseScoreRange(args[2], args[3]);
  if (!range.ok()) return ctx.rb.Error(range.error);
  bool wrong = false;
  ZSet* zs = FindZSet(ctx, args[1], &wrong);
  if (wrong) return;
  ctx.rb.Integer(zs == nullptr ? 0 : static_cast<int64_t>(zs->CountInScoreRange(*range)));
}

void CmdZLexCount(CommandContext& ctx, ArgList args) {
  auto range = ParseLexRange(args[2], args[3]);
  if (!range.ok()) return ctx.rb.Error(range.error);
  bool wrong = false;
  ZSet* zs = FindZSet(ctx, args[1], &wrong);
  if (wrong) return;
  ctx.rb.Integer(zs == nullptr ? 0 : static_cast<int64_t>(zs->CountInLexRange(*range)));
}

void RankGeneric(CommandContext& ctx, ArgList args, bool reverse) {
  bool wrong = false;
  ZSet* zs = FindZSet(ctx, args[1], &wrong);
  if (wrong) return;
  std::optional<size_t> rank = zs == nullptr ? std::nullopt : zs->Rank(args[2], reverse);
  rank ? ctx.rb.Integer(static_cast<int64_t>(*rank)) : ctx.rb.NullBulk();
}

void CmdZRank(CommandContext& ctx, ArgList args) { RankGeneric(ctx, args, false); }
void CmdZRevRank(CommandContext& ctx, ArgList args) { RankGeneric(ctx, args, true); }

// Pops up to `n` elements of the sorted set under `key` (deleting it when emptied) and replies
// them as [member, score] pairs when `nested`, else as one flat member, score, ... array.
void PopAndReply(CommandContext& ctx, std::string_view key, ZSet* zs, size_t n, bool max,
                 bool nested) {
  std::vector<ZEntry> popped = max ? zs->PopMax(n) : zs->PopMin(n);
  if (zs->empty()) ctx.Db(key).Erase(key);
  ctx.MarkDirty(popped.size());
  ctx.rb.ArrayHeader(nested ? popped.size() : popped.size() * 2);
  for (const ZEntry& z : popped) {
    if (nested) ctx.rb.ArrayHeader(2);
    ctx.rb.Bulk(z.member);
    ctx.rb.Double(z.score);
  }
}

// ZPOPMIN / ZPOPMAX key [count]. Replies a flat member, score array, except in RESP3 with a
// count, where it is an array of [member, score] pairs (Redis 7's use_nested_array).
void PopGeneric(CommandContext& ctx, ArgList args, bool max) {
  if (args.size() > 3) return ctx.rb.Error(resp::kSyntaxErr);
  int64_t count = -1;  // no count given
  if (args.size() == 3) {
    // getPositiveLongFromObjectOrReply: a non-number gets the "must be positive" error too.
    auto v = ParseInt64(args[2]);
    if (!v || *v < 0) return ctx.rb.Error(resp::kOutOfRangeErr);
    count = *v;
  }
  std::string_view key = args[1];
  bool wrong = false;
  ZSet* zs = FindZSet(ctx, key, &wrong);
  if (wrong) return;
  if (zs == nullptr || count == 0) return ctx.rb.ArrayHeader(0);
  bool nested = ctx.rb.resp3() && count != -1;
  PopAndReply(ctx, key, zs, count == -1 ? 1 : static_cast<size_t>(count), max, nested);
}

// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]: pops from the first non-empty key and
// replies [key, [[member, score], ...]], or a null array when every key is empty.
void CmdZMPop(CommandContext& ctx, ArgList args) {
  auto parsed = ParseMPopArgsOrReply(ctx, args, 1, "min", "max");
  if (!parsed) return;
  // As genericZpopCommand: keys are type-checked only up to the first one that exists.
  for (std::string_view key : parsed->keys) {
    bool wrong = false;
    ZSet* zs = FindZSet(ctx, key, &wrong);
    if (wrong) return;
    if (zs == nullptr) continue;
    ctx.rb.ArrayHeader(2);
    ctx.rb.Bulk(key);
    return PopAndReply(ctx, key, zs, parsed->count, parsed->second, true);
  }
  ctx.rb.NullArray();
}

// ZRANDMEMBER key [count [WITHSCORES]]: a negative count allows repeats.
void CmdZRandMember(CommandContext& ctx, ArgList args) {
  bool wrong = false;
  if (args.size() == 2) {
    ZSet* zs = FindZSet(ctx, args[1], &wrong);
    if (wrong) return;
    if (zs == nullptr) return ctx.rb.NullBulk();
    std::mt19937_64 rng(std::random_device{}());
    std::uniform_int_distribution<size_t> pick(0, zs->size() - 1);
    return ctx.rb.Bulk(zs->AtRank(pick(rng)).member());
  }
  auto count = ParseIntOrReply(ctx, args[2]);
  if (!count) return;
  if (*count == std::numeric_limits<int64_t>::min()) return ctx.rb.Error(resp::kLongRangeErr);
  bool withscores = false;
  if (args.size() > 4 || (args.size() == 4 && !EqualsIgnoreCase(args[3], "withscores"))) {
    return ctx.rb.Error(resp::kSyntaxErr);
  }
  if (args.size() == 4) {
    withscores = true;
    constexpr int64_t kHalf = std::numeric_limits<int64_t>::max() / 2;
    if (*count < -kHalf || *count > kHalf) return ctx.rb.Error(resp::kValueOutOfRangeErr);
  }
  ZSet* zs = FindZSet(ctx, args[1], &wrong);
  if (wrong) return;
  if (zs == nullptr || *count == 0) return ctx.rb.ArrayHeader(0);
  std::mt19937_64 rng(std::random_device{}());
  std::uniform_int_distribution<size_t> pick(0, zs->size() - 1);
  std::vector<size_t> ranks;
  if (*count < 0 || *count == 1) {
    size_t n = static_cast<size_t>(*count < 0 ? -*count : 1);
    ranks.reserve(n);
    for (size_t i = 0; i < n; ++i) ranks.push_back(pick(rng));
  } else {
    // Distinct members: a partial Fisher-Yates shuffle of the ranks.
    ranks.resize(zs->size());
    for (size_t i = 0; i < ranks.size(); ++i) ranks[i] = i;
    size_t n = std::min(static_cast<size_t>(*count), ranks.size());
    for (size_t i = 0; i < n; ++i) {
      std::uniform_int_distribution<size_t> rest(i, ranks.size() - 1);
      std::swap(ranks[i], ranks[rest(rng)]);
    }
    ranks.resize(n);
  }
  std::vector<ZView> items;
  items.reserve(ranks.size());
  for (size_t r : ranks) {
    ZSet::Cursor c = zs->AtRank(r);
    items.emplace_back(c.member(), c.score());
  }
  ReplyZEntries(ctx, items, withscores);
}

void CmdZPopMin(CommandContext& ctx, ArgList args) { PopGeneric(ctx, args, false); }
void CmdZPopMax(CommandContext& ctx, ArgList args) { PopGeneric(ctx, args, true); }

// ZSCAN key cursor [MATCH pattern] [COUNT count]: see collection_scan.h. Scores are bulk strings
// in both protocols, as in Redis.
void CmdZScan(CommandContext& ctx, ArgList args) {
  auto cursor = ParseScanCursor(args[2]);
  if (!cursor) return ctx.rb.Error(resp::kInvalidCursorErr);
  bool wrong = false;
  ZSet* zs = FindZSet(ctx, args[1], &wrong);
  if (wrong) return;
  ScanOptions opt;
  if (zs != nullptr && !ParseScanOptionsOrReply(ctx, args, 3, &opt)) return;
  std::vector<ZView> out;
  uint64_t next = 0;
  if (zs != nullptr) {
    next = ScanPage(
        *cursor, opt, zs->size(),
        [zs](auto&& fn) { zs->ForEach([&](std::string_view m, double s) { fn(m, ZView(m, s)); }); },
        &out);
  }
  ctx.rb.ArrayHeader(2);
  ctx.rb.Bulk(std::to_string(next));
  ctx.rb.ArrayHeader(out.size() * 2);
  for (const auto& [m, s] : out) {
    ctx.rb.Bulk(m);
    ctx.rb.Bulk(resp::FormatDouble(s));
  }
}

}  // namespace

void RegisterZSetFamily(CommandRegistry& r) {
  r.Add({"zadd", -4, kWrite | kDenyOom | kFast, 1, 1, 1, CmdZAdd});
  r.Add({"zincrby", 4, kWrite | kDenyOom | kFast, 1, 1, 1, CmdZIncrBy});
  r.Add({"zrem", -3, kWrite | kFast, 1, 1, 1, CmdZRem});
  r.Add({"zscore", 3, kReadOnly | kFast, 1, 1, 1, CmdZScore});
  r.Add({"zmscore", -3, kReadOnly | kFast, 1, 1, 1, CmdZMScore});
  r.Add({"zcard", 2, kReadOnly | kFast, 1, 1, 1, CmdZCard});
  r.Add({"zcount", 4, kReadOnly | kFast, 1, 1, 1, CmdZCount});
  r.Add({"zlexcount", 4, kReadOnly | kFast, 1, 1, 1, CmdZLexCount});
  r.Add({"zrank", 3, kReadOnly | kFast, 1, 1, 1, CmdZRank});
  r.Add({"zrevrank", 3, kReadOnly | kFast, 1, 1, 1, CmdZRevRank});
  r.Add({"zpopmin", -2, kWrite | kFast, 1, 1, 1, CmdZPopMin});
  r.Add({"zpopmax", -2, kWrite | kFast, 1, 1, 1, CmdZPopMax});
  r.Add({"zmpop", -4, kWrite, 0, 0, 0, CmdZMPop, KeysAfterNumKeys});
  r.Add({"zrandmember", -2, kReadOnly, 1, 1, 1, CmdZRandMember});
  r.Add({"zscan", -3, kReadOnly, 1, 1, 1, CmdZScan});
  RegisterZSetRange(r);
  RegisterZSetStore(r);
  RegisterZSetBlocking(r);
}

}  // namespace kv
