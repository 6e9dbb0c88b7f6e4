#pragma once

// Helpers shared by CLIENT, HELLO and RESET.

#include <cstdint>
#include <string>
#include <string_view>

#include "server/commands/client_state.h"

namespace kv {

// One CLIENT LIST / CLIENT INFO line in Redis 7.2's format, without the trailing newline. Safe to
// call from any thread: reads only the atomic and mutex-guarded fields of `c`.
std::string ClientInfoLine(const ClientState& c, int64_t now_ms);

// Redis's rule for client names and CLIENT SETINFO values: printable ASCII, no spaces.
bool ValidClientName(std::string_view name);

}  // namespace kv
