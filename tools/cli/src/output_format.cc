#include "reviewtrail/cli/output_format.h"

namespace reviewtrail::cli {

namespace {

std::string EntityId(const v1::CommandReply& reply) {
  return reply.entity_id().empty() ? reply.aggregate_id() : reply.entity_id();
}

}  // namespace

std::string FormatReplyText(std::string_view done, std::string_view entity_label,
                            const v1::CommandReply& reply, std::string_view command_id) {
  std::string text = std::string(done) + " " + reply.aggregate_id() + " (version " +
                     std::to_string(reply.version()) + ") at log position " +
                     std::to_string(reply.log_position().partition()) + ":" +
                     std::to_string(reply.log_position().offset());
  if (EntityId(reply) != reply.aggregate_id()) {
    text += "; " + std::string(entity_label.empty() ? "id" : entity_label) + " " + EntityId(reply);
  }
  return text + "; command id " + std::string(command_id);
}

nlohmann::json ReplyToJson(const v1::CommandReply& reply, std::string_view command_id) {
  nlohmann::json event_ids = nlohmann::json::array();
  for (const std::string& event_id : reply.event_ids()) event_ids.push_back(event_id);
  return {
      {"aggregate_id", reply.aggregate_id()},
      {"entity_id", EntityId(reply)},
      {"version", reply.version()},
      {"event_ids", std::move(event_ids)},
      {"log_position",
       {{"partition", reply.log_position().partition()},
        {"offset", reply.log_position().offset()}}},
      {"command_id", command_id},
  };
}

nlohmann::json ErrorToJson(const ErrorReport& report, std::string_view command_id) {
  nlohmann::json field_violations = nlohmann::json::array();
  for (const auto& violation : report.field_violations) {
    field_violations.push_back(
        {{"field", violation.field}, {"description", violation.description}});
  }
  nlohmann::json precondition_violations = nlohmann::json::array();
  for (const auto& violation : report.precondition_violations) {
    precondition_violations.push_back({{"type", violation.type},
                                       {"subject", violation.subject},
                                       {"description", violation.description}});
  }
  nlohmann::json error = {
      {"code", StatusCodeName(report.code)},
      {"message", report.message},
      {"field_violations", std::move(field_violations)},
      {"precondition_violations", std::move(precondition_violations)},
  };
  if (!report.error_infos.empty()) {
    nlohmann::json infos = nlohmann::json::array();
    for (const auto& info : report.error_infos) {
      infos.push_back(
          {{"reason", info.reason}, {"domain", info.domain}, {"metadata", info.metadata}});
    }
    error["error_info"] = std::move(infos);
  }
  if (!report.resources.empty()) {
    nlohmann::json resources = nlohmann::json::array();
    for (const auto& resource : report.resources) {
      resources.push_back({{"resource_type", resource.resource_type},
                           {"resource_name", resource.resource_name},
                           {"owner", resource.owner},
                           {"description", resource.description}});
    }
    error["resource_info"] = std::move(resources);
  }
  return {{"error", std::move(error)}, {"command_id", command_id}};
}

}  // namespace reviewtrail::cli
