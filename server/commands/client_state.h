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
#include <vector>

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

  int db = 0;
  bool authenticated = false;
  bool resp3 = false;
  bool close_after_reply = false;  // QUIT, protocol error, CLIENT KILL of self
  // The client is waiting (BLPOP...): the connection stops executing its input until unblocked.
  bool blocked = false;
  // Blocking commands answer as on timeout instead of blocking (Redis's CLIENT_DENY_BLOCKING):
  // set while EXEC runs its queue.
  bool deny_blocking = false;
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

  // Names change rarely and are read by CLIENT LIST from other threads: guarded by names_mu.
  mutable std::mutex names_mu;
  std::string name;
  std::string lib_name;
  std::string lib_ver;
};

}  // namespace kv
