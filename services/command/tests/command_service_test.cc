#include <gmock/gmock.h>
#include <google/protobuf/descriptor.h>
#include <grpcpp/impl/codegen/client_unary_call.h>

#include <atomic>
#include <future>
#include <thread>

#include "command_fixture.h"

namespace reviewtrail::command::testing {
namespace {

using Stub = v1::CommandService::Stub;

google::type::Date Day(int year, int month, int day) {
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

// Given: mia (ISMS manager), olga and oscar (owners), a review and a decision.
class CommandApiTest : public CommandServiceTest {
 protected:
  CommandApiTest() {
    manager_ = Token("mia", {v1::ROLE_ISMS_MANAGER});
    owner_ = Token("olga", {v1::ROLE_ACTION_OWNER});
    for (const char* person : {"mia", "olga", "oscar"}) {
      v1::RegisterPersonRequest request;
      request.set_command_id(std::string("register-") + person);
      request.set_person_id(person);
      request.set_display_name(person);
      request.set_email(std::string(person) + "@acme.example");
      EXPECT_TRUE(Send(&Stub::RegisterPerson, request, manager_).status.ok());
    }
    v1::RecordReviewRequest review;
    review.set_command_id("review-1");
    review.set_title("Management review 2026");
    *review.mutable_held_on() = Day(2026, 11, 20);
    review.set_chair_id("mia");
    review.add_inputs_covered(v1::REVIEW_INPUT_A_PREVIOUS_ACTIONS);
    review_id_ = Send(&Stub::RecordReview, review, manager_).reply.aggregate_id();
    v1::RecordDecisionRequest decision;
    decision.set_command_id("decision-1");
    decision.set_review_id(review_id_);
    decision.set_summary("Train staff against phishing");
    decision.set_rationale("Phishing caused two incidents");
    decision.set_category(v1::DECISION_CATEGORY_IMPROVEMENT_OPPORTUNITY);
    const Answer recorded = Send(&Stub::RecordDecision, decision, manager_);
    EXPECT_TRUE(recorded.status.ok()) << recorded.status.error_message();
    decision_id_ = DecisionIdOf(recorded.reply);
    EXPECT_EQ(recorded.reply.entity_id(), decision_id_);
  }

  std::string DecisionIdOf(const v1::CommandReply& reply) {
    const int32_t partition = reply.log_position().partition();
    auto records = log_->Read(partition, reply.log_position().offset(), 1);
    v1::EventEnvelope event;
    EXPECT_TRUE(event.ParseFromString(records->at(0).value));
    return event.decision_recorded().decision_id();
  }

  v1::AssignActionRequest Assignment(const std::string& command_id) {
    v1::AssignActionRequest request;
    request.set_command_id(command_id);
    request.set_decision_id(decision_id_);
    request.set_title("Phishing training");
    request.set_expected_outcome("All staff trained");
    request.set_completion_criteria("Attendance list for 100% of staff");
    request.set_owner_id("olga");
    *request.mutable_due_date() = Day(2026, 12, 31);
    return request;
  }

  std::string Assign(const std::string& command_id = "assign-1") {
    const Answer answer = Send(&Stub::AssignAction, Assignment(command_id), manager_);
    EXPECT_TRUE(answer.status.ok()) << answer.status.error_message();
    return answer.reply.aggregate_id();
  }

  v1::AttachEvidenceRequest Evidence(const std::string& action_id, const std::string& command_id) {
    v1::AttachEvidenceRequest request;
    request.set_command_id(command_id);
    request.set_action_id(action_id);
    request.set_kind(v1::EVIDENCE_KIND_TRAINING_RECORD);
    request.set_uri("https://lms.acme.example/report/1");
    request.set_sha256(std::string(64, 'b'));
    request.set_size_bytes(1234);
    return request;
  }

  std::string manager_;
  std::string owner_;
  std::string review_id_;
  std::string decision_id_;
};

TEST_F(CommandApiTest, WholeLifecycleFromAssignmentToApprovedClosure) {
  const std::string action = Assign();
  v1::ReportProgressRequest progress;
  progress.set_command_id("progress-1");
  progress.set_action_id(action);
  progress.set_note("Sessions booked");
  progress.set_percent_complete(40);
  EXPECT_EQ(Send(&Stub::ReportProgress, progress, owner_).reply.version(), 2);
  EXPECT_TRUE(Send(&Stub::AttachEvidence, Evidence(action, "evidence-1"), owner_).status.ok());
  v1::RequestClosureRequest request;
  request.set_command_id("request-1");
  request.set_action_id(action);
  EXPECT_TRUE(Send(&Stub::RequestClosure, request, owner_).status.ok());
  v1::ApproveClosureRequest approve;
  approve.set_command_id("approve-1");
  approve.set_action_id(action);
  approve.set_expected_version(4);
  const Answer approved = Send(&Stub::ApproveClosure, approve, manager_);
  ASSERT_TRUE(approved.status.ok()) << approved.status.error_message();
  EXPECT_EQ(approved.reply.aggregate_id(), action);
  EXPECT_EQ(approved.reply.version(), 5);
  EXPECT_EQ(approved.reply.event_ids_size(), 1);

  // The reply's position holds the approval, written by mia, with CloudEvents headers.
  const auto records = log_->Read(approved.reply.log_position().partition(),
                                  approved.reply.log_position().offset(), 1);
  ASSERT_TRUE(records.ok());
  v1::EventEnvelope event;
  ASSERT_TRUE(event.ParseFromString(records->at(0).value));
  EXPECT_TRUE(event.has_closure_approved());
  EXPECT_EQ(event.actor().person_id(), "mia");
  EXPECT_EQ(event.event_id(), approved.reply.event_ids(0));
  EXPECT_EQ(records->at(0).key, "acme");
}

TEST_F(CommandApiTest, InvalidInputAnswersInvalidArgumentWithFieldViolations) {
  auto request = Assignment("bad-1");
  request.set_title("");
  *request.mutable_due_date() = Day(2026, 11, 22);
  const int64_t before = LogSize();
  const Answer answer = Send(&Stub::AssignAction, request, manager_);
  EXPECT_EQ(answer.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  google::rpc::BadRequest bad_request;
  ASSERT_TRUE(Details(answer.status).details(0).UnpackTo(&bad_request));
  std::vector<std::string> fields;
  for (const auto& violation : bad_request.field_violations()) fields.push_back(violation.field());
  EXPECT_EQ(fields, (std::vector<std::string>{"title", "due_date"}));
  EXPECT_EQ(LogSize(), before);
}

TEST_F(CommandApiTest, InvalidUtf8InAnyStringFieldOfAnyCommandIsInvalidArgumentNamingTheField) {
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          v1::CommandService::service_full_name());
  ASSERT_NE(service, nullptr);
  const int64_t size = LogSize();
  // A lone continuation byte, an overlong '/', a UTF-16 surrogate: none is UTF-8.
  const std::string not_utf8[] = {"\x80", "a\xC0\xAF", "\xED\xA0\x80"};
  for (int m = 0; m < service->method_count(); ++m) {
    const google::protobuf::MethodDescriptor* method = service->method(m);
    const google::protobuf::Message* prototype =
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(method->input_type());
    const google::protobuf::Descriptor* type = method->input_type();
    for (int f = 0; f < type->field_count(); ++f) {
      const google::protobuf::FieldDescriptor* field = type->field(f);
      if (field->type() != google::protobuf::FieldDescriptor::TYPE_STRING) continue;
      std::unique_ptr<google::protobuf::Message> request(prototype->New());
      std::string expected = field->name();
      if (field->is_repeated()) {
        request->GetReflection()->AddString(request.get(), field, "fine");
        request->GetReflection()->AddString(request.get(), field, not_utf8[f % 3]);
        expected += "[1]";
      } else {
        request->GetReflection()->SetString(request.get(), field, not_utf8[f % 3]);
      }
      SCOPED_TRACE(method->full_name() + " " + expected);
      grpc::ClientContext context;
      context.AddMetadata("authorization", "Bearer " + manager_);
      const std::string path = "/" + service->full_name() + "/" + method->name();
      const grpc::internal::RpcMethod rpc(path.c_str(), grpc::internal::RpcMethod::NORMAL_RPC);
      v1::CommandReply reply;
      const grpc::Status status =
          grpc::internal::BlockingUnaryCall<google::protobuf::Message, google::protobuf::Message>(
              channel_.get(), rpc, &context, *request, &reply);
      ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
      google::rpc::BadRequest bad_request;
      ASSERT_TRUE(Details(status).details(0).UnpackTo(&bad_request));
      ASSERT_EQ(bad_request.field_violations_size(), 1);
      EXPECT_EQ(bad_request.field_violations(0).field(), expected);
      EXPECT_EQ(bad_request.field_violations(0).description(), "must be valid UTF-8");
    }
  }
  // In a nested message too, and the rest of the service is unaffected.
  v1::RecordDecisionRequest decision;
  decision.set_command_id("decision-utf8");
  decision.set_review_id(review_id_);
  decision.add_links()->set_ref("R-1");
  decision.add_links()->set_ref("R-\xFF");
  const Answer nested = Send(&Stub::RecordDecision, decision, manager_);
  ASSERT_EQ(nested.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  google::rpc::BadRequest bad_request;
  ASSERT_TRUE(Details(nested.status).details(0).UnpackTo(&bad_request));
  EXPECT_EQ(bad_request.field_violations(0).field(), "links[1].ref");
  EXPECT_EQ(LogSize(), size);
  EXPECT_FALSE(Assign("assign-after-utf8").empty());
}

TEST_F(CommandApiTest, LifecycleViolationsAnswerFailedPreconditionNamingRuleAndState) {
  const std::string action = Assign();
  v1::RequestClosureRequest request;
  request.set_command_id("request-early");
  request.set_action_id(action);
  const Answer answer = Send(&Stub::RequestClosure, request, owner_);
  EXPECT_EQ(answer.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  google::rpc::PreconditionFailure failure;
  ASSERT_TRUE(Details(answer.status).details(0).UnpackTo(&failure));
  EXPECT_EQ(failure.violations(0).type(), "ACTION_STATE");
  EXPECT_EQ(failure.violations(0).subject(), "actions/" + action);
  google::rpc::ErrorInfo info;
  ASSERT_TRUE(Details(answer.status).details(1).UnpackTo(&info));
  EXPECT_EQ(info.metadata().at("state"), "OPEN");
}

TEST_F(CommandApiTest, EveryDomainRuleReachesTheCallerWithItsCode) {
  const std::string action = Assign();
  const std::string oscar = Token("oscar", {v1::ROLE_ACTION_OWNER});
  const std::string auditor = Token("audrey", {v1::ROLE_AUDITOR});
  const std::string service = Token("notifier", {v1::ROLE_SERVICE});

  struct Case {
    const char* name;
    Answer answer;
    grpc::StatusCode code;
    const char* reason;  // ErrorInfo reason / PreconditionFailure type, "" when not applicable
  };
  auto owner_it = Assignment("owner-it");
  owner_it.set_owner_id("IT");
  v1::RequestClosureRequest no_evidence;
  no_evidence.set_command_id("no-evidence");
  no_evidence.set_action_id(action);
  v1::ReportProgressRequest progress;
  progress.set_command_id("progress-1");
  progress.set_action_id(action);
  progress.set_note("started");
  ASSERT_TRUE(Send(&Stub::ReportProgress, progress, owner_).status.ok());
  v1::ApproveClosureRequest approve;
  approve.set_command_id("approve-early");
  approve.set_action_id(action);
  v1::RecordEscalationRequest escalation;
  escalation.set_command_id("escalate-early");
  escalation.set_action_id(action);
  escalation.set_level(1);
  escalation.set_recipient_id("mia");
  escalation.set_channel(v1::NOTIFICATION_CHANNEL_LOG);
  escalation.set_days_overdue(1);
  v1::ReportProgressRequest stale = progress;
  stale.set_command_id("stale");
  stale.set_expected_version(1);
  v1::ReportProgressRequest missing = progress;
  missing.set_command_id("missing");
  missing.set_action_id("act-nope");
  v1::RegisterPersonRequest duplicate;
  duplicate.set_command_id("dup-person");
  duplicate.set_person_id("olga");
  duplicate.set_display_name("Olga again");
  duplicate.set_email("o@acme.example");

  const Case cases[] = {
      {"owner not a person", Send(&Stub::AssignAction, owner_it, manager_),
       grpc::StatusCode::FAILED_PRECONDITION, "OWNER_NOT_ACTIVE_PERSON"},
      {"closure without evidence", Send(&Stub::RequestClosure, no_evidence, owner_),
       grpc::StatusCode::FAILED_PRECONDITION, "EVIDENCE_REQUIRED"},
      {"evidence by another owner", Send(&Stub::AttachEvidence, Evidence(action, "e-oscar"), oscar),
       grpc::StatusCode::PERMISSION_DENIED, "OWNER_REQUIRED"},
      {"auditor assigns", Send(&Stub::AssignAction, Assignment("by-auditor"), auditor),
       grpc::StatusCode::PERMISSION_DENIED, "ROLE_REQUIRED"},
      {"approval before request", Send(&Stub::ApproveClosure, approve, manager_),
       grpc::StatusCode::FAILED_PRECONDITION, "ACTION_STATE"},
      {"escalation before due", Send(&Stub::RecordEscalation, escalation, service),
       grpc::StatusCode::FAILED_PRECONDITION, "NOT_OVERDUE"},
      {"stale version", Send(&Stub::ReportProgress, stale, owner_), grpc::StatusCode::ABORTED,
       "VERSION_CONFLICT"},
      {"unknown action", Send(&Stub::ReportProgress, missing, owner_), grpc::StatusCode::NOT_FOUND,
       ""},
      {"person exists", Send(&Stub::RegisterPerson, duplicate, manager_),
       grpc::StatusCode::ALREADY_EXISTS, ""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.answer.status.error_code(), c.code)
        << c.name << ": " << c.answer.status.error_message();
    if (*c.reason == '\0') continue;
    bool named = false;
    const google::rpc::Status details = Details(c.answer.status);
    for (const auto& detail : details.details()) {
      google::rpc::ErrorInfo info;
      google::rpc::PreconditionFailure failure;
      if (detail.UnpackTo(&info)) named |= info.reason() == c.reason;
      if (detail.UnpackTo(&failure)) named |= failure.violations(0).type() == c.reason;
    }
    EXPECT_TRUE(named) << c.name << " does not name " << c.reason;
  }
}

// The rules of people, reviews, plan changes, approval and follow-up, as the API answers them.
TEST_F(CommandApiTest, TheRemainingRulesReachTheCallerWithTheirNames) {
  const std::string service = Token("notifier", {v1::ROLE_SERVICE});
  const std::string oscar_manager = Token("oscar", {v1::ROLE_ISMS_MANAGER});
  auto by_oscar = Assignment("assign-oscar");
  by_oscar.set_owner_id("oscar");
  const std::string action = Send(&Stub::AssignAction, by_oscar, manager_).reply.aggregate_id();
  ASSERT_TRUE(Send(&Stub::AttachEvidence, Evidence(action, "e1"), oscar_manager).status.ok());
  v1::RequestClosureRequest request;
  request.set_command_id("request");
  request.set_action_id(action);
  ASSERT_TRUE(Send(&Stub::RequestClosure, request, oscar_manager).status.ok());
  const std::string cancelled = Assign("assign-cancelled");
  v1::CancelActionRequest cancel;
  cancel.set_command_id("cancel");
  cancel.set_action_id(cancelled);
  cancel.set_reason("No longer needed");
  ASSERT_TRUE(Send(&Stub::CancelAction, cancel, manager_).status.ok());
  v1::DeactivatePersonRequest leave;
  leave.set_command_id("leave");
  leave.set_person_id("mia");
  leave.set_reason("Left");
  v1::DeactivatePersonRequest leave_again = leave;
  leave_again.set_command_id("leave-again");

  v1::ApproveClosureRequest own_approval;
  own_approval.set_command_id("own-approval");
  own_approval.set_action_id(action);
  v1::ReportProgressRequest on_cancelled;
  on_cancelled.set_command_id("on-cancelled");
  on_cancelled.set_action_id(cancelled);
  on_cancelled.set_note("late");
  v1::CancelActionRequest cancel_again = cancel;
  cancel_again.set_command_id("cancel-again");
  v1::RescheduleActionRequest same_date;
  same_date.set_command_id("same-date");
  same_date.set_action_id(action);
  *same_date.mutable_new_due_date() = Day(2026, 12, 31);
  same_date.set_reason("no change");
  v1::ReassignActionRequest same_owner;
  same_owner.set_command_id("same-owner");
  same_owner.set_action_id(action);
  same_owner.set_new_owner_id("oscar");
  same_owner.set_reason("no change");
  v1::RecordReviewRequest ghost_chair;
  ghost_chair.set_command_id("ghost-chair");
  ghost_chair.set_title("Review");
  *ghost_chair.mutable_held_on() = Day(2026, 11, 1);
  ghost_chair.set_chair_id("board");
  v1::RecordReviewRequest ghost_attendee = ghost_chair;
  ghost_attendee.set_command_id("ghost-attendee");
  ghost_attendee.set_chair_id("olga");
  ghost_attendee.add_attendee_ids("everyone");
  v1::RegisterPersonRequest ghost_manager;
  ghost_manager.set_command_id("ghost-manager");
  ghost_manager.set_display_name("Pat");
  ghost_manager.set_email("pat@acme.example");
  ghost_manager.set_manager_id("nobody");
  v1::RegisterPersonRequest self_managed = ghost_manager;
  self_managed.set_command_id("self-managed");
  self_managed.set_person_id("pat");
  self_managed.set_manager_id("pat");
  v1::RecordReminderRequest ghost_recipient;
  ghost_recipient.set_command_id("ghost-recipient");
  ghost_recipient.set_action_id(action);
  ghost_recipient.set_recipient_id("nobody");
  ghost_recipient.set_channel(v1::NOTIFICATION_CHANNEL_EMAIL);

  const std::pair<Answer, const char*> cases[] = {
      {Send(&Stub::ApproveClosure, own_approval, oscar_manager), "APPROVER_NOT_OWNER"},
      {Send(&Stub::ReportProgress, on_cancelled, owner_), "ACTION_FINAL"},
      {Send(&Stub::CancelAction, cancel_again, manager_), "ACTION_FINAL"},
      {Send(&Stub::RescheduleAction, same_date, manager_), "DUE_DATE_UNCHANGED"},
      {Send(&Stub::ReassignAction, same_owner, manager_), "OWNER_UNCHANGED"},
      {Send(&Stub::RecordReview, ghost_chair, manager_), "CHAIR_NOT_ACTIVE_PERSON"},
      {Send(&Stub::RecordReview, ghost_attendee, manager_), "ATTENDEE_NOT_PERSON"},
      {Send(&Stub::RegisterPerson, ghost_manager, manager_), "MANAGER_NOT_ACTIVE_PERSON"},
      {Send(&Stub::RegisterPerson, self_managed, manager_), "MANAGER_NOT_SELF"},
      {Send(&Stub::RecordReminder, ghost_recipient, service), "RECIPIENT_NOT_PERSON"},
      {Send(&Stub::DeactivatePerson, leave, manager_), ""},
      {Send(&Stub::DeactivatePerson, leave_again, manager_), "PERSON_ACTIVE"},
  };
  for (const auto& [answer, rule] : cases) {
    if (*rule == '\0') {
      EXPECT_TRUE(answer.status.ok()) << answer.status.error_message();
      continue;
    }
    EXPECT_EQ(answer.status.error_code(), std::string(rule) == "APPROVER_NOT_OWNER"
                                              ? grpc::StatusCode::PERMISSION_DENIED
                                              : grpc::StatusCode::FAILED_PRECONDITION)
        << rule;
    google::rpc::ErrorInfo info;
    const google::rpc::Status details = Details(answer.status);
    bool named = false;
    for (const auto& detail : details.details()) {
      if (detail.UnpackTo(&info)) named |= info.reason() == rule;
    }
    EXPECT_TRUE(named) << rule << ": " << answer.status.error_message();
  }
}

TEST_F(CommandApiTest, RetriedCommandIdGetsTheOriginalAnswerAndAppendsNothing) {
  const Answer first = Send(&Stub::AssignAction, Assignment("assign-retry"), manager_);
  ASSERT_TRUE(first.status.ok());
  const int64_t size = LogSize();
  const Answer again = Send(&Stub::AssignAction, Assignment("assign-retry"), manager_);
  ASSERT_TRUE(again.status.ok());
  EXPECT_EQ(again.reply.SerializeAsString(), first.reply.SerializeAsString());
  EXPECT_EQ(LogSize(), size);
}

// The same command id with another request is a client's bug: refused, naming the first use.
void ExpectKeyReused(const grpc::Status& status, const std::string& command,
                     const std::string& subject) {
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(status.error_details()));
  ASSERT_EQ(details.details_size(), 2);
  google::rpc::BadRequest bad_request;
  ASSERT_TRUE(details.details(0).UnpackTo(&bad_request));
  ASSERT_EQ(bad_request.field_violations_size(), 1);
  EXPECT_EQ(bad_request.field_violations(0).field(), "command_id");
  EXPECT_THAT(bad_request.field_violations(0).description(), ::testing::HasSubstr(command));
  google::rpc::ErrorInfo info;
  ASSERT_TRUE(details.details(1).UnpackTo(&info));
  EXPECT_EQ(info.reason(), "IDEMPOTENCY_KEY_REUSED");
  EXPECT_EQ(info.metadata().at("original_command"), command);
  EXPECT_EQ(info.metadata().at("subject"), subject);
}

TEST_F(CommandApiTest, ReusedCommandIdWithADifferentRequestIsRefusedNamingTheOriginal) {
  const Answer first = Send(&Stub::AssignAction, Assignment("assign-reused"), manager_);
  ASSERT_TRUE(first.status.ok());
  const std::string subject = "actions/" + first.reply.aggregate_id();
  const int64_t size = LogSize();

  auto changed = Assignment("assign-reused");
  changed.set_title("A different title, same idempotency key");
  ExpectKeyReused(Send(&Stub::AssignAction, changed, manager_).status, "AssignAction", subject);
  // Another command type with the same id, too.
  v1::CancelActionRequest cancel;
  cancel.set_command_id("assign-reused");
  cancel.set_action_id(first.reply.aggregate_id());
  cancel.set_reason("wrong key");
  ExpectKeyReused(Send(&Stub::CancelAction, cancel, manager_).status, "AssignAction", subject);
  EXPECT_EQ(LogSize(), size);

  // Recognised after a restart, and after the write model is rebuilt from the log alone.
  for (const bool lose_write_model : {false, true}) {
    SCOPED_TRACE(lose_write_model ? "write model rebuilt from the log" : "restart");
    StopService();
    if (lose_write_model) std::filesystem::remove_all(dir_ / "command");
    StartService();
    ExpectKeyReused(Send(&Stub::AssignAction, changed, manager_).status, "AssignAction", subject);
    const Answer retried = Send(&Stub::AssignAction, Assignment("assign-reused"), manager_);
    ASSERT_TRUE(retried.status.ok()) << retried.status.error_message();
    EXPECT_EQ(retried.reply.SerializeAsString(), first.reply.SerializeAsString());
    EXPECT_EQ(LogSize(), size);
  }
}

TEST_F(CommandApiTest, ReusedCommandIdInOneWriterBatchIsRefusedToo) {
  // Sent together, the two often share a writer batch; whichever is decided first is recorded,
  // the other is refused (or, if it is the same request, answered with the first one's reply).
  const int64_t size = LogSize();
  auto changed = Assignment("assign-racing");
  changed.set_title("Racing with another title");
  std::vector<Answer> answers(8);
  std::vector<std::thread> senders;
  for (size_t i = 0; i < answers.size(); ++i) {
    senders.emplace_back([&, i] {
      answers[i] =
          Send(&Stub::AssignAction, i % 2 == 0 ? Assignment("assign-racing") : changed, manager_);
    });
  }
  for (auto& sender : senders) sender.join();
  size_t accepted = 0;
  size_t refused = 0;
  for (const Answer& answer : answers) {
    if (answer.status.ok()) {
      ++accepted;
    } else {
      EXPECT_EQ(answer.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
      ++refused;
    }
  }
  EXPECT_EQ(accepted, 4u);
  EXPECT_EQ(refused, 4u);
  EXPECT_EQ(LogSize(), size + 1);
}

TEST_F(CommandApiTest, ConcurrentRetriesOfOneCommandAllGetTheOriginalAnswer) {
  // Sent together, the copies often share a writer batch: the repeats must be answered with the
  // first one's reply, not with what is left of it.
  const int64_t size = LogSize();
  constexpr int kCopies = 16;
  std::vector<Answer> answers(kCopies);
  std::vector<std::thread> senders;
  for (int i = 0; i < kCopies; ++i) {
    senders.emplace_back([&, i] {
      answers[static_cast<size_t>(i)] =
          Send(&Stub::AssignAction, Assignment("assign-many"), manager_);
    });
  }
  for (auto& sender : senders) sender.join();
  for (const Answer& answer : answers) {
    ASSERT_TRUE(answer.status.ok()) << answer.status.error_message();
    EXPECT_FALSE(answer.reply.aggregate_id().empty());
    EXPECT_TRUE(answer.reply.has_log_position());
    EXPECT_EQ(answer.reply.SerializeAsString(), answers[0].reply.SerializeAsString());
  }
  EXPECT_EQ(LogSize(), size + 1);
}

TEST_F(CommandApiTest, ACommandPastItsDeadlineIsNotDecidedAndRecordsNothing) {
  const int64_t size = LogSize();
  const v1::AssignActionRequest request = Assignment("assign-late");
  auto submit = [&](std::chrono::system_clock::time_point deadline) {
    std::promise<CommandOutcome> outcome;
    PendingCommand command;
    command.command_id = request.command_id();
    command.context = domain::CommandContext{
        .tenant_id = "acme",
        .actor_id = "mia",
        .roles = {v1::ROLE_ISMS_MANAGER},
        .now =
            std::chrono::duration_cast<std::chrono::microseconds>(clock_.Now().time_since_epoch())
                .count(),
        .today = domain::CivilDate::FromDaysSinceEpoch(
            std::chrono::floor<std::chrono::days>(clock_.Now()).time_since_epoch().count())};
    command.deadline = deadline;
    command.decide = DecideWith(request);
    command.done = [&](CommandOutcome result) { outcome.set_value(std::move(result)); };
    EXPECT_TRUE(service_->Submit(std::move(command)).ok());
    return outcome.get_future().get();
  };

  const CommandOutcome late = submit(std::chrono::system_clock::now() - std::chrono::seconds(1));
  ASSERT_TRUE(std::holds_alternative<absl::Status>(late));
  EXPECT_EQ(std::get<absl::Status>(late).code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(LogSize(), size);

  // In time, the same command id is decided as usual; a late retry still gets that answer.
  const CommandOutcome in_time =
      submit(std::chrono::system_clock::now() + std::chrono::seconds(10));
  ASSERT_TRUE(std::holds_alternative<v1::CommandReply>(in_time));
  const CommandOutcome late_retry =
      submit(std::chrono::system_clock::now() - std::chrono::seconds(1));
  ASSERT_TRUE(std::holds_alternative<v1::CommandReply>(late_retry));
  EXPECT_EQ(std::get<v1::CommandReply>(late_retry).SerializeAsString(),
            std::get<v1::CommandReply>(in_time).SerializeAsString());
  EXPECT_EQ(LogSize(), size + 1);
}

TEST_F(CommandApiTest, AFullQueueRefusesWithResourceExhaustedAndLosesNothingQueued) {
  StopService();
  max_queue_per_writer_ = 2;
  StartService();
  const int64_t size = LogSize();
  const auto registration = [](const std::string& person) {
    v1::RegisterPersonRequest request;
    request.set_command_id("register-" + person);
    request.set_person_id(person);
    request.set_display_name(person);
    request.set_email(person + "@acme.example");
    return request;
  };
  // Queued in process; the first one holds the writer until `release`.
  std::promise<void> started;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::vector<v1::RegisterPersonRequest> requests = {registration("pia"), registration("paul"),
                                                     registration("pete")};
  std::vector<std::promise<CommandOutcome>> outcomes(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    PendingCommand command;
    command.command_id = requests[i].command_id();
    command.context = domain::CommandContext{
        .tenant_id = "acme", .actor_id = "mia", .roles = {v1::ROLE_ISMS_MANAGER}};
    command.decide = [&, i](const domain::StateView& state, const domain::CommandContext& context) {
      if (i == 0) {
        started.set_value();
        released.wait();
      }
      return domain::Decide(state, requests[i], context);
    };
    command.done = [&, i](CommandOutcome outcome) { outcomes[i].set_value(std::move(outcome)); };
    ASSERT_TRUE(service_->Submit(std::move(command)).ok());
    if (i == 0) started.get_future().wait();  // taken by the writer: the queue is empty again
  }

  // Two wait, the limit: one more is refused at once, through the API too, and records nothing.
  const Answer refused = Send(&Stub::RegisterPerson, registration("pam"), manager_);
  EXPECT_EQ(refused.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(refused.status.error_message().find("retry"), std::string::npos)
      << refused.status.error_message();

  release.set_value();
  for (auto& outcome : outcomes) {
    EXPECT_TRUE(std::holds_alternative<v1::CommandReply>(outcome.get_future().get()));
  }
  EXPECT_EQ(LogSize(), size + 3);
  // Retried once the queue has room, the refused command is decided as usual.
  EXPECT_TRUE(Send(&Stub::RegisterPerson, registration("pam"), manager_).status.ok());
  EXPECT_EQ(LogSize(), size + 4);
}

TEST_F(CommandApiTest, TodayIsTheTenantsDayInItsTimeZone) {
  // 2026-11-24T02:00Z: already the 24th in UTC, still the 23rd at -08:00.
  clock_.Advance(std::chrono::hours(17));
  const std::string manager = Token("mia", {v1::ROLE_ISMS_MANAGER});
  auto request = Assignment("assign-due-today-utc");
  *request.mutable_due_date() = Day(2026, 11, 23);
  EXPECT_EQ(Send(&Stub::AssignAction, request, manager).status.error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  StopService();
  time_zones_ = *runtime::TenantTimeZones::Parse({"acme=-08:00"});
  StartService();
  request.set_command_id("assign-due-today-local");
  const Answer local = Send(&Stub::AssignAction, request, manager);
  EXPECT_TRUE(local.status.ok()) << local.status.error_message();
  *request.mutable_due_date() = Day(2026, 11, 22);
  request.set_command_id("assign-due-yesterday-local");
  EXPECT_EQ(Send(&Stub::AssignAction, request, manager).status.error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(CommandApiTest, OfTwoRacingConflictingCommandsExactlyOneWins) {
  const std::string action = Assign();
  for (int round = 0; round < 10; ++round) {
    std::atomic<int> ok{0};
    std::atomic<int> aborted{0};
    const int64_t version = round + 1;
    auto race = [&](const std::string& reason, const std::string& command_id) {
      v1::RescheduleActionRequest request;
      request.set_command_id(command_id);
      request.set_action_id(action);
      *request.mutable_new_due_date() = Day(2027, 1, 1 + round * 2 + (reason == "a" ? 0 : 1));
      request.set_reason(reason);
      request.set_expected_version(version);
      const Answer answer = Send(&Stub::RescheduleAction, request, manager_);
      if (answer.status.ok()) ++ok;
      if (answer.status.error_code() == grpc::StatusCode::ABORTED) ++aborted;
    };
    std::thread a(race, "a", "race-a-" + std::to_string(round));
    std::thread b(race, "b", "race-b-" + std::to_string(round));
    a.join();
    b.join();
    EXPECT_EQ(ok.load(), 1) << "round " << round;
    EXPECT_EQ(aborted.load(), 1) << "round " << round;
  }
}

TEST_F(CommandApiTest, ForeignTenantExpiredTokenAndWrongRoleAreRefusedAndAppendNothing) {
  const std::string action = Assign();
  const int64_t size = LogSize();

  // A manager of another tenant cannot see acme's action at all.
  const std::string globex = Token("mia", {v1::ROLE_ISMS_MANAGER}, "globex");
  v1::CancelActionRequest cancel;
  cancel.set_command_id("cancel-foreign");
  cancel.set_action_id(action);
  cancel.set_reason("hostile");
  EXPECT_EQ(Send(&Stub::CancelAction, cancel, globex).status.error_code(),
            grpc::StatusCode::NOT_FOUND);

  const std::string expired =
      Token("mia", {v1::ROLE_ISMS_MANAGER}, "acme", std::chrono::seconds(60));
  clock_.Advance(std::chrono::minutes(5));
  cancel.set_command_id("cancel-expired");
  const Answer stale = Send(&Stub::CancelAction, cancel, expired);
  EXPECT_EQ(stale.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);

  cancel.set_command_id("cancel-owner");
  EXPECT_EQ(Send(&Stub::CancelAction, cancel, owner_).status.error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  grpc::ClientContext anonymous;
  v1::CommandReply reply;
  cancel.set_command_id("cancel-anonymous");
  EXPECT_EQ(stub_->CancelAction(&anonymous, cancel, &reply).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  EXPECT_EQ(Send(&Stub::CancelAction, cancel, "not-a-jwt").status.error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(LogSize(), size);
}

TEST_F(CommandApiTest, RestartKeepsStateAndDeduplication) {
  const std::string action = Assign();
  ASSERT_TRUE(Send(&Stub::AttachEvidence, Evidence(action, "evidence-1"), owner_).status.ok());
  const Answer before = Send(&Stub::AttachEvidence, Evidence(action, "evidence-1"), owner_);
  StopService();
  StartService();
  const Answer after = Send(&Stub::AttachEvidence, Evidence(action, "evidence-1"), owner_);
  ASSERT_TRUE(after.status.ok());
  EXPECT_EQ(after.reply.SerializeAsString(), before.reply.SerializeAsString());
  v1::RequestClosureRequest request;
  request.set_command_id("request-1");
  request.set_action_id(action);
  const Answer requested = Send(&Stub::RequestClosure, request, owner_);
  ASSERT_TRUE(requested.status.ok()) << requested.status.error_message();
  EXPECT_EQ(requested.reply.version(), 3);
}

TEST_F(CommandApiTest, WriteModelIsRebuiltFromTheLogWhenItIsLost) {
  const std::string action = Assign();
  const Answer assigned = Send(&Stub::AssignAction, Assignment("assign-1"), manager_);
  StopService();
  std::filesystem::remove_all(dir_ / "command");
  StartService();
  // The dedup index and the action's state come back from the log alone.
  const Answer retried = Send(&Stub::AssignAction, Assignment("assign-1"), manager_);
  EXPECT_EQ(retried.reply.SerializeAsString(), assigned.reply.SerializeAsString());
  v1::ReportProgressRequest progress;
  progress.set_command_id("progress-after-rebuild");
  progress.set_action_id(action);
  progress.set_note("still going");
  progress.set_expected_version(1);
  EXPECT_TRUE(Send(&Stub::ReportProgress, progress, owner_).status.ok());
}

TEST_F(CommandApiTest, ConcurrentCommandsOfManyCallersAllLandOnce) {
  const std::string action = Assign();
  std::vector<std::thread> callers;
  std::atomic<int> ok{0};
  for (int caller = 0; caller < 8; ++caller) {
    callers.emplace_back([&, caller] {
      for (int i = 0; i < 10; ++i) {
        v1::ReportProgressRequest progress;
        progress.set_command_id("p-" + std::to_string(caller) + "-" + std::to_string(i));
        progress.set_action_id(action);
        progress.set_note("step");
        if (Send(&Stub::ReportProgress, progress, owner_).status.ok()) ++ok;
      }
    });
  }
  for (auto& caller : callers) caller.join();
  EXPECT_EQ(ok.load(), 80);
  v1::ReportProgressRequest last;
  last.set_command_id("last");
  last.set_action_id(action);
  last.set_note("done");
  EXPECT_EQ(Send(&Stub::ReportProgress, last, owner_).reply.version(), 82);
}

}  // namespace
}  // namespace reviewtrail::command::testing
