#pragma once

// What redis.call does inside a running script: checks the command is one a script may run,
// that the shard of every key it touches is locked, and runs it through the dispatcher with the
// locks the script already holds. Its writes are logged to the AOF one by one (effects
// replication, as Redis 7): replaying the AOF never runs a script again.

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "server/commands/client_state.h"
#include "server/commands/command_context.h"
#include "server/scripting/lua_vm.h"

namespace kv {

class ScriptRunner final : public ScriptHost {
 public:
  // `held`: the shards whose locks the script's caller holds (every shard when `all_held`).
  ScriptRunner(CommandContext& ctx, bool read_only, std::vector<size_t> held, bool all_held);
  ~ScriptRunner() override;

  void Call(std::span<const std::string_view> args, bool resp3, std::string* reply) override;

 private:
  // Locks the shard of an undeclared key, waiting a bounded time (never forever: the holder may
  // be waiting for a shard this script holds). False when the lock could not be had.
  bool LockUndeclared(size_t shard);

  CommandContext& ctx_;
  bool read_only_;
  std::vector<bool> held_;
  std::vector<std::unique_lock<std::mutex>> extra_locks_;
  ClientState client_;  // the script's own client: its database, its RESP version
};

}  // namespace kv
