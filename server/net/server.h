#pragma once

// The RESP listener and its I/O threads: one event loop per thread, connections spread round
// robin; the listening socket and the periodic tasks (active expiry) live on thread 0.

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "server/base/unique_fd.h"
#include "server/commands/dispatcher.h"
#include "server/net/connection_set.h"
#include "server/net/event_loop.h"

namespace kv::net {

class Server : private EventLoop::Handler {
 public:
  Server(Dispatcher& dispatcher, size_t io_threads);
  ~Server();

  // Binds the RESP port; returns an error message on failure (of the bind, or of an I/O thread's
  // event loop). The bound port is in port().
  std::optional<std::string> Listen(const std::string& bind, int port);
  // Starts the I/O threads; returns immediately.
  void Start();
  // Graceful stop from any thread: stop accepting, let every connection write the replies it
  // already produced, close, and join the threads. Idempotent.
  void Stop();
  int port() const { return port_; }

 private:
  struct IoThread {
    EventLoop loop;
    ConnectionSet conns{loop};
    std::thread thread;
  };

  // The listening socket is readable: accepts every pending connection (thread 0).
  void OnEvents(uint32_t events) override;
  void AcceptPending();
  void StartConnection(IoThread& target, UniqueFd socket);
  void ScheduleCron();
  // Runs `fn` on every I/O thread and waits for all of them.
  template <typename Fn>
  void OnEveryThread(Fn fn);

  Dispatcher& dispatcher_;
  std::vector<std::unique_ptr<IoThread>> threads_;
  UniqueFd listener_;  // open from Listen until Stop; the cron runs while it is
  size_t next_thread_ = 0;
  int port_ = 0;
  bool stopped_ = false;
};

}  // namespace kv::net
