#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "google/protobuf/util/time_util.h"
#include "reviewtrail/runtime/clock.h"
#include "reviewtrail/v1/events.pb.h"

namespace reviewtrail::audit::testing {

// Builds a tenant's events as the command service would record them, one minute apart on a fake
// clock, with aggregate versions counted per aggregate.
class EventFactory {
 public:
  EventFactory(runtime::FakeClock& clock, std::string tenant)
      : clock_(clock), tenant_(std::move(tenant)) {}

  v1::EventEnvelope Review(const std::string& review_id, const std::string& title) {
    v1::EventEnvelope event = Envelope(v1::AGGREGATE_TYPE_REVIEW, review_id, "ivan");
    auto* held = event.mutable_review_held();
    held->set_review_id(review_id);
    held->set_title(title);
    held->mutable_held_on()->set_year(2026);
    held->mutable_held_on()->set_month(11);
    held->mutable_held_on()->set_day(20);
    held->set_chair_id("ivan");
    held->add_attendee_ids("olga");
    held->add_inputs_covered(v1::REVIEW_INPUT_A_PREVIOUS_ACTIONS);
    return event;
  }
  v1::EventEnvelope Decision(const std::string& review_id, const std::string& decision_id,
                             const std::string& summary) {
    v1::EventEnvelope event = Envelope(v1::AGGREGATE_TYPE_REVIEW, review_id, "ivan");
    auto* decision = event.mutable_decision_recorded();
    decision->set_review_id(review_id);
    decision->set_decision_id(decision_id);
    decision->set_summary(summary);
    decision->set_category(v1::DECISION_CATEGORY_IMPROVEMENT_OPPORTUNITY);
    return event;
  }
  v1::EventEnvelope Assign(const std::string& review_id, const std::string& decision_id,
                           const std::string& action_id, const std::string& title,
                           const std::string& owner, int due_day) {
    v1::EventEnvelope event = Envelope(v1::AGGREGATE_TYPE_ACTION, action_id, "ivan");
    auto* assigned = event.mutable_action_assigned();
    assigned->set_action_id(action_id);
    assigned->set_review_id(review_id);
    assigned->set_decision_id(decision_id);
    assigned->set_title(title);
    assigned->set_completion_criteria("signed attendance list");
    assigned->set_owner_id(owner);
    assigned->mutable_due_date()->set_year(2026);
    assigned->mutable_due_date()->set_month(12);
    assigned->mutable_due_date()->set_day(due_day);
    return event;
  }
  v1::EventEnvelope Progress(const std::string& action_id, const std::string& actor,
                             const std::string& note, int percent) {
    v1::EventEnvelope event = Envelope(v1::AGGREGATE_TYPE_ACTION, action_id, actor);
    event.mutable_progress_reported()->set_action_id(action_id);
    event.mutable_progress_reported()->set_note(note);
    event.mutable_progress_reported()->set_percent_complete(percent);
    return event;
  }
  v1::EventEnvelope Evidence(const std::string& action_id, const std::string& evidence_id,
                             const std::string& sha256) {
    v1::EventEnvelope event = Envelope(v1::AGGREGATE_TYPE_ACTION, action_id, "olga");
    auto* evidence = event.mutable_evidence_attached();
    evidence->set_action_id(action_id);
    evidence->set_evidence_id(evidence_id);
    evidence->set_kind(v1::EVIDENCE_KIND_TRAINING_RECORD);
    evidence->set_description("attendance, Zoë's team");
    evidence->set_uri("https://dms.example/" + evidence_id);
    evidence->set_sha256(sha256);
    evidence->set_size_bytes(2048);
    evidence->set_media_type("application/pdf");
    return event;
  }
  v1::EventEnvelope RequestClosure(const std::string& action_id, const std::string& evidence_id) {
    v1::EventEnvelope event = Envelope(v1::AGGREGATE_TYPE_ACTION, action_id, "olga");
    event.mutable_closure_requested()->set_action_id(action_id);
    event.mutable_closure_requested()->add_evidence_ids(evidence_id);
    return event;
  }
  v1::EventEnvelope Approve(const std::string& action_id) {
    v1::EventEnvelope event = Envelope(v1::AGGREGATE_TYPE_ACTION, action_id, "ivan");
    event.mutable_closure_approved()->set_action_id(action_id);
    event.mutable_closure_approved()->set_note("evidence matches");
    return event;
  }
  v1::EventEnvelope Remind(const std::string& action_id) {
    v1::EventEnvelope event = Envelope(v1::AGGREGATE_TYPE_ACTION, action_id, "notifier");
    auto* reminder = event.mutable_reminder_sent();
    reminder->set_action_id(action_id);
    reminder->set_recipient_id("olga");
    reminder->set_channel(v1::NOTIFICATION_CHANNEL_EMAIL);
    reminder->set_days_before_due(7);
    return event;
  }

 private:
  v1::EventEnvelope Envelope(v1::AggregateType type, const std::string& id,
                             const std::string& actor) {
    using google::protobuf::util::TimeUtil;
    clock_.Advance(std::chrono::minutes(1));
    const int64_t micros =
        std::chrono::duration_cast<std::chrono::microseconds>(clock_.Now().time_since_epoch())
            .count();
    v1::EventEnvelope event;
    event.set_event_id(tenant_ + "-evt-" + std::to_string(++events_));
    event.set_tenant_id(tenant_);
    event.set_aggregate_type(type);
    event.set_aggregate_id(id);
    event.set_aggregate_version(++versions_[id]);
    *event.mutable_occurred_at() = TimeUtil::MicrosecondsToTimestamp(micros);
    *event.mutable_recorded_at() = TimeUtil::MicrosecondsToTimestamp(micros + 250);
    event.mutable_actor()->set_person_id(actor);
    event.mutable_actor()->add_roles(actor == "notifier" ? v1::ROLE_SERVICE
                                     : actor == "ivan"   ? v1::ROLE_ISMS_MANAGER
                                                         : v1::ROLE_ACTION_OWNER);
    event.set_command_id("cmd-" + std::to_string(events_));
    return event;
  }

  runtime::FakeClock& clock_;
  std::string tenant_;
  int events_ = 0;
  std::map<std::string, int64_t> versions_;
};

}  // namespace reviewtrail::audit::testing
