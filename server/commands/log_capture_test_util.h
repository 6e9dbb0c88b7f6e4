#pragma once

// A WriteLog that keeps what the dispatcher appends, so tests can check how commands are logged
// (relative expiries as absolute PEXPIREAT/PXAT, INCRBYFLOAT as SET ... KEEPTTL, ...).

#include <string>
#include <vector>

#include "server/commands/write_log.h"

namespace kv::test {

class CapturingWriteLog : public WriteLog {
 public:
  uint64_t Append(int, ArgList argv) override {
    std::string line;
    for (std::string_view a : argv) {
      if (!line.empty()) line += ' ';
      line += a;
    }
    records.push_back(std::move(line));
    return records.size();
  }
  std::optional<std::string> WriteError() const override { return std::nullopt; }
  bool ReadyToReply(uint64_t, std::function<void()>) override { return true; }

  std::vector<std::string> records;  // each record's arguments joined by spaces
};

}  // namespace kv::test
