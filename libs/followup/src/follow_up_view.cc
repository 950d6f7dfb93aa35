#include "reviewtrail/followup/follow_up_view.h"

#include "reviewtrail/v1/events.pb.h"

namespace reviewtrail::followup {

absl::StatusOr<std::vector<std::string>> FollowUpView::Keys(std::string_view table,
                                                            std::string_view prefix) const {
  std::vector<std::string> keys;
  const absl::Status scanned =
      view_.Scan(table, prefix, "", [&keys](std::string_view key, std::string_view) {
        keys.emplace_back(key);
        return true;
      });
  if (!scanned.ok()) return scanned;
  return keys;
}

std::optional<std::string> FollowUpView::Read(std::string_view table, std::string_view key) const {
  absl::StatusOr<std::optional<std::string>> value = view_.Get(table, key);
  if (!value.ok()) return std::nullopt;
  return *std::move(value);
}

absl::StatusOr<std::vector<std::string>> FollowUpView::AllActionKeys() const {
  return Keys(kActionsTable, "");
}

absl::StatusOr<std::vector<std::string>> FollowUpView::ActionKeys(std::string_view tenant) const {
  return Keys(kActionsTable, TenantKey(tenant, ""));
}

std::optional<ActionFollowUp> FollowUpView::Action(std::string_view action_key) const {
  std::optional<std::string> bytes = Read(kActionsTable, action_key);
  return bytes.has_value() ? DecodeAction(*bytes) : std::nullopt;
}

std::optional<StoredPerson> FollowUpView::Person(std::string_view tenant,
                                                 std::string_view person_id) const {
  std::optional<std::string> bytes = Read(kPersonsTable, TenantKey(tenant, person_id));
  return bytes.has_value() ? DecodePerson(*bytes) : std::nullopt;
}

domain::Micros FollowUpView::ClockAdvance(std::string_view tenant) const {
  std::optional<std::string> bytes = Read(kClocksTable, tenant);
  v1::EventEnvelope event;
  if (!bytes.has_value() || !event.mutable_test_clock_advanced()->ParseFromString(*bytes)) return 0;
  return domain::AdvanceAfter(event);
}

absl::StatusOr<std::vector<std::string>> FollowUpView::OutboxKeys() const {
  return Keys(kOutboxTable, "");
}

absl::StatusOr<std::optional<DeliveryJob>> FollowUpView::Job(std::string_view outbox_key) const {
  absl::StatusOr<std::optional<std::string>> bytes = view_.Get(kOutboxTable, outbox_key);
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return std::nullopt;
  std::optional<DeliveryJob> job = DecodeJob(**bytes);
  if (!job.has_value()) return absl::DataLossError("the outbox entry does not decode");
  return job;
}

}  // namespace reviewtrail::followup
