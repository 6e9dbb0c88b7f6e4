// Set algebra (Redis t_set.c sinterGenericCommand / sunionDiffGenericCommand): SINTER,
// SINTERCARD, SUNION, SDIFF and the STORE forms, which overwrite the destination whatever its
// type and delete it when the result is empty.

#include <algorithm>
#include <limits>
#include <vector>

#include "server/commands/arg_parsing.h"
#include "server/commands/set_family.h"

namespace kv {
namespace {

enum class SetOp { kUnion, kDiff };

// Looks up every key: absent keys are nullptr. Replies WRONGTYPE and returns false when one
// holds another type (every key is checked, as in Redis 7, even after an absent one).
bool LookupSets(CommandContext& ctx, ArgList keys, std::vector<const SetValue*>* out) {
  out->clear();
  for (std::string_view key : keys) {
    Entry* e = ctx.Db(key).Find(key, ctx.now_ms);
    if (e != nullptr && e->value.type() != ValueType::kSet) {
      ctx.rb.Error(resp::kWrongTypeErr);
      return false;
    }
    out->push_back(e == nullptr ? nullptr : &e->value.set());
  }
  return true;
}

// Replaces `dst` with `result` (deleted when empty) and replies the size.
void StoreResult(CommandContext& ctx, std::string_view dst, SetValue result) {
  DbTable& db = ctx.Db(dst);
  size_t n = result.size();
  if (n == 0) {
    if (db.Erase(dst)) ctx.MarkDirty();
  } else {
    db.Upsert(dst, Value(std::make_unique<SetValue>(std::move(result))));
    ctx.MarkDirty();
  }
  ctx.rb.Integer(static_cast<int64_t>(n));
}

void ReplySet(CommandContext& ctx, const SetValue& set) {
  ctx.rb.SetHeader(set.size());
  for (const auto& m : set) ctx.rb.Bulk(m);
}

// Members of the intersection, smallest set first. Stops after `limit` members (0 = no limit).
std::vector<const std::string*> Intersect(std::vector<const SetValue*> sets, size_t limit) {
  std::vector<const std::string*> out;
  std::sort(sets.begin(), sets.end(),
            [](const SetValue* a, const SetValue* b) { return a->size() < b->size(); });
  for (const auto& m : *sets[0]) {
    bool everywhere = std::all_of(sets.begin() + 1, sets.end(), [&](const SetValue* s) {
      return s == sets[0] || s->contains(m);
    });
    if (!everywhere) continue;
    out.push_back(&m);
    if (limit != 0 && out.size() >= limit) break;
  }
  return out;
}

// SINTER / SINTERSTORE (dst non-empty) / SINTERCARD (cardinality_only).
void SInterGeneric(CommandContext& ctx, ArgList keys, std::string_view dst, bool store,
                   bool cardinality_only, size_t limit) {
  std::vector<const SetValue*> sets;
  if (!LookupSets(ctx, keys, &sets)) return;
  bool any_empty =
      std::any_of(sets.begin(), sets.end(), [](const SetValue* s) { return s == nullptr; });
  std::vector<const std::string*> members;
  if (!any_empty) members = Intersect(sets, cardinality_only ? limit : 0);
  if (cardinality_only) return ctx.rb.Integer(static_cast<int64_t>(members.size()));
  if (store) {
    SetValue result;
    result.reserve(members.size());
    for (const std::string* m : members) result.insert(*m);
    return StoreResult(ctx, dst, std::move(result));
  }
  ctx.rb.SetHeader(members.size());
  for (const std::string* m : members) ctx.rb.Bulk(*m);
}

SetValue UnionOrDiff(const std::vector<const SetValue*>& sets, SetOp op) {
  SetValue result;
  if (op == SetOp::kUnion) {
    for (const SetValue* s : sets) {
      if (s != nullptr) result.insert(s->begin(), s->end());
    }
    return result;
  }
  if (sets[0] == nullptr) return result;
  for (const auto& m : *sets[0]) {
    bool elsewhere = std::any_of(sets.begin() + 1, sets.end(), [&](const SetValue* s) {
      return s != nullptr && (s == sets[0] || s->contains(m));
    });
    if (!elsewhere) result.insert(m);
  }
  return result;
}

void CmdSInter(CommandContext& ctx, ArgList args) {
  SInterGeneric(ctx, args.subspan(1), {}, false, false, 0);
}

void CmdSInterStore(CommandContext& ctx, ArgList args) {
  SInterGeneric(ctx, args.subspan(2), args[1], true, false, 0);
}

// SINTERCARD numkeys key [key ...] [LIMIT limit]
void CmdSInterCard(CommandContext& ctx, ArgList args) {
  auto numkeys = ParseInt64(args[1]);
  if (!numkeys || *numkeys < 1) return ctx.rb.Error(resp::kNumKeysErr);
  if (*numkeys > static_cast<int64_t>(args.size()) - 2) return ctx.rb.Error(resp::kNumKeysArgsErr);
  size_t keys_end = 2 + static_cast<size_t>(*numkeys);
  int64_t limit = 0;
  for (size_t i = keys_end; i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "limit") && i + 1 < args.size()) {
      auto v = ParseInt64(args[++i]);
      if (!v || *v < 0) return ctx.rb.Error(resp::kLimitNegativeErr);
      limit = *v;
    } else {
      return ctx.rb.Error(resp::kSyntaxErr);
    }
  }
  SInterGeneric(ctx, args.subspan(2, keys_end - 2), {}, false, true, static_cast<size_t>(limit));
}

// Keys of SINTERCARD: args[2 .. 2+numkeys), clamped to the arguments present (the handler
// rejects a bad numkeys before touching any key).
void SInterCardKeys(ArgList args, KeyIndexVec* out) {
  auto numkeys = ParseInt64(args[1]);
  if (!numkeys || *numkeys < 1) return;
  for (size_t i = 2; i < args.size() && i - 2 < static_cast<uint64_t>(*numkeys); ++i) {
    out->push_back(i);
  }
}

void UnionDiffGeneric(CommandContext& ctx, ArgList keys, SetOp op) {
  std::vector<const SetValue*> sets;
  if (!LookupSets(ctx, keys, &sets)) return;
  ReplySet(ctx, UnionOrDiff(sets, op));
}

void UnionDiffStore(CommandContext& ctx, ArgList args, SetOp op) {
  std::vector<const SetValue*> sets;
  if (!LookupSets(ctx, args.subspan(2), &sets)) return;
  StoreResult(ctx, args[1], UnionOrDiff(sets, op));
}

void CmdSUnion(CommandContext& ctx, ArgList args) {
  UnionDiffGeneric(ctx, args.subspan(1), SetOp::kUnion);
}
void CmdSDiff(CommandContext& ctx, ArgList args) {
  UnionDiffGeneric(ctx, args.subspan(1), SetOp::kDiff);
}
void CmdSUnionStore(CommandContext& ctx, ArgList args) { UnionDiffStore(ctx, args, SetOp::kUnion); }
void CmdSDiffStore(CommandContext& ctx, ArgList args) { UnionDiffStore(ctx, args, SetOp::kDiff); }

}  // namespace

void RegisterSetAlgebra(CommandRegistry& r) {
  r.Add({"sinter", -2, kReadOnly, 1, -1, 1, CmdSInter});
  r.Add({"sintercard", -3, kReadOnly, 0, 0, 0, CmdSInterCard, SInterCardKeys});
  r.Add({"sinterstore", -3, kWrite | kDenyOom, 1, -1, 1, CmdSInterStore});
  r.Add({"sunion", -2, kReadOnly, 1, -1, 1, CmdSUnion});
  r.Add({"sunionstore", -3, kWrite | kDenyOom, 1, -1, 1, CmdSUnionStore});
  r.Add({"sdiff", -2, kReadOnly, 1, -1, 1, CmdSDiff});
  r.Add({"sdiffstore", -3, kWrite | kDenyOom, 1, -1, 1, CmdSDiffStore});
}

}  // namespace kv
