#include "reviewtrail/cli/error_details.h"

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace reviewtrail::cli {
namespace {

void AddDetail(const google::protobuf::Any& detail, ErrorReport& report) {
  if (google::rpc::BadRequest bad_request; detail.UnpackTo(&bad_request)) {
    for (const auto& violation : bad_request.field_violations()) {
      report.field_violations.push_back({violation.field(), violation.description()});
    }
  } else if (google::rpc::PreconditionFailure failure; detail.UnpackTo(&failure)) {
    for (const auto& violation : failure.violations()) {
      report.precondition_violations.push_back(
          {violation.type(), violation.subject(), violation.description()});
    }
  } else if (google::rpc::ErrorInfo info; detail.UnpackTo(&info)) {
    report.error_infos.push_back(
        {info.reason(), info.domain(), {info.metadata().begin(), info.metadata().end()}});
  } else if (google::rpc::ResourceInfo resource; detail.UnpackTo(&resource)) {
    report.resources.push_back({resource.resource_type(), resource.resource_name(),
                                resource.owner(), resource.description()});
  } else {
    report.other_detail_types.push_back(detail.type_url());
  }
}

}  // namespace

std::string_view StatusCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return "UNKNOWN";
  }
}

ErrorReport DecodeErrorReport(const grpc::Status& status) {
  ErrorReport report;
  report.code = status.error_code();
  report.message = status.error_message();
  if (status.error_details().empty()) return report;
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return report;
  if (report.message.empty()) report.message = details.message();
  for (const google::protobuf::Any& detail : details.details()) AddDetail(detail, report);
  return report;
}

std::vector<std::string> DescribeErrorReport(const ErrorReport& report) {
  std::vector<std::string> lines;
  lines.push_back(std::string(StatusCodeName(report.code)) + ": " + report.message);
  for (const auto& violation : report.field_violations) {
    lines.push_back("  " + violation.field + ": " + violation.description);
  }
  for (const auto& violation : report.precondition_violations) {
    std::string line = "  " + violation.type;
    if (!violation.subject.empty()) line += " (" + violation.subject + ")";
    if (!violation.description.empty()) line += ": " + violation.description;
    lines.push_back(std::move(line));
  }
  for (const auto& info : report.error_infos) {
    std::string line = "  reason: " + info.reason;
    if (!info.domain.empty()) line += " (" + info.domain + ")";
    for (const auto& [key, value] : info.metadata) line += "; " + key + "=" + value;
    lines.push_back(std::move(line));
  }
  for (const auto& resource : report.resources) {
    std::string line = "  resource: " + resource.resource_type;
    if (!resource.resource_name.empty()) line += " " + resource.resource_name;
    if (!resource.owner.empty()) line += " (owner " + resource.owner + ")";
    if (!resource.description.empty()) line += ": " + resource.description;
    lines.push_back(std::move(line));
  }
  for (const auto& type_url : report.other_detail_types) {
    lines.push_back("  (detail of type " + type_url + " not shown)");
  }
  return lines;
}

}  // namespace reviewtrail::cli
