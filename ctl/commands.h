#pragma once

// One function per kvctl command. Each makes its call(s), prints the result (table or JSON) to
// stdout or one error line to stderr, and returns the process exit code.

#include <string>

#include "ctl/client.h"

namespace kv::ctl {

struct GlobalOptions {
  ConnectOptions connect;
  bool json = false;
};

int RunInfo(const GlobalOptions& g);
int RunStats(const GlobalOptions& g, int top);
int RunPersistence(const GlobalOptions& g);
int RunRewriteAof(const GlobalOptions& g, bool wait);
int RunConfigGet(const GlobalOptions& g, const std::string& pattern);
int RunConfigSet(const GlobalOptions& g, const std::string& name, const std::string& value);
int RunHealth(const GlobalOptions& g);
int RunShutdown(const GlobalOptions& g, const std::string& reason);

}  // namespace kv::ctl
