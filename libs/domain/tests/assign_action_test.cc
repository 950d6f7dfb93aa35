#include "domain_fixture.h"

namespace reviewtrail::domain::testing {
namespace {

using ::testing::Not;

class AssignActionTest : public DomainTest {};

TEST_F(AssignActionTest, RecordsActionAssignedWithEveryField) {
  const Decision decision = Accept(ValidAssignment(), manager_);
  ASSERT_EQ(decision.events.size(), 1u);
  const v1::EventEnvelope& event = decision.events[0];
  EXPECT_EQ(event.aggregate_type(), v1::AGGREGATE_TYPE_ACTION);
  EXPECT_EQ(event.aggregate_version(), 1);
  EXPECT_EQ(event.tenant_id(), "acme");
  EXPECT_EQ(event.actor().person_id(), "mia");
  EXPECT_EQ(event.command_id(), "assign-1");
  EXPECT_EQ(event.action_assigned().owner_id(), "olga");
  EXPECT_EQ(event.action_assigned().review_id(), review_id_);
  EXPECT_EQ(Action(decision.aggregate_id).status, v1::ACTION_STATUS_OPEN);
}

TEST_F(AssignActionTest, DerivesTheSameIdsFromTheSameCommandId) {
  TenantState fresh = state_;
  const Result<Decision> first = Decide(state_, ValidAssignment("same"), manager_);
  const Result<Decision> again = Decide(fresh, ValidAssignment("same"), manager_);
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(first.value().aggregate_id, again.value().aggregate_id);
  EXPECT_EQ(first.value().events[0].event_id(), again.value().events[0].event_id());
  const Result<Decision> other = Decide(state_, ValidAssignment("other"), manager_);
  EXPECT_NE(first.value().aggregate_id, other.value().aggregate_id);
}

TEST_F(AssignActionTest, RejectsAnOwnerWhoIsNotAPerson) {
  for (const char* owner : {"IT", "security-team", "isms_manager"}) {
    auto assign = ValidAssignment();
    assign.set_owner_id(owner);
    const auto result = Run(assign, manager_);
    EXPECT_THAT(result, IsError(ErrorCode::kFailedPrecondition, "OWNER_NOT_ACTIVE_PERSON"))
        << owner;
    EXPECT_EQ(result.error().state, "UNKNOWN");
  }
}

TEST_F(AssignActionTest, RejectsADeactivatedOwner) {
  v1::DeactivatePersonRequest leave;
  leave.set_command_id("leave");
  leave.set_person_id("olga");
  leave.set_reason("Left the company");
  Accept(leave, manager_);
  const auto result = Run(ValidAssignment(), manager_);
  EXPECT_THAT(result, IsError(ErrorCode::kFailedPrecondition, "OWNER_NOT_ACTIVE_PERSON"));
  EXPECT_EQ(result.error().state, "DEACTIVATED");
}

TEST_F(AssignActionTest, RequiresTitleOutcomeCriteriaOwnerAndDueDate) {
  v1::AssignActionRequest empty;
  empty.set_command_id("c");
  empty.set_decision_id(decision_id_);
  const auto result = Run(empty, manager_);
  for (const char* field :
       {"title", "expected_outcome", "completion_criteria", "owner_id", "due_date"}) {
    EXPECT_THAT(result, HasViolation(field));
  }
}

TEST_F(AssignActionTest, RejectsADueDateBeforeToday) {
  auto assign = ValidAssignment();
  *assign.mutable_due_date() = DaysFromToday(-1);
  EXPECT_THAT(Run(assign, manager_), HasViolation("due_date"));
  *assign.mutable_due_date() = DaysFromToday(0);
  EXPECT_TRUE(Run(assign, manager_).ok());
}

TEST_F(AssignActionTest, RejectsAnImpossibleDate) {
  auto assign = ValidAssignment();
  assign.mutable_due_date()->set_year(2027);
  assign.mutable_due_date()->set_month(2);
  assign.mutable_due_date()->set_day(29);
  EXPECT_THAT(Run(assign, manager_), HasViolation("due_date"));
}

TEST_F(AssignActionTest, RejectsOverlongAndInvalidUtf8Text) {
  auto assign = ValidAssignment();
  assign.set_title(std::string(201, 'x'));
  assign.set_expected_outcome("\xC3\x28");
  assign.set_completion_criteria("   ");
  const auto result = Run(assign, manager_);
  EXPECT_THAT(result, HasViolation("title"));
  EXPECT_THAT(result, HasViolation("expected_outcome"));
  EXPECT_THAT(result, HasViolation("completion_criteria"));
}

TEST_F(AssignActionTest, AcceptsNonAsciiText) {
  auto assign = ValidAssignment();
  assign.set_title("Beveiligingsbeleid herzien — ÄÖÜ 日本");
  EXPECT_TRUE(Run(assign, manager_).ok());
}

TEST_F(AssignActionTest, RequiresAnExistingDecision) {
  auto assign = ValidAssignment();
  assign.set_decision_id("dec-missing");
  EXPECT_THAT(Run(assign, manager_), IsError(ErrorCode::kNotFound, "NOT_FOUND"));
}

TEST_F(AssignActionTest, RequiresTheManagerRole) {
  EXPECT_THAT(Run(ValidAssignment(), owner_),
              IsError(ErrorCode::kPermissionDenied, "ROLE_REQUIRED"));
  EXPECT_THAT(Run(ValidAssignment(), auditor_),
              IsError(ErrorCode::kPermissionDenied, "ROLE_REQUIRED"));
}

TEST_F(AssignActionTest, ValidatesLinks) {
  auto assign = ValidAssignment();
  auto* link = assign.add_links();
  link->set_kind(v1::LINK_KIND_CONTROL);
  link->set_ref("A.6.3");
  auto* bad = assign.add_links();
  bad->set_ref("");
  const auto result = Run(assign, manager_);
  EXPECT_THAT(result, HasViolation("links[1].kind"));
  EXPECT_THAT(result, HasViolation("links[1].ref"));
  EXPECT_THAT(result, Not(HasViolation("links[0].ref")));
}

TEST_F(AssignActionTest, RequiresACommandId) {
  auto assign = ValidAssignment();
  assign.set_command_id("");
  EXPECT_THAT(Run(assign, manager_), HasViolation("command_id"));
  assign.set_command_id("has space");
  EXPECT_THAT(Run(assign, manager_), HasViolation("command_id"));
}

TEST_F(AssignActionTest, ExpectedVersionOfANewActionIsZero) {
  auto assign = ValidAssignment();
  assign.set_expected_version(3);
  EXPECT_THAT(Run(assign, manager_), IsError(ErrorCode::kConflict, "VERSION_CONFLICT"));
  assign.set_expected_version(0);
  EXPECT_TRUE(Run(assign, manager_).ok());
}

}  // namespace
}  // namespace reviewtrail::domain::testing
