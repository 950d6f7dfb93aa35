#pragma once

#include <chrono>
#include <optional>

#include "reviewtrail/followup/stored_records.h"
#include "reviewtrail/notifier/channel.h"
#include "reviewtrail/notifier/notifier_config.h"

namespace reviewtrail::notifier {

// The message of a delivery job: subject, plain-text body naming the action, its owner, the due
// date, days before due or overdue and the link; and the JSON body of the webhook. Pure.
[[nodiscard]] Message ComposeMessage(const followup::DeliveryJob& job,
                                     const TenantSettings& settings,
                                     const std::optional<followup::StoredPerson>& owner,
                                     const std::optional<followup::StoredPerson>& recipient);

}  // namespace reviewtrail::notifier
