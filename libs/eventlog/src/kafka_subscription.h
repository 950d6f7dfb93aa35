#pragma once

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "reviewtrail/eventlog/event_log.h"
#include "reviewtrail/eventlog/kafka_log.h"

namespace reviewtrail::eventlog::internal {

// A subscription reading `start` (validated by the caller) with its own assign-mode consumer.
[[nodiscard]] absl::StatusOr<std::unique_ptr<Subscription>> NewAssignedKafkaSubscription(
    const KafkaLogConfig& config, const std::vector<Position>& start);

// A member of `options.group_id` subscribed to the event topic.
[[nodiscard]] absl::StatusOr<std::unique_ptr<GroupSubscription>> NewGroupKafkaSubscription(
    const KafkaLogConfig& config, GroupSubscriptionOptions options);

}  // namespace reviewtrail::eventlog::internal
