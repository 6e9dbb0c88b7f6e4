#pragma once

// Errors as values for the cluster core. The codes map one to one onto gRPC status codes in the
// transport; messages are written for the operator who will read them.

#include <string>
#include <utility>

namespace kv::cluster {

enum class StatusCode {
  kOk,
  kInvalidArgument,
  kNotFound,
  kFailedPrecondition,  // valid request, wrong state: "ring is at epoch M", slots hold keys
  kUnavailable,         // no quorum, peer down: try again later
  kUnauthenticated,
  kInternal,
};

struct Status {
  StatusCode code = StatusCode::kOk;
  std::string message;

  static Status Ok() { return {}; }
  static Status Error(StatusCode c, std::string msg) { return {c, std::move(msg)}; }
  bool ok() const { return code == StatusCode::kOk; }
};

}  // namespace kv::cluster
