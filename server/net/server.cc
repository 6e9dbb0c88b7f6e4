#include "server/net/server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <future>

#include "server/base/clock.h"
#include "server/base/thread_name.h"
#include "server/commands/server_info.h"
#include "server/net/connection.h"
#include "server/resp/errors.h"

namespace kv::net {

using boost::asio::ip::tcp;

Server::Server(Dispatcher& dispatcher, size_t io_threads) : dispatcher_(dispatcher) {
  for (size_t i = 0; i < std::max<size_t>(io_threads, 1); ++i) {
    threads_.push_back(std::make_unique<IoThread>());
  }
}

Server::~Server() { Stop(); }

std::optional<std::string> Server::Listen(const std::string& bind, int port) {
  boost::system::error_code ec;
  auto addr = boost::asio::ip::make_address(bind, ec);
  if (ec) return "bad bind address '" + bind + "': " + ec.message();
  tcp::endpoint ep(addr, static_cast<uint16_t>(port));
  acceptor_.emplace(threads_[0]->ctx);
  acceptor_->open(ep.protocol(), ec);
  if (!ec) acceptor_->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_->bind(ep, ec);
  if (!ec) acceptor_->listen(511, ec);
  if (ec) return "cannot listen on " + bind + ":" + std::to_string(port) + ": " + ec.message();
  port_ = acceptor_->local_endpoint().port();
  return std::nullopt;
}

void Server::Start() {
  Accept();
  ScheduleCron();
  for (size_t i = 0; i < threads_.size(); ++i) {
    IoThread* io = threads_[i].get();
    io->thread = std::thread([io, i] {
      SetThreadName("kv-io-" + std::to_string(i));
      auto guard = boost::asio::make_work_guard(io->ctx);
      io->ctx.run();
    });
  }
}

void Server::Accept() {
  IoThread& target = *threads_[next_thread_];
  next_thread_ = (next_thread_ + 1) % threads_.size();
  acceptor_->async_accept(
      target.ctx, [this, &target](boost::system::error_code ec, tcp::socket socket) {
        if (ec) {
          if (ec != boost::asio::error::operation_aborted) {
            spdlog::warn("accept failed: {}", ec.message());
            Accept();
          }
          return;
        }
        ServerState& server = dispatcher_.server();
        server.stats.connections_received.fetch_add(1, std::memory_order_relaxed);
        boost::asio::post(target.ctx, [this, &target, socket = std::move(socket)]() mutable {
          auto conn = std::make_shared<Connection>(std::move(socket), dispatcher_, target.conns);
          ServerState& server = dispatcher_.server();
          if (static_cast<int64_t>(server.clients.size()) >= server.config.maxclients()) {
            server.stats.rejected_connections.fetch_add(1, std::memory_order_relaxed);
            conn->Reject(resp::kMaxClientsErr);
            return;
          }
          conn->Start();
        });
        Accept();
      });
}

void Server::ScheduleCron() {
  if (!cron_) cron_.emplace(threads_[0]->ctx);
  int64_t hz = std::clamp<int64_t>(dispatcher_.server().config.GetInt("hz"), 1, 500);
  cron_->expires_after(std::chrono::milliseconds(1000 / hz));
  cron_->async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    // Bounded per shard and database so one cycle never stalls thread 0 for long.
    dispatcher_.server().keyspace.ActiveExpireCycle(UnixMillis(), 200);
    SampleServerStats(dispatcher_.server(), UnixMillis());
    ScheduleCron();
  });
}

void Server::Stop() {
  if (stopped_) return;
  stopped_ = true;
  // Each step runs on the thread that owns the objects it touches.
  std::vector<std::future<void>> done;
  for (size_t i = 0; i < threads_.size(); ++i) {
    IoThread* io = threads_[i].get();
    if (!io->thread.joinable()) continue;
    std::promise<void> p;
    done.push_back(p.get_future());
    boost::asio::post(io->ctx, [this, io, i, p = std::move(p)]() mutable {
      if (i == 0) {
        boost::system::error_code ignored;
        if (acceptor_) acceptor_->close(ignored);
        if (cron_) cron_->cancel();
      }
      io->conns.ForEach([](Connection& c) { c.Shutdown(); });
      p.set_value();
    });
  }
  for (auto& f : done) f.wait();
  // Connections drain their last writes; give them a bounded time before stopping the loops.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  for (auto& t : threads_) {
    while (std::chrono::steady_clock::now() < deadline) {
      auto count = std::make_shared<std::promise<size_t>>();
      auto f = count->get_future();
      boost::asio::post(t->ctx, [io = t.get(), count] { count->set_value(io->conns.size()); });
      if (f.wait_for(std::chrono::milliseconds(200)) == std::future_status::ready && f.get() == 0) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  for (auto& t : threads_) {
    t->ctx.stop();
    if (t->thread.joinable()) t->thread.join();
  }
}

}  // namespace kv::net
