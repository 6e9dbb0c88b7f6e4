#pragma once

// The RESP listener and its I/O threads: one io_context per thread, connections spread round
// robin; the acceptor and the periodic tasks (active expiry) live on thread 0.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "server/commands/dispatcher.h"
#include "server/net/connection_set.h"

namespace kv::net {

class Server {
 public:
  Server(Dispatcher& dispatcher, size_t io_threads);
  ~Server();

  // Binds the RESP port; returns an error message on failure. The bound port is in port().
  std::optional<std::string> Listen(const std::string& bind, int port);
  // Starts the I/O threads; returns immediately.
  void Start();
  // Graceful stop from any thread: stop accepting, let every connection write the replies it
  // already produced, close, and join the threads. Idempotent.
  void Stop();
  int port() const { return port_; }

 private:
  struct IoThread {
    boost::asio::io_context ctx{1};
    ConnectionSet conns{ctx.get_executor()};
    std::thread thread;
  };

  void Accept();
  void ScheduleCron();

  Dispatcher& dispatcher_;
  std::vector<std::unique_ptr<IoThread>> threads_;
  std::optional<boost::asio::ip::tcp::acceptor> acceptor_;
  std::optional<boost::asio::steady_timer> cron_;
  size_t next_thread_ = 0;
  int port_ = 0;
  bool stopped_ = false;
};

}  // namespace kv::net
