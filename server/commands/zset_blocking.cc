// Blocking sorted set pops: BZPOPMIN, BZPOPMAX, BZMPOP (Redis t_zset.c's
// blockingGenericZpopCommand). When a key already holds elements they behave as ZPOPMIN/ZPOPMAX/
// ZMPOP and are logged as ZPOPMIN/ZPOPMAX key [count], as Redis propagates them; otherwise the
// client waits in the BlockingRegistry (blocking.h), which serves it when a write (ZADD, ZINCRBY,
// ZUNIONSTORE...) fills one of its keys.

#include <string>
#include <vector>

#include "server/commands/arg_parsing.h"
#include "server/commands/blocking.h"
#include "server/commands/mpop_args.h"
#include "server/commands/zset_family.h"

namespace kv {
namespace {

// Pops from the first of `keys` holding a sorted set, or blocks. Keys are type-checked in order
// up to the first one that exists, as in Redis. `count` is set for BZMPOP.
void BlockingZPop(CommandContext& ctx, ArgList keys, bool max, std::optional<size_t> count,
                  int64_t timeout_ms) {
  for (std::string_view key : keys) {
    bool wrong = false;
    Entry* e = FindTyped(ctx, key, ValueType::kZSet, &wrong);
    if (wrong) return;
    if (e == nullptr || e->value.zset().empty()) continue;
    ZSet& zs = e->value.zset();
    size_t n = count.value_or(1);
    std::vector<ZEntry> popped = max ? zs.PopMax(n) : zs.PopMin(n);
    if (zs.empty()) ctx.Db(key).Erase(key);
    ctx.MarkDirty(popped.size());
    std::string_view cmd = max ? "ZPOPMAX" : "ZPOPMIN";
    if (count) {
      ctx.Propagate({cmd, key, std::to_string(*count)});
    } else {
      ctx.Propagate({cmd, key});
    }
    return ReplyZPop(ctx.rb, key, popped, count.has_value());
  }
  BlockOrNull(ctx, keys, BlockingRegistry::Action::ZPop(max, count), timeout_ms);
}

// BZPOPMIN / BZPOPMAX key [key ...] timeout
void BZPopGeneric(CommandContext& ctx, ArgList args, bool max) {
  auto timeout = ParseBlockTimeoutOrReply(ctx, args.back());
  if (!timeout) return;
  BlockingZPop(ctx, args.subspan(1, args.size() - 2), max, std::nullopt, *timeout);
}

void CmdBZPopMin(CommandContext& ctx, ArgList args) { BZPopGeneric(ctx, args, false); }
void CmdBZPopMax(CommandContext& ctx, ArgList args) { BZPopGeneric(ctx, args, true); }

// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]: numkeys, MIN|MAX and COUNT are
// checked before the timeout, as Redis 7.0 does (BZMPOP x 0 ... is a numkeys error there).
void CmdBZMPop(CommandContext& ctx, ArgList args) {
  auto parsed = ParseMPopArgsOrReply(ctx, args, 2, "min", "max");
  if (!parsed) return;
  auto timeout = ParseBlockTimeoutOrReply(ctx, args[1]);
  if (!timeout) return;
  BlockingZPop(ctx, parsed->keys, parsed->second, parsed->count, *timeout);
}

// BZMPOP's keys follow numkeys at args[2].
void BZMPopKeys(ArgList args, KeyIndexVec* out) { NumKeysIndices(args, 2, out); }

}  // namespace

void RegisterZSetBlocking(CommandRegistry& r) {
  r.Add({"bzpopmin", -3, kWrite | kBlocking | kFast, 1, -2, 1, CmdBZPopMin});
  r.Add({"bzpopmax", -3, kWrite | kBlocking | kFast, 1, -2, 1, CmdBZPopMax});
  r.Add({"bzmpop", -5, kWrite | kBlocking, 0, 0, 0, CmdBZMPop, BZMPopKeys});
}

}  // namespace kv
