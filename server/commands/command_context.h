#pragma once

// What a handler gets: the server, its client, the reply builder, the time, and ways to record
// that it modified the keyspace and how its effect should be logged.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/commands/client_state.h"
#include "server/commands/command_keys.h"
#include "server/commands/server_state.h"
#include "server/resp/reply_builder.h"

namespace kv {

class Dispatcher;

struct CommandContext {
  CommandContext(ServerState& s, ClientState& c, resp::ReplyBuilder& r, int64_t now)
      : server(s), client(c), rb(r), now_ms(now) {}

  ServerState& server;
  ClientState& client;
  resp::ReplyBuilder& rb;
  int64_t now_ms;  // one clock reading per command, as Redis's mstime() cache
  // The dispatcher running this command; EXEC runs its queue through it. Set by the dispatcher.
  Dispatcher* dispatcher = nullptr;
  // The command's keys and their slots, found once by the dispatcher (which set this pointer and
  // holds the locks they need). Null only for a context built outside the dispatcher.
  const CommandKeys* keys = nullptr;

  // The table for `key` in the client's current database. The dispatcher already holds the
  // shard lock of every key the command table names for this command.
  DbTable& Db(std::string_view key) { return DbAt(key, client.db); }
  DbTable& DbAt(std::string_view key, int db) {
    Keyspace& ks = server.keyspace;
    const uint16_t slot = keys != nullptr ? keys->SlotOf(key) : KeySlot(key);
    return ks.shard(ks.ShardOfSlot(slot)).dbs[static_cast<size_t>(db)];
  }

  // Handlers call this once per modification; a write command with dirty == 0 is not logged.
  void MarkDirty(uint64_t n = 1) { dirty += n; }
  // Logs `argv` instead of the command as sent (SET EX → SET PXAT, INCRBYFLOAT → SET, SPOP →
  // SREM). May be called several times; each call is one AOF record, in order.
  void Propagate(std::initializer_list<std::string_view> argv) {
    propagated.emplace_back(argv.begin(), argv.end());
  }
  void Propagate(std::vector<std::string> argv) { propagated.push_back(std::move(argv)); }
  // A key this command changed in a database other than the client's (MOVE, COPY ... DB). The
  // dispatcher reports it to the key observers (WATCH, blocked clients) with the command's own
  // keys, after logging the command: a waiter served from it logs its pop after the MOVE.
  void ModifiedInDb(int db, std::string_view key) { other_db_keys.emplace_back(db, key); }

  uint64_t dirty = 0;
  std::vector<std::vector<std::string>> propagated;
  std::vector<std::pair<int, std::string>> other_db_keys;
};

}  // namespace kv
