#include "server/aof/aof_loader.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "server/base/clock.h"
#include "server/resp/parser.h"

namespace kv {
namespace {

constexpr size_t kReadChunk = 8 * 1024 * 1024;
constexpr int64_t kProgressEveryUs = 1'000'000;

}  // namespace

std::optional<std::string> LoadAofFile(Dispatcher& dispatcher, ClientState& client,
                                       const std::string& path, const std::string& display_name,
                                       bool truncate_ok, AofLoadProgress* progress) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return "Can't open the append-only file " + display_name + ": " + std::strerror(errno);
  }
  resp::ParserLimits limits;
  limits.max_bulk_len = int64_t{1} << 40;  // whatever a client was allowed to write, we replay
  resp::Parser parser(limits);
  std::string buf;
  size_t start = 0;        // first unparsed byte in buf
  int64_t buf_offset = 0;  // file offset of buf[0]
  bool eof = false;
  std::string reply;
  resp::ReplyBuilder rb(&reply);
  resp::ArgVec args;
  const CommandRegistry& commands = dispatcher.server().commands;
  std::optional<std::string> error;

  bool need_more = true;
  while (!error) {
    if (need_more && !eof) {
      // Compact, then read at least a chunk, or what the pending command is known to need.
      if (start > 0) {
        buf.erase(0, start);
        buf_offset += static_cast<int64_t>(start);
        start = 0;
      }
      size_t want =
          std::max(kReadChunk, parser.hint() > buf.size() ? parser.hint() - buf.size() : size_t{0});
      size_t old = buf.size();
      buf.resize(old + want);
      ssize_t n;
      do {
        n = ::read(fd, buf.data() + old, want);
      } while (n < 0 && errno == EINTR);
      if (n < 0) {
        error = "Error reading the append-only file " + display_name + ": " + std::strerror(errno);
        break;
      }
      buf.resize(old + static_cast<size_t>(n));
      if (n == 0) eof = true;
      need_more = false;
    }
    std::string_view pending(buf.data() + start, buf.size() - start);
    if (pending.empty()) {
      if (eof) break;
      need_more = true;
      continue;
    }
    int64_t offset = buf_offset + static_cast<int64_t>(start);
    if (pending[0] != '*') {
      error = "Bad file format reading the append only file " + display_name + " at byte offset " +
              std::to_string(offset) + ": expected '*', found byte 0x" +
              fmt::format("{:02x}", static_cast<unsigned char>(pending[0]));
      break;
    }
    size_t consumed = 0;
    auto result = parser.Parse(pending, &consumed, &args);
    if (result == resp::Parser::Result::kInputPending) {
      if (!eof) {
        need_more = true;
        continue;
      }
      // Truncated tail: the file ends inside a command.
      if (!truncate_ok) {
        error = "Unexpected end of file reading the append only file " + display_name +
                " (the last whole command ends at byte offset " + std::to_string(offset) +
                "). Set aof-load-truncated yes to start with the file cut back there, or repair it"
                " (redis-check-aof --fix)";
        break;
      }
      ::close(fd);
      fd = -1;
      if (::truncate(path.c_str(), offset) != 0) {
        return "Error truncating the append only file " + display_name + " to " +
               std::to_string(offset) + " bytes: " + std::strerror(errno);
      }
      spdlog::warn(
          "!!! Warning: short read while loading the AOF file {}!!! AOF loaded anyway because "
          "aof-load-truncated is enabled; the file was truncated from {} to {} bytes (an "
          "incomplete last command was dropped)",
          display_name, buf_offset + static_cast<int64_t>(buf.size()), offset);
      break;
    }
    if (result == resp::Parser::Result::kProtocolError) {
      error = "Bad file format reading the append only file " + display_name + " at byte offset " +
              std::to_string(offset) + ": " + std::string(parser.error());
      break;
    }
    start += consumed;
    if (args.empty()) continue;
    const CommandSpec* spec = commands.Find(args[0]);
    if (spec == nullptr) {
      error = "Unknown command '" + std::string(args[0]) + "' reading the append only file " +
              display_name + " at byte offset " + std::to_string(offset);
      break;
    }
    reply.clear();
    dispatcher.ExecuteReplayed(*spec, client, args, rb);
    ++progress->commands;
    if (progress->loaded_bytes != nullptr) {
      progress->loaded_bytes->store(progress->done_bytes + buf_offset + static_cast<int64_t>(start),
                                    std::memory_order_relaxed);
    }
    if (!reply.empty() && reply[0] == '-') {
      if (++progress->failed_commands <= 5) {
        spdlog::warn("AOF {} offset {}: {} replied {}", display_name, offset, args[0],
                     reply.substr(1, reply.size() > 3 ? reply.size() - 3 : 0));
      }
    }
    int64_t now = MonotonicMicros();
    if (now - progress->last_log_us >= kProgressEveryUs) {
      progress->last_log_us = now;
      int64_t done = progress->done_bytes + offset;
      spdlog::info("Loading AOF: {:.1f} of {:.1f} MB ({:.0f}%)", done / 1048576.0,
                   progress->total_bytes / 1048576.0,
                   progress->total_bytes > 0 ? 100.0 * done / progress->total_bytes : 100.0);
    }
  }
  if (fd >= 0) ::close(fd);
  if (error) return error;
  progress->done_bytes += buf_offset + static_cast<int64_t>(start);
  return std::nullopt;
}

}  // namespace kv
