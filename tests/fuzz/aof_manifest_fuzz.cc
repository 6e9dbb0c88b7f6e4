// libFuzzer target for the AOF manifest parser (the file that decides which AOF files load): any
// text must parse or be refused with a message, never crash; what parses formats back to text
// that parses to the same manifest.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/aof/aof_format.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  auto manifest = kv::ParseManifest(text, &error);
  if (!manifest) {
    if (error.empty()) __builtin_trap();  // a refusal always says why
    return 0;
  }
  std::string again_error;
  auto again = kv::ParseManifest(kv::FormatManifest(*manifest), &again_error);
  if (!again || !(*again == *manifest)) __builtin_trap();
  return 0;
}
