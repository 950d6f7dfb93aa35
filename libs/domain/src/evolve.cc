#include "reviewtrail/domain/evolve.h"

#include <algorithm>

#include "google/protobuf/util/time_util.h"
#include "validation.h"

namespace reviewtrail::domain {
namespace {

Micros OccurredAt(const v1::EventEnvelope& event) {
  return google::protobuf::util::TimeUtil::TimestampToMicroseconds(event.occurred_at());
}

}  // namespace

void Evolve(PersonState& person, const v1::EventEnvelope& event) {
  switch (event.payload_case()) {
    case v1::EventEnvelope::kPersonRegistered: {
      const auto& registered = event.person_registered();
      person.id = registered.person_id();
      person.display_name = registered.display_name();
      person.email = registered.email();
      person.manager_id = registered.manager_id();
      person.active = true;
      break;
    }
    case v1::EventEnvelope::kPersonDeactivated:
      person.active = false;
      break;
    default:
      break;
  }
  person.version = event.aggregate_version();
}

void Evolve(ReviewState& review, const v1::EventEnvelope& event) {
  switch (event.payload_case()) {
    case v1::EventEnvelope::kReviewHeld: {
      const auto& held = event.review_held();
      review.id = held.review_id();
      review.title = held.title();
      review.held_on = CivilDate::FromProto(held.held_on());
      review.chair_id = held.chair_id();
      review.attendee_ids.assign(held.attendee_ids().begin(), held.attendee_ids().end());
      review.inputs_covered.clear();
      for (int input : held.inputs_covered()) {
        review.inputs_covered.push_back(static_cast<v1::ReviewInput>(input));
      }
      review.minutes_uri = held.minutes_uri();
      break;
    }
    case v1::EventEnvelope::kDecisionRecorded: {
      const auto& recorded = event.decision_recorded();
      review.decisions.push_back(DecisionState{.id = recorded.decision_id(),
                                               .summary = recorded.summary(),
                                               .rationale = recorded.rationale(),
                                               .category = recorded.category(),
                                               .links = ToLinkRefs(recorded.links()),
                                               .recorded_at = OccurredAt(event)});
      break;
    }
    default:
      break;
  }
  review.version = event.aggregate_version();
}

void Evolve(ActionState& action, const v1::EventEnvelope& event) {
  action.status = StatusAfter(action.status, event);
  switch (event.payload_case()) {
    case v1::EventEnvelope::kActionAssigned: {
      const auto& assigned = event.action_assigned();
      action.id = assigned.action_id();
      action.review_id = assigned.review_id();
      action.decision_id = assigned.decision_id();
      action.title = assigned.title();
      action.expected_outcome = assigned.expected_outcome();
      action.completion_criteria = assigned.completion_criteria();
      action.owner_id = assigned.owner_id();
      action.due_date = CivilDate::FromProto(assigned.due_date());
      action.links = ToLinkRefs(assigned.links());
      action.assigned_at = OccurredAt(event);
      break;
    }
    case v1::EventEnvelope::kActionOwnerChanged:
      action.owner_id = event.action_owner_changed().new_owner_id();
      ++action.owner_changes;
      break;
    case v1::EventEnvelope::kActionDeadlineChanged:
      action.due_date = CivilDate::FromProto(event.action_deadline_changed().new_due_date());
      ++action.deadline_changes;
      break;
    case v1::EventEnvelope::kProgressReported:
      action.percent_complete = event.progress_reported().percent_complete();
      break;
    case v1::EventEnvelope::kEvidenceAttached: {
      const auto& attached = event.evidence_attached();
      action.evidence.push_back(EvidenceState{.id = attached.evidence_id(),
                                              .kind = attached.kind(),
                                              .description = attached.description(),
                                              .uri = attached.uri(),
                                              .sha256 = attached.sha256(),
                                              .size_bytes = attached.size_bytes(),
                                              .media_type = attached.media_type(),
                                              .attached_by = event.actor().person_id(),
                                              .attached_at = OccurredAt(event)});
      break;
    }
    case v1::EventEnvelope::kClosureRequested:
      action.closure_requested_at = OccurredAt(event);
      break;
    case v1::EventEnvelope::kClosureApproved:
      action.approver_id = event.actor().person_id();
      action.closed_at = OccurredAt(event);
      action.percent_complete = 100;
      break;
    case v1::EventEnvelope::kClosureRejected:
      ++action.rejections;
      break;
    case v1::EventEnvelope::kActionCancelled:
      action.cancel_reason = event.action_cancelled().reason();
      action.closed_at = OccurredAt(event);
      break;
    case v1::EventEnvelope::kReminderSent:
      ++action.reminders_sent;
      break;
    case v1::EventEnvelope::kEscalationRaised:
      action.highest_escalation =
          std::max(action.highest_escalation, event.escalation_raised().level());
      break;
    default:
      break;
  }
  action.version = event.aggregate_version();
}

std::string EntityIdOf(const v1::EventEnvelope& event) {
  switch (event.payload_case()) {
    case v1::EventEnvelope::kDecisionRecorded:
      return event.decision_recorded().decision_id();
    case v1::EventEnvelope::kEvidenceAttached:
      return event.evidence_attached().evidence_id();
    default:
      return event.aggregate_id();
  }
}

std::string ActionIdOf(const v1::EventEnvelope& event) {
  switch (event.payload_case()) {
    case v1::EventEnvelope::kActionAssigned:
      return event.action_assigned().action_id();
    case v1::EventEnvelope::kActionOwnerChanged:
      return event.action_owner_changed().action_id();
    case v1::EventEnvelope::kActionDeadlineChanged:
      return event.action_deadline_changed().action_id();
    case v1::EventEnvelope::kProgressReported:
      return event.progress_reported().action_id();
    case v1::EventEnvelope::kEvidenceAttached:
      return event.evidence_attached().action_id();
    case v1::EventEnvelope::kClosureRequested:
      return event.closure_requested().action_id();
    case v1::EventEnvelope::kClosureApproved:
      return event.closure_approved().action_id();
    case v1::EventEnvelope::kClosureRejected:
      return event.closure_rejected().action_id();
    case v1::EventEnvelope::kActionCancelled:
      return event.action_cancelled().action_id();
    case v1::EventEnvelope::kReminderSent:
      return event.reminder_sent().action_id();
    case v1::EventEnvelope::kEscalationRaised:
      return event.escalation_raised().action_id();
    default:
      return "";
  }
}

std::string ReviewIdOf(const v1::EventEnvelope& event) {
  switch (event.payload_case()) {
    case v1::EventEnvelope::kReviewHeld:
      return event.review_held().review_id();
    case v1::EventEnvelope::kDecisionRecorded:
      return event.decision_recorded().review_id();
    case v1::EventEnvelope::kActionAssigned:
      return event.action_assigned().review_id();
    default:
      return "";
  }
}

v1::ActionStatus StatusAfter(v1::ActionStatus before, const v1::EventEnvelope& event) {
  switch (event.payload_case()) {
    case v1::EventEnvelope::kActionAssigned:
      return v1::ACTION_STATUS_OPEN;
    case v1::EventEnvelope::kProgressReported:
    case v1::EventEnvelope::kEvidenceAttached:
      return before == v1::ACTION_STATUS_OPEN ? v1::ACTION_STATUS_IN_PROGRESS : before;
    case v1::EventEnvelope::kClosureRequested:
      return v1::ACTION_STATUS_CLOSURE_REQUESTED;
    case v1::EventEnvelope::kClosureApproved:
      return v1::ACTION_STATUS_CLOSED;
    case v1::EventEnvelope::kClosureRejected:
      return v1::ACTION_STATUS_IN_PROGRESS;
    case v1::EventEnvelope::kActionCancelled:
      return v1::ACTION_STATUS_CANCELLED;
    default:
      return before;
  }
}

}  // namespace reviewtrail::domain
