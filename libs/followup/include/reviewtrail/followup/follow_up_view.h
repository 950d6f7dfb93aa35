#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "reviewtrail/domain/tenant_clock.h"
#include "reviewtrail/followup/follow_up_state.h"
#include "reviewtrail/followup/stored_records.h"
#include "reviewtrail/projection/read_view.h"

namespace reviewtrail::followup {

// Reads the follow-up store through one projection::ReadView: over a ProjectionStore that is one
// snapshot (a projection::StoreReadView), so every read of a view agrees; a MemoryReadView in
// tests. A point read that fails, or a record that does not decode, reads as absent (the notifier
// plans again on the next change or timer); scans and outbox reads return the error. Used by one
// thread; the view must outlive it.
class FollowUpView {
 public:
  explicit FollowUpView(const projection::ReadView& view) : view_(view) {}

  // The keys (TenantKey) of every followed action, in key order.
  [[nodiscard]] absl::StatusOr<std::vector<std::string>> AllActionKeys() const;
  // The keys of the followed actions of `tenant`.
  [[nodiscard]] absl::StatusOr<std::vector<std::string>> ActionKeys(std::string_view tenant) const;
  // The follow-up facts stored under `action_key` (without manager and escalation contact).
  [[nodiscard]] std::optional<ActionFollowUp> Action(std::string_view action_key) const;
  [[nodiscard]] std::optional<StoredPerson> Person(std::string_view tenant,
                                                   std::string_view person_id) const;
  // A sandbox tenant's test clock advance (domain::AdvanceAfter of its last TestClockAdvanced); 0
  // when its clock never moved.
  [[nodiscard]] domain::Micros ClockAdvance(std::string_view tenant) const;

  // The keys of the outbox's delivery jobs, in key order.
  [[nodiscard]] absl::StatusOr<std::vector<std::string>> OutboxKeys() const;
  // The job under `outbox_key`: nullopt when it is not (or no longer) there; DataLoss when its
  // bytes do not decode.
  [[nodiscard]] absl::StatusOr<std::optional<DeliveryJob>> Job(std::string_view outbox_key) const;

 private:
  [[nodiscard]] absl::StatusOr<std::vector<std::string>> Keys(std::string_view table,
                                                              std::string_view prefix) const;
  [[nodiscard]] std::optional<std::string> Read(std::string_view table, std::string_view key) const;

  const projection::ReadView& view_;
};

}  // namespace reviewtrail::followup
