#include "server/net/socket_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace kv::net {
namespace {

std::string FormatEndpoint(const sockaddr_storage& addr) {
  char ip[INET6_ADDRSTRLEN] = {};
  int port = 0;
  if (addr.ss_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(addr);
    ::inet_ntop(AF_INET, &in.sin_addr, ip, sizeof ip);
    port = ntohs(in.sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto& in6 = reinterpret_cast<const sockaddr_in6&>(addr);
    ::inet_ntop(AF_INET6, &in6.sin6_addr, ip, sizeof ip);
    port = ntohs(in6.sin6_port);
  } else {
    return "";
  }
  return std::string(ip) + ":" + std::to_string(port);
}

template <typename GetName>
std::string Endpoint(int fd, GetName get_name) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (get_name(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return "";
  return FormatEndpoint(addr);
}

std::string ErrnoMessage(const std::string& what, int err) {
  return what + ": " + std::strerror(err);
}

}  // namespace

UniqueFd ListenTcp(const std::string& bind, int port, int backlog, std::string* error) {
  sockaddr_storage addr{};
  socklen_t len = 0;
  auto* in = reinterpret_cast<sockaddr_in*>(&addr);
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&addr);
  if (::inet_pton(AF_INET, bind.c_str(), &in->sin_addr) == 1) {
    in->sin_family = AF_INET;
    in->sin_port = htons(static_cast<uint16_t>(port));
    len = sizeof *in;
  } else if (::inet_pton(AF_INET6, bind.c_str(), &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(static_cast<uint16_t>(port));
    len = sizeof *in6;
  } else {
    *error = "bad bind address '" + bind + "'";
    return UniqueFd();
  }
  const std::string where = "cannot listen on " + bind + ":" + std::to_string(port);
  UniqueFd fd(::socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) {
    *error = ErrnoMessage(where, errno);
    return UniqueFd();
  }
  int one = 1;
  if (::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      ::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::listen(fd.get(), backlog) != 0) {
    *error = ErrnoMessage(where, errno);
    return UniqueFd();
  }
  return fd;
}

int LocalPort(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return 0;
  if (addr.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in&>(addr).sin_port);
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6&>(addr).sin6_port);
  return 0;
}

std::string PeerEndpoint(int fd) { return Endpoint(fd, ::getpeername); }
std::string LocalEndpoint(int fd) { return Endpoint(fd, ::getsockname); }

int SendSome(int fd, std::string_view data, size_t* sent) {
  *sent = 0;
  while (*sent < data.size()) {
    ssize_t n = ::send(fd, data.data() + *sent, data.size() - *sent, MSG_NOSIGNAL);
    if (n >= 0) {
      *sent += static_cast<size_t>(n);
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      return 0;
    } else if (errno != EINTR) {
      return errno;
    }
  }
  return 0;
}

}  // namespace kv::net
