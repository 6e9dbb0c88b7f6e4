// Cache-aside hit-ratio load: GET a key, and SET it on a miss, as an application caching a
// database does. The same request sequence (fixed seed) for any RESP server, so bench/hitratio.sh
// compares kv-server's and redis-server's policies with the same maxmemory in one run.
//
//   hitratio --port P --workload zipf|scan|shift [--keys 1000000] [--requests 2000000]
//            [--value 1024] [--alpha 0.99] [--batch 64] [--seed 1]
//
// Workloads: `zipf` draws keys from a Zipf(alpha) distribution over --keys keys; `scan` is the
// same plus, every 100k requests, a one-pass scan of 20k keys never requested before (scan
// resistance); `shift` moves the hot set every 250k requests (the ranks map to other keys).
// Requests go in pipelined batches: the GETs of a batch, then the SETs of its misses. The first
// quarter of the requests warms the cache up and is not counted.
// Prints one CSV line: workload,requests,hits,hit_ratio,seconds.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct Options {
  int port = 0;
  std::string workload = "zipf";
  uint64_t keys = 1000000;
  uint64_t requests = 2000000;
  size_t value = 1024;
  double alpha = 0.99;
  size_t batch = 64;
  uint64_t seed = 1;
};

[[noreturn]] void Die(const char* what) {
  std::perror(what);
  std::exit(1);
}

// Blocking socket with a buffered reader of RESP replies (only what GET and SET answer).
class Conn {
 public:
  explicit Conn(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) Die("socket");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) Die("connect");
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
  ~Conn() { close(fd_); }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  void Send(const std::string& out) {
    for (size_t off = 0; off < out.size();) {
      ssize_t n = write(fd_, out.data() + off, out.size() - off);
      if (n <= 0) Die("write");
      off += static_cast<size_t>(n);
    }
  }

  // Reads one reply; returns true for a hit (a bulk string), false for a nil or a status.
  // An error reply ends the run: the bench measures eviction, not refusals.
  bool ReadReply() {
    std::string line = Line();
    if (line[0] == '-') {
      std::fprintf(stderr, "hitratio: server error: %s\n", line.c_str());
      std::exit(1);
    }
    if (line[0] != '$') return false;
    long len = std::strtol(line.c_str() + 1, nullptr, 10);
    if (len < 0) return false;
    Skip(static_cast<size_t>(len) + 2);
    return true;
  }

 private:
  void Fill() {
    if (pos_ > 0) {
      buf_.erase(0, pos_);
      pos_ = 0;
    }
    char tmp[1 << 16];
    ssize_t n = read(fd_, tmp, sizeof(tmp));
    if (n <= 0) Die("read");
    buf_.append(tmp, static_cast<size_t>(n));
  }
  std::string Line() {
    size_t eol;
    while ((eol = buf_.find("\r\n", pos_)) == std::string::npos) Fill();
    std::string line = buf_.substr(pos_, eol - pos_);
    pos_ = eol + 2;
    return line;
  }
  void Skip(size_t n) {
    while (buf_.size() - pos_ < n) Fill();
    pos_ += n;
  }

  int fd_;
  std::string buf_;
  size_t pos_ = 0;
};

// Zipf(alpha) over ranks 0..n-1 by inverting the CDF (n doubles; built once).
class Zipf {
 public:
  Zipf(uint64_t n, double alpha) : cdf_(n) {
    double sum = 0;
    for (uint64_t i = 0; i < n; ++i) cdf_[i] = (sum += 1.0 / std::pow(static_cast<double>(i + 1), alpha));
    for (double& c : cdf_) c /= sum;
  }
  uint64_t operator()(std::mt19937_64& rng) const {
    double u = std::uniform_real_distribution<double>(0, 1)(rng);
    return static_cast<uint64_t>(std::lower_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin());
  }

 private:
  std::vector<double> cdf_;
};

void AppendCommand(std::string* out, std::initializer_list<std::string_view> args) {
  *out += "*" + std::to_string(args.size()) + "\r\n";
  for (std::string_view a : args) {
    *out += "$" + std::to_string(a.size()) + "\r\n";
    out->append(a);
    *out += "\r\n";
  }
}

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--port") o.port = std::atoi(v);
    else if (k == "--workload") o.workload = v;
    else if (k == "--keys") o.keys = std::strtoull(v, nullptr, 10);
    else if (k == "--requests") o.requests = std::strtoull(v, nullptr, 10);
    else if (k == "--value") o.value = std::strtoull(v, nullptr, 10);
    else if (k == "--alpha") o.alpha = std::atof(v);
    else if (k == "--batch") o.batch = std::strtoull(v, nullptr, 10);
    else if (k == "--seed") o.seed = std::strtoull(v, nullptr, 10);
    else {
      std::fprintf(stderr, "hitratio: unknown option %s\n", argv[i]);
      std::exit(2);
    }
  }
  if (o.port == 0 || (o.workload != "zipf" && o.workload != "scan" && o.workload != "shift")) {
    std::fprintf(stderr, "usage: hitratio --port P --workload zipf|scan|shift [...]\n");
    std::exit(2);
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = Parse(argc, argv);
  const Zipf zipf(o.keys, o.alpha);
  std::mt19937_64 rng(o.seed);
  constexpr uint64_t kScanEvery = 100000, kScanLength = 20000, kShiftEvery = 250000;
  uint64_t next_scan_key = 0, scan_left = 0;

  // The key of request i.
  auto next_key = [&](uint64_t i) -> std::string {
    if (o.workload == "scan") {
      if (i > 0 && i % kScanEvery == 0) scan_left = kScanLength;
      if (scan_left > 0) {
        --scan_left;
        return "scan:" + std::to_string(next_scan_key++);
      }
    }
    uint64_t rank = zipf(rng);
    if (o.workload == "shift") {
      // Each phase maps the ranks onto other keys: the old hot keys go cold at once.
      rank = (rank + (i / kShiftEvery) * (o.keys / 7)) % o.keys;
    }
    return "key:" + std::to_string(rank);
  };

  Conn conn(o.port);
  const std::string value(o.value, 'v');
  const uint64_t warmup = o.requests / 4;
  uint64_t hits = 0, counted = 0;
  std::vector<std::string> keys;
  std::string out;
  const auto start = std::chrono::steady_clock::now();
  for (uint64_t i = 0; i < o.requests;) {
    keys.clear();
    out.clear();
    for (size_t b = 0; b < o.batch && i < o.requests; ++b, ++i) {
      keys.push_back(next_key(i));
      AppendCommand(&out, {"GET", keys.back()});
    }
    conn.Send(out);
    out.clear();
    size_t misses = 0;
    const uint64_t first = i - keys.size();
    for (size_t b = 0; b < keys.size(); ++b) {
      bool hit = conn.ReadReply();
      if (first + b >= warmup) {
        ++counted;
        hits += hit ? 1 : 0;
      }
      if (!hit) {
        AppendCommand(&out, {"SET", keys[b], value});
        ++misses;
      }
    }
    if (misses == 0) continue;
    conn.Send(out);
    for (size_t m = 0; m < misses; ++m) conn.ReadReply();
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%s,%llu,%llu,%.4f,%.1f\n", o.workload.c_str(),
              static_cast<unsigned long long>(counted), static_cast<unsigned long long>(hits),
              counted ? static_cast<double>(hits) / static_cast<double>(counted) : 0.0, secs);
  return 0;
}
