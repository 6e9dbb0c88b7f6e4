// kvctl: command-line client for a kvcache node's admin port. See README "kvctl".

#include <CLI/CLI.hpp>
#include <functional>

#include "ctl/cluster_cli.h"
#include "ctl/commands.h"

namespace {

using kv::ctl::GlobalOptions;
using kv::ctl::NodeTarget;

// --node ID | --all on a node command.
void AddTargetOptions(CLI::App* cmd, NodeTarget& target) {
  auto* node = cmd->add_option("--node", target.node,
                               "Ask this cluster member (node id, unique id prefix or admin "
                               "address) instead of the seed");
  auto* all = cmd->add_flag("--all", target.all,
                            "Ask every cluster member; exit 4 when some did not answer");
  node->excludes(all);
}

int Main(int argc, char** argv) {
  CLI::App app{"kvctl: inspect and steer a kvcache node through its gRPC admin port", "kvctl"};
  app.require_subcommand(1);
  // Global options may come before or after the command: `kvctl info --json` works too.
  app.fallthrough();
  app.footer(
      "Exit codes: 0 ok, 1 the server refused or failed (status: the cluster is degraded), 2 "
      "usage,\n"
      "3 unreachable, timed out or no quorum, 4 some nodes did not answer an --all call.");

  GlobalOptions g;
  app.add_option("--addr", g.connect.addr,
                 "Admin address host:port, or comma-separated seeds: the first that answers is "
                 "used")
      ->envname("KVCTL_ADDR")
      ->capture_default_str();
  app.add_option("--token", g.connect.token, "Admin token (prefer env KVCTL_TOKEN)")
      ->envname("KVCTL_TOKEN");
  app.add_option("--tls-ca", g.connect.tls_ca_file, "Use TLS, trusting this CA (PEM file)")
      ->check(CLI::ExistingFile);
  app.add_option("--tls-cert", g.connect.tls_cert_file, "Client certificate for mutual TLS")
      ->check(CLI::ExistingFile);
  app.add_option("--tls-key", g.connect.tls_key_file, "Client key for mutual TLS")
      ->check(CLI::ExistingFile);
  app.add_option("--tls-server-name", g.connect.tls_server_name,
                 "Name to expect in the server certificate instead of the address's host");
  app.add_flag("--json", g.json, "Print one JSON document instead of tables");
  auto* timeout =
      app.add_option("--timeout", g.connect.timeout_seconds, "Deadline per call in seconds")
          ->check(CLI::PositiveNumber)
          ->capture_default_str();

  std::function<int()> run;
  NodeTarget target;

  auto* info = app.add_subcommand("info", "Node identity, addresses, memory, clients, keys");
  AddTargetOptions(info, target);
  info->callback([&] { run = [&] { return kv::ctl::RunInfo(g, target); }; });

  int top = 0;
  auto* stats = app.add_subcommand("stats", "Per-command calls and latency, keyspace counters");
  stats->add_option("--top", top, "Show only the N most-called commands")
      ->check(CLI::NonNegativeNumber);
  AddTargetOptions(stats, target);
  stats->callback([&] { run = [&] { return kv::ctl::RunStats(g, top, target); }; });

  app.add_subcommand("persistence", "AOF status, as INFO persistence")->callback([&] {
    run = [&] { return kv::ctl::RunPersistence(g); };
  });

  bool wait = false;
  auto* rewrite = app.add_subcommand("rewrite-aof", "Start a background AOF rewrite");
  rewrite->add_flag("--wait", wait,
                    "Return when the rewrite has finished (deadline becomes 300 s unless "
                    "--timeout is given)");
  AddTargetOptions(rewrite, target);
  rewrite->callback([&] {
    if (wait && timeout->count() == 0) g.connect.timeout_seconds = 300;
    run = [&] { return kv::ctl::RunRewriteAof(g, wait, target); };
  });

  auto* config = app.add_subcommand("config", "Read or change settings (CONFIG GET/SET)");
  config->require_subcommand(1);
  std::string pattern, name, value;
  auto* get = config->add_subcommand("get", "Settings matching a glob pattern");
  get->add_option("PATTERN", pattern, "Glob over setting names, e.g. '*' or 'max*'")->required();
  get->callback([&] { run = [&] { return kv::ctl::RunConfigGet(g, pattern); }; });
  auto* set = config->add_subcommand("set", "Change one setting");
  set->add_option("KEY", name, "Setting name")->required();
  set->add_option("VALUE", value, "New value")->required();
  set->callback([&] { run = [&] { return kv::ctl::RunConfigSet(g, name, value); }; });

  app.add_subcommand("health", "grpc.health.v1 status; exit 0 only when SERVING")->callback([&] {
    run = [&] { return kv::ctl::RunHealth(g); };
  });

  std::string reason = "requested by kvctl";
  auto* shutdown = app.add_subcommand("shutdown", "Stop the node gracefully (flushes the AOF)");
  shutdown->add_option("--reason", reason, "Written to the node's log")->capture_default_str();
  shutdown->callback([&] { run = [&] { return kv::ctl::RunShutdown(g, reason); }; });

  kv::ctl::ClusterCli cluster(app, g, run);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help is a "successful" parse error (exit 0); everything else is a usage error.
    return app.exit(e) == 0 ? kv::ctl::kExitOk : kv::ctl::kExitUsage;
  }
  return run ? run() : kv::ctl::kExitUsage;
}

}  // namespace

int main(int argc, char** argv) { return Main(argc, argv); }
