#pragma once

// The few socket calls the RESP server makes, over plain descriptors (errors as errno values).

#include <string>
#include <string_view>

#include "server/base/unique_fd.h"

namespace kv::net {

// A non-blocking TCP socket listening on bind:port (port 0: any free port); on failure an empty
// descriptor and a message in *error.
UniqueFd ListenTcp(const std::string& bind, int port, int backlog, std::string* error);
// The port a socket is bound to, or 0.
int LocalPort(int fd);
// "ip:port" of the peer or of our end, as CLIENT LIST shows them; empty when unknown.
std::string PeerEndpoint(int fd);
std::string LocalEndpoint(int fd);
// Sends as much of `data` as the socket takes without blocking; *sent says how much. 0, or the
// errno value of a broken connection (EAGAIN is not an error: the socket is full).
int SendSome(int fd, std::string_view data, size_t* sent);

}  // namespace kv::net
