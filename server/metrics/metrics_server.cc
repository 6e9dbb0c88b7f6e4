#include "server/metrics/metrics_server.h"

#include <spdlog/spdlog.h>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <memory>
#include <optional>

#include "server/base/thread_name.h"
#include "server/metrics/exposition.h"

namespace kv {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr auto kTimeout = std::chrono::seconds(10);
constexpr uint32_t kHeaderLimit = 8 * 1024;

// One scraper connection: read a request, answer it, repeat while keep-alive.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, ServerState& server) : stream_(std::move(socket)), server_(server) {}

  void Read() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(0);
    stream_.expires_after(kTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

 private:
  void OnRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::connection_reset || ec == asio::error::eof) {
      return Close();
    }
    if (ec) return Answer(http::status::bad_request, "bad request\n", false);
    const auto& req = parser_->get();
    if (req.target() != "/metrics") return Answer(http::status::not_found, "not found\n", req.keep_alive());
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
      return Answer(http::status::method_not_allowed, "method not allowed\n", req.keep_alive());
    }
    std::string body = RenderMetrics(server_);
    Answer(http::status::ok, std::move(body), req.keep_alive(), req.method() == http::verb::head);
  }

  void Answer(http::status status, std::string body, bool keep_alive, bool head = false) {
    res_ = {};
    res_.version(11);
    res_.result(status);
    res_.set(http::field::server, "kvcache");
    res_.set(http::field::content_type,
             status == http::status::ok ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain");
    res_.keep_alive(keep_alive);
    const size_t length = body.size();
    if (!head) res_.body() = std::move(body);
    res_.content_length(length);
    stream_.expires_after(kTimeout);
    http::async_write(stream_, res_, [self = shared_from_this(), keep_alive](beast::error_code ec, size_t) {
      if (ec || !keep_alive) return self->Close();
      self->Read();
    });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  beast::tcp_stream stream_;
  ServerState& server_;
  beast::flat_buffer buffer_{kHeaderLimit};
  std::optional<http::request_parser<http::empty_body>> parser_;
  http::response<http::string_body> res_;
};

}  // namespace

std::unique_ptr<MetricsServer> MetricsServer::Start(ServerState& server, const std::string& bind,
                                                    int port, std::string* error) {
  std::unique_ptr<MetricsServer> m(new MetricsServer(server));
  beast::error_code ec;
  const auto address = asio::ip::make_address(bind, ec);
  if (!ec) m->acceptor_.open(address.is_v6() ? tcp::v6() : tcp::v4(), ec);
  if (!ec) m->acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) m->acceptor_.bind(tcp::endpoint(address, static_cast<uint16_t>(port)), ec);
  if (!ec) m->acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    *error = "metrics: cannot listen on " + bind + ":" + std::to_string(port) + ": " + ec.message();
    return nullptr;
  }
  m->port_ = m->acceptor_.local_endpoint().port();
  m->Accept();
  m->thread_ = std::thread([raw = m.get()] {
    SetThreadName("kv-metrics");
    raw->io_.run();
  });
  return m;
}

MetricsServer::~MetricsServer() {
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

void MetricsServer::Accept() {
  acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (!ec) std::make_shared<Session>(std::move(socket), server_)->Read();
    else if (ec == asio::error::operation_aborted) return;
    else spdlog::warn("metrics: accept: {}", ec.message());
    Accept();
  });
}

}  // namespace kv
