#pragma once

// Per-connection state the commands read and change (database, auth, protocol, name...). Owned by
// the connection and touched only on its I/O thread, except the fields marked atomic, which
// CLIENT LIST and INFO read from other threads.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "server/commands/multi_state.h"
#include "server/commands/pubsub_state.h"

namespace kv {

namespace resp {
class ReplyBuilder;
}
struct ClientState;

// What a command running on another thread may do to a client: hand it work to run on its own
// thread (a blocking-pop result, a pub/sub message) or close it (CLIENT KILL). Implemented by the
// network connection; registries hold it by weak_ptr so a gone client is simply skipped.
class ClientChannel {
 public:
  virtual ~ClientChannel() = default;
  // Runs `fn` on the client's I/O thread; what it writes to the reply builder is flushed after.
  virtual void Post(std::function<void(ClientState&, resp::ReplyBuilder&)> fn) = 0;
  // Like Post, after `delay` (blocking-command timeouts). Not cancellable: `fn` checks whether it
  // still has something to do. A channel without timers never runs it (the client waits forever).
  virtual void PostAfter(std::chrono::milliseconds /*delay*/,
                         std::function<void(ClientState&, resp::ReplyBuilder&)> /*fn*/) {}
  // Closes the connection after the replies already produced.
  virtual void Close() = 0;
};

struct ClientState {
  uint64_t id = 0;
  std::string addr;   // "ip:port" of the peer
  std::string laddr;  // "ip:port" of our end
  int64_t created_ms = 0;
  std::weak_ptr<ClientChannel> channel;
  int fd = -1;  // socket descriptor, shown by CLIENT LIST

  int db = 0;
  bool authenticated = false;
  // Commands of the node itself (AOF replay, the cluster's sweep of slots it no longer owns) run
  // where they are, never redirected to a slot's owner.
  bool no_route = false;
  bool resp3 = false;
  bool close_after_reply = false;  // QUIT, protocol error, CLIENT KILL of self
  // The client is waiting (BLPOP...): the connection stops executing its input until unblocked.
  bool blocked = false;
  // EXEC is running this client's queue: blocking commands answer as on timeout instead of
  // blocking (Redis's CLIENT_DENY_BLOCKING) and BGREWRITEAOF answers "scheduled", as Redis.
  bool in_exec = false;
  // Sequence number of this client's newest AOF record; with appendfsync always the connection
  // holds its replies until the AOF is durable up to here.
  uint64_t last_write_seq = 0;

  // Run once on the client's thread when the connection closes (unwatch keys, leave blocking
  // queues, unsubscribe). Modules append; nothing else may rely on their order.
  std::vector<std::function<void()>> on_close;

  // Read from other threads by CLIENT LIST / INFO.
  std::atomic<int64_t> last_interaction_ms{0};
  std::atomic<const char*> last_command{"NULL"};
  std::atomic<int> db_for_listing{0};
  std::atomic<int> resp_for_listing{2};  // protocol version after HELLO, for CLIENT LIST resp=

  // Names change rarely and are read by CLIENT LIST from other threads: guarded by names_mu.
  mutable std::mutex names_mu;
  std::string name;
  std::string lib_name;
  std::string lib_ver;

  // CLIENT NO-EVICT / NO-TOUCH: accepted and remembered; nothing evicts or tracks access yet.
  bool no_evict = false;
  bool no_touch = false;
  // CLIENT REPLY OFF / SKIP: the connection drops the replies of every command, or of the next one.
  bool reply_off = false;
  bool reply_skip_next = false;
  // Run on the client's thread by RESET, which returns the connection to its initial state. A
  // module with per-client state that RESET must clear (MULTI queue, subscriptions, WATCH) appends
  // a hook once per client; RESET runs the hooks and keeps them.
  std::vector<std::function<void()>> on_reset;
  MultiState multi;    // MULTI queue and WATCHed keys
  PubSubState pubsub;  // SUBSCRIBE / PSUBSCRIBE state

  // Runs the on_close hooks once. The connection calls it when it closes; the destructor runs any
  // left (a state that never had a connection, as in unit tests, still leaves no dangling
  // registrations behind).
  void RunCloseHooks() {
    auto hooks = std::exchange(on_close, {});
    for (auto& hook : hooks) hook();
  }

  ClientState() = default;
  ClientState(const ClientState&) = delete;
  ClientState& operator=(const ClientState&) = delete;
  ~ClientState() { RunCloseHooks(); }
};

}  // namespace kv
