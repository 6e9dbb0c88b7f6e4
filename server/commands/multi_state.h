#pragma once

// A client's MULTI/EXEC and WATCH state. Lives in ClientState; touched only on the client's I/O
// thread, except `watch_dirty`, which the WatchRegistry sets from whichever thread modified a
// watched key (under that key's shard lock and the registry's lock).

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/commands/command.h"

namespace kv {

// A command queued between MULTI and EXEC. It owns its argument bytes: the connection reuses its
// input buffer as soon as the command has been parsed.
struct QueuedCommand {
  const CommandSpec* spec;
  std::vector<std::string> argv;
};

struct WatchedKey {
  int db;
  std::string key;
  // The key's deadline when WATCH ran, or 0 (no deadline, absent, or already expired). A key
  // that expires before EXEC counts as modified even if nothing deleted it yet, as in Redis.
  int64_t expire_at_ms;
};

struct MultiState {
  bool in_multi = false;
  // A command was rejected while queuing (unknown, arity, ...): EXEC replies EXECABORT.
  bool aborted = false;
  std::vector<QueuedCommand> queue;

  std::vector<WatchedKey> watched;
  std::atomic<bool> watch_dirty{false};
  bool close_hook_set = false;  // the WATCH cleanup is registered in ClientState::on_close

  void Queue(const CommandSpec& spec, ArgList args) {
    queue.push_back({&spec, std::vector<std::string>(args.begin(), args.end())});
  }
  // Leaves MULTI, dropping the queue (the watched keys are the WatchRegistry's business).
  void Reset() {
    in_multi = false;
    aborted = false;
    queue.clear();
  }
};

}  // namespace kv
