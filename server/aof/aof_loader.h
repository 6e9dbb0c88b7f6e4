#pragma once

// Replays AOF files into the keyspace through the same RESP parser and command table as clients
// use. Runs at start-up on the main thread, before the log is attached, so nothing replayed is
// logged again.

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "server/commands/client_state.h"
#include "server/commands/dispatcher.h"

namespace kv {

struct AofLoadProgress {
  int64_t total_bytes = 0;  // of all files, for the progress line
  int64_t done_bytes = 0;
  uint64_t commands = 0;
  uint64_t failed_commands = 0;  // ran but replied an error (logged, not fatal, as Redis)
  int64_t last_log_us = 0;
  // When set, bytes replayed so far (all files) are published here after every command, for
  // INFO persistence (loading_loaded_bytes) read from other threads while loading.
  std::atomic<int64_t>* loaded_bytes = nullptr;
};

// Replays one file with `client` (authenticated; its db carries over between files, as SELECT
// state does in Redis). A truncated last command is cut off (the file truncated to the last whole
// command, logged) when `truncate_ok`, else an error. Corruption (bytes that are not a RESP
// multibulk command, or an unknown command) is an error naming the file and byte offset.
std::optional<std::string> LoadAofFile(Dispatcher& dispatcher, ClientState& client,
                                       const std::string& path, const std::string& display_name,
                                       bool truncate_ok, AofLoadProgress* progress);

}  // namespace kv
