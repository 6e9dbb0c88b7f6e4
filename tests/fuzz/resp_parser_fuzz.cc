// libFuzzer target for the RESP request parser: any byte sequence must either parse, ask for more
// input, or fail with a protocol error — never crash, hang, or read out of bounds. The input is
// also fed in two pieces to exercise the incremental path.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "server/resp/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kv::resp::ParserLimits limits;
  limits.max_bulk_len = 1 << 20;
  limits.max_inline_len = 4096;
  kv::resp::Parser parser(limits);
  kv::resp::ArgVec args;
  std::string_view in(reinterpret_cast<const char*>(data), size);

  // Consume whole commands the way a connection does.
  while (!in.empty()) {
    size_t consumed = 0;
    auto r = parser.Parse(in, &consumed, &args);
    if (r != kv::resp::Parser::Result::kOk) break;
    if (consumed == 0 || consumed > in.size()) __builtin_trap();
    for (std::string_view a : args) {
      // Every argument must lie inside the input or the parser's inline scratch space.
      volatile char sink = a.empty() ? 0 : a.front();
      (void)sink;
    }
    in.remove_prefix(consumed);
  }
  // A prefix of a valid stream is never an error when the whole stream is not.
  if (size > 1) {
    std::string_view whole(reinterpret_cast<const char*>(data), size);
    size_t consumed = 0;
    auto full = parser.Parse(whole, &consumed, &args);
    auto half = parser.Parse(whole.substr(0, size / 2), &consumed, &args);
    if (full != kv::resp::Parser::Result::kProtocolError &&
        half == kv::resp::Parser::Result::kProtocolError) {
      __builtin_trap();
    }
  }
  return 0;
}
