#include "server/base/daemon.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace kv {

std::optional<std::string> Daemonize() {
  pid_t pid = fork();
  if (pid < 0) return std::string("fork: ") + std::strerror(errno);
  if (pid > 0) std::_Exit(0);  // the parent: nothing of it is to be flushed or destroyed
  if (setsid() < 0) return std::string("setsid: ") + std::strerror(errno);
  int null_fd = open("/dev/null", O_RDWR);
  if (null_fd >= 0) {
    dup2(null_fd, STDIN_FILENO);
    dup2(null_fd, STDOUT_FILENO);
    dup2(null_fd, STDERR_FILENO);
    if (null_fd > STDERR_FILENO) close(null_fd);
  }
  return std::nullopt;
}

std::optional<PidFile> PidFile::Create(const std::string& path, std::string* error) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) {
    *error = "cannot write pidfile '" + path + "': " + std::strerror(errno);
    return std::nullopt;
  }
  std::fprintf(f, "%d\n", static_cast<int>(getpid()));
  std::fclose(f);
  return PidFile(path);
}

PidFile& PidFile::operator=(PidFile&& other) noexcept {
  if (this != &other) {
    Remove();
    path_ = std::move(other.path_);
    other.path_.clear();
  }
  return *this;
}

void PidFile::Remove() {
  if (!path_.empty()) unlink(path_.c_str());
  path_.clear();
}

PidFile::~PidFile() { Remove(); }

}  // namespace kv
