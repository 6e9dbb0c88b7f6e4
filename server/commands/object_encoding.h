#pragma once

// OBJECT ENCODING's answer for a value: the encoding Redis 7.0 would use for it with the same
// thresholds (hash-max-listpack-entries & co, from the config). kvcache stores every type in one
// representation, but tools and tests read this to tell small from large values, so it follows
// Redis's size rules.

#include <string_view>

#include "server/db/value.h"

namespace kv {

class Config;

// The config keys OBJECT ENCODING follows; the defaults are Redis 7.0's.
struct EncodingLimits {
  size_t hash_max_listpack_entries = 512;
  size_t hash_max_listpack_value = 64;
  size_t set_max_intset_entries = 512;
  size_t zset_max_listpack_entries = 128;
  size_t zset_max_listpack_value = 64;

  static EncodingLimits FromConfig(const Config& config);
};

// Strings longer than this are "raw" rather than "embstr" (Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT).
inline constexpr size_t kEmbstrSizeLimit = 44;

std::string_view ObjectEncoding(const Value& v, const EncodingLimits& limits = {});

}  // namespace kv
