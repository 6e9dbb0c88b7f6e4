#pragma once

// Bearer-token checks for the admin plane, free of gRPC so they can be unit tested alone.

#include <string_view>

namespace kv::admin {

// Compares in time that depends only on the lengths, never on where the first difference is, so
// a remote caller cannot find the token byte by byte by timing rejections.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// True when `authorization` (the metadata value) is "Bearer <token>". The scheme is matched
// case-insensitively as RFC 6750 allows; the token exactly. An empty expected token means auth
// is off and everything matches.
bool BearerTokenMatches(std::string_view authorization, std::string_view token);

}  // namespace kv::admin
