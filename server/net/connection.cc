#include "server/net/connection.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <cerrno>

#include "server/base/clock.h"
#include "server/commands/pubsub.h"
#include "server/net/connection_set.h"
#include "server/net/socket_util.h"

namespace kv::net {
namespace {

constexpr size_t kInitialReadBuffer = 16 * 1024;
// While a write is in flight, stop reading once this much output is queued behind it: a client
// that does not read its replies must not make us buffer without bound.
constexpr size_t kMaxQueuedOutput = 4 * 1024 * 1024;
// Redis's client-query-buffer-limit: a client may not make us hold more unparsed input than this.
constexpr size_t kMaxQueryBuffer = 1024ULL * 1024 * 1024 + 64 * 1024;

}  // namespace

Connection::Connection(UniqueFd socket, Dispatcher& dispatcher, ConnectionSet& owner)
    : socket_(std::move(socket)), dispatcher_(dispatcher), owner_(owner) {
  int one = 1;
  ::setsockopt(socket_.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  client_.addr = PeerEndpoint(socket_.get());
  client_.laddr = LocalEndpoint(socket_.get());
  client_.fd = socket_.get();
  client_.created_ms = UnixMillis();
  client_.last_interaction_ms = client_.created_ms;
}

Connection::~Connection() {
  if (registered_) dispatcher_.server().clients.Remove(client_.id);
}

void Connection::Start() {
  if (!Attach()) return;
  ServerState& server = dispatcher_.server();
  server.clients.Add(&client_);
  registered_ = true;
  client_.channel = weak_from_this();
  in_.resize(kInitialReadBuffer);
  // Input that arrived before the registration is reported by it: EPOLL_CTL_ADD of a ready socket
  // queues an event at once.
}

void Connection::Reject(std::string_view error) {
  if (!Attach()) return;
  rb_.Error(error);
  closing_ = true;
  Flush();
}

bool Connection::Attach() {
  owner_.Add(shared_from_this());
  if (int err = owner_.loop().Watch(socket_.get(), this, EPOLLIN | EPOLLOUT | EPOLLRDHUP)) {
    spdlog::warn("cannot watch client socket: {}", std::strerror(err));
    CloseNow();
    return false;
  }
  return true;
}

void Connection::OnEvents(uint32_t events) {
  if (closed_) return;
  // A hang-up or an error is read like input: recv reports the end of the stream or the error
  // after whatever data came before it.
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) readable_ = true;
  if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) peer_closed_ = true;
  if (writing_in_flight_ && (events & (EPOLLOUT | EPOLLHUP | EPOLLERR))) OnWritable();
  ReadInput();
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
  owner_.loop().Post([self = shared_from_this()] { self->DrainPosted(); });
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
  owner_.loop().RunAfter(delay, [weak = weak_from_this(), fn = std::move(fn)] {
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
  ReadInput();
}

bool Connection::OverOutputLimit() {
  if (client_.pubsub.count() == 0) return false;
  const auto& pubsub = dispatcher_.server().pubsub;
  int64_t limit = pubsub ? pubsub->output_limit() : 0;
  const size_t pending = out_.size() + (writing_.size() - written_);
  if (limit <= 0 || pending <= static_cast<size_t>(limit)) return false;
  // As Redis: the subscriber lost its messages anyway, so close without writing what is pending.
  spdlog::warn(
      "Client id={} addr={} laddr={} scheduled to be closed ASAP for overcoming of output buffer "
      "limits.",
      client_.id, client_.addr, client_.laddr);
  CloseNow();
  return true;
}

void Connection::Close() {
  owner_.loop().Post([self = shared_from_this()] { self->Shutdown(); });
}

bool Connection::ReadingPaused() const {
  return closed_ || closing_ || (writing_in_flight_ && out_.size() > kMaxQueuedOutput);
}

void Connection::ReadInput() {
  if (!readable_ || read_scheduled_ || ReadingPaused() || !MakeReadRoom()) return;
  const size_t room = in_.size() - in_filled_;
  ssize_t n;
  do {
    n = ::recv(socket_.get(), in_.data() + in_filled_, room, 0);
  } while (n < 0 && errno == EINTR);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
    readable_ = false;
    return;
  }
  if (n <= 0) {
    // EOF or reset: nothing more to answer. Replies not yet written are dropped with the socket.
    CloseNow();
    return;
  }
  // A short read emptied the socket, and the next input brings a new edge; but when the peer has
  // shut down its side, the end of the stream is still to be read and no further edge will come.
  if (static_cast<size_t>(n) < room && !peer_closed_) readable_ = false;
  in_filled_ += static_cast<size_t>(n);
  dispatcher_.server().stats.net_input_bytes.fetch_add(n, std::memory_order_relaxed);
  client_.last_interaction_ms.store(UnixMillis(), std::memory_order_relaxed);
  ProcessInput();
  if (!flush_scheduled_ && (!out_.empty() || closing_)) {
    // As Redis: the replies of a round leave together after every ready connection was read.
    // A closing connection flushes even with nothing to send (QUIT under CLIENT REPLY OFF): the
    // flush is what closes it.
    flush_scheduled_ = true;
    owner_.ScheduleFlush(shared_from_this());
  }
  if (readable_ && !ReadingPaused()) {
    read_scheduled_ = true;
    owner_.loop().Post([self = shared_from_this()] {
      self->read_scheduled_ = false;
      self->ReadInput();
    });
  }
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

void Connection::FlushScheduled() {
  flush_scheduled_ = false;
  Flush();
}

void Connection::Flush() {
  if (closed_ || writing_in_flight_) return;
  if (!out_.empty() && !WriteIsDurable()) return;
  if (out_.empty()) {
    if (closing_) CloseNow();
    return;
  }
  size_t n = 0;
  if (!Send(out_, &n)) return;
  if (n == out_.size()) {
    ReleaseOutput(out_);
    if (closing_) CloseNow();
    return;
  }
  // The socket is full: the rest goes when it drains (EPOLLOUT, OnWritable).
  writing_.swap(out_);  // out_ takes writing_'s empty buffer
  written_ = n;
  writing_in_flight_ = true;
}

void Connection::ReleaseOutput(std::string& buf) {
  // Give back what a huge reply grew; keep the usual size for the next one.
  if (buf.capacity() > 1024 * 1024) {
    std::string().swap(buf);
  } else {
    buf.clear();
  }
}

bool Connection::Send(std::string_view data, size_t* sent) {
  if (SendSome(socket_.get(), data, sent) != 0) {
    CloseNow();
    return false;
  }
  dispatcher_.server().stats.net_output_bytes.fetch_add(*sent, std::memory_order_relaxed);
  return true;
}

void Connection::OnWritable() {
  size_t n = 0;
  if (!Send(std::string_view(writing_).substr(written_), &n)) return;
  written_ += n;
  if (written_ < writing_.size()) return;
  writing_in_flight_ = false;
  written_ = 0;
  ReleaseOutput(writing_);
  Flush();
  ReadInput();
}

void Connection::CloseNow() {
  if (closed_) return;
  closed_ = true;
  auto hooks = std::move(client_.on_close);
  for (auto& fn : hooks) fn();
  ::shutdown(socket_.get(), SHUT_RDWR);
  owner_.loop().Unwatch(socket_.get());
  socket_.reset();
  owner_.Remove(this);
}

}  // namespace kv::net
