#pragma once

// The steps every kvctl command shares: pick the node (first answering seed, or the member --node
// names), make one call, print the error line and map the exit code on failure.

#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "ctl/client.h"

namespace kv::ctl {

struct GlobalOptions {
  ConnectOptions connect;
  bool json = false;
};

inline void PrintJson(const nlohmann::json& doc) { fmt::print("{}\n", doc.dump(2)); }

// The first seed that answers, or with `node` set the member it names (id, unique id prefix or
// admin address), found through the seed's GetClusterStatus. nullptr after printing the error;
// *exit_code says why.
std::unique_ptr<AdminClient> Connect(const GlobalOptions& g, const std::string& node,
                                     int* exit_code);

// Connects (see Connect), runs one call through `call` and maps failures to the exit code and
// error line; `print` runs only on success and returns the exit code.
template <typename Call, typename Print>
int RunCall(const GlobalOptions& g, const std::string& node, Call call, Print print) {
  int code = kExitOk;
  auto client = Connect(g, node, &code);
  if (!client) return code;
  grpc::ClientContext ctx;
  client->Prepare(&ctx);
  grpc::Status status = call(*client, &ctx);
  if (!status.ok()) {
    fmt::print(stderr, "{}\n", ErrorLine(client->addr(), status));
    return ExitCodeFor(status);
  }
  return print();
}

}  // namespace kv::ctl
