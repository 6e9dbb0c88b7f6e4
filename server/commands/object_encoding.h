#pragma once

// OBJECT ENCODING's answer for a value: the encoding Redis 7.2 would use for it with its default
// thresholds. kvcache stores every type in one representation, but tools and tests read this
// to tell small from large values, so it follows Redis's size rules.

#include <string_view>

#include "server/db/value.h"

namespace kv {

// Redis 7.2 defaults.
inline constexpr size_t kListMaxListpackBytes = 8192;  // list-max-listpack-size -2
inline constexpr size_t kHashMaxListpackEntries = 128;
inline constexpr size_t kHashMaxListpackValue = 64;
inline constexpr size_t kSetMaxIntsetEntries = 512;
inline constexpr size_t kSetMaxListpackEntries = 128;
inline constexpr size_t kSetMaxListpackValue = 64;
inline constexpr size_t kZSetMaxListpackEntries = 128;
inline constexpr size_t kZSetMaxListpackValue = 64;
inline constexpr size_t kEmbstrSizeLimit = 44;

std::string_view ObjectEncoding(const Value& v);

}  // namespace kv
