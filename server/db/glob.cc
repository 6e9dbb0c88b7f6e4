#include "server/db/glob.h"

#include <cstddef>
#include <utility>

namespace kv {
namespace {

// Redis protects itself from patterns like "*?*?*?..." with a nesting cap; beyond it a branch is
// treated as a mismatch (which is what Redis answers too).
constexpr int kMaxNesting = 1000;

// C's tolower() in the "C" locale (Redis never sets LC_CTYPE): only ASCII letters change, and
// negative values (bytes >= 0x80 read through a signed char) pass through unchanged.
int ToLower(int c) { return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c; }

// The C code walks NUL-terminated sds strings and sometimes reads one byte past the logical end
// (pattern[1] on the last byte, *pattern after the end); a string_view has no terminator, so reads
// go through this accessor, which yields the '\0' the C code would have seen. Values are signed
// chars widened to int, exactly as `int start = pattern[0]` does in C on x86.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  int At(size_t i) const {
    return pos_ + i < s_.size() ? static_cast<signed char>(s_[pos_ + i]) : 0;
  }
  size_t len() const { return s_.size() - pos_; }
  void Advance(size_t n = 1) { pos_ += n; }
  void Back() { --pos_; }
  std::string_view Rest() const { return s_.substr(pos_); }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

bool MatchImpl(std::string_view pattern_in, std::string_view str_in, bool nocase,
               bool* skip_longer_matches, int nesting) {
  if (nesting > kMaxNesting) return false;

  Cursor pattern(pattern_in);
  Cursor str(str_in);
  while (pattern.len() && str.len()) {
    switch (pattern.At(0)) {
      case '*': {
        while (pattern.len() && pattern.At(1) == '*') pattern.Advance();
        if (pattern.len() == 1) return true;
        std::string_view rest = pattern.Rest().substr(1);
        while (str.len()) {
          if (MatchImpl(rest, str.Rest(), nocase, skip_longer_matches, nesting + 1)) return true;
          if (*skip_longer_matches) return false;
          str.Advance();
        }
        // The rest of the pattern matched nowhere in the remaining string, so no earlier '*'
        // can succeed by swallowing more bytes either (that would only start the rest later):
        // tell every enclosing '*' to give up instead of retrying (Redis's skipLongerMatches).
        *skip_longer_matches = true;
        return false;
      }
      case '?':
        str.Advance();
        break;
      case '[': {
        pattern.Advance();
        const bool negate = pattern.At(0) == '^';
        if (negate) pattern.Advance();
        bool match = false;
        const int c0 = str.At(0);
        while (true) {
          if (pattern.At(0) == '\\' && pattern.len() >= 2) {
            pattern.Advance();
            if (pattern.At(0) == c0) match = true;
          } else if (pattern.At(0) == ']') {
            break;
          } else if (pattern.len() == 0) {
            // Unterminated class: step back so the increment after the switch lands on the end.
            pattern.Back();
            break;
          } else if (pattern.len() >= 3 && pattern.At(1) == '-') {
            int start = pattern.At(0);
            int end = pattern.At(2);
            int c = c0;
            if (start > end) std::swap(start, end);
            if (nocase) {
              start = ToLower(start);
              end = ToLower(end);
              c = ToLower(c);
            }
            pattern.Advance(2);
            if (c >= start && c <= end) match = true;
          } else if (!nocase) {
            if (pattern.At(0) == c0) match = true;
          } else if (ToLower(pattern.At(0)) == ToLower(c0)) {
            match = true;
          }
          pattern.Advance();
        }
        if (negate) match = !match;
        if (!match) return false;
        str.Advance();
        break;
      }
      case '\\':
        if (pattern.len() >= 2) pattern.Advance();
        [[fallthrough]];
      default:
        if (!nocase) {
          if (pattern.At(0) != str.At(0)) return false;
        } else if (ToLower(pattern.At(0)) != ToLower(str.At(0))) {
          return false;
        }
        str.Advance();
        break;
    }
    pattern.Advance();
    if (str.len() == 0) {
      while (pattern.At(0) == '*') pattern.Advance();
      break;
    }
  }
  return pattern.len() == 0 && str.len() == 0;
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase) {
  bool skip_longer_matches = false;
  return MatchImpl(pattern, str, nocase, &skip_longer_matches, 0);
}

}  // namespace kv
