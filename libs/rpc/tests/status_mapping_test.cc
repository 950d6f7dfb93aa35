#include "reviewtrail/rpc/status_mapping.h"

#include <gtest/gtest.h>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace reviewtrail::rpc {
namespace {

google::rpc::Status Details(const grpc::Status& status) {
  google::rpc::Status details;
  EXPECT_TRUE(details.ParseFromString(status.error_details()));
  return details;
}

TEST(StatusMappingTest, InvalidArgumentCarriesEveryFieldViolation) {
  domain::DomainError error{.code = domain::ErrorCode::kInvalidArgument,
                            .rule = "INVALID_ARGUMENT",
                            .message = "title is required (and 1 more)",
                            .violations = {{"title", "is required"}, {"due_date", "is required"}}};
  const grpc::Status status = ToGrpcStatus(error);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const auto details = Details(status);
  EXPECT_EQ(details.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  google::rpc::BadRequest bad_request;
  ASSERT_TRUE(details.details(0).UnpackTo(&bad_request));
  ASSERT_EQ(bad_request.field_violations_size(), 2);
  EXPECT_EQ(bad_request.field_violations(1).field(), "due_date");
}

TEST(StatusMappingTest, PreconditionNamesRuleSubjectAndState) {
  domain::DomainError error{.code = domain::ErrorCode::kFailedPrecondition,
                            .rule = "EVIDENCE_REQUIRED",
                            .subject = "actions/act-1",
                            .state = "IN_PROGRESS",
                            .message = "closure needs evidence"};
  const grpc::Status status = ToGrpcStatus(error);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  const auto details = Details(status);
  google::rpc::PreconditionFailure failure;
  ASSERT_TRUE(details.details(0).UnpackTo(&failure));
  EXPECT_EQ(failure.violations(0).type(), "EVIDENCE_REQUIRED");
  EXPECT_EQ(failure.violations(0).subject(), "actions/act-1");
  google::rpc::ErrorInfo info;
  ASSERT_TRUE(details.details(1).UnpackTo(&info));
  EXPECT_EQ(info.metadata().at("state"), "IN_PROGRESS");
}

TEST(StatusMappingTest, ConflictIsAborted) {
  domain::DomainError error{.code = domain::ErrorCode::kConflict, .rule = "VERSION_CONFLICT"};
  EXPECT_EQ(ToGrpcStatus(error).error_code(), grpc::StatusCode::ABORTED);
}

TEST(StatusMappingTest, EveryCodeHasItsStatus) {
  EXPECT_EQ(ToGrpcStatus(domain::DomainError{.code = domain::ErrorCode::kNotFound}).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(
      ToGrpcStatus(domain::DomainError{.code = domain::ErrorCode::kPermissionDenied}).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(
      ToGrpcStatus(domain::DomainError{.code = domain::ErrorCode::kAlreadyExists}).error_code(),
      grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(ToGrpcStatus(absl::UnavailableError("log down")).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace reviewtrail::rpc
