#pragma once

// Argument parsing and string access shared by the bitmap commands (bitmap_family.cc,
// bitfield_family.cc), in Redis's bitops.c wording.

#include <cstdint>
#include <optional>
#include <string_view>

#include "server/commands/arg_parsing.h"

namespace kv {

inline constexpr std::string_view kBitOffsetErr = "ERR bit offset is not an integer or out of range";

// A bit offset: non-negative and, outside AOF loading, addressing a byte below
// proto-max-bulk-len (Redis's getBitOffsetFromArgument). With `field_width` > 0 a "#N" offset
// means N * field_width (BITFIELD).
inline std::optional<uint64_t> ParseBitOffsetOrReply(CommandContext& ctx, std::string_view arg,
                                                     int field_width = 0) {
  bool scaled = field_width > 0 && !arg.empty() && arg[0] == '#';
  auto v = ParseInt64(scaled ? arg.substr(1) : arg);
  if (v && scaled) {
    // An N whose product overflows is out of range anyway (Redis lets it wrap).
    if (*v > INT64_MAX / field_width || *v < INT64_MIN / field_width) v.reset();
    else *v *= field_width;
  }
  if (!v || *v < 0 ||
      (!ctx.server.loading.load(std::memory_order_relaxed) &&
       (*v >> 3) >= ctx.server.config.proto_max_bulk_len())) {
    ctx.rb.Error(kBitOffsetErr);
    return std::nullopt;
  }
  return static_cast<uint64_t>(*v);
}

// The string under `key` made long enough to hold bit `max_bit`, created when absent; nullptr
// (after replying WRONGTYPE) when the key holds another type. *grown tells whether the key was
// created or lengthened, which is a change even when no bit flips.
inline std::string* StringForBitWriteOrReply(CommandContext& ctx, std::string_view key,
                                             uint64_t max_bit, bool* grown) {
  DbTable& db = ctx.Db(key);
  Entry* e = db.Find(key, ctx.now_ms);
  if (e == nullptr) {
    e = db.Upsert(key, Value());
  } else if (e->value.type() != ValueType::kString) {
    ctx.rb.Error(resp::kWrongTypeErr);
    return nullptr;
  }
  std::string& s = e->value.MutableStr();
  size_t need = static_cast<size_t>(max_bit >> 3) + 1;
  *grown = s.size() < need;
  if (*grown) s.resize(need, '\0');
  return &s;
}

}  // namespace kv
