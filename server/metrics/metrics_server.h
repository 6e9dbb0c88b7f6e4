#pragma once

// GET /metrics over HTTP/1.1 (Boost.Beast) on its own thread and io_context, so a scrape (or a
// slow or broken scraper) never holds an I/O thread. metrics-port = 0 turns it off.
//
// Limits: request headers up to 8 KiB, no request body, 10 s to send a request and to take the
// answer; a connection that breaks one is closed. Anything but GET/HEAD /metrics gets 404 or 405.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>
#include <thread>

namespace kv {

struct ServerState;

class MetricsServer {
 public:
  // Listens on bind:port (port 0: any free port) and starts serving; nullptr and `error` set
  // when the address cannot be bound.
  static std::unique_ptr<MetricsServer> Start(ServerState& server, const std::string& bind, int port,
                                              std::string* error);
  ~MetricsServer();  // stops serving and joins the thread
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  int port() const { return port_; }

 private:
  explicit MetricsServer(ServerState& server) : server_(server), acceptor_(io_) {}
  void Accept();

  ServerState& server_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace kv
