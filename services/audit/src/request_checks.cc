#include "request_checks.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"

namespace reviewtrail::audit_service {
namespace {

using google::protobuf::util::TimeUtil;

constexpr size_t kMaxIdLength = 128;

bool IsValid(const google::protobuf::Timestamp& time) {
  return time.seconds() >= TimeUtil::kTimestampMinSeconds &&
         time.seconds() <= TimeUtil::kTimestampMaxSeconds && time.nanos() >= 0 &&
         time.nanos() <= 999'999'999;
}

void CheckAfter(bool has_after, const v1::LogPosition& after, int32_t partitions,
                std::vector<domain::FieldViolation>& violations) {
  if (!has_after) return;
  if (after.partition() < 0 || after.partition() >= partitions) {
    violations.push_back({"after.partition", absl::StrCat("must be from 0 to ", partitions - 1)});
  }
  if (after.offset() < 0) violations.push_back({"after.offset", "must not be negative"});
}

void CheckTimestamp(bool has, const google::protobuf::Timestamp& time, const char* field,
                    std::vector<domain::FieldViolation>& violations) {
  if (has && !IsValid(time)) {
    violations.push_back({field, "must be a valid timestamp (years 1-9999, nanos 0-999999999)"});
  }
}

void CheckId(const std::string& id, const char* field,
             std::vector<domain::FieldViolation>& violations) {
  if (id.size() > kMaxIdLength) {
    violations.push_back({field, absl::StrCat("must be at most ", kMaxIdLength, " characters")});
  }
}

}  // namespace

std::vector<domain::FieldViolation> CheckExport(const v1::ExportAuditLogRequest& request,
                                                int32_t partitions) {
  std::vector<domain::FieldViolation> violations;
  if (request.format() != v1::AUDIT_EXPORT_FORMAT_CSV &&
      request.format() != v1::AUDIT_EXPORT_FORMAT_JSON_LINES) {
    violations.push_back({"format",
                          "must be AUDIT_EXPORT_FORMAT_CSV or "
                          "AUDIT_EXPORT_FORMAT_JSON_LINES"});
  }
  CheckTimestamp(request.has_recorded_from(), request.recorded_from(), "recorded_from", violations);
  CheckTimestamp(request.has_recorded_until(), request.recorded_until(), "recorded_until",
                 violations);
  if (request.has_recorded_from() && request.has_recorded_until() &&
      IsValid(request.recorded_from()) && IsValid(request.recorded_until()) &&
      request.recorded_until() <= request.recorded_from()) {
    violations.push_back({"recorded_until", "must be after recorded_from"});
  }
  CheckId(request.review_id(), "review_id", violations);
  CheckId(request.action_id(), "action_id", violations);
  CheckId(request.actor_id(), "actor_id", violations);
  CheckAfter(request.has_after(), request.after(), partitions, violations);
  return violations;
}

std::vector<domain::FieldViolation> CheckVerify(const v1::VerifyAuditLogRequest& request,
                                                int32_t partitions) {
  std::vector<domain::FieldViolation> violations;
  if (request.from_sequence() < 0) {
    violations.push_back({"from_sequence", "must not be negative"});
  }
  if (request.to_sequence() < 0) violations.push_back({"to_sequence", "must not be negative"});
  if (request.to_sequence() > 0 && request.to_sequence() < request.from_sequence()) {
    violations.push_back({"to_sequence", "must be 0 (the head) or at least from_sequence"});
  }
  CheckAfter(request.has_after(), request.after(), partitions, violations);
  return violations;
}

std::vector<domain::FieldViolation> CheckStateAsOf(const v1::GetStateAsOfRequest& request,
                                                   int32_t partitions) {
  std::vector<domain::FieldViolation> violations;
  switch (request.target_case()) {
    case v1::GetStateAsOfRequest::kActionId:
      if (request.action_id().empty()) violations.push_back({"action_id", "must not be empty"});
      CheckId(request.action_id(), "action_id", violations);
      break;
    case v1::GetStateAsOfRequest::kReviewId:
      if (request.review_id().empty()) violations.push_back({"review_id", "must not be empty"});
      CheckId(request.review_id(), "review_id", violations);
      break;
    default:
      violations.push_back({"target", "set action_id or review_id"});
  }
  if (!request.has_as_of()) {
    violations.push_back({"as_of", "is required"});
  } else {
    CheckTimestamp(true, request.as_of(), "as_of", violations);
  }
  CheckAfter(request.has_after(), request.after(), partitions, violations);
  return violations;
}

std::vector<domain::FieldViolation> CheckPack(const v1::ExportAuditPackRequest& request,
                                              int32_t partitions) {
  std::vector<domain::FieldViolation> violations;
  if (request.review_id().empty()) violations.push_back({"review_id", "must not be empty"});
  CheckId(request.review_id(), "review_id", violations);
  if (request.format() != v1::AUDIT_PACK_FORMAT_JSON &&
      request.format() != v1::AUDIT_PACK_FORMAT_HTML) {
    violations.push_back({"format", "must be AUDIT_PACK_FORMAT_JSON or AUDIT_PACK_FORMAT_HTML"});
  }
  CheckAfter(request.has_after(), request.after(), partitions, violations);
  return violations;
}

audit::ExportFilter FilterOf(const v1::ExportAuditLogRequest& request) {
  audit::ExportFilter filter;
  if (request.has_recorded_from()) {
    filter.recorded_from = TimeUtil::TimestampToMicroseconds(request.recorded_from());
  }
  if (request.has_recorded_until()) {
    filter.recorded_until = TimeUtil::TimestampToMicroseconds(request.recorded_until());
  }
  filter.review_id = request.review_id();
  filter.action_id = request.action_id();
  filter.actor_id = request.actor_id();
  return filter;
}

domain::DomainError InvalidRequest(std::vector<domain::FieldViolation> violations) {
  std::string message = "invalid request:";
  for (const auto& violation : violations) {
    absl::StrAppend(&message, " ", violation.field, " ", violation.description, ";");
  }
  message.pop_back();
  return domain::DomainError{.code = domain::ErrorCode::kInvalidArgument,
                             .rule = "INVALID_REQUEST",
                             .message = message,
                             .violations = std::move(violations)};
}

}  // namespace reviewtrail::audit_service
