#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reviewtrail/domain/civil_date.h"
#include "reviewtrail/v1/common.pb.h"

namespace reviewtrail::domain {

// Microseconds since the Unix epoch, UTC.
using Micros = int64_t;

struct LinkRef {
  v1::LinkKind kind = v1::LINK_KIND_UNSPECIFIED;
  std::string ref;
  std::string title;

  friend bool operator==(const LinkRef&, const LinkRef&) = default;
};

struct PersonState {
  std::string id;
  std::string display_name;
  std::string email;
  std::string manager_id;
  bool active = false;
  int64_t version = 0;  // 0: does not exist

  friend bool operator==(const PersonState&, const PersonState&) = default;
};

struct DecisionState {
  std::string id;
  std::string summary;
  std::string rationale;
  v1::DecisionCategory category = v1::DECISION_CATEGORY_UNSPECIFIED;
  std::vector<LinkRef> links;
  Micros recorded_at = 0;

  friend bool operator==(const DecisionState&, const DecisionState&) = default;
};

// A management review and the decisions taken in it (one aggregate).
struct ReviewState {
  std::string id;
  std::string title;
  CivilDate held_on;
  std::string chair_id;
  std::vector<std::string> attendee_ids;
  std::vector<v1::ReviewInput> inputs_covered;
  std::string minutes_uri;
  std::vector<DecisionState> decisions;
  int64_t version = 0;

  [[nodiscard]] const DecisionState* FindDecision(const std::string& decision_id) const;

  friend bool operator==(const ReviewState&, const ReviewState&) = default;
};

struct EvidenceState {
  std::string id;
  v1::EvidenceKind kind = v1::EVIDENCE_KIND_UNSPECIFIED;
  std::string description;
  std::string uri;
  std::string sha256;
  int64_t size_bytes = 0;
  std::string media_type;
  std::string attached_by;
  Micros attached_at = 0;

  friend bool operator==(const EvidenceState&, const EvidenceState&) = default;
};

// Final: closed or cancelled. A final action takes no more commands, is never overdue and is not
// counted open. The one definition every service uses.
[[nodiscard]] constexpr bool IsFinal(v1::ActionStatus status) {
  return status == v1::ACTION_STATUS_CLOSED || status == v1::ACTION_STATUS_CANCELLED;
}

//   open ──progress/evidence──▶ in_progress ──request──▶ closure_requested ──approve──▶ closed
//                                    ▲                          │
//                                    └─────────reject───────────┘
//   any non-final ──cancel──▶ cancelled          (closed and cancelled are final)
struct ActionState {
  std::string id;
  std::string review_id;
  std::string decision_id;
  std::string title;
  std::string expected_outcome;
  std::string completion_criteria;
  std::string owner_id;
  CivilDate due_date;
  std::vector<LinkRef> links;
  v1::ActionStatus status = v1::ACTION_STATUS_UNSPECIFIED;
  int32_t percent_complete = 0;
  std::vector<EvidenceState> evidence;
  std::string approver_id;  // set on closure approval
  Micros assigned_at = 0;
  Micros closure_requested_at = 0;
  Micros closed_at = 0;  // approval or cancellation time
  std::string cancel_reason;
  int32_t owner_changes = 0;
  int32_t deadline_changes = 0;
  int32_t rejections = 0;
  int32_t reminders_sent = 0;
  int32_t highest_escalation = 0;
  int64_t version = 0;

  [[nodiscard]] bool IsFinal() const { return domain::IsFinal(status); }

  friend bool operator==(const ActionState&, const ActionState&) = default;
};

// A tenant's test clock: its folded TestClockAdvanced events (the TENANT aggregate, id = the tenant
// id). See tenant_clock.h.
struct TenantClockState {
  int64_t version = 0;  // 0: never advanced
  Micros advance = 0;   // the total advance, >= 0

  friend bool operator==(const TenantClockState&, const TenantClockState&) = default;
};

// "OPEN", "CLOSURE_REQUESTED", ...: the name used in errors and exports.
[[nodiscard]] std::string StatusName(v1::ActionStatus status);

}  // namespace reviewtrail::domain
