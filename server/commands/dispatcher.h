#pragma once

// The one path every command takes, whether it came from a client, a peer (forwarding), or the
// AOF at start-up: lookup, auth, arity, shard locking, handler, write logging, stats.

#include <string_view>

#include "server/commands/command.h"
#include "server/commands/command_context.h"
#include "server/commands/server_state.h"
#include "server/resp/reply_builder.h"

namespace kv {

class Dispatcher {
 public:
  explicit Dispatcher(ServerState& server) : server_(server) {}

  // Executes one command and writes its reply to `rb`. Never throws; bad input gets an error reply.
  void Execute(ClientState& client, ArgList args, resp::ReplyBuilder& rb);

  // Runs a command whose shard locks the caller already holds (EXEC runs its queue this way).
  // Checks arity but not auth or MULTI state. `keys`: the command's keys when the caller found
  // them already (to lock them), else found here.
  void ExecuteLocked(const CommandSpec& spec, ClientState& client, ArgList args,
                     resp::ReplyBuilder& rb, const CommandKeys* keys = nullptr);
  // AOF replay: takes the command's shard locks and runs it as ExecuteLocked does, without the
  // LOADING and auth checks that keep ordinary clients out while the file loads.
  void ExecuteReplayed(const CommandSpec& spec, ClientState& client, ArgList args,
                       resp::ReplyBuilder& rb);

  ServerState& server() { return server_; }

 private:
  // Runs the handler with ctx.keys set and their locks held; logs, notifies, counts.
  void Run(const CommandSpec& spec, CommandContext& ctx, ArgList args);
  // Lets an AOF rewrite in progress capture the shards a write is about to change (write_log.h).
  void CaptureBeforeWrite(const CommandKeys& keys);

  ServerState& server_;
};

}  // namespace kv
