#include "server/resp/parser.h"

#include <charconv>
#include <cstring>
#include <string>

namespace kv::resp {
namespace {

// Redis's string2ll accepts an optional '-' and digits only: no '+', no spaces, no leading zeros
// beyond "0" itself are rejected here either, which matches what Redis tolerates for lengths.
bool ParseLength(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  const char* first = s.data();
  const char* last = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(first, last, *out);
  return ec == std::errc() && ptr == last;
}

bool IsHexDigit(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  return (std::tolower(static_cast<unsigned char>(c)) - 'a') + 10;
}

// Splits an inline request the way Redis's sdssplitargs does: whitespace separated, with "..."
// (backslash escapes incl. \xHH) and '...' (only \' escaped) quoting. Returns false on unbalanced
// quotes. Arguments are appended to `scratch`; `bounds` gets [start, end) offsets into it.
bool SplitInlineArgs(std::string_view line, std::vector<char>* scratch,
                     std::vector<std::pair<size_t, size_t>>* bounds) {
  size_t i = 0;
  const size_t n = line.size();
  while (true) {
    while (i < n && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i >= n) return true;
    bool in_dq = false, in_sq = false, done = false;
    size_t start = scratch->size();
    while (!done) {
      if (in_dq) {
        if (i >= n) return false;
        if (line[i] == '\\' && i + 3 < n && line[i + 1] == 'x' && IsHexDigit(line[i + 2]) &&
            IsHexDigit(line[i + 3])) {
          scratch->push_back(static_cast<char>(HexValue(line[i + 2]) * 16 + HexValue(line[i + 3])));
          i += 3;
        } else if (line[i] == '\\' && i + 1 < n) {
          char c;
          switch (line[++i]) {
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'b': c = '\b'; break;
            case 'a': c = '\a'; break;
            default: c = line[i]; break;
          }
          scratch->push_back(c);
        } else if (line[i] == '"') {
          // A closing quote must be followed by a space or the end.
          if (i + 1 < n && !std::isspace(static_cast<unsigned char>(line[i + 1]))) return false;
          done = true;
        } else {
          scratch->push_back(line[i]);
        }
      } else if (in_sq) {
        if (i >= n) return false;
        if (line[i] == '\\' && i + 1 < n && line[i + 1] == '\'') {
          ++i;
          scratch->push_back('\'');
        } else if (line[i] == '\'') {
          if (i + 1 < n && !std::isspace(static_cast<unsigned char>(line[i + 1]))) return false;
          done = true;
        } else {
          scratch->push_back(line[i]);
        }
      } else {
        if (i >= n) {
          done = true;
          break;
        }
        switch (line[i]) {
          case ' ': case '\n': case '\r': case '\t': case '\0':
            done = true;
            break;
          case '"': in_dq = true; break;
          case '\'': in_sq = true; break;
          default: scratch->push_back(line[i]); break;
        }
      }
      if (i < n) ++i;
    }
    bounds->emplace_back(start, scratch->size());
  }
}

}  // namespace

Parser::Result Parser::Fail(std::string_view msg) {
  error_ = msg;
  return Result::kProtocolError;
}

Parser::Result Parser::Parse(std::string_view in, size_t* consumed, ArgVec* out) {
  *consumed = 0;
  out->clear();
  hint_ = 0;
  if (in.empty()) return Result::kInputPending;
  if (in[0] == '*') return ParseMultibulk(in, consumed, out);
  return ParseInline(in, consumed, out);
}

Parser::Result Parser::ParseInline(std::string_view in, size_t* consumed, ArgVec* out) {
  size_t nl = in.find('\n');
  if (nl == std::string_view::npos) {
    if (in.size() > limits_.max_inline_len) return Fail("Protocol error: too big inline request");
    return Result::kInputPending;
  }
  std::string_view line = in.substr(0, nl);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

  inline_scratch_.clear();
  inline_scratch_.reserve(line.size());
  std::vector<std::pair<size_t, size_t>> bounds;
  if (!SplitInlineArgs(line, &inline_scratch_, &bounds)) {
    return Fail("Protocol error: unbalanced quotes in request");
  }
  for (auto [b, e] : bounds) out->emplace_back(inline_scratch_.data() + b, e - b);
  *consumed = nl + 1;
  return Result::kOk;
}

Parser::Result Parser::ParseMultibulk(std::string_view in, size_t* consumed, ArgVec* out) {
  size_t pos = 0;
  size_t cr = in.find('\r');
  if (cr == std::string_view::npos) {
    if (in.size() > limits_.max_inline_len) return Fail("Protocol error: too big mbulk count string");
    return Result::kInputPending;
  }
  if (cr + 1 >= in.size()) return Result::kInputPending;
  if (in[cr + 1] != '\n') return Fail("Protocol error: invalid multibulk length");
  int64_t count = 0;
  if (!ParseLength(in.substr(1, cr - 1), &count) || count > limits_.max_multibulk_len) {
    return Fail("Protocol error: invalid multibulk length");
  }
  pos = cr + 2;
  if (count <= 0) {  // Redis treats `*0` and `*-1` as an empty command and moves on.
    *consumed = pos;
    return Result::kOk;
  }

  // Don't trust the announced count with a huge reservation.
  out->reserve(static_cast<size_t>(std::min<int64_t>(count, 1024)));
  for (int64_t i = 0; i < count; ++i) {
    if (pos >= in.size()) return Result::kInputPending;
    size_t line_end = in.find('\r', pos);
    if (line_end == std::string_view::npos) {
      if (in.size() - pos > limits_.max_inline_len) {
        return Fail("Protocol error: too big bulk count string");
      }
      return Result::kInputPending;
    }
    if (in[pos] != '$') {
      static thread_local std::string msg;
      msg = "Protocol error: expected '$', got '";
      msg.push_back(in[pos]);
      msg += "'";
      return Fail(msg);
    }
    if (line_end + 1 >= in.size()) return Result::kInputPending;
    if (in[line_end + 1] != '\n') return Fail("Protocol error: invalid bulk length");
    int64_t len = 0;
    if (!ParseLength(in.substr(pos + 1, line_end - pos - 1), &len) || len < 0 ||
        len > limits_.max_bulk_len) {
      return Fail("Protocol error: invalid bulk length");
    }
    pos = line_end + 2;
    size_t need = pos + static_cast<size_t>(len) + 2;
    if (in.size() < need) {
      hint_ = need;
      return Result::kInputPending;
    }
    if (in[need - 2] != '\r' || in[need - 1] != '\n') {
      return Fail("Protocol error: expected CRLF after bulk data");
    }
    out->emplace_back(in.data() + pos, static_cast<size_t>(len));
    pos = need;
  }
  *consumed = pos;
  return Result::kOk;
}

}  // namespace kv::resp
