#pragma once

// Incremental RESP request parser. Stands alone: it depends on nothing in db/, commands/ or net/,
// so it can be unit-tested and fuzzed on its own.
//
// The parser is stateless between calls: given the unconsumed bytes of a connection it either
// yields one whole command (arguments are views into `in`, valid until the caller discards those
// bytes), asks for more input, or reports a protocol error. Re-parsing a partial command costs
// O(argument count), not O(bytes), because bulk payloads are skipped by length.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace kv::resp {

using ArgVec = std::vector<std::string_view>;

struct ParserLimits {
  int64_t max_bulk_len = 512LL * 1024 * 1024;     // proto-max-bulk-len
  int64_t max_multibulk_len = 1024LL * 1024 * 1024;  // Redis's hard limit on the argument count
  size_t max_inline_len = 64 * 1024;                // PROTO_INLINE_MAX_SIZE
};

class Parser {
 public:
  enum class Result {
    kOk,            // one command in `out`; `consumed` bytes belong to it (may be an empty command)
    kInputPending,  // need more bytes; `consumed` is 0 and `hint` says how many bytes are wanted
    kProtocolError, // `error()` holds Redis's reply text; the connection must be closed after it
  };

  explicit Parser(ParserLimits limits = {}) : limits_(limits) {}

  // Parses one command from the front of `in`. An empty `out` with kOk means the bytes were
  // skippable (blank inline line, `*0`), the caller just drops `consumed` bytes.
  Result Parse(std::string_view in, size_t* consumed, ArgVec* out);

  std::string_view error() const { return error_; }
  // Total bytes the pending command needs, when known (lets the caller size its buffer once).
  size_t hint() const { return hint_; }
  void set_limits(ParserLimits limits) { limits_ = limits; }

 private:
  Result ParseMultibulk(std::string_view in, size_t* consumed, ArgVec* out);
  Result ParseInline(std::string_view in, size_t* consumed, ArgVec* out);
  Result Fail(std::string_view msg);

  ParserLimits limits_;
  std::string_view error_;
  size_t hint_ = 0;
  std::vector<char> inline_scratch_;  // unquoted inline args live here
};

}  // namespace kv::resp
