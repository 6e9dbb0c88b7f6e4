// Pub/sub fan-out load generator: S subscribers on one channel, one publisher pipelining PUBLISH,
// and the time until every subscriber has received every message. Works against any RESP server,
// so bench/pubsub.sh runs it against kv-server and redis-server alike.
//
//   pubsub_fanout --port P [--host 127.0.0.1] [--subscribers 50] [--messages 100000]
//                 [--payload 64] [--pipeline 16]
//
// Prints one CSV line: subscribers,messages,payload,seconds,published_per_s,delivered_per_s.
// Subscribers are read by one epoll thread and counted by bytes: every message has the same size.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

constexpr std::string_view kChannel = "fanout";
constexpr auto kDeadline = std::chrono::seconds(120);

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  int subscribers = 50;
  long messages = 100000;
  int payload = 64;
  int pipeline = 16;
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "pubsub_fanout: %s\n", what.c_str());
  std::exit(1);
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd& operator=(Fd&&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

Fd Connect(const Options& opt) {
  Fd fd(::socket(AF_INET, SOCK_STREAM, 0));
  if (fd.get() < 0) Die("socket: " + std::string(std::strerror(errno)));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(opt.port));
  if (::inet_pton(AF_INET, opt.host.c_str(), &addr.sin_addr) != 1) Die("bad host " + opt.host);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    Die("connect " + opt.host + ":" + std::to_string(opt.port) + ": " + std::strerror(errno));
  }
  int one = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

void WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) Die("write: " + std::string(std::strerror(errno)));
    data.remove_prefix(static_cast<size_t>(n));
  }
}

// Reads exactly `len` bytes (blocking socket).
std::string ReadExactly(int fd, size_t len) {
  std::string out(len, '\0');
  size_t got = 0;
  while (got < len) {
    ssize_t n = ::read(fd, out.data() + got, len - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) Die("read: connection closed or failed");
    got += static_cast<size_t>(n);
  }
  return out;
}

std::string Bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}

std::string Command(std::initializer_list<std::string_view> argv) {
  std::string out = "*" + std::to_string(argv.size()) + "\r\n";
  for (std::string_view a : argv) out += Bulk(a);
  return out;
}

Options Parse(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    std::string_view flag = argv[i];
    if (i + 1 >= argc) Die("missing value after " + std::string(flag));
    const char* value = argv[++i];
    if (flag == "--host") {
      opt.host = value;
    } else if (flag == "--port") {
      opt.port = std::atoi(value);
    } else if (flag == "--subscribers") {
      opt.subscribers = std::atoi(value);
    } else if (flag == "--messages") {
      opt.messages = std::atol(value);
    } else if (flag == "--payload") {
      opt.payload = std::atoi(value);
    } else if (flag == "--pipeline") {
      opt.pipeline = std::atoi(value);
    } else {
      Die("unknown flag " + std::string(flag));
    }
  }
  if (opt.port <= 0 || opt.subscribers <= 0 || opt.messages <= 0 || opt.payload <= 0 ||
      opt.pipeline <= 0) {
    Die("usage: pubsub_fanout --port P [--host H] [--subscribers N] [--messages N] "
        "[--payload BYTES] [--pipeline N]");
  }
  return opt;
}

// Reads every subscriber until each has `expected` bytes; returns false on timeout or a close.
bool DrainSubscribers(const std::vector<Fd>& subs, size_t expected,
                      std::chrono::steady_clock::time_point deadline) {
  Fd ep(::epoll_create1(0));
  std::vector<size_t> received(subs.size(), 0);
  for (size_t i = 0; i < subs.size(); ++i) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    if (::epoll_ctl(ep.get(), EPOLL_CTL_ADD, subs[i].get(), &ev) != 0) Die("epoll_ctl");
  }
  size_t done = 0;
  std::vector<char> buf(1 << 16);
  std::vector<epoll_event> events(subs.size());
  while (done < subs.size()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    int n = ::epoll_wait(ep.get(), events.data(), static_cast<int>(events.size()), 100);
    for (int e = 0; e < n; ++e) {
      size_t i = events[e].data.u64;
      ssize_t got = ::read(subs[i].get(), buf.data(), buf.size());
      if (got == 0) return false;  // the server dropped a subscriber (output buffer limit?)
      if (got < 0) continue;
      received[i] += static_cast<size_t>(got);
      if (received[i] == expected) ++done;
      if (received[i] > expected) Die("a subscriber received more bytes than published");
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const Options opt = Parse(argc, argv);
  const std::string payload(static_cast<size_t>(opt.payload), 'x');

  std::vector<Fd> subs;
  subs.reserve(static_cast<size_t>(opt.subscribers));
  const std::string subscribe = Command({"SUBSCRIBE", kChannel});
  const std::string confirmation = "*3\r\n" + Bulk("subscribe") + Bulk(kChannel) + ":1\r\n";
  for (int i = 0; i < opt.subscribers; ++i) {
    subs.push_back(Connect(opt));
    WriteAll(subs.back().get(), subscribe);
    if (ReadExactly(subs.back().get(), confirmation.size()) != confirmation) {
      Die("unexpected SUBSCRIBE reply");
    }
  }

  const std::string message = "*3\r\n" + Bulk("message") + Bulk(kChannel) + Bulk(payload);
  const size_t expected = message.size() * static_cast<size_t>(opt.messages);
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + kDeadline;
  bool drained = false;
  std::thread reader([&] { drained = DrainSubscribers(subs, expected, deadline); });

  Fd pub = Connect(opt);
  const std::string publish = Command({"PUBLISH", kChannel, payload});
  const std::string reply = ":" + std::to_string(opt.subscribers) + "\r\n";
  long sent = 0;
  std::string batch;
  while (sent < opt.messages) {
    const long n = std::min<long>(opt.pipeline, opt.messages - sent);
    batch.clear();
    for (long i = 0; i < n; ++i) batch += publish;
    WriteAll(pub.get(), batch);
    const std::string replies = ReadExactly(pub.get(), reply.size() * static_cast<size_t>(n));
    if (replies.compare(0, reply.size(), reply) != 0) {
      Die("PUBLISH reached fewer subscribers than connected: " + replies.substr(0, reply.size()));
    }
    sent += n;
  }
  const auto published = std::chrono::steady_clock::now();
  reader.join();
  if (!drained) Die("subscribers did not receive every message before the deadline");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double publish_seconds = std::chrono::duration<double>(published - start).count();
  std::printf("%d,%ld,%d,%.3f,%.0f,%.0f\n", opt.subscribers, opt.messages, opt.payload, seconds,
              static_cast<double>(opt.messages) / publish_seconds,
              static_cast<double>(opt.messages) * opt.subscribers / seconds);
  return 0;
}
