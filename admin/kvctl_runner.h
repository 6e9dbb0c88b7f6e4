#pragma once

// Test-only: runs the real kvctl binary (KVCTL_PATH) as an operator would, capturing stdout,
// stderr and the exit code. Shared by the admin plane's kvctl tests.

#include <string>
#include <vector>

namespace kv::admin {

struct KvctlResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `env_prefix kvctl args...` through the shell; arguments are quoted.
KvctlResult Kvctl(const std::vector<std::string>& args, const std::string& env_prefix = "");

// A loopback admin port nothing listens on any more: the kernel picks it for a server that is
// then stopped.
int ClosedAdminPort();

}  // namespace kv::admin
