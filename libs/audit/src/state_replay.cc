#include "reviewtrail/audit/state_replay.h"

#include <map>

#include "google/protobuf/util/time_util.h"
#include "reviewtrail/domain/evolve.h"
#include "reviewtrail/domain/tenant_clock.h"

namespace reviewtrail::audit {
Replayed Replay(const std::vector<AuditView::Record>& records, std::optional<Micros> as_of) {
  Replayed replayed;
  std::map<std::string, size_t> action_index;
  for (const AuditView::Record& record : records) {
    if (as_of && record.entry.recorded_at > *as_of) continue;
    const v1::EventEnvelope& event = record.event;
    ++replayed.events;
    replayed.last_sequence = record.entry.sequence;
    if (event.aggregate_type() == v1::AGGREGATE_TYPE_REVIEW) {
      domain::Evolve(replayed.review, event);
      replayed.review_trail.push_back(record.entry);
    } else if (event.aggregate_type() == v1::AGGREGATE_TYPE_ACTION) {
      auto [it, added] = action_index.emplace(event.aggregate_id(), replayed.actions.size());
      if (added) replayed.actions.emplace_back();
      ReplayedAction& action = replayed.actions[it->second];
      domain::Evolve(action.state, event);
      action.trail.push_back(record.entry);
    }
  }
  return replayed;
}

Micros AdvanceAsOf(const std::vector<AuditView::Record>& tenant_records, Micros at) {
  Micros advance = 0;
  for (const AuditView::Record& record : tenant_records) {
    if (record.entry.recorded_at > at) break;
    if (record.event.has_test_clock_advanced()) advance = domain::AdvanceAfter(record.event);
  }
  return advance;
}

bool IsOverdue(const domain::ActionState& action, const domain::CivilDate& today) {
  return action.version != 0 && domain::IsOverdue(action.status, action.due_date, today);
}

v1::ActionSnapshot ToSnapshot(const domain::ActionState& action, const domain::CivilDate& today) {
  using google::protobuf::util::TimeUtil;
  v1::ActionSnapshot out;
  out.set_action_id(action.id);
  out.set_review_id(action.review_id);
  out.set_decision_id(action.decision_id);
  out.set_title(action.title);
  out.set_expected_outcome(action.expected_outcome);
  out.set_completion_criteria(action.completion_criteria);
  out.set_owner_id(action.owner_id);
  *out.mutable_due_date() = action.due_date.ToProto();
  out.set_status(action.status);
  out.set_overdue(IsOverdue(action, today));
  out.set_percent_complete(action.percent_complete);
  for (const auto& evidence : action.evidence) {
    v1::EvidenceSnapshot* e = out.add_evidence();
    e->set_evidence_id(evidence.id);
    e->set_kind(evidence.kind);
    e->set_description(evidence.description);
    e->set_uri(evidence.uri);
    e->set_sha256(evidence.sha256);
    e->set_size_bytes(evidence.size_bytes);
    e->set_media_type(evidence.media_type);
    e->set_attached_by(evidence.attached_by);
    *e->mutable_attached_at() = TimeUtil::MicrosecondsToTimestamp(evidence.attached_at);
  }
  out.set_approver_id(action.approver_id);
  out.set_cancel_reason(action.cancel_reason);
  out.set_owner_changes(action.owner_changes);
  out.set_deadline_changes(action.deadline_changes);
  out.set_rejections(action.rejections);
  out.set_reminders_sent(action.reminders_sent);
  out.set_highest_escalation(action.highest_escalation);
  out.set_version(action.version);
  return out;
}

v1::ReviewSnapshot ToSnapshot(const Replayed& replayed, const domain::CivilDate& today) {
  const domain::ReviewState& review = replayed.review;
  v1::ReviewSnapshot out;
  out.set_review_id(review.id);
  out.set_title(review.title);
  *out.mutable_held_on() = review.held_on.ToProto();
  out.set_chair_id(review.chair_id);
  for (const auto& id : review.attendee_ids) out.add_attendee_ids(id);
  for (auto input : review.inputs_covered) out.add_inputs_covered(input);
  out.set_minutes_uri(review.minutes_uri);
  for (const auto& decision : review.decisions) {
    v1::DecisionSnapshot* d = out.add_decisions();
    d->set_decision_id(decision.id);
    d->set_summary(decision.summary);
    d->set_rationale(decision.rationale);
    d->set_category(decision.category);
  }
  out.set_version(review.version);
  for (const ReplayedAction& action : replayed.actions) {
    *out.add_actions() = ToSnapshot(action.state, today);
  }
  return out;
}

}  // namespace reviewtrail::audit
