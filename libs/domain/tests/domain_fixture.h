#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "reviewtrail/domain/decide.h"
#include "reviewtrail/domain/tenant_state.h"
#include "status_matchers.h"

namespace reviewtrail::domain::testing {

inline constexpr Micros kNow = 1'795'000'000'000'000;  // 2026-11-17T... UTC
inline const CivilDate kToday = CivilDate::FromDaysSinceEpoch(kNow / 86'400'000'000);

inline CommandContext ContextFor(std::string actor, std::initializer_list<v1::Role> roles,
                                 CivilDate today = kToday) {
  return CommandContext{
      .tenant_id = "acme",
      .actor_id = std::move(actor),
      .roles = roles,
      .now = kNow + (today.DaysSinceEpoch() - kToday.DaysSinceEpoch()) * 86'400'000'000,
      .today = today,
      .correlation_id = "",
      .causation_id = ""};
}

inline google::type::Date DaysFromToday(int days) { return kToday.AddDays(days).ToProto(); }

// The shared refusal matcher (tests/support/status_matchers.h).
using ::reviewtrail::testing::IsError;

MATCHER_P(HasViolation, field, "") {
  if (arg.ok() || arg.error().code != ErrorCode::kInvalidArgument) {
    *result_listener << "not an invalid-argument error";
    return false;
  }
  for (const auto& violation : arg.error().violations) {
    if (violation.field == field) return true;
  }
  *result_listener << "violations: ";
  for (const auto& violation : arg.error().violations) {
    *result_listener << violation.field << " (" << violation.description << ") ";
  }
  return false;
}

// Given: a tenant with a manager, two owners and a review with one decision. Commands sent through
// Run() are decided and, when accepted, folded into `state`, as the command service does.
class DomainTest : public ::testing::Test {
 protected:
  DomainTest() {
    Register("mia", "Mia Manager", "");
    Register("olga", "Olga Owner", "mia");
    Register("oscar", "Oscar Owner", "mia");
    Register("mark", "Mark Second Manager", "");
    v1::RecordReviewRequest review;
    review.set_command_id("review-1");
    review.set_title("Q3 management review");
    *review.mutable_held_on() = DaysFromToday(-1);
    review.set_chair_id("mia");
    review.add_attendee_ids("olga");
    review.add_inputs_covered(v1::REVIEW_INPUT_A_PREVIOUS_ACTIONS);
    review_id_ = Accept(review, manager_).aggregate_id;
    v1::RecordDecisionRequest decision;
    decision.set_command_id("decision-1");
    decision.set_review_id(review_id_);
    decision.set_summary("Introduce phishing training");
    decision.set_rationale("Two incidents started with phishing");
    decision.set_category(v1::DECISION_CATEGORY_IMPROVEMENT_OPPORTUNITY);
    decision_id_ = Accept(decision, manager_).events.back().decision_recorded().decision_id();
  }

  template <typename Command>
  Result<Decision> Run(const Command& command, const CommandContext& context) {
    Result<Decision> result = Decide(state_, command, context);
    if (result.ok()) {
      for (const auto& event : result.value().events) Record(event);
    }
    return result;
  }

  template <typename Command>
  Decision Accept(const Command& command, const CommandContext& context) {
    Result<Decision> result = Run(command, context);
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
    return result.ok() ? result.value() : Decision{};
  }

  void Register(const std::string& id, const std::string& name, const std::string& manager) {
    v1::RegisterPersonRequest person;
    person.set_command_id("register-" + id);
    person.set_person_id(id);
    person.set_display_name(name);
    person.set_email(id + "@acme.example");
    person.set_manager_id(manager);
    Accept(person, manager_);
  }

  v1::AssignActionRequest ValidAssignment(const std::string& command_id = "assign-1") {
    v1::AssignActionRequest assign;
    assign.set_command_id(command_id);
    assign.set_decision_id(decision_id_);
    assign.set_title("Run phishing training for all staff");
    assign.set_expected_outcome("Every employee trained");
    assign.set_completion_criteria("Attendance record covering 100% of staff");
    assign.set_owner_id("olga");
    *assign.mutable_due_date() = DaysFromToday(30);
    return assign;
  }

  std::string AssignAction(const std::string& command_id = "assign-1") {
    return Accept(ValidAssignment(command_id), manager_).aggregate_id;
  }

  v1::AttachEvidenceRequest ValidEvidence(const std::string& action_id,
                                          const std::string& command_id = "evidence-1") {
    v1::AttachEvidenceRequest evidence;
    evidence.set_command_id(command_id);
    evidence.set_action_id(action_id);
    evidence.set_kind(v1::EVIDENCE_KIND_TRAINING_RECORD);
    evidence.set_uri("https://lms.acme.example/reports/77");
    evidence.set_sha256(std::string(64, 'a'));
    evidence.set_size_bytes(2048);
    evidence.set_media_type("application/pdf");
    return evidence;
  }

  // An action of olga's with evidence and a closure request.
  std::string ActionAwaitingApproval() {
    const std::string id = AssignAction();
    Accept(ValidEvidence(id), owner_);
    v1::RequestClosureRequest request;
    request.set_command_id("request-1");
    request.set_action_id(id);
    Accept(request, owner_);
    return id;
  }

  const ActionState& Action(const std::string& id) { return *state_.FindAction(id); }

  // Folds an accepted event into the state and keeps it, as the log would.
  void Record(const v1::EventEnvelope& event) {
    state_.Apply(event);
    log_.push_back(event);
  }

  TenantState state_;
  std::vector<v1::EventEnvelope> log_;  // every accepted event, in order
  CommandContext manager_ = ContextFor("mia", {v1::ROLE_ISMS_MANAGER});
  CommandContext owner_ = ContextFor("olga", {v1::ROLE_ACTION_OWNER});
  CommandContext other_owner_ = ContextFor("oscar", {v1::ROLE_ACTION_OWNER});
  CommandContext auditor_ = ContextFor("audrey", {v1::ROLE_AUDITOR});
  CommandContext service_ = ContextFor("notifier", {v1::ROLE_SERVICE});
  std::string review_id_;
  std::string decision_id_;
};

}  // namespace reviewtrail::domain::testing
