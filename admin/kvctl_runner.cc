#include "admin/kvctl_runner.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "admin/admin_server.h"
#include "admin/fake_backend.h"

namespace kv::admin {
namespace {

namespace fs = std::filesystem;

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "kvadmin-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

}  // namespace

KvctlResult Kvctl(const std::vector<std::string>& args, const std::string& env_prefix) {
  static TempDir dir;
  // One stderr file per thread: tests may run kvctl from several threads at once.
  static std::atomic<int> next_file{0};
  const fs::path err_file = dir.path() / ("stderr-" + std::to_string(next_file++));
  std::string cmd = env_prefix + " " + Quote(KVCTL_PATH);
  for (const auto& a : args) cmd += " " + Quote(a);
  cmd += " 2>" + Quote(err_file.string());
  KvctlResult r;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) r.out.append(buf, n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.err = ReadAll(err_file);
  fs::remove(err_file);
  return r;
}

int ClosedAdminPort() {
  FakeBackend backend;
  AdminServerOptions opts;
  opts.port = 0;
  AdminError error;
  auto server = AdminServer::Start(opts, backend, &error);
  return server == nullptr ? 0 : server->port();
}

}  // namespace kv::admin
