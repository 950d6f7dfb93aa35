#pragma once

#include <grpcpp/support/status.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace reviewtrail::cli {

// A refused call, with the google.rpc details the server sent in `grpc-status-details-bin`.
struct ErrorReport {
  struct FieldViolation {
    std::string field;
    std::string description;
  };
  struct PreconditionViolation {
    std::string type;  // the rule, e.g. "EVIDENCE_REQUIRED"
    std::string subject;
    std::string description;
  };
  struct Info {  // google.rpc.ErrorInfo
    std::string reason;
    std::string domain;
    std::map<std::string, std::string> metadata;
  };
  struct Resource {  // google.rpc.ResourceInfo
    std::string resource_type;
    std::string resource_name;
    std::string owner;
    std::string description;
  };

  grpc::StatusCode code = grpc::StatusCode::UNKNOWN;
  std::string message;
  std::vector<FieldViolation> field_violations;
  std::vector<PreconditionViolation> precondition_violations;
  std::vector<Info> error_infos;
  std::vector<Resource> resources;
  std::vector<std::string> other_detail_types;  // details we do not know how to show
};

// "FAILED_PRECONDITION" for grpc::StatusCode::FAILED_PRECONDITION.
std::string_view StatusCodeName(grpc::StatusCode code);

// Decodes the status and its binary details; undecodable details are ignored, never fatal.
ErrorReport DecodeErrorReport(const grpc::Status& status);

// One readable line per fact, the first naming the code and message, e.g.
//   "INVALID_ARGUMENT: due_date must not be before today (2026-11-23)"
//   "  due_date: must not be before today (2026-11-23)"
std::vector<std::string> DescribeErrorReport(const ErrorReport& report);

}  // namespace reviewtrail::cli
