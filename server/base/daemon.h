#pragma once

// redis-server's `daemonize yes` and `pidfile`: detaching from the terminal and telling
// init scripts which process to signal.

#include <optional>
#include <string>

namespace kv {

// Forks; the parent exits 0 and the child continues in a new session with stdin, stdout and
// stderr on /dev/null. Must run before any thread starts (fork keeps only the calling thread).
// Returns an error text when fork or setsid fails.
std::optional<std::string> Daemonize();

// Writes the process id to `path` on creation and removes the file on destruction.
class PidFile {
 public:
  static std::optional<PidFile> Create(const std::string& path, std::string* error);
  PidFile(PidFile&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  PidFile& operator=(PidFile&& other) noexcept;
  ~PidFile();

 private:
  explicit PidFile(std::string path) : path_(std::move(path)) {}
  void Remove();
  std::string path_;
};

}  // namespace kv
