#pragma once

#include <grpcpp/support/status.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "reviewtrail/auth/principal.h"
#include "reviewtrail/domain/error.h"
#include "reviewtrail/v1/query_service.pb.h"

namespace reviewtrail::query {

// Input checks of the query requests: one field violation per mistake, named by its field.
[[nodiscard]] std::vector<domain::FieldViolation> CheckPosition(const v1::LogPosition& position,
                                                                int32_t partition_count);
[[nodiscard]] std::vector<domain::FieldViolation> CheckRequest(const v1::ListActionsRequest& r);
[[nodiscard]] std::vector<domain::FieldViolation> CheckRequest(const v1::GetDashboardRequest& r);
[[nodiscard]] std::vector<domain::FieldViolation> CheckRequest(
    const v1::GetReviewInputPackRequest& r);
[[nodiscard]] std::vector<domain::FieldViolation> CheckRequest(const v1::ListPersonsRequest& r);
[[nodiscard]] std::vector<domain::FieldViolation> CheckPageSize(int32_t page_size);
[[nodiscard]] std::vector<domain::FieldViolation> CheckRequired(const std::string& field,
                                                                const std::string& value);

// INVALID_ARGUMENT + BadRequest with these violations.
[[nodiscard]] grpc::Status InvalidArgument(std::vector<domain::FieldViolation> violations);

// What a principal may read of its tenant.
enum class Access {
  kNone,        // no reading role (e.g. only `service`)
  kOwnActions,  // action_owner: own actions and dashboard; reviews and persons
  kTenant,      // isms_manager or auditor: everything of the tenant
};
[[nodiscard]] Access AccessOf(const auth::Principal& principal);

// PERMISSION_DENIED + ErrorInfo{reason: rule}.
[[nodiscard]] grpc::Status Denied(const std::string& rule, const std::string& message);

// A query's absl::Status at the edge: InvalidFieldError -> BadRequest, NotFound -> ResourceInfo
// naming the resource, anything else by its canonical code.
[[nodiscard]] grpc::Status ToGrpc(const absl::Status& status);

}  // namespace reviewtrail::query
