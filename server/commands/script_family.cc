// EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT LOAD|EXISTS|FLUSH|KILL|HELP: Lua scripts run
// atomically under the shard locks of their declared keys (every shard when they declare none),
// in a VM of the server's ScriptEngine (server/scripting).

#include <algorithm>

#include "server/base/string_util.h"
#include "server/commands/command_context.h"
#include "server/commands/command_registry.h"
#include "server/commands/script_runner.h"
#include "server/commands/server_state.h"
#include "server/commands/subcommand.h"
#include "server/resp/errors.h"
#include "server/scripting/script_engine.h"

namespace kv {
namespace {

constexpr std::string_view kNoScriptErr = "NOSCRIPT No matching script. Please use EVAL.";

// numkeys of EVAL-like commands (args[2]), or nullopt after replying Redis's error.
std::optional<size_t> NumKeysOrReply(CommandContext& ctx, ArgList args) {
  auto n = ParseInt64(args[2]);
  if (!n) {
    ctx.rb.Error(resp::kNotIntegerErr);
    return std::nullopt;
  }
  if (*n < 0) {
    ctx.rb.Error("ERR Number of keys can't be negative");
    return std::nullopt;
  }
  if (static_cast<uint64_t>(*n) > args.size() - 3) {
    ctx.rb.Error("ERR Number of keys can't be greater than number of args");
    return std::nullopt;
  }
  return static_cast<size_t>(*n);
}

// The keys of EVAL script numkeys key... arg...: what the dispatcher locks (and the cluster routes
// by). An invalid numkeys declares none; the handler replies the error.
void EvalKeys(ArgList args, KeyIndexVec* out) {
  if (args.size() < 3) return;
  auto n = ParseInt64(args[2]);
  if (!n || *n < 0 || static_cast<uint64_t>(*n) > args.size() - 3) return;
  for (size_t i = 0; i < static_cast<size_t>(*n); ++i) out->push_back(3 + i);
}

void EvalGeneric(CommandContext& ctx, ArgList args, bool by_sha, bool read_only) {
  ScriptEngine* engine = ctx.server.scripts.get();
  auto numkeys = NumKeysOrReply(ctx, args);
  if (!numkeys) return;
  ScriptEngine::Lease lease = engine->Acquire();
  LuaVm& vm = lease.vm();
  std::string sha;
  bool no_writes = false;
  if (by_sha) {
    sha = ToLower(args[1]);
    if (sha.size() != 40 || !engine->Prepare(vm, sha)) return ctx.rb.Error(kNoScriptErr);
  } else {
    auto stored = engine->Store(vm, args[1]);
    if (stored.error) return ctx.rb.Error("ERR " + *stored.error);
    sha = std::move(stored.sha);
    ScriptCode(args[1], &no_writes);
  }

  // Atomicity: the dispatcher holds the shards of the declared keys; a script that declares none
  // (or runs inside EXEC, which holds them all) gets every shard.
  Keyspace& ks = ctx.server.keyspace;
  bool all = *numkeys == 0 || ctx.client.in_exec;
  ShardLocks all_locks;
  std::vector<size_t> held;
  if (all) {
    all_locks = ShardLocks::AllUnlessHeld(ks);
  } else {
    for (size_t i = 0; i < *numkeys; ++i) held.push_back(ks.ShardIndex(args[3 + i]));
  }
  ArgList keys = args.subspan(3, *numkeys);
  ArgList argv = args.subspan(3 + *numkeys);
  ScriptRunner runner(ctx, read_only || no_writes, std::move(held), all);
  vm.Run(sha, keys, argv, runner, ctx.rb);
}

void CmdEval(CommandContext& ctx, ArgList args) { EvalGeneric(ctx, args, false, false); }
void CmdEvalRo(CommandContext& ctx, ArgList args) { EvalGeneric(ctx, args, false, true); }
void CmdEvalSha(CommandContext& ctx, ArgList args) { EvalGeneric(ctx, args, true, false); }
void CmdEvalShaRo(CommandContext& ctx, ArgList args) { EvalGeneric(ctx, args, true, true); }

void ScriptLoad(CommandContext& ctx, ArgList args) {
  ScriptEngine::Lease lease = ctx.server.scripts->Acquire();
  auto stored = ctx.server.scripts->Store(lease.vm(), args[2]);
  if (stored.error) return ctx.rb.Error("ERR " + *stored.error);
  ctx.rb.Bulk(stored.sha);
}

void ScriptExists(CommandContext& ctx, ArgList args) {
  ctx.rb.ArrayHeader(args.size() - 2);
  for (size_t i = 2; i < args.size(); ++i) {
    ctx.rb.Integer(ctx.server.scripts->Exists(ToLower(args[i])) ? 1 : 0);
  }
}

void ScriptFlush(CommandContext& ctx, ArgList args) {
  if (args.size() > 3 ||
      (args.size() == 3 && !EqualsIgnoreCase(args[2], "sync") &&
       !EqualsIgnoreCase(args[2], "async"))) {
    return ctx.rb.Error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
  }
  ctx.server.scripts->Flush();
  ctx.rb.Ok();
}

// A script runs to its end on the thread that started it, so when this command is read no
// script of this connection's thread is running.
void ScriptKill(CommandContext& ctx, ArgList) {
  ctx.rb.Error("NOTBUSY No scripts in execution right now.");
}

void ScriptHelp(CommandContext& ctx, ArgList) {
  static constexpr std::string_view kLines[] = {
      "DEBUG (YES|SYNC|NO)",
      "    Set the debug mode for subsequent scripts executed.",
      "EXISTS <sha1> [<sha1> ...]",
      "    Return information about the existence of the scripts in the script cache.",
      "FLUSH [ASYNC|SYNC]",
      "    Flush the Lua scripts cache. Very dangerous on replicas.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the scripts cache.",
      "    * SYNC: Synchronously flush the scripts cache.",
      "KILL",
      "    Kill the currently executing Lua script.",
      "LOAD <script>",
      "    Load a script into the scripts cache without executing it.",
  };
  ReplyHelp(ctx, "script", kLines);
}

constexpr SubcommandSpec kScriptSubcommands[] = {
    {"load", 3, ScriptLoad, "script|load"},
    {"exists", -3, ScriptExists, "script|exists"},
    {"flush", -2, ScriptFlush, "script|flush"},
    {"kill", 2, ScriptKill, "script|kill"},
    {"help", 2, ScriptHelp, "script|help"},
};

void CmdScript(CommandContext& ctx, ArgList args) {
  DispatchSubcommand(ctx, args, kScriptSubcommands, "script");
}

}  // namespace

void InstallScripting(ServerState& server) {
  server.scripts = std::make_shared<ScriptEngine>();
}

void RegisterScriptFamily(CommandRegistry& r) {
  // Not kWrite: the commands a script runs are logged one by one, never the script itself.
  r.Add({"eval", -3, 0, 0, 0, 0, CmdEval, EvalKeys});
  r.Add({"evalsha", -3, 0, 0, 0, 0, CmdEvalSha, EvalKeys});
  r.Add({"eval_ro", -3, kReadOnly, 0, 0, 0, CmdEvalRo, EvalKeys});
  r.Add({"evalsha_ro", -3, kReadOnly, 0, 0, 0, CmdEvalShaRo, EvalKeys});
  r.Add({"script", -2, 0, 0, 0, 0, CmdScript});
}

}  // namespace kv
