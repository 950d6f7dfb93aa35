#pragma once

#include <optional>
#include <vector>

#include "reviewtrail/audit/export_filter.h"
#include "reviewtrail/domain/error.h"
#include "reviewtrail/v1/audit_service.pb.h"

namespace reviewtrail::audit_service {

// Checks of request fields: one violation per mistake, naming the field and the rule. Pure.
// `partitions` is the log's partition count (for `after`).
[[nodiscard]] std::vector<domain::FieldViolation> CheckExport(
    const v1::ExportAuditLogRequest& request, int32_t partitions);
[[nodiscard]] std::vector<domain::FieldViolation> CheckVerify(
    const v1::VerifyAuditLogRequest& request, int32_t partitions);
[[nodiscard]] std::vector<domain::FieldViolation> CheckStateAsOf(
    const v1::GetStateAsOfRequest& request, int32_t partitions);
[[nodiscard]] std::vector<domain::FieldViolation> CheckPack(
    const v1::ExportAuditPackRequest& request, int32_t partitions);

// The filter an export request asks for (after CheckExport found nothing).
[[nodiscard]] audit::ExportFilter FilterOf(const v1::ExportAuditLogRequest& request);

// INVALID_ARGUMENT with a google.rpc.BadRequest listing `violations`.
[[nodiscard]] domain::DomainError InvalidRequest(std::vector<domain::FieldViolation> violations);

}  // namespace reviewtrail::audit_service
