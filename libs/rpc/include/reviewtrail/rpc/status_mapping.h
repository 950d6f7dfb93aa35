#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "reviewtrail/domain/error.h"

namespace reviewtrail::rpc {

// The one place where errors become gRPC statuses. Details travel as a google.rpc.Status in the
// `grpc-status-details-bin` trailer, as every gRPC client library expects:
//   kInvalidArgument    -> INVALID_ARGUMENT    + BadRequest (one field violation per mistake), and
//                                                 ErrorInfo {reason: rule, metadata.subject, ...}
//                                                 when the error names a record
//                                                 (IDEMPOTENCY_KEY_REUSED)
//   kFailedPrecondition -> FAILED_PRECONDITION + PreconditionFailure {type: rule, subject,
//                                                 description} and ErrorInfo {reason: rule,
//                                                 metadata.state}
//   kNotFound           -> NOT_FOUND           + ResourceInfo
//   kAlreadyExists      -> ALREADY_EXISTS      + ResourceInfo
//   kPermissionDenied   -> PERMISSION_DENIED   + ErrorInfo {reason: rule}
//   kConflict           -> ABORTED             + ErrorInfo {reason: VERSION_CONFLICT, state}
[[nodiscard]] grpc::Status ToGrpcStatus(const domain::DomainError& error);

// Infrastructure failures keep their canonical code; the message is passed through.
[[nodiscard]] grpc::Status ToGrpcStatus(const absl::Status& status);

// The ErrorInfo domain used in every detail.
inline constexpr char kErrorDomain[] = "reviewtrail.dev";

}  // namespace reviewtrail::rpc
