#include "domain_fixture.h"
#include "reviewtrail/domain/evolve.h"

namespace reviewtrail::domain::testing {
namespace {

class LifecycleTest : public DomainTest {
 protected:
  v1::ReportProgressRequest Progress(const std::string& id, const std::string& command_id) {
    v1::ReportProgressRequest progress;
    progress.set_command_id(command_id);
    progress.set_action_id(id);
    progress.set_note("Half the departments done");
    progress.set_percent_complete(50);
    return progress;
  }
  v1::RequestClosureRequest RequestClosure(const std::string& id, const std::string& command_id) {
    v1::RequestClosureRequest request;
    request.set_command_id(command_id);
    request.set_action_id(id);
    return request;
  }
  v1::ApproveClosureRequest Approve(const std::string& id, const std::string& command_id) {
    v1::ApproveClosureRequest approve;
    approve.set_command_id(command_id);
    approve.set_action_id(id);
    return approve;
  }
  v1::RejectClosureRequest Reject(const std::string& id, const std::string& command_id) {
    v1::RejectClosureRequest reject;
    reject.set_command_id(command_id);
    reject.set_action_id(id);
    reject.set_reason("The attendance record misses the night shift");
    return reject;
  }
  v1::CancelActionRequest Cancel(const std::string& id, const std::string& command_id) {
    v1::CancelActionRequest cancel;
    cancel.set_command_id(command_id);
    cancel.set_action_id(id);
    cancel.set_reason("Superseded by the new training programme");
    return cancel;
  }
};

TEST_F(LifecycleTest, WalksOpenInProgressClosureRequestedClosed) {
  const std::string id = AssignAction();
  Accept(Progress(id, "p1"), owner_);
  EXPECT_EQ(Action(id).status, v1::ACTION_STATUS_IN_PROGRESS);
  Accept(ValidEvidence(id), owner_);
  Accept(RequestClosure(id, "r1"), owner_);
  EXPECT_EQ(Action(id).status, v1::ACTION_STATUS_CLOSURE_REQUESTED);
  Accept(Approve(id, "a1"), manager_);
  EXPECT_EQ(Action(id).status, v1::ACTION_STATUS_CLOSED);
  EXPECT_EQ(Action(id).approver_id, "mia");
  EXPECT_EQ(Action(id).version, 5);
}

TEST_F(LifecycleTest, EvidenceOnAnOpenActionStartsTheWork) {
  const std::string id = AssignAction();
  Accept(ValidEvidence(id), owner_);
  EXPECT_EQ(Action(id).status, v1::ACTION_STATUS_IN_PROGRESS);
}

TEST_F(LifecycleTest, RejectionReturnsTheActionToInProgress) {
  const std::string id = ActionAwaitingApproval();
  Accept(Reject(id, "x1"), manager_);
  EXPECT_EQ(Action(id).status, v1::ACTION_STATUS_IN_PROGRESS);
  EXPECT_EQ(Action(id).rejections, 1);
}

TEST_F(LifecycleTest, RejectionNeedsAReason) {
  const std::string id = ActionAwaitingApproval();
  auto reject = Reject(id, "x1");
  reject.set_reason("");
  EXPECT_THAT(Run(reject, manager_), HasViolation("reason"));
}

TEST_F(LifecycleTest, ClosureNeedsEvidence) {
  const std::string id = AssignAction();
  Accept(Progress(id, "p1"), owner_);
  const auto result = Run(RequestClosure(id, "r1"), owner_);
  EXPECT_THAT(result, IsError(ErrorCode::kFailedPrecondition, "EVIDENCE_REQUIRED"));
  EXPECT_EQ(result.error().state, "IN_PROGRESS");
}

TEST_F(LifecycleTest, OnlyTheOwnerRequestsClosure) {
  const std::string id = AssignAction();
  Accept(ValidEvidence(id), owner_);
  EXPECT_THAT(Run(RequestClosure(id, "r1"), other_owner_),
              IsError(ErrorCode::kPermissionDenied, "OWNER_REQUIRED"));
  EXPECT_THAT(Run(RequestClosure(id, "r2"), manager_),
              IsError(ErrorCode::kPermissionDenied, "OWNER_REQUIRED"));
}

TEST_F(LifecycleTest, ClosureCannotBeRequestedOfAnOpenAction) {
  const std::string id = AssignAction();
  const auto result = Run(RequestClosure(id, "r1"), owner_);
  EXPECT_THAT(result, IsError(ErrorCode::kFailedPrecondition, "ACTION_STATE"));
  EXPECT_EQ(result.error().state, "OPEN");
}

TEST_F(LifecycleTest, TheOwnerNeverApprovesTheirOwnAction) {
  // mark is an ISMS manager who owns the action.
  auto assign = ValidAssignment();
  assign.set_owner_id("mark");
  const std::string id = Accept(assign, manager_).aggregate_id;
  const auto mark = ContextFor("mark", {v1::ROLE_ISMS_MANAGER});
  Accept(ValidEvidence(id), mark);
  Accept(RequestClosure(id, "r1"), mark);
  EXPECT_THAT(Run(Approve(id, "a1"), mark),
              IsError(ErrorCode::kPermissionDenied, "APPROVER_NOT_OWNER"));
  EXPECT_THAT(Run(Reject(id, "x1"), mark),
              IsError(ErrorCode::kPermissionDenied, "APPROVER_NOT_OWNER"));
  EXPECT_TRUE(Run(Approve(id, "a2"), manager_).ok());
}

TEST_F(LifecycleTest, OnlyAManagerApproves) {
  const std::string id = ActionAwaitingApproval();
  EXPECT_THAT(Run(Approve(id, "a1"), other_owner_),
              IsError(ErrorCode::kPermissionDenied, "ROLE_REQUIRED"));
  EXPECT_THAT(Run(Approve(id, "a2"), auditor_),
              IsError(ErrorCode::kPermissionDenied, "ROLE_REQUIRED"));
}

TEST_F(LifecycleTest, ApprovalNeedsARequestedClosure) {
  const std::string id = AssignAction();
  const auto result = Run(Approve(id, "a1"), manager_);
  EXPECT_THAT(result, IsError(ErrorCode::kFailedPrecondition, "ACTION_STATE"));
  EXPECT_EQ(result.error().state, "OPEN");
}

TEST_F(LifecycleTest, ClosedAndCancelledAreFinal) {
  const std::string closed = ActionAwaitingApproval();
  Accept(Approve(closed, "a1"), manager_);
  const std::string cancelled = AssignAction("assign-2");
  Accept(Cancel(cancelled, "c1"), manager_);
  EXPECT_EQ(Action(cancelled).status, v1::ACTION_STATUS_CANCELLED);

  for (const auto& [id, state] : {std::pair{closed, "CLOSED"}, std::pair{cancelled, "CANCELLED"}}) {
    // One rule name for a final action, whichever command meets it.
    const auto progress = Run(Progress(id, "p-" + id), owner_);
    EXPECT_THAT(progress, IsError(ErrorCode::kFailedPrecondition, "ACTION_FINAL"));
    EXPECT_EQ(progress.error().state, state);
    EXPECT_THAT(Run(Cancel(id, "c-" + id), manager_),
                IsError(ErrorCode::kFailedPrecondition, "ACTION_FINAL"));
    EXPECT_THAT(Run(ValidEvidence(id, "e-" + id), owner_),
                IsError(ErrorCode::kFailedPrecondition, "ACTION_FINAL"));
    EXPECT_THAT(Run(Approve(id, "a-" + id), manager_),
                IsError(ErrorCode::kFailedPrecondition, "ACTION_FINAL"));
    EXPECT_THAT(Run(Reject(id, "x-" + id), manager_),
                IsError(ErrorCode::kFailedPrecondition, "ACTION_FINAL"));
    EXPECT_THAT(Run(RequestClosure(id, "r-" + id), owner_),
                IsError(ErrorCode::kFailedPrecondition, "ACTION_FINAL"));
  }
}

TEST_F(LifecycleTest, CancellationNeedsAReasonAndTheManagerRole) {
  const std::string id = AssignAction();
  auto cancel = Cancel(id, "c1");
  cancel.set_reason("");
  EXPECT_THAT(Run(cancel, manager_), HasViolation("reason"));
  EXPECT_THAT(Run(Cancel(id, "c2"), owner_),
              IsError(ErrorCode::kPermissionDenied, "ROLE_REQUIRED"));
}

TEST_F(LifecycleTest, CancellationWorksFromEveryNonFinalState) {
  const std::string requested = ActionAwaitingApproval();
  EXPECT_TRUE(Run(Cancel(requested, "c1"), manager_).ok());
  const std::string open = AssignAction("assign-2");
  EXPECT_TRUE(Run(Cancel(open, "c2"), manager_).ok());
}

TEST_F(LifecycleTest, ProgressOnlyByTheOwnerOrAManager) {
  const std::string id = AssignAction();
  EXPECT_THAT(Run(Progress(id, "p1"), other_owner_),
              IsError(ErrorCode::kPermissionDenied, "OWNER_REQUIRED"));
  EXPECT_THAT(Run(Progress(id, "p2"), auditor_),
              IsError(ErrorCode::kPermissionDenied, "OWNER_REQUIRED"));
  EXPECT_TRUE(Run(Progress(id, "p3"), manager_).ok());
}

TEST_F(LifecycleTest, ProgressPercentageIsBounded) {
  const std::string id = AssignAction();
  auto progress = Progress(id, "p1");
  progress.set_percent_complete(101);
  EXPECT_THAT(Run(progress, owner_), HasViolation("percent_complete"));
}

TEST_F(LifecycleTest, UnknownActionIsNotFound) {
  EXPECT_THAT(Run(Progress("act-none", "p1"), owner_), IsError(ErrorCode::kNotFound, "NOT_FOUND"));
}

TEST_F(LifecycleTest, ExpectedVersionMismatchIsAConflict) {
  const std::string id = AssignAction();
  auto progress = Progress(id, "p1");
  progress.set_expected_version(7);
  const auto result = Run(progress, owner_);
  EXPECT_THAT(result, IsError(ErrorCode::kConflict, "VERSION_CONFLICT"));
  EXPECT_EQ(result.error().state, "version 1");
  progress.set_expected_version(1);
  EXPECT_TRUE(Run(progress, owner_).ok());
}

}  // namespace
}  // namespace reviewtrail::domain::testing

namespace reviewtrail::domain::testing {
namespace {

// The one statement of the lifecycle and of "which action / review": the folds of every reader
// (the write model, the query view) take their status from StatusAfter.
TEST(StatusAfterTest, IsTheLifecycleEveryFoldFollows) {
  const auto after = [](v1::ActionStatus before, auto set_payload) {
    v1::EventEnvelope event;
    set_payload(event);
    return StatusAfter(before, event);
  };
  using E = v1::EventEnvelope;
  EXPECT_EQ(after(v1::ACTION_STATUS_UNSPECIFIED, [](E& e) { e.mutable_action_assigned(); }),
            v1::ACTION_STATUS_OPEN);
  EXPECT_EQ(after(v1::ACTION_STATUS_OPEN, [](E& e) { e.mutable_progress_reported(); }),
            v1::ACTION_STATUS_IN_PROGRESS);
  EXPECT_EQ(after(v1::ACTION_STATUS_OPEN, [](E& e) { e.mutable_evidence_attached(); }),
            v1::ACTION_STATUS_IN_PROGRESS);
  EXPECT_EQ(after(v1::ACTION_STATUS_CLOSURE_REQUESTED, [](E& e) { e.mutable_evidence_attached(); }),
            v1::ACTION_STATUS_CLOSURE_REQUESTED);
  EXPECT_EQ(after(v1::ACTION_STATUS_IN_PROGRESS, [](E& e) { e.mutable_closure_requested(); }),
            v1::ACTION_STATUS_CLOSURE_REQUESTED);
  EXPECT_EQ(after(v1::ACTION_STATUS_CLOSURE_REQUESTED, [](E& e) { e.mutable_closure_rejected(); }),
            v1::ACTION_STATUS_IN_PROGRESS);
  EXPECT_EQ(after(v1::ACTION_STATUS_CLOSURE_REQUESTED, [](E& e) { e.mutable_closure_approved(); }),
            v1::ACTION_STATUS_CLOSED);
  EXPECT_EQ(after(v1::ACTION_STATUS_IN_PROGRESS, [](E& e) { e.mutable_action_cancelled(); }),
            v1::ACTION_STATUS_CANCELLED);
  for (const auto unchanged : {v1::ACTION_STATUS_OPEN, v1::ACTION_STATUS_CLOSED}) {
    EXPECT_EQ(after(unchanged, [](E& e) { e.mutable_reminder_sent(); }), unchanged);
    EXPECT_EQ(after(unchanged, [](E& e) { e.mutable_action_owner_changed(); }), unchanged);
  }
  EXPECT_TRUE(IsFinal(v1::ACTION_STATUS_CLOSED));
  EXPECT_TRUE(IsFinal(v1::ACTION_STATUS_CANCELLED));
  EXPECT_FALSE(IsFinal(v1::ACTION_STATUS_CLOSURE_REQUESTED));
}

TEST(StatusAfterTest, WhichActionAndReviewAnEventTouches) {
  v1::EventEnvelope assigned;
  assigned.mutable_action_assigned()->set_action_id("act-1");
  assigned.mutable_action_assigned()->set_review_id("rev-1");
  EXPECT_EQ(ActionIdOf(assigned), "act-1");
  EXPECT_EQ(ReviewIdOf(assigned), "rev-1");
  v1::EventEnvelope escalated;
  escalated.mutable_escalation_raised()->set_action_id("act-2");
  EXPECT_EQ(ActionIdOf(escalated), "act-2");
  EXPECT_EQ(ReviewIdOf(escalated), "");
  v1::EventEnvelope held;
  held.mutable_review_held()->set_review_id("rev-2");
  EXPECT_EQ(ActionIdOf(held), "");
  EXPECT_EQ(ReviewIdOf(held), "rev-2");
  // Every payload whose message has an action_id field is an action event.
  const auto* oneof = v1::EventEnvelope::descriptor()->FindOneofByName("payload");
  ASSERT_NE(oneof, nullptr);
  for (int i = 0; i < oneof->field_count(); ++i) {
    const auto* field = oneof->field(i);
    const auto* action_id = field->message_type()->FindFieldByName("action_id");
    if (action_id == nullptr) continue;
    v1::EventEnvelope event;
    google::protobuf::Message* payload = event.GetReflection()->MutableMessage(&event, field);
    payload->GetReflection()->SetString(payload, action_id, "act-x");
    EXPECT_EQ(ActionIdOf(event), "act-x") << field->name();
  }
}

}  // namespace
}  // namespace reviewtrail::domain::testing
