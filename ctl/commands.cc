#include "ctl/commands.h"

#include <fmt/format.h>

#include <cstdio>
#include <functional>

#include "ctl/all_nodes.h"
#include "ctl/render.h"
#include "ctl/table.h"

namespace kv::ctl {
namespace {

namespace v1 = kvcache::v1;
using nlohmann::json;

template <typename Call, typename Print>
int Run(const GlobalOptions& g, Call call, Print print) {
  return RunCall(g, "", call, print);
}

}  // namespace

int RunInfo(const GlobalOptions& g, const NodeTarget& target) {
  if (target.all) return RunInfoAll(g);
  v1::GetNodeInfoResponse resp;
  return RunCall(
      g, target.node,
      [&](AdminClient& c, grpc::ClientContext* ctx) {
        return c.admin().GetNodeInfo(ctx, v1::GetNodeInfoRequest(), &resp);
      },
      [&] {
        if (g.json) {
          PrintJson(ToJson(resp.node()));
        } else {
          fmt::print("{}", RenderNodeInfo(resp.node()));
        }
        return kExitOk;
      });
}

int RunStats(const GlobalOptions& g, int top, const NodeTarget& target) {
  if (target.all) return RunStatsAll(g, top);
  v1::GetStatsResponse resp;
  return RunCall(
      g, target.node,
      [&](AdminClient& c, grpc::ClientContext* ctx) {
        return c.admin().GetStats(ctx, v1::GetStatsRequest(), &resp);
      },
      [&] {
        KeepTopCommands(&resp, top);
        if (g.json) {
          PrintJson(ToJson(resp));
        } else {
          fmt::print("{}", RenderStats(resp));
        }
        return kExitOk;
      });
}

int RunPersistence(const GlobalOptions& g) {
  v1::GetPersistenceResponse resp;
  return Run(
      g,
      [&](AdminClient& c, grpc::ClientContext* ctx) {
        return c.admin().GetPersistence(ctx, v1::GetPersistenceRequest(), &resp);
      },
      [&] {
        if (g.json) {
          PrintJson(ToJson(resp.persistence()));
        } else {
          fmt::print("{}", RenderPersistence(resp.persistence()));
        }
        return kExitOk;
      });
}

int RunRewriteAof(const GlobalOptions& g, bool wait, const NodeTarget& target) {
  if (target.all) return RunRewriteAofAll(g, wait);
  v1::RewriteAofRequest req;
  req.set_wait(wait);
  v1::RewriteAofResponse resp;
  return RunCall(
      g, target.node,
      [&](AdminClient& c, grpc::ClientContext* ctx) {
        return c.admin().RewriteAof(ctx, req, &resp);
      },
      [&] {
        if (g.json) {
          PrintJson(
              {{"started", true}, {"waited", wait}, {"persistence", ToJson(resp.persistence())}});
        } else {
          fmt::print("{}\n", wait ? "AOF rewrite finished" : "AOF rewrite started");
          fmt::print("{}", RenderPersistence(resp.persistence()));
        }
        return kExitOk;
      });
}

int RunConfigGet(const GlobalOptions& g, const std::string& pattern) {
  v1::GetConfigRequest req;
  req.set_pattern(pattern);
  v1::GetConfigResponse resp;
  return Run(
      g,
      [&](AdminClient& c, grpc::ClientContext* ctx) {
        return c.admin().GetConfig(ctx, req, &resp);
      },
      [&] {
        if (g.json) {
          json doc = json::object();
          for (const auto& e : resp.entries()) doc[e.name()] = e.value();
          PrintJson(doc);
        } else {
          Table t({"NAME", "VALUE"});
          for (const auto& e : resp.entries()) t.AddRow({e.name(), e.value()});
          fmt::print("{}", t.Render());
        }
        return kExitOk;
      });
}

int RunConfigSet(const GlobalOptions& g, const std::string& name, const std::string& value) {
  v1::SetConfigRequest req;
  req.set_name(name);
  req.set_value(value);
  v1::SetConfigResponse resp;
  return Run(
      g,
      [&](AdminClient& c, grpc::ClientContext* ctx) {
        return c.admin().SetConfig(ctx, req, &resp);
      },
      [&] {
        if (g.json) {
          PrintJson({{"name", resp.entry().name()}, {"value", resp.entry().value()}});
        } else {
          fmt::print("{} = {}\n", resp.entry().name(), resp.entry().value());
        }
        return kExitOk;
      });
}

int RunHealth(const GlobalOptions& g) {
  grpc::health::v1::HealthCheckResponse resp;
  return Run(
      g,
      [&](AdminClient& c, grpc::ClientContext* ctx) {
        return c.health().Check(ctx, grpc::health::v1::HealthCheckRequest(), &resp);
      },
      [&] {
        const std::string status =
            grpc::health::v1::HealthCheckResponse::ServingStatus_Name(resp.status());
        if (g.json) {
          PrintJson({{"status", status}});
        } else {
          fmt::print("{}\n", status);
        }
        // A node that answers but does not serve yet is a failure for scripts and probes.
        return resp.status() == grpc::health::v1::HealthCheckResponse::SERVING ? kExitOk
                                                                               : kExitFailed;
      });
}

int RunShutdown(const GlobalOptions& g, const std::string& reason) {
  v1::ShutdownRequest req;
  req.set_reason(reason);
  v1::ShutdownResponse resp;
  return Run(
      g,
      [&](AdminClient& c, grpc::ClientContext* ctx) { return c.admin().Shutdown(ctx, req, &resp); },
      [&] {
        if (g.json) {
          PrintJson({{"shutdown", true}});
        } else {
          fmt::print("node is shutting down\n");
        }
        return kExitOk;
      });
}

}  // namespace kv::ctl
