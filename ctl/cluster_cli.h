#pragma once

// kvctl's cluster subcommands on the command line: status, nodes, ring [plan|apply], where,
// add-node, remove-node. Holds the parsed values, so it must live until `run` has run.

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

#include "ctl/cluster_commands.h"

namespace kv::ctl {

class ClusterCli {
 public:
  // Adds the subcommands to `app`; the one parsed sets `run`.
  ClusterCli(CLI::App& app, const GlobalOptions& g, std::function<int()>& run);

 private:
  // --add/--remove/--force on `cmd`, filling change_.
  void AddChangeOptions(CLI::App* cmd);
  // --if-epoch N on `cmd`.
  void AddIfEpoch(CLI::App* cmd);
  // Usage error unless some member is added or removed.
  int RunChange(bool apply);

  const GlobalOptions& g_;
  RingChangeArgs change_;
  uint64_t if_epoch_ = 0;
  std::vector<CLI::Option*> if_epoch_options_;  // one per command that takes it
  bool ring_slots_ = false;
  std::string key_;
};

}  // namespace kv::ctl
