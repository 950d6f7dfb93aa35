#pragma once

#include <string>

#include "absl/status/status.h"
#include "reviewtrail/notifier/notifier_config.h"

namespace reviewtrail::notifier {

// One reminder or escalation, ready to deliver. A plain value.
struct Message {
  std::string tenant_id;
  std::string command_id;  // also the idempotency key of the delivery
  std::string recipient_id;
  std::string recipient_name;
  std::string recipient_email;  // empty when unknown
  std::string subject;
  std::string text;  // plain-text body (e-mail, log)
  std::string json;  // JSON body (webhook)
};

// A way of delivering messages. Send returns OK when delivered, UNAVAILABLE (or
// DEADLINE_EXCEEDED) for a failure worth retrying, any other code for a permanent failure.
// Implementations are thread-safe.
class Channel {
 public:
  virtual ~Channel() = default;
  [[nodiscard]] virtual absl::Status Send(const TenantSettings& settings,
                                          const Message& message) = 0;
};

}  // namespace reviewtrail::notifier
