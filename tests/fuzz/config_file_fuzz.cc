// libFuzzer target for the config-file parser: any file must load or be refused with a message,
// never crash; a loaded value must be accepted again by Set (what CONFIG REWRITE relies on); and
// the same words as command-line flags must not crash either.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "server/config/config.h"

namespace {

// One file per fuzzing process, rewritten for every input.
const std::string& ScratchPath() {
  static const std::string path = "/tmp/kv-config-fuzz-" + std::to_string(::getpid()) + ".conf";
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  {
    FILE* f = std::fopen(ScratchPath().c_str(), "wb");
    if (f == nullptr) __builtin_trap();
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  }
  kv::Config config;
  if (!config.LoadFile(ScratchPath())) {
    // Loaded: every stored value is one Set accepts again.
    for (const auto& [name, value] : config.Match("*")) {
      if (config.Set(name, value)) __builtin_trap();
    }
  }

  // The same bytes split on newlines as argv: --key value flags after the program name.
  std::vector<std::string> words{"kv-server"};
  for (size_t start = 0; start <= text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    words.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  if (words.size() > 1 && words[1].rfind("--", 0) != 0) words[1] = "--" + words[1];
  std::vector<const char*> argv;
  for (const auto& w : words) argv.push_back(w.c_str());
  kv::Config flags;
  (void)flags.LoadFromArgs(static_cast<int>(argv.size()), argv.data());
  return 0;
}
