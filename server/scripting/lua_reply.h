#pragma once

// Conversions between RESP replies and Lua values, as Redis documents them ("Conversion between
// Lua and Redis data types"): what redis.call returns to a script, and what a script's return
// value becomes for the client.

#include <string_view>

#include "server/resp/reply_builder.h"

struct lua_State;

namespace kv {

// Pushes the Lua value of the first RESP reply in `reply` (one complete reply, as a command wrote
// it). RESP2: integer -> number, bulk -> string, null -> false, array -> table, status ->
// {ok=...}, error -> {err=...}. RESP3 adds map -> {map=...}, set -> {set=...}, null -> nil,
// boolean, double -> {double=...}, big number -> {big_number=...}, verbatim ->
// {verbatim_string={format=..., string=...}}.
void PushReply(lua_State* L, std::string_view reply);

// Writes the Lua value on top of the stack (popped) to `rb`. `script_resp3` is the script's
// redis.setresp: it decides how booleans convert, as in Redis.
void WriteLuaValue(lua_State* L, bool script_resp3, resp::ReplyBuilder& rb);

}  // namespace kv
