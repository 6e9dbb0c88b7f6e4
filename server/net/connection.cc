#include "server/net/connection.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "server/base/clock.h"
#include "server/commands/pubsub.h"
#include "server/net/connection_set.h"

namespace kv::net {
namespace {

constexpr size_t kInitialReadBuffer = 16 * 1024;
// While a write is in flight, stop reading once this much output is queued behind it: a client
// that does not read its replies must not make us buffer without bound.
constexpr size_t kMaxQueuedOutput = 4 * 1024 * 1024;
// Redis's client-query-buffer-limit: a client may not make us hold more unparsed input than this.
constexpr size_t kMaxQueryBuffer = 1024ULL * 1024 * 1024 + 64 * 1024;

std::string Endpoint(const boost::asio::ip::tcp::endpoint& ep) {
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

}  // namespace

Connection::Connection(boost::asio::ip::tcp::socket socket, Dispatcher& dispatcher,
                       ConnectionSet& owner)
    : socket_(std::move(socket)), dispatcher_(dispatcher), owner_(owner) {
  boost::system::error_code ec;
  socket_.set_option(boost::asio::ip::tcp::no_delay(true), ec);
  // Replies are written in place (Flush), which must never block the thread.
  socket_.non_blocking(true, ec);
  auto remote = socket_.remote_endpoint(ec);
  if (!ec) client_.addr = Endpoint(remote);
  auto local = socket_.local_endpoint(ec);
  if (!ec) client_.laddr = Endpoint(local);
  client_.fd = static_cast<int>(socket_.native_handle());
  client_.created_ms = UnixMillis();
  client_.last_interaction_ms = client_.created_ms;
}

Connection::~Connection() {
  if (registered_) dispatcher_.server().clients.Remove(client_.id);
}

void Connection::Start() {
  ServerState& server = dispatcher_.server();
  server.clients.Add(&client_);
  registered_ = true;
  client_.channel = weak_from_this();
  owner_.Add(shared_from_this());
  in_.resize(kInitialReadBuffer);
  DoRead();
}

void Connection::Reject(std::string_view error) {
  rb_.Error(error);
  closing_ = true;
  Flush();
}

void Connection::Shutdown() {
  closing_ = true;
  if (!writing_in_flight_) {
    if (!out_.empty()) {
      Flush();
    } else {
      CloseNow();
    }
  }
}

void Connection::Post(PostedFn fn) {
  if (!posted_.Push(std::move(fn))) return;
  boost::asio::post(socket_.get_executor(), [self = shared_from_this()] { self->DrainPosted(); });
}

void Connection::DrainPosted() {
  // Once closed, the rest of the batch has no one to answer.
  posted_.Drain([this](const PostedFn& fn) {
    if (!closed_) fn(client_, rb_);
  });
  ResumeAfterPosted();
}

void Connection::PostAfter(std::chrono::milliseconds delay, PostedFn fn) {
  // The timer holds the connection weakly: a client that went away is not kept alive until then.
  auto timer = std::make_shared<boost::asio::steady_timer>(socket_.get_executor(), delay);
  timer->async_wait(
      [timer, weak = weak_from_this(), fn = std::move(fn)](boost::system::error_code ec) {
        if (ec) return;
        if (auto self = weak.lock()) self->RunPosted(fn);
      });
}

void Connection::RunPosted(const PostedFn& fn) {
  if (closed_) return;
  fn(client_, rb_);
  ResumeAfterPosted();
}

void Connection::ResumeAfterPosted() {
  if (closed_ || OverOutputLimit()) return;
  if (!client_.blocked) ProcessInput();
  Flush();
  if (!reading_ && !closing_) DoRead();
}

bool Connection::OverOutputLimit() {
  if (client_.pubsub.count() == 0) return false;
  const auto& pubsub = dispatcher_.server().pubsub;
  int64_t limit = pubsub ? pubsub->output_limit() : 0;
  if (limit <= 0 || out_.size() + writing_.size() <= static_cast<size_t>(limit)) return false;
  // As Redis: the subscriber lost its messages anyway, so close without writing what is pending.
  spdlog::warn(
      "Client id={} addr={} laddr={} scheduled to be closed ASAP for overcoming of output buffer "
      "limits.",
      client_.id, client_.addr, client_.laddr);
  CloseNow();
  return true;
}

void Connection::Close() {
  boost::asio::post(socket_.get_executor(), [self = shared_from_this()] { self->Shutdown(); });
}

void Connection::DoRead() {
  if (reading_ || closed_ || closing_) return;
  if (writing_in_flight_ && out_.size() > kMaxQueuedOutput) return;
  if (!MakeReadRoom()) return;
  reading_ = true;
  socket_.async_read_some(
      boost::asio::buffer(in_.data() + in_filled_, in_.size() - in_filled_),
      [self = shared_from_this()](boost::system::error_code ec, size_t n) { self->OnRead(ec, n); });
}

bool Connection::MakeReadRoom() {
  if (in_filled_ < in_.size()) return true;
  CompactInput();
  if (in_filled_ < in_.size()) return true;
  size_t want = std::max(in_.size() * 2, parser_.hint());
  if (want > kMaxQueryBuffer) {
    spdlog::warn("closing client {}: query buffer over {} bytes", client_.addr, kMaxQueryBuffer);
    CloseNow();
    return false;
  }
  in_.resize(want);
  return true;
}

void Connection::OnRead(boost::system::error_code ec, size_t n) {
  reading_ = false;
  if (ec) {
    // EOF or reset: nothing more to answer. Replies in flight are dropped with the socket.
    CloseNow();
    return;
  }
  in_filled_ += n;
  dispatcher_.server().stats.net_input_bytes.fetch_add(n, std::memory_order_relaxed);
  client_.last_interaction_ms.store(UnixMillis(), std::memory_order_relaxed);
  ProcessInput();
  Flush();
  DoRead();
}

void Connection::ProcessInput() {
  ServerState& server = dispatcher_.server();
  resp::ParserLimits limits;
  limits.max_bulk_len = server.config.proto_max_bulk_len();
  parser_.set_limits(limits);

  resp::ArgVec args;
  while (!client_.blocked && !waiting_durable_ && !closing_ && in_start_ < in_filled_) {
    size_t consumed = 0;
    std::string_view pending(in_.data() + in_start_, in_filled_ - in_start_);
    auto result = parser_.Parse(pending, &consumed, &args);
    if (result == resp::Parser::Result::kInputPending) break;
    if (result == resp::Parser::Result::kProtocolError) {
      server.stats.protocol_errors.fetch_add(1, std::memory_order_relaxed);
      spdlog::debug("protocol error from {}: {}", client_.addr, parser_.error());
      rb_.Error("ERR " + std::string(parser_.error()));
      closing_ = true;
      break;
    }
    in_start_ += consumed;  // the args still point into in_, which is not moved until we return
    if (args.empty()) continue;
    // CLIENT REPLY OFF / SKIP: the command runs, its reply is dropped.
    const size_t reply_mark = out_.size();
    const bool skip_this = client_.reply_skip_next;
    client_.reply_skip_next = false;
    dispatcher_.Execute(client_, args, rb_);
    if (client_.reply_off || skip_this) out_.resize(reply_mark);
    if (client_.close_after_reply) closing_ = true;
  }
  if (in_start_ == in_filled_) {
    in_start_ = in_filled_ = 0;
    // Give back a buffer that a huge command grew, once it is drained.
    if (in_.size() > 1024 * 1024) {
      in_.resize(kInitialReadBuffer);
      in_.shrink_to_fit();
    }
  }
}

void Connection::CompactInput() {
  if (in_start_ == 0) return;
  std::memmove(in_.data(), in_.data() + in_start_, in_filled_ - in_start_);
  in_filled_ -= in_start_;
  in_start_ = 0;
}

bool Connection::WriteIsDurable() {
  if (waiting_durable_) return false;
  uint64_t seq = client_.last_write_seq;
  if (seq <= durable_seq_) return true;
  WriteLog* log = dispatcher_.server().write_log.load(std::memory_order_acquire);
  if (log == nullptr) {
    durable_seq_ = seq;
    return true;
  }
  auto on_durable = [weak = weak_from_this(), seq] {
    if (auto self = weak.lock()) self->owner_.PostDurable(std::move(self), seq);
  };
  if (log->ReadyToReply(seq, std::move(on_durable))) {
    durable_seq_ = seq;
    return true;
  }
  waiting_durable_ = true;
  return false;
}

void Connection::OnDurable(uint64_t seq) {
  waiting_durable_ = false;
  durable_seq_ = std::max(durable_seq_, seq);
  // The held replies leave before more input runs: a new write would hold them again.
  Flush();
  ResumeAfterPosted();
}

void Connection::Flush() {
  if (closed_ || writing_in_flight_) return;
  if (!out_.empty() && !WriteIsDurable()) return;
  if (out_.empty()) {
    if (closing_) CloseNow();
    return;
  }
  // Most replies fit the socket buffer: send them here rather than through async_write, whose
  // completion is one more handler (and reactor poll) per request. Only the rest waits.
  boost::system::error_code ec;
  size_t n = socket_.write_some(boost::asio::buffer(out_), ec);
  if (ec && ec != boost::asio::error::would_block && ec != boost::asio::error::try_again) {
    CloseNow();
    return;
  }
  dispatcher_.server().stats.net_output_bytes.fetch_add(n, std::memory_order_relaxed);
  if (n == out_.size()) {
    ReleaseOutput(out_);
    if (closing_) CloseNow();
    return;
  }
  writing_.swap(out_);  // out_ takes writing_'s empty buffer
  writing_in_flight_ = true;
  boost::asio::async_write(socket_, boost::asio::buffer(writing_.data() + n, writing_.size() - n),
                           [self = shared_from_this()](boost::system::error_code ec, size_t n) {
                             self->OnWritten(ec, n);
                           });
}

void Connection::ReleaseOutput(std::string& buf) {
  // Give back what a huge reply grew; keep the usual size for the next one.
  if (buf.capacity() > 1024 * 1024) {
    std::string().swap(buf);
  } else {
    buf.clear();
  }
}

void Connection::OnWritten(boost::system::error_code ec, size_t n) {
  writing_in_flight_ = false;
  if (ec) {
    CloseNow();
    return;
  }
  dispatcher_.server().stats.net_output_bytes.fetch_add(n, std::memory_order_relaxed);
  ReleaseOutput(writing_);
  Flush();
  DoRead();
}

void Connection::CloseNow() {
  if (closed_) return;
  closed_ = true;
  auto hooks = std::move(client_.on_close);
  for (auto& fn : hooks) fn();
  boost::system::error_code ignored;
  socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  owner_.Remove(this);
}

}  // namespace kv::net
