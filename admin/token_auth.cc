#include "admin/token_auth.h"

#include <cstddef>

namespace kv::admin {

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  // Walk the expected length (b) whatever a is, folding differences and the length mismatch into
  // one accumulator; no early exit.
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < b.size(); ++i) {
    const unsigned char ca = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    diff |= ca ^ static_cast<unsigned char>(b[i]);
  }
  return diff == 0;
}

bool BearerTokenMatches(std::string_view authorization, std::string_view token) {
  if (token.empty()) return true;
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() < kScheme.size()) return false;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    char c = authorization[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kScheme[i]) return false;
  }
  return ConstantTimeEquals(authorization.substr(kScheme.size()), token);
}

}  // namespace kv::admin
