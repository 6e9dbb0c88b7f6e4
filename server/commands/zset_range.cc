// ZRANGE and its older forms (ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX,
// ZREVRANGE), ZRANGESTORE and ZREMRANGEBYRANK/SCORE/LEX: a port of Redis 7's
// zrangeGenericCommand, so that every form accepts exactly the options Redis accepts, checks them
// in the same order and gives the same errors.

#include <limits>

#include "server/commands/arg_parsing.h"
#include "server/commands/zset_family.h"

namespace kv {
namespace {

enum class RangeType { kAuto, kRank, kScore, kLex };
enum class Direction { kAuto, kForward, kReverse };

// `first` is the position of the source key (1, or 2 for ZRANGESTORE). `type` and `dir` are
// fixed by the legacy commands and kAuto for ZRANGE / ZRANGESTORE, whose options choose them.
void RangeGeneric(CommandContext& ctx, ArgList args, size_t first, bool store, RangeType type,
                  Direction dir) {
  std::string_view key = args[first];
  size_t min_idx = first + 1, max_idx = first + 2;
  bool withscores = false;
  int64_t offset = 0, limit = -1;
  for (size_t j = first + 3; j < args.size(); ++j) {
    size_t left = args.size() - j - 1;
    std::string_view a = args[j];
    if (!store && EqualsIgnoreCase(a, "withscores")) {
      withscores = true;
    } else if (EqualsIgnoreCase(a, "limit") && left >= 2) {
      auto o = ParseIntOrReply(ctx, args[j + 1]);
      if (!o) return;
      auto l = ParseIntOrReply(ctx, args[j + 2]);
      if (!l) return;
      offset = *o;
      limit = *l;
      j += 2;
    } else if (dir == Direction::kAuto && EqualsIgnoreCase(a, "rev")) {
      dir = Direction::kReverse;
    } else if (type == RangeType::kAuto && EqualsIgnoreCase(a, "bylex")) {
      type = RangeType::kLex;
    } else if (type == RangeType::kAuto && EqualsIgnoreCase(a, "byscore")) {
      type = RangeType::kScore;
    } else {
      return ctx.rb.Error(resp::kSyntaxErr);
    }
  }
  if (dir == Direction::kAuto) dir = Direction::kForward;
  if (type == RangeType::kAuto) type = RangeType::kRank;
  if (limit != -1 && type == RangeType::kRank) return ctx.rb.Error(resp::kZLimitOnlyByErr);
  if (withscores && type == RangeType::kLex) return ctx.rb.Error(resp::kZWithScoresByLexErr);
  bool reverse = dir == Direction::kReverse;
  // The BY* forms take [max, min] when reversed.
  if (reverse && type != RangeType::kRank) std::swap(min_idx, max_idx);

  int64_t start = 0, stop = 0;
  RangeParseResult<ZScoreRange> score_range;
  RangeParseResult<ZLexRange> lex_range;
  switch (type) {
    case RangeType::kAuto:
    case RangeType::kRank: {
      auto s = ParseIntOrReply(ctx, args[min_idx]);
      if (!s) return;
      auto e = ParseIntOrReply(ctx, args[max_idx]);
      if (!e) return;
      start = *s;
      stop = *e;
      break;
    }
    case RangeType::kScore:
      score_range = ParseScoreRange(args[min_idx], args[max_idx]);
      if (!score_range.ok()) return ctx.rb.Error(score_range.error);
      break;
    case RangeType::kLex:
      lex_range = ParseLexRange(args[min_idx], args[max_idx]);
      if (!lex_range.ok()) return ctx.rb.Error(lex_range.error);
      break;
  }

  bool wrong = false;
  Entry* e = FindTyped(ctx, key, ValueType::kZSet, &wrong);
  if (wrong) return;
  if (e == nullptr) {
    if (store) return StoreZSet(ctx, args[1], ZSet());
    return ctx.rb.ArrayHeader(0);
  }
  const ZSet& zs = e->value.zset();
  std::vector<ZView> items;
  auto collect = [&items](std::string_view m, double s) { items.emplace_back(m, s); };
  // A negative offset skips everything and a negative limit means "no limit", as in Redis.
  size_t off = offset < 0 ? ZSet::kNoLimit : static_cast<size_t>(offset);
  size_t count = limit < 0 ? ZSet::kNoLimit : static_cast<size_t>(limit);
  switch (type) {
    case RangeType::kAuto:
    case RangeType::kRank:
      if (auto r = NormalizeRankRange(start, stop, zs.size())) {
        items.reserve(r->second - r->first + 1);
        zs.RangeByRank(r->first, r->second, reverse, collect);
      }
      break;
    case RangeType::kScore:
      zs.RangeByScore(*score_range, reverse, off, count, collect);
      break;
    case RangeType::kLex:
      zs.RangeByLex(*lex_range, reverse, off, count, collect);
      break;
  }
  if (!store) return ReplyZEntries(ctx, items, withscores);
  ZSet result;
  for (const auto& [m, s] : items) result.Add(m, s);
  items.clear();  // views into the source, which may be the destination
  StoreZSet(ctx, args[1], std::move(result));
}

void CmdZRange(CommandContext& ctx, ArgList args) {
  RangeGeneric(ctx, args, 1, false, RangeType::kAuto, Direction::kAuto);
}
void CmdZRangeStore(CommandContext& ctx, ArgList args) {
  RangeGeneric(ctx, args, 2, true, RangeType::kAuto, Direction::kAuto);
}
void CmdZRevRange(CommandContext& ctx, ArgList args) {
  RangeGeneric(ctx, args, 1, false, RangeType::kRank, Direction::kReverse);
}
void CmdZRangeByScore(CommandContext& ctx, ArgList args) {
  RangeGeneric(ctx, args, 1, false, RangeType::kScore, Direction::kForward);
}
void CmdZRevRangeByScore(CommandContext& ctx, ArgList args) {
  RangeGeneric(ctx, args, 1, false, RangeType::kScore, Direction::kReverse);
}
void CmdZRangeByLex(CommandContext& ctx, ArgList args) {
  RangeGeneric(ctx, args, 1, false, RangeType::kLex, Direction::kForward);
}
void CmdZRevRangeByLex(CommandContext& ctx, ArgList args) {
  RangeGeneric(ctx, args, 1, false, RangeType::kLex, Direction::kReverse);
}

// ZREMRANGEBYRANK / ZREMRANGEBYSCORE / ZREMRANGEBYLEX key min max: the range is parsed before
// the key is looked at; the key is deleted when emptied.
void RemRangeGeneric(CommandContext& ctx, ArgList args, RangeType type) {
  int64_t start = 0, stop = 0;
  RangeParseResult<ZScoreRange> score_range;
  RangeParseResult<ZLexRange> lex_range;
  if (type == RangeType::kRank) {
    auto s = ParseIntOrReply(ctx, args[2]);
    if (!s) return;
    auto e = ParseIntOrReply(ctx, args[3]);
    if (!e) return;
    start = *s;
    stop = *e;
  } else if (type == RangeType::kScore) {
    score_range = ParseScoreRange(args[2], args[3]);
    if (!score_range.ok()) return ctx.rb.Error(score_range.error);
  } else {
    lex_range = ParseLexRange(args[2], args[3]);
    if (!lex_range.ok()) return ctx.rb.Error(lex_range.error);
  }
  std::string_view key = args[1];
  bool wrong = false;
  Entry* e = FindTyped(ctx, key, ValueType::kZSet, &wrong);
  if (wrong) return;
  if (e == nullptr) return ctx.rb.Integer(0);
  ZSet& zs = e->value.zset();
  size_t removed = 0;
  if (type == RangeType::kRank) {
    if (auto r = NormalizeRankRange(start, stop, zs.size())) {
      removed = zs.RemoveRangeByRank(r->first, r->second);
    }
  } else if (type == RangeType::kScore) {
    removed = zs.RemoveRangeByScore(*score_range);
  } else {
    removed = zs.RemoveRangeByLex(*lex_range);
  }
  if (zs.empty()) ctx.Db(key).Erase(key);
  if (removed > 0) ctx.MarkDirty(removed);
  ctx.rb.Integer(static_cast<int64_t>(removed));
}

void CmdZRemRangeByRank(CommandContext& ctx, ArgList args) {
  RemRangeGeneric(ctx, args, RangeType::kRank);
}
void CmdZRemRangeByScore(CommandContext& ctx, ArgList args) {
  RemRangeGeneric(ctx, args, RangeType::kScore);
}
void CmdZRemRangeByLex(CommandContext& ctx, ArgList args) {
  RemRangeGeneric(ctx, args, RangeType::kLex);
}

}  // namespace

void RegisterZSetRange(CommandRegistry& r) {
  r.Add({"zrange", -4, kReadOnly, 1, 1, 1, CmdZRange});
  r.Add({"zrangestore", -5, kWrite | kDenyOom, 1, 2, 1, CmdZRangeStore});
  r.Add({"zrevrange", -4, kReadOnly, 1, 1, 1, CmdZRevRange});
  r.Add({"zrangebyscore", -4, kReadOnly, 1, 1, 1, CmdZRangeByScore});
  r.Add({"zrevrangebyscore", -4, kReadOnly, 1, 1, 1, CmdZRevRangeByScore});
  r.Add({"zrangebylex", -4, kReadOnly, 1, 1, 1, CmdZRangeByLex});
  r.Add({"zrevrangebylex", -4, kReadOnly, 1, 1, 1, CmdZRevRangeByLex});
  r.Add({"zremrangebyrank", 4, kWrite, 1, 1, 1, CmdZRemRangeByRank});
  r.Add({"zremrangebyscore", 4, kWrite, 1, 1, 1, CmdZRemRangeByScore});
  r.Add({"zremrangebylex", 4, kWrite, 1, 1, 1, CmdZRemRangeByLex});
}

}  // namespace kv
