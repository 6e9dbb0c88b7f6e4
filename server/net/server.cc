#include "server/net/server.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <future>

#include "server/base/clock.h"
#include "server/base/thread_name.h"
#include "server/commands/server_info.h"
#include "server/net/connection.h"
#include "server/net/socket_util.h"
#include "server/resp/errors.h"

namespace kv::net {
namespace {

// After accept fails for want of descriptors or memory, try again after this long; the pending
// connections wait in the listen backlog meanwhile.
constexpr std::chrono::milliseconds kAcceptRetry{100};

}  // namespace

Server::Server(Dispatcher& dispatcher, size_t io_threads) : dispatcher_(dispatcher) {
  for (size_t i = 0; i < std::max<size_t>(io_threads, 1); ++i) {
    threads_.push_back(std::make_unique<IoThread>());
  }
}

Server::~Server() { Stop(); }

std::optional<std::string> Server::Listen(const std::string& bind, int port) {
  for (auto& t : threads_) {
    if (!t->loop.error().empty()) return t->loop.error();
  }
  std::string error;
  listener_ = ListenTcp(bind, port, 511, &error);
  if (!listener_) return error;
  // Watched before thread 0 runs: connections that arrive first wait in the backlog.
  if (int err = threads_[0]->loop.Watch(listener_.get(), this, EPOLLIN)) {
    listener_.reset();
    return std::string("cannot watch the listening socket: ") + std::strerror(err);
  }
  port_ = LocalPort(listener_.get());
  return std::nullopt;
}

void Server::Start() {
  ScheduleCron();
  for (size_t i = 0; i < threads_.size(); ++i) {
    IoThread* io = threads_[i].get();
    io->thread = std::thread([io, i] {
      SetThreadName("kv-io-" + std::to_string(i));
      io->loop.Run();
    });
  }
}

void Server::OnEvents(uint32_t /*events*/) { AcceptPending(); }

void Server::AcceptPending() {
  // Edge-triggered: take everything pending, until accept says there is no more.
  while (listener_) {
    UniqueFd socket(::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!socket) {
      int err = errno;
      if (err == EAGAIN || err == EWOULDBLOCK) return;
      if (err == EINTR || err == ECONNABORTED || err == EPROTO) continue;
      spdlog::warn("accept failed: {}", std::strerror(err));
      threads_[0]->loop.RunAfter(kAcceptRetry, [this] { AcceptPending(); });
      return;
    }
    dispatcher_.server().stats.connections_received.fetch_add(1, std::memory_order_relaxed);
    IoThread& target = *threads_[next_thread_];
    next_thread_ = (next_thread_ + 1) % threads_.size();
    // std::function copies its target, so the descriptor travels in a shared_ptr.
    auto fd = std::make_shared<UniqueFd>(std::move(socket));
    target.loop.Post([this, &target, fd] { StartConnection(target, std::move(*fd)); });
  }
}

void Server::StartConnection(IoThread& target, UniqueFd socket) {
  auto conn = std::make_shared<Connection>(std::move(socket), dispatcher_, target.conns);
  ServerState& server = dispatcher_.server();
  if (static_cast<int64_t>(server.clients.size()) >= server.config.maxclients()) {
    server.stats.rejected_connections.fetch_add(1, std::memory_order_relaxed);
    conn->Reject(resp::kMaxClientsErr);
    return;
  }
  conn->Start();
}

void Server::ScheduleCron() {
  int64_t hz = std::clamp<int64_t>(dispatcher_.server().config.GetInt("hz"), 1, 500);
  threads_[0]->loop.RunAfter(std::chrono::milliseconds(1000 / hz), [this] {
    if (!listener_) return;  // stopping
    // Bounded per shard and database so one cycle never stalls thread 0 for long.
    dispatcher_.server().keyspace.ActiveExpireCycle(UnixMillis(), 200);
    SampleServerStats(dispatcher_.server(), UnixMillis());
    ScheduleCron();
  });
}

template <typename Fn>
void Server::OnEveryThread(Fn fn) {
  std::vector<std::future<void>> done;
  for (size_t i = 0; i < threads_.size(); ++i) {
    auto p = std::make_shared<std::promise<void>>();
    done.push_back(p->get_future());
    threads_[i]->loop.Post([fn, i, p] {
      fn(i);
      p->set_value();
    });
  }
  for (auto& f : done) f.wait();
}

void Server::Stop() {
  if (stopped_) return;
  stopped_ = true;
  bool running = threads_[0]->thread.joinable();
  if (running) {
    // Each step runs on the thread that owns the objects it touches.
    OnEveryThread([this](size_t i) {
      if (i == 0 && listener_) {
        threads_[0]->loop.Unwatch(listener_.get());
        listener_.reset();
      }
      threads_[i]->conns.ForEach([](Connection& c) { c.Shutdown(); });
    });
    // Connections drain their last writes; give them a bounded time before stopping the loops.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (std::chrono::steady_clock::now() < deadline) {
      auto open = std::make_shared<std::atomic<size_t>>(0);
      OnEveryThread([this, open](size_t i) { *open += threads_[i]->conns.size(); });
      if (*open == 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  for (auto& t : threads_) {
    t->loop.Stop();
    if (t->thread.joinable()) t->thread.join();
  }
}

}  // namespace kv::net
