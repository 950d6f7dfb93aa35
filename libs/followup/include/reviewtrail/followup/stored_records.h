#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "reviewtrail/domain/civil_date.h"
#include "reviewtrail/followup/follow_up_state.h"
#include "reviewtrail/v1/common.pb.h"

namespace reviewtrail::followup {

// The notifier store's tables (column families of its ProjectionStore).
inline constexpr char kActionsTable[] = "followup_actions";  // tenant/action -> StoredAction
inline constexpr char kPersonsTable[] = "followup_persons";  // tenant/person -> StoredPerson
inline constexpr char kOutboxTable[] = "followup_outbox";    // tenant/command -> DeliveryJob
// tenant -> TestClockAdvanced (protobuf): a sandbox's test clock, its last advance
inline constexpr char kClocksTable[] = "followup_clocks";

// The key of a tenant's record: "<tenant>\x1f<id>" (ids never hold the separator).
[[nodiscard]] std::string TenantKey(std::string_view tenant_id, std::string_view id);
// Splits a TenantKey; nullopt when malformed.
[[nodiscard]] std::optional<std::pair<std::string, std::string>> SplitTenantKey(
    std::string_view key);

// A registered person as far as notifications go. A plain value.
struct StoredPerson {
  std::string display_name;
  std::string email;
  std::string manager_id;
};

// A recorded reminder or escalation waiting to be delivered. A plain value.
struct DeliveryJob {
  std::string tenant_id;
  std::string action_id;
  std::string title;
  std::string owner_id;
  domain::CivilDate due_date;
  int level = 0;  // 0: reminder; else the escalation level
  int days = 0;   // days before due (reminder) or days overdue (escalation)
  std::string recipient_id;
  v1::NotificationChannel channel = v1::NOTIFICATION_CHANNEL_LOG;
  std::string command_id;  // the idempotency key of the delivery too
  std::string event_id;
  int64_t recorded_at_ms = 0;  // when the event was appended
};

// JSON encodings of the stored values. Decoding returns nullopt for malformed bytes.
// StoredAction is an ActionFollowUp without manager_id and escalation_contact_id, which are
// resolved when the plan is made.
[[nodiscard]] std::string Encode(const ActionFollowUp& action);
[[nodiscard]] std::string Encode(const StoredPerson& person);
[[nodiscard]] std::string Encode(const DeliveryJob& job);
[[nodiscard]] std::optional<ActionFollowUp> DecodeAction(std::string_view bytes);
[[nodiscard]] std::optional<StoredPerson> DecodePerson(std::string_view bytes);
[[nodiscard]] std::optional<DeliveryJob> DecodeJob(std::string_view bytes);

}  // namespace reviewtrail::followup
