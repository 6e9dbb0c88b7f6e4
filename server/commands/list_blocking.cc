// Blocking list commands: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH. When a key already holds elements
// they behave as their non-blocking forms (and are logged as those); otherwise the client waits in
// the BlockingRegistry (blocking.h), which serves it when a write fills one of its keys.

#include <cmath>

#include "server/commands/arg_parsing.h"
#include "server/commands/blocking.h"
#include "server/commands/command_registry.h"
#include "server/commands/list_ops.h"

namespace kv {
namespace {

// Redis 7.0's getTimeoutFromObjectOrReply for seconds: float seconds rounded up to milliseconds
// (0.0001 waits 1 ms; only 0 waits forever). A value too large for a long long converts to
// LLONG_MIN on x86 in Redis and so reads as negative: keep that reply.
std::optional<int64_t> ParseTimeoutOrReply(CommandContext& ctx, std::string_view arg) {
  auto secs = ParseLongDouble(arg);
  if (!secs) {
    ctx.rb.Error("ERR timeout is not a float or out of range");
    return std::nullopt;
  }
  long double ms = std::ceil(*secs * 1000.0L);
  if (!(ms > -9.2e18L && ms < 9.2e18L) || static_cast<int64_t>(ms) < 0) {
    ctx.rb.Error("ERR timeout is negative");
    return std::nullopt;
  }
  return static_cast<int64_t>(ms);
}

// Blocks the client, or answers as on timeout when it may not block (inside EXEC, or no channel
// to reply through, as during AOF loading).
void BlockOrNull(CommandContext& ctx, ArgList keys, BlockingRegistry::Action action,
                 int64_t timeout_ms, bool null_bulk) {
  if (ctx.client.deny_blocking || ctx.server.blocking == nullptr || ctx.client.channel.expired()) {
    return null_bulk ? ctx.rb.NullBulk() : ctx.rb.NullArray();
  }
  ctx.server.blocking->Block(ctx, keys, std::move(action), timeout_ms);
}

// BLPOP/BRPOP key [key ...] timeout
void BlockingPop(CommandContext& ctx, ArgList args, ListEnd from) {
  auto timeout = ParseTimeoutOrReply(ctx, args.back());
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
  BlockOrNull(ctx, keys, {from, std::nullopt, ListEnd::kLeft}, *timeout, false);
}

void CmdBLPop(CommandContext& ctx, ArgList args) { BlockingPop(ctx, args, ListEnd::kLeft); }
void CmdBRPop(CommandContext& ctx, ArgList args) { BlockingPop(ctx, args, ListEnd::kRight); }

void BlockingMove(CommandContext& ctx, std::string_view src, std::string_view dst, ListEnd from,
                  ListEnd to, std::string_view timeout_arg) {
  auto timeout = ParseTimeoutOrReply(ctx, timeout_arg);
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
  BlockOrNull(ctx, keys, {from, std::string(dst), to}, *timeout, true);
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

}  // namespace

void RegisterListBlockingCommands(CommandRegistry& r) {
  r.Add({"blpop", -3, kWrite | kBlocking, 1, -2, 1, CmdBLPop});
  r.Add({"brpop", -3, kWrite | kBlocking, 1, -2, 1, CmdBRPop});
  r.Add({"blmove", 6, kWrite | kDenyOom | kBlocking, 1, 2, 1, CmdBLMove});
  r.Add({"brpoplpush", 4, kWrite | kDenyOom | kBlocking, 1, 2, 1, CmdBRPopLPush});
}

}  // namespace kv
