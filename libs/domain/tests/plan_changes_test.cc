#include "domain_fixture.h"

namespace reviewtrail::domain::testing {
namespace {

class PlanChangesTest : public DomainTest {
 protected:
  v1::ReassignActionRequest Reassign(const std::string& id, const std::string& to,
                                     const std::string& command_id) {
    v1::ReassignActionRequest reassign;
    reassign.set_command_id(command_id);
    reassign.set_action_id(id);
    reassign.set_new_owner_id(to);
    reassign.set_reason("Olga moved to another department");
    return reassign;
  }
  v1::RescheduleActionRequest Reschedule(const std::string& id, int days,
                                         const std::string& command_id) {
    v1::RescheduleActionRequest reschedule;
    reschedule.set_command_id(command_id);
    reschedule.set_action_id(id);
    *reschedule.mutable_new_due_date() = DaysFromToday(days);
    reschedule.set_reason("Supplier delay");
    return reschedule;
  }
};

TEST_F(PlanChangesTest, ReassignmentIsRecordedWithReasonAndCounted) {
  const std::string id = AssignAction();
  const Decision decision = Accept(Reassign(id, "oscar", "r1"), manager_);
  const auto& changed = decision.events[0].action_owner_changed();
  EXPECT_EQ(changed.previous_owner_id(), "olga");
  EXPECT_EQ(changed.new_owner_id(), "oscar");
  EXPECT_EQ(Action(id).owner_id, "oscar");
  EXPECT_EQ(Action(id).owner_changes, 1);
}

TEST_F(PlanChangesTest, ReassignmentNeedsAReason) {
  const std::string id = AssignAction();
  auto reassign = Reassign(id, "oscar", "r1");
  reassign.set_reason("");
  EXPECT_THAT(Run(reassign, manager_), HasViolation("reason"));
}

TEST_F(PlanChangesTest, ReassignmentNeedsAnActivePersonWhoIsNotTheOwner) {
  const std::string id = AssignAction();
  EXPECT_THAT(Run(Reassign(id, "the-team", "r1"), manager_),
              IsError(ErrorCode::kFailedPrecondition, "OWNER_NOT_ACTIVE_PERSON"));
  EXPECT_THAT(Run(Reassign(id, "olga", "r2"), manager_),
              IsError(ErrorCode::kFailedPrecondition, "OWNER_UNCHANGED"));
}

TEST_F(PlanChangesTest, ReassignmentIsForManagers) {
  const std::string id = AssignAction();
  EXPECT_THAT(Run(Reassign(id, "oscar", "r1"), owner_),
              IsError(ErrorCode::kPermissionDenied, "ROLE_REQUIRED"));
}

TEST_F(PlanChangesTest, AfterReassignmentOnlyTheNewOwnerActs) {
  const std::string id = AssignAction();
  Accept(Reassign(id, "oscar", "r1"), manager_);
  EXPECT_THAT(Run(ValidEvidence(id, "e1"), owner_),
              IsError(ErrorCode::kPermissionDenied, "OWNER_REQUIRED"));
  EXPECT_TRUE(Run(ValidEvidence(id, "e2"), other_owner_).ok());
}

TEST_F(PlanChangesTest, ReschedulingIsRecordedWithPreviousDateAndCounted) {
  const std::string id = AssignAction();
  const Decision first = Accept(Reschedule(id, 45, "s1"), manager_);
  EXPECT_EQ(CivilDate::FromProto(first.events[0].action_deadline_changed().previous_due_date()),
            kToday.AddDays(30));
  Accept(Reschedule(id, 60, "s2"), manager_);
  EXPECT_EQ(Action(id).due_date, kToday.AddDays(60));
  EXPECT_EQ(Action(id).deadline_changes, 2);
}

TEST_F(PlanChangesTest, ReschedulingNeedsAReasonAndADateNotBeforeToday) {
  const std::string id = AssignAction();
  auto reschedule = Reschedule(id, -2, "s1");
  reschedule.set_reason("");
  const auto result = Run(reschedule, manager_);
  EXPECT_THAT(result, HasViolation("reason"));
  EXPECT_THAT(result, HasViolation("new_due_date"));
}

TEST_F(PlanChangesTest, ReschedulingToTheSameDateIsRefused) {
  const std::string id = AssignAction();
  EXPECT_THAT(Run(Reschedule(id, 30, "s1"), manager_),
              IsError(ErrorCode::kFailedPrecondition, "DUE_DATE_UNCHANGED"));
}

TEST_F(PlanChangesTest, NoPlanChangesOnAFinalAction) {
  const std::string id = AssignAction();
  v1::CancelActionRequest cancel;
  cancel.set_command_id("c1");
  cancel.set_action_id(id);
  cancel.set_reason("Not needed");
  Accept(cancel, manager_);
  EXPECT_THAT(Run(Reschedule(id, 40, "s1"), manager_),
              IsError(ErrorCode::kFailedPrecondition, "ACTION_FINAL"));
  EXPECT_THAT(Run(Reassign(id, "oscar", "r1"), manager_),
              IsError(ErrorCode::kFailedPrecondition, "ACTION_FINAL"));
}

}  // namespace
}  // namespace reviewtrail::domain::testing
