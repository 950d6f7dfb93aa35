#include "reviewtrail/readmodel/action_fold.h"

#include <algorithm>

#include "reviewtrail/audit/entry_builder.h"
#include "reviewtrail/domain/civil_date.h"
#include "reviewtrail/domain/evolve.h"
#include "reviewtrail/domain/state.h"

namespace reviewtrail::readmodel {
namespace {

std::string DayText(const google::type::Date& date) {
  return domain::CivilDate::FromProto(date).ToString();
}

std::string WithReason(std::string text, const std::string& reason) {
  if (!reason.empty()) text += " (" + reason + ")";
  return text;
}

std::string StatusText(v1::ActionStatus status) { return domain::StatusName(status); }

}  // namespace

bool FoldAction(v1::ActionView& view, const v1::EventEnvelope& event) {
  if (domain::ActionIdOf(event).empty()) return false;
  view.set_status(domain::StatusAfter(view.status(), event));
  switch (event.payload_case()) {
    case v1::EventEnvelope::kActionAssigned: {
      const auto& assigned = event.action_assigned();
      view.set_action_id(assigned.action_id());
      view.set_review_id(assigned.review_id());
      view.set_decision_id(assigned.decision_id());
      view.set_title(assigned.title());
      view.set_expected_outcome(assigned.expected_outcome());
      view.set_completion_criteria(assigned.completion_criteria());
      view.set_owner_id(assigned.owner_id());
      *view.mutable_due_date() = assigned.due_date();
      *view.mutable_original_due_date() = assigned.due_date();
      *view.mutable_links() = assigned.links();
      *view.mutable_assigned_at() = event.occurred_at();
      break;
    }
    case v1::EventEnvelope::kActionOwnerChanged:
      view.set_owner_id(event.action_owner_changed().new_owner_id());
      view.set_owner_changes(view.owner_changes() + 1);
      break;
    case v1::EventEnvelope::kActionDeadlineChanged:
      *view.mutable_due_date() = event.action_deadline_changed().new_due_date();
      view.set_deadline_changes(view.deadline_changes() + 1);
      break;
    case v1::EventEnvelope::kProgressReported:
      view.set_percent_complete(event.progress_reported().percent_complete());
      break;
    case v1::EventEnvelope::kEvidenceAttached: {
      const auto& attached = event.evidence_attached();
      v1::EvidenceView* evidence = view.add_evidence();
      evidence->set_evidence_id(attached.evidence_id());
      evidence->set_kind(attached.kind());
      evidence->set_description(attached.description());
      evidence->set_uri(attached.uri());
      evidence->set_sha256(attached.sha256());
      evidence->set_size_bytes(attached.size_bytes());
      evidence->set_media_type(attached.media_type());
      evidence->set_attached_by(event.actor().person_id());
      *evidence->mutable_attached_at() = event.occurred_at();
      break;
    }
    case v1::EventEnvelope::kClosureRequested:
      *view.mutable_closure_requested_at() = event.occurred_at();
      break;
    case v1::EventEnvelope::kClosureApproved: {
      view.set_approver_id(event.actor().person_id());
      *view.mutable_closed_at() = event.occurred_at();
      view.set_percent_complete(100);
      v1::ApprovalView* approval = view.add_approvals();
      approval->set_outcome(v1::CLOSURE_OUTCOME_APPROVED);
      approval->set_reviewer_id(event.actor().person_id());
      approval->set_note(event.closure_approved().note());
      *approval->mutable_decided_at() = event.occurred_at();
      break;
    }
    case v1::EventEnvelope::kClosureRejected: {
      view.set_rejections(view.rejections() + 1);
      v1::ApprovalView* approval = view.add_approvals();
      approval->set_outcome(v1::CLOSURE_OUTCOME_REJECTED);
      approval->set_reviewer_id(event.actor().person_id());
      approval->set_note(event.closure_rejected().reason());
      *approval->mutable_decided_at() = event.occurred_at();
      break;
    }
    case v1::EventEnvelope::kActionCancelled:
      view.set_cancel_reason(event.action_cancelled().reason());
      *view.mutable_closed_at() = event.occurred_at();
      break;
    case v1::EventEnvelope::kReminderSent:
      view.set_reminders_sent(view.reminders_sent() + 1);
      break;
    case v1::EventEnvelope::kEscalationRaised:
      view.set_highest_escalation(
          std::max(view.highest_escalation(), event.escalation_raised().level()));
      break;
    default:
      break;
  }
  view.set_version(event.aggregate_version());
  return true;
}

ViewBefore ViewBefore::Of(const v1::ActionView& view) {
  return {.owner_id = view.owner_id(), .due_date = view.due_date(), .status = view.status()};
}

v1::HistoryEntry HistoryOf(const ViewBefore& before, const v1::ActionView& after,
                           const v1::EventEnvelope& event, const v1::LogPosition& position) {
  v1::HistoryEntry entry;
  entry.set_version(event.aggregate_version());
  entry.set_event_id(event.event_id());
  entry.set_event_type(audit::EventTypeName(event));  // the audit log's spelling
  *entry.mutable_occurred_at() = event.occurred_at();
  entry.set_actor_id(event.actor().person_id());
  *entry.mutable_position() = position;
  std::string change;
  switch (event.payload_case()) {
    case v1::EventEnvelope::kActionAssigned: {
      const auto& assigned = event.action_assigned();
      change = "assigned to " + assigned.owner_id() + ", due " + DayText(assigned.due_date());
      break;
    }
    case v1::EventEnvelope::kActionOwnerChanged: {
      const auto& changed = event.action_owner_changed();
      change = WithReason("owner " + before.owner_id + " -> " + changed.new_owner_id(),
                          changed.reason());
      break;
    }
    case v1::EventEnvelope::kActionDeadlineChanged: {
      const auto& changed = event.action_deadline_changed();
      change = WithReason(
          "due date " + DayText(before.due_date) + " -> " + DayText(changed.new_due_date()),
          changed.reason());
      break;
    }
    case v1::EventEnvelope::kProgressReported:
      change = "progress " + std::to_string(event.progress_reported().percent_complete()) + "%";
      if (!event.progress_reported().note().empty()) {
        change += ": " + event.progress_reported().note();
      }
      break;
    case v1::EventEnvelope::kEvidenceAttached: {
      const auto& attached = event.evidence_attached();
      change = "evidence " + attached.evidence_id() + " " + attached.uri() + " sha256 " +
               attached.sha256();
      break;
    }
    case v1::EventEnvelope::kClosureRequested:
      change = "closure requested with " +
               std::to_string(event.closure_requested().evidence_ids_size()) + " evidence";
      break;
    case v1::EventEnvelope::kClosureApproved:
      change = "closure approved";
      break;
    case v1::EventEnvelope::kClosureRejected:
      change = WithReason("closure rejected", event.closure_rejected().reason());
      break;
    case v1::EventEnvelope::kActionCancelled:
      change = WithReason("cancelled", event.action_cancelled().reason());
      break;
    case v1::EventEnvelope::kReminderSent: {
      const auto& reminder = event.reminder_sent();
      change = "reminder to " + reminder.recipient_id() + ", " +
               std::to_string(reminder.days_before_due()) + " days before due";
      break;
    }
    case v1::EventEnvelope::kEscalationRaised: {
      const auto& escalation = event.escalation_raised();
      change = "escalation level " + std::to_string(escalation.level()) + " to " +
               escalation.recipient_id() + ", " + std::to_string(escalation.days_overdue()) +
               " days overdue";
      break;
    }
    default:
      break;
  }
  if (before.status != v1::ACTION_STATUS_UNSPECIFIED && after.status() != before.status) {
    change += "; status " + StatusText(before.status) + " -> " + StatusText(after.status());
  }
  entry.set_change(std::move(change));
  return entry;
}

}  // namespace reviewtrail::readmodel
