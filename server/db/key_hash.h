#pragma once

// Hashing of keys and members. Debian's Abseil has its own absl::string_view, so its default
// StringHash does not take std::string_view: these transparent functors do, for every table here.

#include <xxhash.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace kv {

inline uint64_t HashKey(std::string_view s) { return XXH3_64bits(s.data(), s.size()); }

struct KeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return HashKey(s); }
};

struct KeyEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};

}  // namespace kv
