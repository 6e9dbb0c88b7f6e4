#include "server/scripting/lua_reply.h"

#include <lua.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

namespace kv {
namespace {

// Nesting beyond this is refused rather than risking the C stack (Redis's replies nest a few
// levels; a script's table may be self-referencing).
constexpr int kMaxDepth = 64;

class ReplyReader {
 public:
  ReplyReader(lua_State* L, std::string_view in) : L_(L), in_(in) {}

  // Pushes one value; an incomplete or unknown reply pushes false (never happens for replies the
  // server wrote itself).
  void Push(int depth = 0) {
    lua_checkstack(L_, 4);
    if (pos_ >= in_.size() || depth > kMaxDepth) return lua_pushboolean(L_, 0);
    char type = in_[pos_++];
    std::string_view line = Line();
    switch (type) {
      case '+':
        return PushField("ok", line);
      case '-':
        return PushField("err", line);
      case ':':
        return lua_pushnumber(L_, static_cast<lua_Number>(ToInt(line)));
      case '$': {
        int64_t n = ToInt(line);
        if (n < 0) return lua_pushboolean(L_, 0);
        lua_pushlstring(L_, in_.data() + pos_, static_cast<size_t>(n));
        pos_ += static_cast<size_t>(n) + 2;
        return;
      }
      case '*':
      case '>': {
        int64_t n = ToInt(line);
        if (n < 0) return lua_pushboolean(L_, 0);
        lua_createtable(L_, static_cast<int>(n), 0);
        for (int64_t i = 1; i <= n; ++i) {
          Push(depth + 1);
          lua_rawseti(L_, -2, static_cast<int>(i));
        }
        return;
      }
      case '_':
        return lua_pushnil(L_);
      case '#':
        return lua_pushboolean(L_, line == "t");
      case ',': {
        lua_newtable(L_);
        lua_pushstring(L_, "double");
        lua_pushnumber(L_, std::strtod(std::string(line).c_str(), nullptr));
        lua_rawset(L_, -3);
        return;
      }
      case '(':
        return PushField("big_number", line);
      case '=': {
        int64_t n = ToInt(line);
        std::string_view body = in_.substr(pos_, static_cast<size_t>(n));
        pos_ += static_cast<size_t>(n) + 2;
        lua_newtable(L_);
        lua_pushstring(L_, "verbatim_string");
        lua_newtable(L_);
        lua_pushstring(L_, "format");
        lua_pushlstring(L_, body.data(), std::min<size_t>(3, body.size()));
        lua_rawset(L_, -3);
        lua_pushstring(L_, "string");
        std::string_view text = body.size() > 4 ? body.substr(4) : std::string_view();
        lua_pushlstring(L_, text.data(), text.size());
        lua_rawset(L_, -3);
        lua_rawset(L_, -3);
        return;
      }
      case '%':
      case '~': {
        int64_t n = ToInt(line);
        lua_newtable(L_);
        lua_pushstring(L_, type == '%' ? "map" : "set");
        lua_newtable(L_);
        for (int64_t i = 0; i < n; ++i) {
          Push(depth + 1);
          if (type == '%') {
            Push(depth + 1);
          } else {
            lua_pushboolean(L_, 1);
          }
          lua_rawset(L_, -3);
        }
        lua_rawset(L_, -3);
        return;
      }
      case '|': {  // attributes: skipped, as Redis does
        int64_t n = ToInt(line);
        for (int64_t i = 0; i < 2 * n; ++i) {
          Push(depth + 1);
          lua_pop(L_, 1);
        }
        return Push(depth);
      }
      default:
        return lua_pushboolean(L_, 0);
    }
  }

 private:
  std::string_view Line() {
    size_t end = in_.find("\r\n", pos_);
    if (end == std::string_view::npos) end = in_.size();
    std::string_view line = in_.substr(pos_, end - pos_);
    pos_ = std::min(in_.size(), end + 2);
    return line;
  }

  static int64_t ToInt(std::string_view s) {
    int64_t v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v);
    return v;
  }

  void PushField(const char* name, std::string_view value) {
    lua_newtable(L_);
    lua_pushstring(L_, name);
    lua_pushlstring(L_, value.data(), value.size());
    lua_rawset(L_, -3);
  }

  lua_State* L_;
  std::string_view in_;
  size_t pos_ = 0;
};

// The string field `name` of the table on top of the stack, if it is a string.
bool StringField(lua_State* L, const char* name, std::string* out) {
  lua_pushstring(L, name);
  lua_rawget(L, -2);
  bool ok = lua_type(L, -1) == LUA_TSTRING;
  if (ok) {
    size_t len = 0;
    const char* s = lua_tolstring(L, -1, &len);
    out->assign(s, len);
  }
  lua_pop(L, 1);
  return ok;
}

// Status and error texts cannot hold line breaks: Redis replaces them with spaces.
std::string OneLine(std::string s) {
  for (char& c : s) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return s;
}

void WriteTable(lua_State* L, bool script_resp3, resp::ReplyBuilder& rb, int depth);

void WriteValue(lua_State* L, bool script_resp3, resp::ReplyBuilder& rb, int depth) {
  switch (lua_type(L, -1)) {
    case LUA_TSTRING: {
      size_t len = 0;
      const char* s = lua_tolstring(L, -1, &len);
      rb.Bulk(std::string_view(s, len));
      break;
    }
    case LUA_TBOOLEAN:
      if (!script_resp3) {
        lua_toboolean(L, -1) ? rb.Integer(1) : rb.NullBulk();
      } else {
        rb.Bool(lua_toboolean(L, -1) != 0);
      }
      break;
    case LUA_TNUMBER:
      rb.Integer(static_cast<int64_t>(lua_tonumber(L, -1)));
      break;
    case LUA_TTABLE:
      if (depth > kMaxDepth) {
        rb.Error("ERR reached lua stack limit");
      } else {
        WriteTable(L, script_resp3, rb, depth);
      }
      break;
    default:
      rb.NullBulk();
  }
  lua_pop(L, 1);
}

void WriteTable(lua_State* L, bool script_resp3, resp::ReplyBuilder& rb, int depth) {
  lua_checkstack(L, 4);
  std::string text;
  if (StringField(L, "err", &text)) {
    text = OneLine(std::move(text));
    if (!text.empty() && text[0] == '-') text.erase(0, 1);
    return rb.Error(text);
  }
  if (StringField(L, "ok", &text)) return rb.SimpleString(OneLine(std::move(text)));
  lua_pushstring(L, "double");
  lua_rawget(L, -2);
  if (lua_type(L, -1) == LUA_TNUMBER) {
    double d = lua_tonumber(L, -1);
    lua_pop(L, 1);
    return rb.Double(d);
  }
  lua_pop(L, 1);
  if (StringField(L, "big_number", &text)) {
    if (rb.resp3()) return rb.Raw("(" + OneLine(std::move(text)) + "\r\n");
    return rb.Bulk(text);
  }
  for (const char* kind : {"map", "set"}) {
    lua_pushstring(L, kind);
    lua_rawget(L, -2);
    if (lua_type(L, -1) != LUA_TTABLE) {
      lua_pop(L, 1);
      continue;
    }
    bool is_map = kind[0] == 'm';
    size_t n = 0;
    for (lua_pushnil(L); lua_next(L, -2) != 0; lua_pop(L, 1)) ++n;
    is_map ? rb.MapHeader(n) : rb.SetHeader(n);
    for (lua_pushnil(L); lua_next(L, -2) != 0;) {
      lua_pushvalue(L, -2);  // the key, converted and popped below
      WriteValue(L, script_resp3, rb, depth + 1);
      if (is_map) {
        WriteValue(L, script_resp3, rb, depth + 1);
      } else {
        lua_pop(L, 1);
      }
    }
    lua_pop(L, 1);
    return;
  }
  // An array: elements 1..n up to the first nil, as Redis.
  size_t n = 0;
  for (;; ++n) {
    lua_rawgeti(L, -1, static_cast<int>(n + 1));
    bool is_nil = lua_isnil(L, -1);
    lua_pop(L, 1);
    if (is_nil) break;
  }
  rb.ArrayHeader(n);
  for (size_t i = 1; i <= n; ++i) {
    lua_rawgeti(L, -1, static_cast<int>(i));
    WriteValue(L, script_resp3, rb, depth + 1);
  }
}

}  // namespace

void PushReply(lua_State* L, std::string_view reply) { ReplyReader(L, reply).Push(); }

void WriteLuaValue(lua_State* L, bool script_resp3, resp::ReplyBuilder& rb) {
  WriteValue(L, script_resp3, rb, 0);
}

}  // namespace kv
