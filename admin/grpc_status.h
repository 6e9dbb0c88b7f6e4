#pragma once

// The one place where admin errors become gRPC status codes. Included only by admin/*.cc: keeps
// grpcpp out of headers the node includes.

#include <grpcpp/support/status.h>

#include "admin/node_backend.h"

namespace kv::admin {

grpc::Status ToGrpcStatus(const AdminError& error);

}  // namespace kv::admin
