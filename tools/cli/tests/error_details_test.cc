#include "reviewtrail/cli/error_details.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace reviewtrail::cli {
namespace {

using ::testing::ElementsAre;

grpc::Status StatusWithDetails(grpc::StatusCode code, const std::string& message,
                               const std::vector<const google::protobuf::Message*>& details) {
  google::rpc::Status status;
  status.set_code(static_cast<int>(code));
  status.set_message(message);
  for (const google::protobuf::Message* detail : details) status.add_details()->PackFrom(*detail);
  return {code, message, status.SerializeAsString()};
}

TEST(DecodeErrorReportTest, TurnsFieldViolationsIntoOneLineEach) {
  google::rpc::BadRequest bad_request;
  auto* due = bad_request.add_field_violations();
  due->set_field("due_date");
  due->set_description("must not be before today (2026-11-23)");
  auto* owner = bad_request.add_field_violations();
  owner->set_field("owner_id");
  owner->set_description("is required");
  const ErrorReport report = DecodeErrorReport(StatusWithDetails(
      grpc::StatusCode::INVALID_ARGUMENT, "due_date must not be before today", {&bad_request}));

  EXPECT_EQ(report.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      DescribeErrorReport(report),
      ElementsAre("INVALID_ARGUMENT: due_date must not be before today",
                  "  due_date: must not be before today (2026-11-23)", "  owner_id: is required"));
}

TEST(DecodeErrorReportTest, ShowsPreconditionsErrorInfoAndResources) {
  google::rpc::PreconditionFailure failure;
  auto* violation = failure.add_violations();
  violation->set_type("EVIDENCE_REQUIRED");
  violation->set_subject("actions/act-1");
  violation->set_description("closure needs at least one piece of evidence");
  google::rpc::ErrorInfo info;
  info.set_reason("VERSION_CONFLICT");
  info.set_domain("reviewtrail.v1");
  (*info.mutable_metadata())["actual_version"] = "4";
  google::rpc::ResourceInfo resource;
  resource.set_resource_type("action");
  resource.set_resource_name("actions/act-9");
  resource.set_description("no such action");
  google::rpc::Status unknown;  // a detail type the CLI does not know
  const ErrorReport report = DecodeErrorReport(StatusWithDetails(
      grpc::StatusCode::FAILED_PRECONDITION, "refused", {&failure, &info, &resource, &unknown}));

  EXPECT_THAT(DescribeErrorReport(report),
              ElementsAre("FAILED_PRECONDITION: refused",
                          "  EVIDENCE_REQUIRED (actions/act-1): closure needs at least one piece "
                          "of evidence",
                          "  reason: VERSION_CONFLICT (reviewtrail.v1); actual_version=4",
                          "  resource: action actions/act-9: no such action",
                          "  (detail of type type.googleapis.com/google.rpc.Status not shown)"));
}

TEST(DecodeErrorReportTest, CopesWithoutOrWithGarbledDetails) {
  EXPECT_THAT(DescribeErrorReport(
                  DecodeErrorReport(grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "no token"))),
              ElementsAre("UNAUTHENTICATED: no token"));
  EXPECT_THAT(DescribeErrorReport(DecodeErrorReport(
                  grpc::Status(grpc::StatusCode::INTERNAL, "boom", "\xff\xff not a proto"))),
              ElementsAre("INTERNAL: boom"));
}

TEST(StatusCodeNameTest, NamesEveryCode) {
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::ABORTED), "ABORTED");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::DEADLINE_EXCEEDED), "DEADLINE_EXCEEDED");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::PERMISSION_DENIED), "PERMISSION_DENIED");
}

}  // namespace
}  // namespace reviewtrail::cli
