#include "server/commands/script_runner.h"

#include <algorithm>
#include <thread>

#include "server/base/string_util.h"
#include "server/commands/dispatcher.h"
#include "server/commands/server_state.h"

namespace kv {
namespace {

// Redis 7.0's "noscript" commands beyond the blocking ones and the transaction controls.
bool DeniedInScripts(const CommandSpec& spec) {
  static constexpr std::string_view kDenied[] = {
      "auth",      "client",      "eval",       "eval_ro",   "evalsha",    "evalsha_ro",
      "fcall",     "fcall_ro",    "function",   "hello",     "monitor",    "psubscribe",
      "punsubscribe", "quit",     "reset",      "script",    "shutdown",   "ssubscribe",
      "subscribe", "sunsubscribe", "unsubscribe", "wait",    "waitaof",    "bgrewriteaof",
      "config",    "save",        "bgsave",     "debug"};
  if (spec.is(kBlocking) || spec.is(kNoMulti)) return true;
  for (std::string_view name : kDenied) {
    if (spec.name == name) return true;
  }
  return false;
}

void ErrorReply(std::string* out, std::string_view msg) {
  out->append("-").append(msg).append("\r\n");
}

}  // namespace

ScriptRunner::ScriptRunner(CommandContext& ctx, bool read_only, std::vector<size_t> held,
                           bool all_held)
    : ctx_(ctx), read_only_(read_only), held_(ctx.server.keyspace.num_shards(), all_held) {
  for (size_t shard : held) held_[shard] = true;
  client_.id = ctx.client.id;
  client_.db = ctx.client.db;
  client_.authenticated = true;
  client_.in_exec = true;  // nothing a script runs may block
  client_.addr = ctx.client.addr;
}

ScriptRunner::~ScriptRunner() {
  // With appendfsync always the caller's reply waits until the script's writes are durable.
  ctx_.client.last_write_seq = std::max(ctx_.client.last_write_seq, client_.last_write_seq);
}

bool ScriptRunner::LockUndeclared(size_t shard) {
  constexpr auto kMaxWait = std::chrono::milliseconds(50);
  std::unique_lock lock(ctx_.server.keyspace.shard(shard).mu, std::defer_lock);
  auto deadline = std::chrono::steady_clock::now() + kMaxWait;
  while (!lock.try_lock()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  extra_locks_.push_back(std::move(lock));
  held_[shard] = true;
  return true;
}

void ScriptRunner::Call(std::span<const std::string_view> args, bool resp3, std::string* reply) {
  ServerState& server = ctx_.server;
  const CommandSpec* spec = server.commands.Find(args[0]);
  if (spec == nullptr) return ErrorReply(reply, "ERR Unknown Redis command called from script");
  if (!spec->ArityOk(args.size())) {
    return ErrorReply(reply, "ERR Wrong number of args calling Redis command from script");
  }
  if (DeniedInScripts(*spec)) {
    return ErrorReply(reply, "ERR This Redis command is not allowed from script");
  }
  if (read_only_ && spec->is(kWrite)) {
    return ErrorReply(reply, "ERR Write commands are not allowed from read-only scripts.");
  }
  if (spec->is(kAllShards) && !std::all_of(held_.begin(), held_.end(), [](bool h) { return h; })) {
    return ErrorReply(reply,
                      "ERR This command needs the whole keyspace: call the script with no "
                      "declared keys (numkeys 0) to run it");
  }
  KeyIndexVec key_pos;
  spec->KeyIndices(args, &key_pos);
  for (size_t pos : key_pos) {
    size_t shard = server.keyspace.ShardIndex(args[pos]);
    if (!held_[shard] && !LockUndeclared(shard)) {
      return ErrorReply(reply,
                        "ERR Script attempted to access a key it did not declare while another "
                        "client held it; pass every key the script uses in KEYS");
    }
  }
  resp::ReplyBuilder rb(reply);
  rb.set_resp3(resp3);
  client_.resp3 = resp3;
  ctx_.dispatcher->ExecuteLocked(*spec, client_, args, rb);
}

}  // namespace kv
