#pragma once

// One function per kvctl command on one node (cluster commands: cluster_commands.h). Each makes its
// call(s), prints the result (table or JSON) to stdout or one error line to stderr, and returns the
// process exit code.

#include <string>

#include "ctl/call.h"

namespace kv::ctl {

// Which node a node command goes to: the seed (default), the member `node` names, or with `all`
// every member (exit kExitPartial when some did not answer).
struct NodeTarget {
  std::string node;
  bool all = false;
};

int RunInfo(const GlobalOptions& g, const NodeTarget& target);
int RunStats(const GlobalOptions& g, int top, const NodeTarget& target);
int RunPersistence(const GlobalOptions& g);
int RunRewriteAof(const GlobalOptions& g, bool wait, const NodeTarget& target);
int RunConfigGet(const GlobalOptions& g, const std::string& pattern);
int RunConfigSet(const GlobalOptions& g, const std::string& name, const std::string& value);
int RunHealth(const GlobalOptions& g);
int RunShutdown(const GlobalOptions& g, const std::string& reason);

}  // namespace kv::ctl
