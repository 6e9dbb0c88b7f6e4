#pragma once

// Argument parsing helpers shared by the families. Functions named ...OrReply write the error reply
// themselves and return nullopt, so a handler just returns.

#include <cstdint>
#include <optional>
#include <string_view>

#include "server/base/string_util.h"
#include "server/commands/command_context.h"
#include "server/resp/errors.h"

namespace kv {

inline std::optional<int64_t> ParseIntOrReply(CommandContext& ctx, std::string_view arg) {
  auto v = ParseInt64(arg);
  if (!v) ctx.rb.Error(resp::kNotIntegerErr);
  return v;
}

inline std::optional<double> ParseDoubleOrReply(CommandContext& ctx, std::string_view arg) {
  auto v = ParseDouble(arg);
  if (!v) ctx.rb.Error(resp::kNotFloatErr);
  return v;
}

// The entry for `key` when it holds `type`; replies WRONGTYPE (and sets *wrong) when it holds
// another type; nullptr when absent.
inline Entry* FindTyped(CommandContext& ctx, std::string_view key, ValueType type, bool* wrong) {
  *wrong = false;
  Entry* e = ctx.Db(key).Find(key, ctx.now_ms);
  if (e != nullptr && e->value.type() != type) {
    *wrong = true;
    ctx.rb.Error(resp::kWrongTypeErr);
    return nullptr;
  }
  return e;
}

}  // namespace kv
