#include "admin/grpc_status.h"

namespace kv::admin {

grpc::Status ToGrpcStatus(const AdminError& error) {
  switch (error.code) {
    case AdminCode::kOk:
      return grpc::Status::OK;
    case AdminCode::kInvalidArgument:
      return {grpc::StatusCode::INVALID_ARGUMENT, error.message};
    case AdminCode::kNotFound:
      return {grpc::StatusCode::NOT_FOUND, error.message};
    case AdminCode::kFailedPrecondition:
      return {grpc::StatusCode::FAILED_PRECONDITION, error.message};
    case AdminCode::kUnavailable:
      return {grpc::StatusCode::UNAVAILABLE, error.message};
    case AdminCode::kUnimplemented:
      return {grpc::StatusCode::UNIMPLEMENTED, error.message};
    case AdminCode::kInternal:
      return {grpc::StatusCode::INTERNAL, error.message};
  }
  // An out-of-range enum value is a bug in the caller; say so rather than report success.
  return {grpc::StatusCode::INTERNAL, "unknown admin error code: " + error.message};
}

}  // namespace kv::admin
