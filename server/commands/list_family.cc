// List commands (Redis t_list.c), without the blocking ones (list_blocking.cc). Argument checks
// run in the same order as Redis's, so a bad argument and a missing or wrong-typed key produce
// the same reply as Redis would.

#include <algorithm>

#include "server/commands/arg_parsing.h"
#include "server/commands/command_registry.h"
#include "server/commands/list_ops.h"
#include "server/commands/mpop_args.h"
#include "server/commands/zset_family.h"

namespace kv {
namespace {

constexpr std::string_view kRankZeroErr =
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use "
    "negative to start from the end of the list";

// Normalises Redis-style [start, end] (negative from the end) onto a list of `len`; false when
// the range is empty.
bool ClampRange(int64_t len, int64_t* start, int64_t* end) {
  if (*start < 0) *start = len + *start;
  if (*end < 0) *end = len + *end;
  if (*start < 0) *start = 0;
  if (*start > *end || *start >= len) return false;
  if (*end >= len) *end = len - 1;
  return true;
}

void PushGeneric(CommandContext& ctx, ArgList args, ListEnd where, bool only_existing) {
  std::string_view key = args[1];
  bool wrong = false;
  Entry* e = FindTyped(ctx, key, ValueType::kList, &wrong);
  if (wrong) return;
  if (e == nullptr) {
    if (only_existing) return ctx.rb.Integer(0);
    e = ctx.Db(key).Upsert(key, Value::NewList());
  }
  ListValue& list = e->value.list();
  for (size_t i = 2; i < args.size(); ++i) {
    if (where == ListEnd::kLeft) {
      list.emplace_front(args[i]);
    } else {
      list.emplace_back(args[i]);
    }
  }
  ctx.MarkDirty(args.size() - 2);
  ctx.rb.Integer(static_cast<int64_t>(list.size()));
}

void CmdLPush(CommandContext& ctx, ArgList args) { PushGeneric(ctx, args, ListEnd::kLeft, false); }
void CmdRPush(CommandContext& ctx, ArgList args) { PushGeneric(ctx, args, ListEnd::kRight, false); }
void CmdLPushX(CommandContext& ctx, ArgList args) { PushGeneric(ctx, args, ListEnd::kLeft, true); }
void CmdRPushX(CommandContext& ctx, ArgList args) { PushGeneric(ctx, args, ListEnd::kRight, true); }

void PopGeneric(CommandContext& ctx, ArgList args, ListEnd where) {
  if (args.size() > 3) return ctx.rb.Error(resp::WrongNumArgsError(ToLower(args[0])));
  bool has_count = args.size() == 3;
  int64_t count = 1;
  if (has_count) {
    auto v = ParseInt64(args[2]);
    if (!v || *v < 0) return ctx.rb.Error(resp::kOutOfRangeErr);
    count = *v;
  }
  std::string_view key = args[1];
  bool wrong = false;
  Entry* e = FindTyped(ctx, key, ValueType::kList, &wrong);
  if (wrong) return;
  if (e == nullptr) return has_count ? ctx.rb.NullArray() : ctx.rb.NullBulk();
  if (has_count && count == 0) return ctx.rb.ArrayHeader(0);
  ListValue& list = e->value.list();
  if (!has_count) {
    ctx.rb.Bulk(PopOne(list, where));
  } else {
    size_t n = std::min(static_cast<size_t>(count), list.size());
    ctx.rb.ArrayHeader(n);
    for (size_t i = 0; i < n; ++i) ctx.rb.Bulk(PopOne(list, where));
  }
  DeleteIfEmptyList(ctx.Db(key), key, e);
  ctx.MarkDirty();
}

void CmdLPop(CommandContext& ctx, ArgList args) { PopGeneric(ctx, args, ListEnd::kLeft); }
void CmdRPop(CommandContext& ctx, ArgList args) { PopGeneric(ctx, args, ListEnd::kRight); }

void CmdLLen(CommandContext& ctx, ArgList args) {
  bool wrong = false;
  Entry* e = FindTyped(ctx, args[1], ValueType::kList, &wrong);
  if (wrong) return;
  ctx.rb.Integer(e == nullptr ? 0 : static_cast<int64_t>(e->value.list().size()));
}

void CmdLRange(CommandContext& ctx, ArgList args) {
  auto start = ParseIntOrReply(ctx, args[2]);
  if (!start) return;
  auto end = ParseIntOrReply(ctx, args[3]);
  if (!end) return;
  bool wrong = false;
  Entry* e = FindTyped(ctx, args[1], ValueType::kList, &wrong);
  if (wrong) return;
  if (e == nullptr) return ctx.rb.ArrayHeader(0);
  const ListValue& list = e->value.list();
  int64_t s = *start, t = *end;
  if (!ClampRange(static_cast<int64_t>(list.size()), &s, &t)) return ctx.rb.ArrayHeader(0);
  ctx.rb.ArrayHeader(static_cast<size_t>(t - s + 1));
  for (auto it = list.begin() + s; it != list.begin() + t + 1; ++it) ctx.rb.Bulk(*it);
}

void CmdLIndex(CommandContext& ctx, ArgList args) {
  bool wrong = false;
  Entry* e = FindTyped(ctx, args[1], ValueType::kList, &wrong);
  if (wrong) return;
  if (e == nullptr) return ctx.rb.NullBulk();
  auto index = ParseIntOrReply(ctx, args[2]);
  if (!index) return;
  const ListValue& list = e->value.list();
  int64_t i = *index < 0 ? static_cast<int64_t>(list.size()) + *index : *index;
  if (i < 0 || i >= static_cast<int64_t>(list.size())) return ctx.rb.NullBulk();
  ctx.rb.Bulk(list[static_cast<size_t>(i)]);
}

void CmdLSet(CommandContext& ctx, ArgList args) {
  bool wrong = false;
  Entry* e = FindTyped(ctx, args[1], ValueType::kList, &wrong);
  if (wrong) return;
  if (e == nullptr) return ctx.rb.Error(resp::kNoSuchKeyErr);
  auto index = ParseIntOrReply(ctx, args[2]);
  if (!index) return;
  ListValue& list = e->value.list();
  int64_t i = *index < 0 ? static_cast<int64_t>(list.size()) + *index : *index;
  if (i < 0 || i >= static_cast<int64_t>(list.size())) {
    return ctx.rb.Error(resp::kIndexOutOfRangeErr);
  }
  list[static_cast<size_t>(i)] = std::string(args[3]);
  ctx.MarkDirty();
  ctx.rb.Ok();
}

void CmdLInsert(CommandContext& ctx, ArgList args) {
  bool after;
  if (EqualsIgnoreCase(args[2], "after")) {
    after = true;
  } else if (EqualsIgnoreCase(args[2], "before")) {
    after = false;
  } else {
    return ctx.rb.Error(resp::kSyntaxErr);
  }
  bool wrong = false;
  Entry* e = FindTyped(ctx, args[1], ValueType::kList, &wrong);
  if (wrong) return;
  if (e == nullptr) return ctx.rb.Integer(0);
  ListValue& list = e->value.list();
  auto it = std::find(list.begin(), list.end(), args[3]);
  if (it == list.end()) return ctx.rb.Integer(-1);
  if (after) ++it;
  list.emplace(it, args[4]);
  ctx.MarkDirty();
  ctx.rb.Integer(static_cast<int64_t>(list.size()));
}

void CmdLRem(CommandContext& ctx, ArgList args) {
  auto count = ParseIntOrReply(ctx, args[2]);
  if (!count) return;
  std::string_view key = args[1];
  bool wrong = false;
  Entry* e = FindTyped(ctx, key, ValueType::kList, &wrong);
  if (wrong) return;
  if (e == nullptr) return ctx.rb.Integer(0);
  ListValue& list = e->value.list();
  std::string_view elem = args[3];
  int64_t removed = 0;
  // |count| matches (all when 0), from the head when count >= 0, else from the tail.
  uint64_t limit = *count == 0 ? UINT64_MAX
                               : (*count > 0 ? static_cast<uint64_t>(*count)
                                             : 0 - static_cast<uint64_t>(*count));
  if (*count >= 0) {
    for (auto it = list.begin(); it != list.end() && static_cast<uint64_t>(removed) < limit;) {
      if (*it == elem) {
        it = list.erase(it);
        ++removed;
      } else {
        ++it;
      }
    }
  } else {
    for (size_t i = list.size(); i > 0 && static_cast<uint64_t>(removed) < limit; --i) {
      if (list[i - 1] == elem) {
        list.erase(list.begin() + static_cast<ptrdiff_t>(i - 1));
        ++removed;
      }
    }
  }
  if (removed > 0) {
    DeleteIfEmptyList(ctx.Db(key), key, e);
    ctx.MarkDirty();
  }
  ctx.rb.Integer(removed);
}

void CmdLTrim(CommandContext& ctx, ArgList args) {
  auto start = ParseIntOrReply(ctx, args[2]);
  if (!start) return;
  auto end = ParseIntOrReply(ctx, args[3]);
  if (!end) return;
  std::string_view key = args[1];
  bool wrong = false;
  Entry* e = FindTyped(ctx, key, ValueType::kList, &wrong);
  if (wrong) return;
  if (e == nullptr) return ctx.rb.Ok();
  ListValue& list = e->value.list();
  int64_t s = *start, t = *end;
  if (!ClampRange(static_cast<int64_t>(list.size()), &s, &t)) {
    list.clear();
  } else {
    list.erase(list.begin() + t + 1, list.end());
    list.erase(list.begin(), list.begin() + s);
  }
  DeleteIfEmptyList(ctx.Db(key), key, e);
  ctx.MarkDirty();
  ctx.rb.Ok();
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
void CmdLPos(CommandContext& ctx, ArgList args) {
  int64_t rank = 1, count = -1, maxlen = 0;
  for (size_t i = 3; i < args.size(); i += 2) {
    std::string_view opt = args[i];
    if (i + 1 >= args.size()) return ctx.rb.Error(resp::kSyntaxErr);
    if (EqualsIgnoreCase(opt, "RANK")) {
      auto v = ParseIntOrReply(ctx, args[i + 1]);
      if (!v) return;
      if (*v == 0) return ctx.rb.Error(kRankZeroErr);
      rank = *v;
    } else if (EqualsIgnoreCase(opt, "COUNT")) {
      auto v = ParseIntOrReply(ctx, args[i + 1]);
      if (!v) return;
      if (*v < 0) return ctx.rb.Error("ERR COUNT can't be negative");
      count = *v;
    } else if (EqualsIgnoreCase(opt, "MAXLEN")) {
      auto v = ParseIntOrReply(ctx, args[i + 1]);
      if (!v) return;
      if (*v < 0) return ctx.rb.Error("ERR MAXLEN can't be negative");
      maxlen = *v;
    } else {
      return ctx.rb.Error(resp::kSyntaxErr);
    }
  }
  bool wrong = false;
  Entry* e = FindTyped(ctx, args[1], ValueType::kList, &wrong);
  if (wrong) return;
  if (e == nullptr) return count != -1 ? ctx.rb.ArrayHeader(0) : ctx.rb.NullBulk();
  const ListValue& list = e->value.list();
  const int64_t len = static_cast<int64_t>(list.size());
  const bool forward = rank > 0;
  // Matches to skip before the first one reported. Redis negates RANK LLONG_MIN into itself,
  // which then acts as "the first match" from the tail: same here.
  uint64_t skip = forward             ? static_cast<uint64_t>(rank) - 1
                  : rank == INT64_MIN ? 0
                                      : static_cast<uint64_t>(-rank) - 1;
  std::vector<int64_t> matches;
  const int64_t want = count == 0 ? INT64_MAX : (count == -1 ? 1 : count);
  int64_t scanned = 0;
  for (int64_t n = 0; n < len && static_cast<int64_t>(matches.size()) < want; ++n) {
    if (maxlen != 0 && scanned >= maxlen) break;
    ++scanned;
    int64_t idx = forward ? n : len - 1 - n;
    if (list[static_cast<size_t>(idx)] != args[2]) continue;
    if (skip > 0) {
      --skip;
      continue;
    }
    matches.push_back(idx);
  }
  if (count == -1) {
    return matches.empty() ? ctx.rb.NullBulk() : ctx.rb.Integer(matches[0]);
  }
  ctx.rb.ArrayHeader(matches.size());
  for (int64_t m : matches) ctx.rb.Integer(m);
}

void CmdLMove(CommandContext& ctx, ArgList args) {
  auto from = ParseListEnd(args[3]);
  auto to = ParseListEnd(args[4]);
  if (!from || !to) return ctx.rb.Error(resp::kSyntaxErr);
  ListMoveOrReply(ctx, args[1], args[2], *from, *to);
}

void CmdRPopLPush(CommandContext& ctx, ArgList args) {
  ListMoveOrReply(ctx, args[1], args[2], ListEnd::kRight, ListEnd::kLeft);
}

// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]: the keys follow numkeys.
void LMPopKeys(ArgList args, KeyIndexVec* out) { NumKeysIndices(args, 1, out); }

void CmdLMPop(CommandContext& ctx, ArgList args) {
  auto parsed = ParseMPopArgsOrReply(ctx, args, 1, "left", "right");
  if (!parsed) return;
  const ListEnd where = parsed->second ? ListEnd::kRight : ListEnd::kLeft;
  const size_t count = parsed->count;
  for (std::string_view key : parsed->keys) {
    bool wrong = false;
    Entry* e = FindTyped(ctx, key, ValueType::kList, &wrong);
    if (wrong) return;
    if (e == nullptr) continue;
    ListValue& list = e->value.list();
    size_t take = std::min(count, list.size());
    ctx.rb.ArrayHeader(2);
    ctx.rb.Bulk(key);
    ctx.rb.ArrayHeader(take);
    for (size_t k = 0; k < take; ++k) ctx.rb.Bulk(PopOne(list, where));
    DeleteIfEmptyList(ctx.Db(key), key, e);
    ctx.MarkDirty();
    ctx.Propagate({where == ListEnd::kLeft ? "LPOP" : "RPOP", key, std::to_string(take)});
    return;
  }
  ctx.rb.NullArray();
}

}  // namespace

std::optional<ListEnd> ParseListEnd(std::string_view s) {
  if (EqualsIgnoreCase(s, "left")) return ListEnd::kLeft;
  if (EqualsIgnoreCase(s, "right")) return ListEnd::kRight;
  return std::nullopt;
}

std::string PopOne(ListValue& list, ListEnd where) {
  std::string v;
  if (where == ListEnd::kLeft) {
    v = std::move(list.front());
    list.pop_front();
  } else {
    v = std::move(list.back());
    list.pop_back();
  }
  return v;
}

void PushOne(ListValue& list, ListEnd where, std::string v) {
  if (where == ListEnd::kLeft) {
    list.push_front(std::move(v));
  } else {
    list.push_back(std::move(v));
  }
}

void DeleteIfEmptyList(DbTable& db, std::string_view key, Entry* e) {
  if (e->value.list().empty()) db.Erase(key);
}

bool ListMoveOrReply(CommandContext& ctx, std::string_view src, std::string_view dst, ListEnd from,
                     ListEnd to) {
  bool wrong = false;
  Entry* s = FindTyped(ctx, src, ValueType::kList, &wrong);
  if (wrong) return false;
  if (s == nullptr) {
    ctx.rb.NullBulk();
    return false;
  }
  Entry* d = FindTyped(ctx, dst, ValueType::kList, &wrong);
  if (wrong) return false;
  std::string v = PopOne(s->value.list(), from);
  if (d == nullptr) {
    // Inserting may move the source entry of the same table: look it up again afterwards.
    d = ctx.Db(dst).Upsert(dst, Value::NewList());
    s = ctx.Db(src).Find(src, ctx.now_ms);
  }
  ctx.rb.Bulk(v);
  PushOne(d->value.list(), to, std::move(v));
  DeleteIfEmptyList(ctx.Db(src), src, s);
  ctx.MarkDirty();
  return true;
}

void RegisterListFamily(CommandRegistry& r) {
  r.Add({"lpush", -3, kWrite | kDenyOom | kFast, 1, 1, 1, CmdLPush});
  r.Add({"rpush", -3, kWrite | kDenyOom | kFast, 1, 1, 1, CmdRPush});
  r.Add({"lpushx", -3, kWrite | kDenyOom | kFast, 1, 1, 1, CmdLPushX});
  r.Add({"rpushx", -3, kWrite | kDenyOom | kFast, 1, 1, 1, CmdRPushX});
  r.Add({"lpop", -2, kWrite | kFast, 1, 1, 1, CmdLPop});
  r.Add({"rpop", -2, kWrite | kFast, 1, 1, 1, CmdRPop});
  r.Add({"llen", 2, kReadOnly | kFast, 1, 1, 1, CmdLLen});
  r.Add({"lrange", 4, kReadOnly, 1, 1, 1, CmdLRange});
  r.Add({"lindex", 3, kReadOnly, 1, 1, 1, CmdLIndex});
  r.Add({"lset", 4, kWrite | kDenyOom, 1, 1, 1, CmdLSet});
  r.Add({"linsert", 5, kWrite | kDenyOom, 1, 1, 1, CmdLInsert});
  r.Add({"lrem", 4, kWrite, 1, 1, 1, CmdLRem});
  r.Add({"ltrim", 4, kWrite, 1, 1, 1, CmdLTrim});
  r.Add({"lpos", -3, kReadOnly, 1, 1, 1, CmdLPos});
  r.Add({"lmove", 5, kWrite | kDenyOom, 1, 2, 1, CmdLMove});
  r.Add({"rpoplpush", 3, kWrite | kDenyOom, 1, 2, 1, CmdRPopLPush});
  r.Add({"lmpop", -4, kWrite, 0, 0, 0, CmdLMPop, LMPopKeys});
  RegisterListBlockingCommands(r);
}

}  // namespace kv
