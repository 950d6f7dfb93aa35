#include "channels.h"
#include "spdlog/spdlog.h"

namespace reviewtrail::notifier {

absl::Status LogChannel::Send(const TenantSettings& /*settings*/, const Message& message) {
  spdlog::info("notification {} to {} of {}: {}", message.command_id, message.recipient_id,
               message.tenant_id, message.subject);
  return absl::OkStatus();
}

}  // namespace reviewtrail::notifier
