#include "ctl/cluster_cli.h"

#include <fmt/format.h>

namespace kv::ctl {

ClusterCli::ClusterCli(CLI::App& app, const GlobalOptions& g, std::function<int()>& run) : g_(g) {
  app.add_subcommand("status",
                     "Cluster epoch, members up/down, slots and keys per node; exit 1 when "
                     "degraded")
      ->callback([&] { run = [this] { return RunClusterStatus(g_); }; });

  app.add_subcommand("nodes", "Members with ids, addresses, state and slots")->callback([&] {
    run = [this] { return RunNodes(g_); };
  });

  auto* ring = app.add_subcommand("ring", "Share of slots per node (plan/apply change the ring)");
  ring->add_flag("--slots", ring_slots_, "Also list the owner of every slot range");
  ring->require_subcommand(0, 1);
  auto* plan = ring->add_subcommand("plan", "What a ring change would move, changing nothing");
  AddChangeOptions(plan);
  plan->callback([&] { run = [this] { return RunChange(false); }; });
  auto* apply = ring->add_subcommand("apply", "Commit a ring change through the cluster");
  AddChangeOptions(apply);
  AddIfEpoch(apply);
  apply->callback([&] { run = [this] { return RunChange(true); }; });
  // CLI11 runs the parent's callback after the subcommand's: keep what plan/apply set.
  ring->callback([&, plan, apply] {
    if (plan->parsed() || apply->parsed()) return;
    run = [this] { return RunRing(g_, ring_slots_); };
  });

  auto* where = app.add_subcommand("where", "The slot of a key and the node that serves it");
  where->add_option("KEY", key_, "The key, as a client would send it")->required();
  where->callback([&] { run = [this] { return RunWhere(g_, key_); }; });

  auto* add = app.add_subcommand("add-node", "Add nodes to the cluster (= ring apply --add)");
  add->add_option("ADDR", change_.add, "Admin address host:port of each node to add")->required();
  AddIfEpoch(add);
  add->callback([&] { run = [this] { return RunChange(true); }; });

  auto* remove =
      app.add_subcommand("remove-node", "Remove members from the cluster (= ring apply --remove)");
  remove->add_option("ID", change_.remove, "Node id, unique id prefix, admin address, or self")
      ->required();
  remove->add_flag(
      "--force", change_.force,
      "Commit with the live members only, for a member known dead (its keys are lost)");
  AddIfEpoch(remove);
  remove->callback([&] { run = [this] { return RunChange(true); }; });
}

void ClusterCli::AddChangeOptions(CLI::App* cmd) {
  cmd->add_option("--add", change_.add, "Admin addresses host:port of nodes to add");
  cmd->add_option("--remove", change_.remove,
                  "Members to remove: node id, unique id prefix or admin address");
  cmd->add_flag("--force", change_.force,
                "Remove members known dead without their vote; their keys are lost");
}

void ClusterCli::AddIfEpoch(CLI::App* cmd) {
  if_epoch_options_.push_back(
      cmd->add_option("--if-epoch", if_epoch_,
                      "Apply only if the ring is still at epoch N (else FAILED_PRECONDITION)"));
}

int ClusterCli::RunChange(bool apply) {
  if (change_.add.empty() && change_.remove.empty()) {
    fmt::print(stderr, "kvctl: name nodes to --add or members to --remove\n");
    return kExitUsage;
  }
  for (const CLI::Option* opt : if_epoch_options_) {
    if (opt->count() > 0) change_.if_epoch = if_epoch_;
  }
  return apply ? RunRingApply(g_, change_) : RunRingPlan(g_, change_);
}

}  // namespace kv::ctl
