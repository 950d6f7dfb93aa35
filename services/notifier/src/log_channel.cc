#include "channels.h"
#include "reviewtrail/runtime/structured_log.h"
#include "spdlog/spdlog.h"

namespace reviewtrail::notifier {

absl::Status LogChannel::Send(const TenantSettings& /*settings*/, const Message& message) {
  if (runtime::CurrentLogFormat() == runtime::LogFormat::kJson) {
    // JSON logs carry identifiers only: the subject names the action's title (free text).
    runtime::Log(spdlog::level::info, "notification",
                 {{"tenant", message.tenant_id},
                  {"command_id", message.command_id},
                  {"recipient", message.recipient_id}});
    return absl::OkStatus();
  }
  spdlog::info("notification {} to {} of {}: {}", message.command_id, message.recipient_id,
               message.tenant_id, message.subject);
  return absl::OkStatus();
}

}  // namespace reviewtrail::notifier
