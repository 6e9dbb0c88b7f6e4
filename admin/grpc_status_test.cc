#include "admin/grpc_status.h"

#include <gtest/gtest.h>

namespace kv::admin {
namespace {

TEST(ToGrpcStatusTest, OkIsOk) {
  EXPECT_TRUE(ToGrpcStatus(AdminError::Ok()).ok());
  EXPECT_TRUE(ToGrpcStatus({AdminCode::kOk, "ignored"}).ok());
}

TEST(ToGrpcStatusTest, EveryCodeMapsAndKeepsTheMessage) {
  struct Case {
    AdminCode in;
    grpc::StatusCode out;
  };
  const Case cases[] = {
      {AdminCode::kInvalidArgument, grpc::StatusCode::INVALID_ARGUMENT},
      {AdminCode::kNotFound, grpc::StatusCode::NOT_FOUND},
      {AdminCode::kFailedPrecondition, grpc::StatusCode::FAILED_PRECONDITION},
      {AdminCode::kUnavailable, grpc::StatusCode::UNAVAILABLE},
      {AdminCode::kUnimplemented, grpc::StatusCode::UNIMPLEMENTED},
      {AdminCode::kInternal, grpc::StatusCode::INTERNAL},
  };
  for (const Case& c : cases) {
    grpc::Status st = ToGrpcStatus({c.in, "appendonly is off"});
    EXPECT_EQ(st.error_code(), c.out);
    EXPECT_EQ(st.error_message(), "appendonly is off");
  }
}

TEST(ToGrpcStatusTest, OutOfRangeCodeIsInternalNotOk) {
  grpc::Status st = ToGrpcStatus({static_cast<AdminCode>(99), "x"});
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INTERNAL);
}

}  // namespace
}  // namespace kv::admin
