// Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH. Queuing itself happens in the dispatcher
// (Dispatcher::Execute), which sees every command first; WATCH bookkeeping is in transactions.cc.

#include <string_view>
#include <vector>

#include "server/commands/command_context.h"
#include "server/commands/command_registry.h"
#include "server/commands/dispatcher.h"
#include "server/commands/transactions.h"
#include "server/resp/errors.h"

namespace kv {
namespace {

void CmdMulti(CommandContext& ctx, ArgList) {
  if (ctx.client.multi.in_multi) return ctx.rb.Error(resp::kMultiNestedErr);
  ctx.client.multi.in_multi = true;
  ctx.rb.Ok();
}

void CmdDiscard(CommandContext& ctx, ArgList) {
  if (!ctx.client.multi.in_multi) return ctx.rb.Error(resp::kDiscardWithoutMultiErr);
  DiscardTransaction(ctx.server, ctx.client);
  ctx.rb.Ok();
}

// True when a watched key reached its deadline since WATCH: expiry is a modification in Redis
// even when no command has deleted the key yet.
bool WatchedKeyExpired(const MultiState& multi, int64_t now_ms) {
  for (const WatchedKey& w : multi.watched) {
    if (w.expire_at_ms != 0 && w.expire_at_ms <= now_ms) return true;
  }
  return false;
}

// Flagged kAllShards: every shard lock is held, so no other client runs a keyed command until the
// queue is done (see transactions.h for why this design).
void CmdExec(CommandContext& ctx, ArgList) {
  ClientState& client = ctx.client;
  MultiState& multi = client.multi;
  if (!multi.in_multi) return ctx.rb.Error(resp::kExecWithoutMultiErr);
  if (multi.aborted) {
    DiscardTransaction(ctx.server, client);
    return ctx.rb.Error(resp::kExecAbortErr);
  }
  bool watch_failed =
      multi.watch_dirty.load(std::memory_order_relaxed) || WatchedKeyExpired(multi, ctx.now_ms);
  std::vector<QueuedCommand> queue = std::move(multi.queue);
  DiscardTransaction(ctx.server, client);  // Redis unwatches before running the queue
  if (watch_failed) return ctx.rb.NullArray();

  // The AOF gets MULTI ... EXEC around the writes, so a crash mid-transaction leaves a tail that
  // the loader recognises as incomplete instead of half a transaction.
  WriteLog* log = ctx.server.write_log.load(std::memory_order_acquire);
  bool logged_multi = false;
  // Blocking commands answer as on timeout inside a transaction, as Redis's CLIENT_MULTI does.
  client.in_exec = true;
  ctx.rb.ArrayHeader(queue.size());
  std::vector<std::string_view> argv;
  for (const QueuedCommand& cmd : queue) {
    argv.assign(cmd.argv.begin(), cmd.argv.end());
    if (log != nullptr && !logged_multi && cmd.spec->is(kWrite)) {
      const std::string_view multi_argv[] = {"multi"};
      client.last_write_seq = log->Append(client.db, multi_argv);
      logged_multi = true;
    }
    ctx.dispatcher->ExecuteLocked(*cmd.spec, client, argv, ctx.rb);
  }
  client.in_exec = false;
  if (logged_multi) {
    const std::string_view exec_argv[] = {"exec"};
    client.last_write_seq = log->Append(client.db, exec_argv);
  }
}

void CmdWatch(CommandContext& ctx, ArgList args) {
  if (ctx.client.multi.in_multi) return ctx.rb.Error(resp::kWatchInMultiErr);
  for (size_t i = 1; i < args.size(); ++i) {
    ctx.server.watches->Watch(ctx.client, ctx.client.db, args[i], ctx.now_ms);
  }
  ctx.rb.Ok();
}

void CmdUnwatch(CommandContext& ctx, ArgList) {
  ctx.server.watches->UnwatchAll(ctx.client);
  ctx.rb.Ok();
}

}  // namespace

void RegisterMultiFamily(CommandRegistry& r) {
  r.Add({"multi", 1, kFast | kLoading | kNoMulti, 0, 0, 0, CmdMulti});
  r.Add({"exec", 1, kLoading | kNoMulti | kAllShards, 0, 0, 0, CmdExec});
  r.Add({"discard", 1, kFast | kLoading | kNoMulti, 0, 0, 0, CmdDiscard});
  r.Add({"watch", -2, kFast | kLoading | kNoMulti, 1, -1, 1, CmdWatch});
  r.Add({"unwatch", 1, kFast | kLoading, 0, 0, 0, CmdUnwatch});
}

}  // namespace kv
