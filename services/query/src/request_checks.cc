#include "request_checks.h"

#include "reviewtrail/domain/civil_date.h"
#include "reviewtrail/domain/limits.h"
#include "reviewtrail/readmodel/field_error.h"
#include "reviewtrail/rpc/status_mapping.h"

namespace reviewtrail::query {
namespace {

void CheckDate(std::vector<domain::FieldViolation>& violations, const std::string& field,
               bool present, const google::type::Date& date) {
  if (present && !domain::CivilDate::FromProto(date).IsValid()) {
    violations.push_back({field, "must be a valid calendar date (year 1-9999)"});
  }
}

}  // namespace

std::vector<domain::FieldViolation> CheckPosition(const v1::LogPosition& position,
                                                  int32_t partition_count) {
  std::vector<domain::FieldViolation> violations;
  if (position.partition() < 0 || position.partition() >= partition_count) {
    violations.push_back({"min_position.partition", "must be a partition of the log: 0 to " +
                                                        std::to_string(partition_count - 1)});
  }
  if (position.offset() < 0) {
    violations.push_back({"min_position.offset", "must not be negative"});
  }
  return violations;
}

std::vector<domain::FieldViolation> CheckPageSize(int32_t page_size) {
  if (page_size >= 0) return {};
  return {{"page_size", "must not be negative (0 means the default of 100; at most 1000)"}};
}

std::vector<domain::FieldViolation> CheckRequired(const std::string& field,
                                                  const std::string& value) {
  if (!value.empty()) return {};
  return {{field, "is required"}};
}

std::vector<domain::FieldViolation> CheckRequest(const v1::ListActionsRequest& r) {
  std::vector<domain::FieldViolation> violations = CheckPageSize(r.page_size());
  if (!v1::ActionStatus_IsValid(r.status())) {
    violations.push_back({"status", "must be an ActionStatus value"});
  }
  CheckDate(violations, "due_before", r.has_due_before(), r.due_before());
  CheckDate(violations, "due_on_or_after", r.has_due_on_or_after(), r.due_on_or_after());
  return violations;
}

std::vector<domain::FieldViolation> CheckRequest(const v1::GetDashboardRequest& r) {
  if (!r.review_id().empty() && !r.owner_id().empty()) {
    return {{"owner_id", "set review_id or owner_id (or neither, for the tenant), not both"}};
  }
  return {};
}

std::vector<domain::FieldViolation> CheckRequest(const v1::GetReviewInputPackRequest& r) {
  std::vector<domain::FieldViolation> violations;
  CheckDate(violations, "held_before", r.has_held_before(), r.held_before());
  return violations;
}

std::vector<domain::FieldViolation> CheckRequest(const v1::ListPersonsRequest& r) {
  std::vector<domain::FieldViolation> violations = CheckPageSize(r.page_size());
  // The filters' limits are those of the fields they match (query_service.proto).
  auto limit = [&](const char* field, const std::string& value, size_t max) {
    if (value.size() > max) {
      violations.push_back({field, "must be at most " + std::to_string(max) + " bytes, got " +
                                       std::to_string(value.size())});
    }
  };
  limit("person_id_prefix", r.person_id_prefix(), domain::kMaxIdLength);
  limit("display_name_prefix", r.display_name_prefix(), domain::kMaxNameLength);
  return violations;
}

grpc::Status InvalidArgument(std::vector<domain::FieldViolation> violations) {
  domain::DomainError error;
  error.code = domain::ErrorCode::kInvalidArgument;
  error.rule = "INVALID_ARGUMENT";
  error.message =
      "invalid request: " + violations.front().field + " " + violations.front().description;
  error.violations = std::move(violations);
  return rpc::ToGrpcStatus(error);
}

Access AccessOf(const auth::Principal& principal) {
  if (principal.HasRole(v1::ROLE_ISMS_MANAGER) || principal.HasRole(v1::ROLE_AUDITOR)) {
    return Access::kTenant;
  }
  if (principal.HasRole(v1::ROLE_ACTION_OWNER)) return Access::kOwnActions;
  return Access::kNone;
}

grpc::Status Denied(const std::string& rule, const std::string& message) {
  domain::DomainError error;
  error.code = domain::ErrorCode::kPermissionDenied;
  error.rule = rule;
  error.message = message;
  return rpc::ToGrpcStatus(error);
}

grpc::Status ToGrpc(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  if (std::optional<std::string> field = readmodel::InvalidFieldOf(status)) {
    return InvalidArgument({{*field, std::string(status.message())}});
  }
  if (status.code() == absl::StatusCode::kNotFound) {
    domain::DomainError error;
    error.code = domain::ErrorCode::kNotFound;
    error.rule = "NOT_FOUND";
    error.subject = std::string(status.message());
    error.message = error.subject + " does not exist";
    return rpc::ToGrpcStatus(error);
  }
  return rpc::ToGrpcStatus(status);
}

}  // namespace reviewtrail::query
