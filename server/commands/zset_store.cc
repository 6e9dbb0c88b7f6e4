// ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD (Redis 7's
// zunionInterDiffGenericCommand). Inputs may be sets as well as sorted sets (a set member
// scores 1). Scores are weighted and aggregated in Redis's order (inputs from the smallest to
// the largest), and a NaN from inf * 0 or inf + -inf becomes 0, as in Redis.

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "server/commands/arg_parsing.h"
#include "server/commands/zset_family.h"

namespace kv {
namespace {

enum class ZSetOp { kUnion, kInter, kDiff };
enum class Aggregate { kSum, kMin, kMax };

// One input: a sorted set, a set, or an absent key (both null).
struct Source {
  const ZSet* zset = nullptr;
  const SetValue* set = nullptr;
  double weight = 1;

  size_t size() const { return zset != nullptr ? zset->size() : set != nullptr ? set->size() : 0; }
  std::optional<double> Find(std::string_view member) const {
    if (zset != nullptr) return zset->Score(member);
    if (set != nullptr && set->contains(member)) return 1.0;
    return std::nullopt;
  }
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    if (zset != nullptr) zset->ForEach(fn);
    if (set != nullptr) {
      for (const auto& m : *set) fn(m, 1.0);
    }
  }
};

void AggregateInto(double* target, double value, Aggregate agg) {
  switch (agg) {
    case Aggregate::kSum:
      *target += value;
      if (std::isnan(*target)) *target = 0;  // inf + -inf
      break;
    case Aggregate::kMin:
      *target = value < *target ? value : *target;
      break;
    case Aggregate::kMax:
      *target = value > *target ? value : *target;
      break;
  }
}

double Weighted(double score, double weight) {
  double v = score * weight;
  return std::isnan(v) ? 0 : v;  // inf * 0
}

ZSet Compute(std::vector<Source> src, ZSetOp op, Aggregate agg) {
  ZSet result;
  if (op == ZSetOp::kDiff) {
    if (src[0].size() == 0) return result;
    src[0].ForEach([&](std::string_view m, double s) {
      bool elsewhere = std::any_of(src.begin() + 1, src.end(),
                                   [&](const Source& o) { return o.Find(m).has_value(); });
      if (!elsewhere) result.Add(m, s);
    });
    return result;
  }
  std::stable_sort(src.begin(), src.end(),
                   [](const Source& a, const Source& b) { return a.size() < b.size(); });
  if (op == ZSetOp::kInter) {
    if (src[0].size() == 0) return result;
    src[0].ForEach([&](std::string_view m, double s) {
      double score = Weighted(s, src[0].weight);
      for (size_t j = 1; j < src.size(); ++j) {
        std::optional<double> v = src[j].Find(m);
        if (!v) return;
        AggregateInto(&score, *v * src[j].weight, agg);
      }
      result.Add(m, score);
    });
    return result;
  }
  absl::flat_hash_map<std::string, double, KeyHash, KeyEq> acc;
  for (const Source& s : src) {
    s.ForEach([&](std::string_view m, double score) {
      double v = Weighted(score, s.weight);
      auto [it, inserted] = acc.try_emplace(m, v);
      if (!inserted) AggregateInto(&it->second, v, agg);
    });
  }
  for (const auto& [m, s] : acc) result.Add(m, s);
  return result;
}

// Z<op>STORE dst numkeys key... / Z<op> numkeys key... / ZINTERCARD numkeys key...: `nk` is the
// position of numkeys; `dst` is empty unless storing.
void ZSetOpGeneric(CommandContext& ctx, ArgList args, size_t nk, bool store, ZSetOp op,
                   bool cardinality_only) {
  auto numkeys = ParseIntOrReply(ctx, args[nk]);
  if (!numkeys) return;
  if (*numkeys < 1) {
    return ctx.rb.Error("ERR at least 1 input key is needed for '" + ToLower(args[0]) +
                        "' command");
  }
  if (*numkeys > static_cast<int64_t>(args.size() - nk - 1)) {
    return ctx.rb.Error(resp::kSyntaxErr);
  }
  size_t n = static_cast<size_t>(*numkeys);
  std::vector<Source> src(n);
  for (size_t i = 0; i < n; ++i) {
    std::string_view key = args[nk + 1 + i];
    Entry* e = ctx.Db(key).Find(key, ctx.now_ms);
    if (e == nullptr) continue;
    if (e->value.type() == ValueType::kZSet) {
      src[i].zset = &e->value.zset();
    } else if (e->value.type() == ValueType::kSet) {
      src[i].set = &e->value.set();
    } else {
      return ctx.rb.Error(resp::kWrongTypeErr);
    }
  }
  Aggregate agg = Aggregate::kSum;
  bool withscores = false;
  int64_t limit = 0;
  for (size_t j = nk + 1 + n; j < args.size();) {
    size_t remaining = args.size() - j;
    std::string_view a = args[j];
    if (op != ZSetOp::kDiff && !cardinality_only && remaining >= n + 1 &&
        EqualsIgnoreCase(a, "weights")) {
      ++j;
      for (size_t i = 0; i < n; ++i, ++j) {
        auto w = ParseDouble(args[j]);
        if (!w) return ctx.rb.Error(resp::kZWeightNotFloatErr);
        src[i].weight = *w;
      }
    } else if (op != ZSetOp::kDiff && !cardinality_only && remaining >= 2 &&
               EqualsIgnoreCase(a, "aggregate")) {
      std::string_view v = args[j + 1];
      if (EqualsIgnoreCase(v, "sum")) {
        agg = Aggregate::kSum;
      } else if (EqualsIgnoreCase(v, "min")) {
        agg = Aggregate::kMin;
      } else if (EqualsIgnoreCase(v, "max")) {
        agg = Aggregate::kMax;
      } else {
        return ctx.rb.Error(resp::kSyntaxErr);
      }
      j += 2;
    } else if (!store && !cardinality_only && EqualsIgnoreCase(a, "withscores")) {
      withscores = true;
      ++j;
    } else if (cardinality_only && remaining >= 2 && EqualsIgnoreCase(a, "limit")) {
      auto v = ParseInt64(args[j + 1]);
      if (!v || *v < 0) return ctx.rb.Error(resp::kLimitNegativeErr);
      limit = *v;
      j += 2;
    } else {
      return ctx.rb.Error(resp::kSyntaxErr);
    }
  }
  ZSet result = Compute(std::move(src), op, agg);
  if (cardinality_only) {
    size_t card = result.size();
    if (limit > 0) card = std::min(card, static_cast<size_t>(limit));
    return ctx.rb.Integer(static_cast<int64_t>(card));
  }
  if (store) return StoreZSet(ctx, args[1], std::move(result));
  std::vector<ZView> items;
  items.reserve(result.size());
  result.ForEach([&](std::string_view m, double s) { items.emplace_back(m, s); });
  ReplyZEntries(ctx, items, withscores);
}

void CmdZUnionStore(CommandContext& ctx, ArgList args) {
  ZSetOpGeneric(ctx, args, 2, true, ZSetOp::kUnion, false);
}
void CmdZInterStore(CommandContext& ctx, ArgList args) {
  ZSetOpGeneric(ctx, args, 2, true, ZSetOp::kInter, false);
}
void CmdZDiffStore(CommandContext& ctx, ArgList args) {
  ZSetOpGeneric(ctx, args, 2, true, ZSetOp::kDiff, false);
}
void CmdZUnion(CommandContext& ctx, ArgList args) {
  ZSetOpGeneric(ctx, args, 1, false, ZSetOp::kUnion, false);
}
void CmdZInter(CommandContext& ctx, ArgList args) {
  ZSetOpGeneric(ctx, args, 1, false, ZSetOp::kInter, false);
}
void CmdZDiff(CommandContext& ctx, ArgList args) {
  ZSetOpGeneric(ctx, args, 1, false, ZSetOp::kDiff, false);
}
void CmdZInterCard(CommandContext& ctx, ArgList args) {
  ZSetOpGeneric(ctx, args, 1, false, ZSetOp::kInter, true);
}

// ZUNIONSTORE dst numkeys key...
void KeysOfStore(ArgList args, KeyIndexVec* out) {
  out->push_back(1);
  NumKeysIndices(args, 2, out);
}

}  // namespace

void NumKeysIndices(ArgList args, size_t nk, KeyIndexVec* out) {
  if (nk >= args.size()) return;
  auto numkeys = ParseInt64(args[nk]);
  if (!numkeys || *numkeys < 1) return;
  for (size_t i = nk + 1; i < args.size() && i - nk - 1 < static_cast<uint64_t>(*numkeys); ++i) {
    out->push_back(i);
  }
}

void KeysAfterNumKeys(ArgList args, KeyIndexVec* out) { NumKeysIndices(args, 1, out); }

void RegisterZSetStore(CommandRegistry& r) {
  r.Add({"zunionstore", -4, kWrite | kDenyOom, 0, 0, 0, CmdZUnionStore, KeysOfStore});
  r.Add({"zinterstore", -4, kWrite | kDenyOom, 0, 0, 0, CmdZInterStore, KeysOfStore});
  r.Add({"zdiffstore", -4, kWrite | kDenyOom, 0, 0, 0, CmdZDiffStore, KeysOfStore});
  r.Add({"zunion", -3, kReadOnly, 0, 0, 0, CmdZUnion, KeysAfterNumKeys});
  r.Add({"zinter", -3, kReadOnly, 0, 0, 0, CmdZInter, KeysAfterNumKeys});
  r.Add({"zdiff", -3, kReadOnly, 0, 0, 0, CmdZDiff, KeysAfterNumKeys});
  r.Add({"zintercard", -3, kReadOnly, 0, 0, 0, CmdZInterCard, KeysAfterNumKeys});
}

}  // namespace kv
