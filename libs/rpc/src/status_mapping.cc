#include "reviewtrail/rpc/status_mapping.h"

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace reviewtrail::rpc {
namespace {

grpc::StatusCode CodeOf(domain::ErrorCode code) {
  switch (code) {
    case domain::ErrorCode::kInvalidArgument:
      return grpc::StatusCode::INVALID_ARGUMENT;
    case domain::ErrorCode::kFailedPrecondition:
      return grpc::StatusCode::FAILED_PRECONDITION;
    case domain::ErrorCode::kNotFound:
      return grpc::StatusCode::NOT_FOUND;
    case domain::ErrorCode::kPermissionDenied:
      return grpc::StatusCode::PERMISSION_DENIED;
    case domain::ErrorCode::kConflict:
      return grpc::StatusCode::ABORTED;
    case domain::ErrorCode::kAlreadyExists:
      return grpc::StatusCode::ALREADY_EXISTS;
  }
  return grpc::StatusCode::UNKNOWN;
}

google::rpc::ErrorInfo InfoOf(const domain::DomainError& error) {
  google::rpc::ErrorInfo info;
  info.set_reason(error.rule);
  info.set_domain(kErrorDomain);
  if (!error.subject.empty()) (*info.mutable_metadata())["subject"] = error.subject;
  if (!error.state.empty()) (*info.mutable_metadata())["state"] = error.state;
  for (const auto& [key, value] : error.metadata) (*info.mutable_metadata())[key] = value;
  return info;
}

}  // namespace

grpc::Status ToGrpcStatus(const domain::DomainError& error) {
  const grpc::StatusCode code = CodeOf(error.code);
  google::rpc::Status status;
  status.set_code(static_cast<int>(code));
  status.set_message(error.message);
  switch (error.code) {
    case domain::ErrorCode::kInvalidArgument: {
      google::rpc::BadRequest bad_request;
      for (const auto& violation : error.violations) {
        auto* field = bad_request.add_field_violations();
        field->set_field(violation.field);
        field->set_description(violation.description);
      }
      status.add_details()->PackFrom(bad_request);
      // A refusal that names a record (e.g. IDEMPOTENCY_KEY_REUSED: the original command) also
      // carries ErrorInfo {reason: rule, metadata}.
      if (!error.subject.empty()) status.add_details()->PackFrom(InfoOf(error));
      break;
    }
    case domain::ErrorCode::kFailedPrecondition: {
      google::rpc::PreconditionFailure failure;
      auto* violation = failure.add_violations();
      violation->set_type(error.rule);
      violation->set_subject(error.subject);
      violation->set_description(
          error.state.empty() ? error.message : error.message + " [state: " + error.state + "]");
      status.add_details()->PackFrom(failure);
      status.add_details()->PackFrom(InfoOf(error));
      break;
    }
    case domain::ErrorCode::kNotFound:
    case domain::ErrorCode::kAlreadyExists: {
      google::rpc::ResourceInfo resource;
      const size_t slash = error.subject.find('/');
      resource.set_resource_type(slash == std::string::npos ? "" : error.subject.substr(0, slash));
      resource.set_resource_name(error.subject);
      resource.set_description(error.message);
      status.add_details()->PackFrom(resource);
      break;
    }
    case domain::ErrorCode::kPermissionDenied:
    case domain::ErrorCode::kConflict:
      status.add_details()->PackFrom(InfoOf(error));
      break;
  }
  return grpc::Status(code, error.message, status.SerializeAsString());
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

}  // namespace reviewtrail::rpc
