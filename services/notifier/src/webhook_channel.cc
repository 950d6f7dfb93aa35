#include "channels.h"
#include "reviewtrail/delivery/signed_post.h"

namespace reviewtrail::notifier {

WebhookChannel::WebhookChannel() = default;

absl::Status WebhookChannel::Send(const TenantSettings& settings, const Message& message) {
  if (settings.webhook.url.empty()) {
    return absl::FailedPreconditionError("no webhook url configured for tenant " +
                                         message.tenant_id);
  }
  return delivery::PostSigned(settings.webhook,
                              {.content_type = "application/json",
                               .headers = {{"Idempotency-Key", message.command_id}},
                               .body = message.json});
}

}  // namespace reviewtrail::notifier
