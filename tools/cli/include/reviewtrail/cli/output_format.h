#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "reviewtrail/cli/error_details.h"
#include "reviewtrail/v1/commands.pb.h"

namespace reviewtrail::cli {

// "Assigned action act-1 (version 1) at log position 0:17; command id 3f2a..." where `done` is
// the command's outcome in words ("Assigned action"). When the command created a record inside the
// aggregate (reply.entity_id differs from aggregate_id), it is named with `entity_label`:
// "Recorded decision on review rev-1 (version 2) at log position 0:13; decision dec-9; ...".
std::string FormatReplyText(std::string_view done, std::string_view entity_label,
                            const v1::CommandReply& reply, std::string_view command_id);

// {"aggregate_id", "entity_id", "version", "event_ids", "log_position": {"partition", "offset"},
//  "command_id"}; entity_id is the aggregate_id unless the command created a record inside it.
nlohmann::json ReplyToJson(const v1::CommandReply& reply, std::string_view command_id);

// {"error": {"code", "message", "field_violations", "precondition_violations", "error_info",
//  "resource_info"}, "command_id"}; code is the status name, e.g. "FAILED_PRECONDITION".
nlohmann::json ErrorToJson(const ErrorReport& report, std::string_view command_id);

}  // namespace reviewtrail::cli
