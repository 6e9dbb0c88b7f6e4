// Blocking list commands: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP. When a key already holds
// elements they behave as their non-blocking forms (and are logged as those); otherwise the client
// waits in the BlockingRegistry (blocking.h), which serves it when a write fills one of its keys.

#include "server/commands/arg_parsing.h"
#include "server/commands/blocking.h"
#include "server/commands/command_registry.h"
#include "server/commands/list_ops.h"
#include "server/commands/mpop_args.h"
#include "server/commands/zset_family.h"

namespace kv {
namespace {

// BLPOP/BRPOP key [key ...] timeout
void BlockingPop(CommandContext& ctx, ArgList args, ListEnd from) {
  auto timeout = ParseBlockTimeoutOrReply(ctx, args.back());
  if (!timeout) return;
  ArgList keys = args.subspan(1, args.size() - 2);
  for (std::string_view key : keys) {
    bool wrong = false;
    Entry* e = FindTyped(ctx, key, ValueType::kList, &wrong);
    if (wrong) return;
    if (e == nullptr || e->value.list().empty()) continue;
    std::string v = PopOne(e->value.list(), from);
    DeleteIfEmptyList(ctx.Db(key), key, e);
    ctx.MarkDirty();
    ctx.Propagate({from == ListEnd::kLeft ? "LPOP" : "RPOP", key});
    ctx.rb.ArrayHeader(2);
    ctx.rb.Bulk(key);
    ctx.rb.Bulk(v);
    return;
  }
  BlockingRegistry::Action action;
  action.from = from;
  BlockOrNull(ctx, keys, std::move(action), *timeout);
}

void CmdBLPop(CommandContext& ctx, ArgList args) { BlockingPop(ctx, args, ListEnd::kLeft); }
void CmdBRPop(CommandContext& ctx, ArgList args) { BlockingPop(ctx, args, ListEnd::kRight); }

void BlockingMove(CommandContext& ctx, std::string_view src, std::string_view dst, ListEnd from,
                  ListEnd to, std::string_view timeout_arg) {
  auto timeout = ParseBlockTimeoutOrReply(ctx, timeout_arg);
  if (!timeout) return;
  bool wrong = false;
  Entry* e = FindTyped(ctx, src, ValueType::kList, &wrong);
  if (wrong) return;
  if (e != nullptr) {
    if (ListMoveOrReply(ctx, src, dst, from, to)) {
      ctx.Propagate({"LMOVE", src, dst, ListEndName(from), ListEndName(to)});
    }
    return;
  }
  std::string_view keys[] = {src};
  BlockingRegistry::Action action;
  action.from = from;
  action.dest = std::string(dst);
  action.to = to;
  BlockOrNull(ctx, keys, std::move(action), *timeout, true);
}

// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout
void CmdBLMove(CommandContext& ctx, ArgList args) {
  auto from = ParseListEnd(args[3]);
  auto to = ParseListEnd(args[4]);
  if (!from || !to) return ctx.rb.Error(resp::kSyntaxErr);
  BlockingMove(ctx, args[1], args[2], *from, *to, args[5]);
}

void CmdBRPopLPush(CommandContext& ctx, ArgList args) {
  BlockingMove(ctx, args[1], args[2], ListEnd::kRight, ListEnd::kLeft, args[3]);
}

// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]: the keys follow numkeys.
void BLMPopKeys(ArgList args, KeyIndexVec* out) { NumKeysIndices(args, 2, out); }

// As Redis's lmpopGenericCommand: numkeys, LEFT|RIGHT and COUNT are parsed before the timeout
// (blockingPopGenericCommand parses that), as for BZMPOP.
void CmdBLMPop(CommandContext& ctx, ArgList args) {
  auto parsed = ParseMPopArgsOrReply(ctx, args, 2, "left", "right");
  if (!parsed) return;
  const ListEnd where = parsed->second ? ListEnd::kRight : ListEnd::kLeft;
  const size_t count = parsed->count;
  auto timeout = ParseBlockTimeoutOrReply(ctx, args[1]);
  if (!timeout) return;
  ArgList keys = parsed->keys;
  for (std::string_view key : keys) {
    bool wrong = false;
    Entry* e = FindTyped(ctx, key, ValueType::kList, &wrong);
    if (wrong) return;
    if (e == nullptr) continue;
    ListValue& list = e->value.list();
    size_t take = std::min(count, list.size());
    std::vector<std::string> popped;
    popped.reserve(take);
    for (size_t k = 0; k < take; ++k) popped.push_back(PopOne(list, where));
    DeleteIfEmptyList(ctx.Db(key), key, e);
    ctx.MarkDirty();
    ctx.Propagate({where == ListEnd::kLeft ? "LPOP" : "RPOP", key, std::to_string(take)});
    return ReplyListMPop(ctx.rb, key, popped);
  }
  BlockingRegistry::Action action;
  action.from = where;
  action.count = count;
  BlockOrNull(ctx, keys, std::move(action), *timeout);
}

}  // namespace

void RegisterListBlockingCommands(CommandRegistry& r) {
  r.Add({"blpop", -3, kWrite | kBlocking, 1, -2, 1, CmdBLPop});
  r.Add({"brpop", -3, kWrite | kBlocking, 1, -2, 1, CmdBRPop});
  r.Add({"blmove", 6, kWrite | kDenyOom | kBlocking, 1, 2, 1, CmdBLMove});
  r.Add({"brpoplpush", 4, kWrite | kDenyOom | kBlocking, 1, 2, 1, CmdBRPopLPush});
  r.Add({"blmpop", -5, kWrite | kBlocking, 0, 0, 0, CmdBLMPop, BLMPopKeys});
}

}  // namespace kv
