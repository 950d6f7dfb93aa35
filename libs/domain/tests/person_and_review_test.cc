#include "domain_fixture.h"

namespace reviewtrail::domain::testing {
namespace {

class PersonAndReviewTest : public DomainTest {
 protected:
  v1::RecordDecisionRequest ValidDecision(const std::string& command_id) {
    v1::RecordDecisionRequest decision;
    decision.set_command_id(command_id);
    decision.set_review_id(review_id_);
    decision.set_summary("Budget for a SIEM");
    decision.set_rationale("Detection gaps found in the internal audit");
    decision.set_category(v1::DECISION_CATEGORY_RESOURCE_NEED);
    return decision;
  }
};

TEST_F(PersonAndReviewTest, RegistersAPersonWithADerivedIdWhenNoneIsGiven) {
  v1::RegisterPersonRequest person;
  person.set_command_id("reg-x");
  person.set_display_name("Xavier");
  person.set_email("x@acme.example");
  const Decision decision = Accept(person, manager_);
  EXPECT_TRUE(decision.aggregate_id.starts_with("per-"));
  EXPECT_TRUE(state_.FindPerson(decision.aggregate_id)->active);
}

TEST_F(PersonAndReviewTest, RegisteringAnExistingIdIsRefused) {
  v1::RegisterPersonRequest person;
  person.set_command_id("again");
  person.set_person_id("olga");
  person.set_display_name("Olga");
  person.set_email("olga@acme.example");
  EXPECT_THAT(Run(person, manager_), IsError(ErrorCode::kAlreadyExists, "ALREADY_EXISTS"));
}

TEST_F(PersonAndReviewTest, PersonNeedsNameEmailAndAValidId) {
  v1::RegisterPersonRequest person;
  person.set_command_id("p");
  person.set_person_id("bad id with spaces");
  person.set_email("not-an-email");
  const auto result = Run(person, manager_);
  EXPECT_THAT(result, HasViolation("person_id"));
  EXPECT_THAT(result, HasViolation("display_name"));
  EXPECT_THAT(result, HasViolation("email"));
}

TEST_F(PersonAndReviewTest, ManagerMustBeAnActivePerson) {
  v1::RegisterPersonRequest person;
  person.set_command_id("p");
  person.set_display_name("Pat");
  person.set_email("pat@acme.example");
  person.set_manager_id("nobody");
  EXPECT_THAT(Run(person, manager_),
              IsError(ErrorCode::kFailedPrecondition, "MANAGER_NOT_ACTIVE_PERSON"));
}

TEST_F(PersonAndReviewTest, NobodyManagesThemself) {
  v1::RegisterPersonRequest person;
  person.set_command_id("p");
  person.set_person_id("pat");
  person.set_display_name("Pat");
  person.set_email("pat@acme.example");
  person.set_manager_id("pat");
  EXPECT_THAT(Run(person, manager_), IsError(ErrorCode::kFailedPrecondition, "MANAGER_NOT_SELF"));
}

TEST_F(PersonAndReviewTest, OnlyManagersRegisterAndDeactivatePeople) {
  v1::RegisterPersonRequest person;
  person.set_command_id("p");
  person.set_display_name("Pat");
  person.set_email("pat@acme.example");
  EXPECT_THAT(Run(person, owner_), IsError(ErrorCode::kPermissionDenied, "ROLE_REQUIRED"));
  v1::DeactivatePersonRequest leave;
  leave.set_command_id("l");
  leave.set_person_id("oscar");
  leave.set_reason("Left");
  EXPECT_THAT(Run(leave, auditor_), IsError(ErrorCode::kPermissionDenied, "ROLE_REQUIRED"));
}

TEST_F(PersonAndReviewTest, DeactivationNeedsAReasonAndAnActivePerson) {
  v1::DeactivatePersonRequest leave;
  leave.set_command_id("l1");
  leave.set_person_id("oscar");
  EXPECT_THAT(Run(leave, manager_), HasViolation("reason"));
  leave.set_reason("Left the company");
  EXPECT_TRUE(Run(leave, manager_).ok());
  EXPECT_FALSE(state_.FindPerson("oscar")->active);
  leave.set_command_id("l2");
  const auto again = Run(leave, manager_);
  EXPECT_THAT(again, IsError(ErrorCode::kFailedPrecondition, "PERSON_ACTIVE"));
  EXPECT_EQ(again.error().state, "DEACTIVATED");
  leave.set_person_id("ghost");
  EXPECT_THAT(Run(leave, manager_), IsError(ErrorCode::kNotFound, "NOT_FOUND"));
}

TEST_F(PersonAndReviewTest, ReviewRecordsTheInputsCovered) {
  const ReviewState& review = *state_.FindReview(review_id_);
  EXPECT_EQ(review.chair_id, "mia");
  ASSERT_EQ(review.inputs_covered.size(), 1u);
  EXPECT_EQ(review.inputs_covered[0], v1::REVIEW_INPUT_A_PREVIOUS_ACTIONS);
  ASSERT_EQ(review.decisions.size(), 1u);
  EXPECT_EQ(review.decisions[0].id, decision_id_);
}

TEST_F(PersonAndReviewTest, ReviewValidatesDateChairInputsAndMinutes) {
  v1::RecordReviewRequest review;
  review.set_command_id("rv");
  review.set_title("Future review");
  *review.mutable_held_on() = DaysFromToday(1);
  review.add_inputs_covered(v1::REVIEW_INPUT_B_ISSUES_CHANGES);
  review.add_inputs_covered(v1::REVIEW_INPUT_B_ISSUES_CHANGES);
  review.set_minutes_uri("ftp://old/minutes");
  const auto result = Run(review, manager_);
  EXPECT_THAT(result, HasViolation("held_on"));
  EXPECT_THAT(result, HasViolation("chair_id"));
  EXPECT_THAT(result, HasViolation("inputs_covered[1]"));
  EXPECT_THAT(result, HasViolation("minutes_uri"));
}

TEST_F(PersonAndReviewTest, ReviewChairAndAttendeesArePeople) {
  v1::RecordReviewRequest review;
  review.set_command_id("rv");
  review.set_title("Review");
  *review.mutable_held_on() = DaysFromToday(0);
  review.set_chair_id("board");
  EXPECT_THAT(Run(review, manager_),
              IsError(ErrorCode::kFailedPrecondition, "CHAIR_NOT_ACTIVE_PERSON"));
  review.set_chair_id("mia");
  review.add_attendee_ids("everyone");
  EXPECT_THAT(Run(review, manager_),
              IsError(ErrorCode::kFailedPrecondition, "ATTENDEE_NOT_PERSON"));
}

TEST_F(PersonAndReviewTest, DecisionNeedsRationaleAndCategory) {
  auto decision = ValidDecision("d2");
  decision.set_rationale("");
  decision.set_category(v1::DECISION_CATEGORY_UNSPECIFIED);
  const auto result = Run(decision, manager_);
  EXPECT_THAT(result, HasViolation("rationale"));
  EXPECT_THAT(result, HasViolation("category"));
}

TEST_F(PersonAndReviewTest, DecisionBelongsToAnExistingReview) {
  auto decision = ValidDecision("d2");
  decision.set_review_id("rev-missing");
  EXPECT_THAT(Run(decision, manager_), IsError(ErrorCode::kNotFound, "NOT_FOUND"));
}

TEST_F(PersonAndReviewTest, DecisionsAppendToTheReviewAggregate) {
  const Decision decision = Accept(ValidDecision("d2"), manager_);
  EXPECT_EQ(decision.aggregate_id, review_id_);
  EXPECT_EQ(decision.version, 3);
  EXPECT_EQ(state_.FindReview(review_id_)->decisions.size(), 2u);
  const std::string second = decision.events[0].decision_recorded().decision_id();
  EXPECT_EQ(state_.FindReviewOfDecision(second)->id, review_id_);
}

TEST_F(PersonAndReviewTest, DecisionIsForManagers) {
  EXPECT_THAT(Run(ValidDecision("d2"), owner_),
              IsError(ErrorCode::kPermissionDenied, "ROLE_REQUIRED"));
}

}  // namespace
}  // namespace reviewtrail::domain::testing
