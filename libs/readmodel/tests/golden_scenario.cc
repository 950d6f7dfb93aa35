#include "golden_scenario.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "google/protobuf/util/time_util.h"
#include "reviewtrail/domain/decide.h"
#include "reviewtrail/domain/tenant_state.h"

namespace reviewtrail::readmodel::testing {
namespace {

using domain::CivilDate;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

constexpr int64_t kMicrosPerDay = 86'400'000'000;
constexpr int64_t kNineHours = 9LL * 3'600'000'000;

// Runs commands through the deciders for one tenant, folding and collecting the events, on a
// calendar that the script moves forward.
class Script {
 public:
  Script(std::string tenant, std::vector<v1::EventEnvelope>& out)
      : tenant_(std::move(tenant)), out_(out) {}

  void On(int year, int month, int day) { today_ = CivilDate{year, month, day}; }

  template <typename Command>
  domain::Decision Run(Command command, const std::string& actor, v1::Role role) {
    command.set_command_id(tenant_ + "-cmd-" + std::to_string(++sequence_));
    const domain::CommandContext context{
        .tenant_id = tenant_,
        .actor_id = actor,
        .roles = {role},
        .now = today_.DaysSinceEpoch() * kMicrosPerDay + kNineHours + sequence_,
        .today = today_,
        .correlation_id = "",
        .causation_id = ""};
    domain::Result<domain::Decision> result = domain::Decide(state_, command, context);
    if (!result.ok()) {
      ADD_FAILURE() << "golden scenario command " << sequence_
                    << " refused: " << result.error().rule << " " << result.error().message;
      return {};
    }
    domain::Decision decision = std::move(result).value();
    for (v1::EventEnvelope& event : decision.events) {
      *event.mutable_recorded_at() = event.occurred_at();
      state_.Apply(event);
      out_.push_back(event);
    }
    return decision;
  }

  void Person(const std::string& id, const std::string& manager) {
    v1::RegisterPersonRequest request;
    request.set_person_id(id);
    request.set_display_name(id);
    request.set_email(id + "@" + tenant_ + ".example");
    request.set_manager_id(manager);
    Run(request, "mia", v1::ROLE_ISMS_MANAGER);
  }

  std::string Review(const std::string& title) {
    v1::RecordReviewRequest request;
    request.set_title(title);
    *request.mutable_held_on() = today_.ToProto();
    request.set_chair_id("mia");
    request.add_inputs_covered(v1::REVIEW_INPUT_A_PREVIOUS_ACTIONS);
    request.add_inputs_covered(v1::REVIEW_INPUT_D_SECURITY_PERFORMANCE);
    return Run(request, "mia", v1::ROLE_ISMS_MANAGER).aggregate_id;
  }

  std::string Decision(const std::string& review_id, const std::string& summary) {
    v1::RecordDecisionRequest request;
    request.set_review_id(review_id);
    request.set_summary(summary);
    request.set_rationale("because " + summary);
    request.set_category(v1::DECISION_CATEGORY_IMPROVEMENT_OPPORTUNITY);
    domain::Decision decision = Run(request, "mia", v1::ROLE_ISMS_MANAGER);
    return decision.events.empty() ? "" : decision.events.back().decision_recorded().decision_id();
  }

  std::string Assign(const std::string& decision_id, const std::string& title,
                     const std::string& owner, CivilDate due) {
    v1::AssignActionRequest request;
    request.set_decision_id(decision_id);
    request.set_title(title);
    request.set_expected_outcome(title + " done");
    request.set_completion_criteria("evidence of " + title);
    request.set_owner_id(owner);
    *request.mutable_due_date() = due.ToProto();
    return Run(request, "mia", v1::ROLE_ISMS_MANAGER).aggregate_id;
  }

  void Progress(const std::string& action, const std::string& owner, int percent) {
    v1::ReportProgressRequest request;
    request.set_action_id(action);
    request.set_note("working on it");
    request.set_percent_complete(percent);
    Run(request, owner, v1::ROLE_ACTION_OWNER);
  }

  void Evidence(const std::string& action, const std::string& owner) {
    v1::AttachEvidenceRequest request;
    request.set_action_id(action);
    request.set_kind(v1::EVIDENCE_KIND_POLICY_REVISION);
    request.set_description("revised policy");
    request.set_uri("https://docs.example/" + action + "/" + std::to_string(sequence_));
    request.set_sha256(std::string(64, 'a'));
    request.set_size_bytes(1024);
    request.set_media_type("application/pdf");
    Run(request, owner, v1::ROLE_ACTION_OWNER);
  }

  void RequestClosure(const std::string& action, const std::string& owner) {
    v1::RequestClosureRequest request;
    request.set_action_id(action);
    request.set_note("done");
    Run(request, owner, v1::ROLE_ACTION_OWNER);
  }

  void Approve(const std::string& action) {
    v1::ApproveClosureRequest request;
    request.set_action_id(action);
    request.set_note("evidence matches");
    Run(request, "mia", v1::ROLE_ISMS_MANAGER);
  }

  void Reject(const std::string& action) {
    v1::RejectClosureRequest request;
    request.set_action_id(action);
    request.set_reason("evidence incomplete");
    Run(request, "mia", v1::ROLE_ISMS_MANAGER);
  }

  void Reschedule(const std::string& action, CivilDate due) {
    v1::RescheduleActionRequest request;
    request.set_action_id(action);
    *request.mutable_new_due_date() = due.ToProto();
    request.set_reason("supplier late");
    Run(request, "mia", v1::ROLE_ISMS_MANAGER);
  }

  void Reassign(const std::string& action, const std::string& owner) {
    v1::ReassignActionRequest request;
    request.set_action_id(action);
    request.set_new_owner_id(owner);
    request.set_reason("workload");
    Run(request, "mia", v1::ROLE_ISMS_MANAGER);
  }

  void Cancel(const std::string& action) {
    v1::CancelActionRequest request;
    request.set_action_id(action);
    request.set_reason("superseded");
    Run(request, "mia", v1::ROLE_ISMS_MANAGER);
  }

  void Remind(const std::string& action, const std::string& owner, int days_before) {
    v1::RecordReminderRequest request;
    request.set_action_id(action);
    request.set_recipient_id(owner);
    request.set_channel(v1::NOTIFICATION_CHANNEL_EMAIL);
    request.set_days_before_due(days_before);
    Run(request, "notifier", v1::ROLE_SERVICE);
  }

  void Escalate(const std::string& action, const std::string& recipient, int days_overdue) {
    v1::RecordEscalationRequest request;
    request.set_action_id(action);
    request.set_level(1);
    request.set_recipient_id(recipient);
    request.set_channel(v1::NOTIFICATION_CHANNEL_EMAIL);
    request.set_days_overdue(days_overdue);
    Run(request, "notifier", v1::ROLE_SERVICE);
  }

  void Deactivate(const std::string& person) {
    v1::DeactivatePersonRequest request;
    request.set_person_id(person);
    request.set_reason("left the company");
    Run(request, "mia", v1::ROLE_ISMS_MANAGER);
  }

 private:
  std::string tenant_;
  std::vector<v1::EventEnvelope>& out_;
  domain::TenantState state_;
  CivilDate today_{2026, 1, 5};
  int sequence_ = 0;
};

}  // namespace

GoldenScenario BuildGoldenScenario() {
  GoldenScenario scenario;
  auto& ids = scenario.ids;
  {
    Script acme("acme", scenario.events);
    acme.On(2026, 1, 5);
    acme.Person("mia", "");
    acme.Person("olga", "mia");
    acme.Person("oscar", "mia");
    acme.Person("paula", "mia");
    ids["R1"] = acme.Review("Q1 2026 management review");
    ids["D1"] = acme.Decision(ids["R1"], "Train staff against phishing");
    ids["D2"] = acme.Decision(ids["R1"], "Harden supplier access");
    ids["D3"] = acme.Decision(ids["R1"], "Discussed the budget");
    ids["A1"] = acme.Assign(ids["D1"], "Phishing course", "olga", {2026, 1, 30});
    ids["A2"] = acme.Assign(ids["D1"], "Phishing test", "oscar", {2026, 1, 15});
    ids["A3"] = acme.Assign(ids["D2"], "Supplier MFA", "olga", {2026, 2, 10});
    ids["A4"] = acme.Assign(ids["D2"], "Supplier review", "oscar", {2026, 2, 15});
    ids["A5"] = acme.Assign(ids["D2"], "Access recertification", "paula", {2026, 3, 5});
    ids["A6"] = acme.Assign(ids["D1"], "Awareness posters", "olga", {2026, 4, 30});
    ids["A7"] = acme.Assign(ids["D1"], "Old training vendor", "oscar", {2026, 3, 20});
    acme.On(2026, 1, 10);
    acme.Progress(ids["A1"], "olga", 50);
    acme.Evidence(ids["A1"], "olga");
    acme.Evidence(ids["A2"], "oscar");
    acme.On(2026, 1, 12);
    acme.RequestClosure(ids["A2"], "oscar");
    acme.On(2026, 1, 14);
    acme.Reject(ids["A2"]);
    acme.On(2026, 1, 20);
    acme.RequestClosure(ids["A1"], "olga");
    acme.Approve(ids["A1"]);
    acme.Reschedule(ids["A3"], {2026, 2, 20});
    acme.On(2026, 1, 25);
    acme.Evidence(ids["A2"], "oscar");
    acme.RequestClosure(ids["A2"], "oscar");
    acme.On(2026, 1, 26);
    acme.Approve(ids["A2"]);
    acme.On(2026, 2, 1);
    acme.Reschedule(ids["A3"], {2026, 2, 25});
    acme.Progress(ids["A3"], "olga", 30);
    acme.Reassign(ids["A6"], "oscar");
    acme.Progress(ids["A6"], "oscar", 10);
    acme.On(2026, 2, 8);
    acme.Remind(ids["A4"], "oscar", 7);
    acme.On(2026, 2, 10);
    acme.Cancel(ids["A7"]);
    acme.On(2026, 2, 16);
    acme.Escalate(ids["A4"], "mia", 1);
    acme.On(2026, 2, 20);
    acme.Deactivate("paula");
    acme.On(2026, 2, 27);
    ids["R2"] = acme.Review("Q2 2026 management review");
    ids["D4"] = acme.Decision(ids["R2"], "Encrypt backups");
    ids["A8"] = acme.Assign(ids["D2"], "Supplier contract clause", "olga", {2026, 3, 9});
    acme.Evidence(ids["A8"], "olga");
    acme.RequestClosure(ids["A8"], "olga");
    ids["A9"] = acme.Assign(ids["D4"], "Backup encryption", "olga", {2026, 3, 31});
  }
  {
    Script globex("globex", scenario.events);
    globex.On(2026, 2, 1);
    globex.Person("mia", "");
    globex.Person("gus", "mia");
    const std::string review = globex.Review("Globex review");
    const std::string decision = globex.Decision(review, "Globex decision");
    ids["G1"] = globex.Assign(decision, "Globex action", "gus", {2026, 2, 10});
  }
  return scenario;
}

namespace {

std::map<v1::ActionStatus, int64_t> ByStatus(const v1::Dashboard& dashboard) {
  std::map<v1::ActionStatus, int64_t> counts;
  for (const auto& count : dashboard.by_status()) counts[count.status()] = count.count();
  return counts;
}

}  // namespace

void ExpectGoldenDashboards(const GoldenScenario& scenario, const DashboardOf& dashboard_of) {
  const auto& ids = scenario.ids;
  const v1::Dashboard tenant = dashboard_of("", "");
  EXPECT_EQ(CivilDate::FromProto(tenant.today()), kToday);
  EXPECT_EQ(tenant.total_actions(), 9);
  EXPECT_EQ(ByStatus(tenant),
            (std::map<v1::ActionStatus, int64_t>{{v1::ACTION_STATUS_OPEN, 3},
                                                 {v1::ACTION_STATUS_IN_PROGRESS, 2},
                                                 {v1::ACTION_STATUS_CLOSURE_REQUESTED, 1},
                                                 {v1::ACTION_STATUS_CLOSED, 2},
                                                 {v1::ACTION_STATUS_CANCELLED, 1}}));
  EXPECT_EQ(tenant.open_actions(), 6);
  EXPECT_EQ(tenant.overdue(), 2);                         // A3, A4
  EXPECT_EQ(tenant.due_within_7_days(), 2);               // A5 (03-05), A8 (03-09)
  EXPECT_EQ(tenant.closed_on_time(), 1);                  // A1
  EXPECT_EQ(tenant.closed_late(), 1);                     // A2
  EXPECT_DOUBLE_EQ(tenant.median_days_to_close(), 18.0);  // 15 and 21
  EXPECT_DOUBLE_EQ(tenant.evidence_closure_share(), 1.0);
  EXPECT_EQ(tenant.closures_with_evidence(), 2);
  EXPECT_EQ(tenant.deadline_moves(), 2);  // A3 twice
  ASSERT_EQ(tenant.days_to_close_size(), 2);
  EXPECT_EQ(tenant.days_to_close(0).days(), 15);
  EXPECT_EQ(tenant.days_to_close(1).days(), 21);

  const v1::Dashboard review = dashboard_of(ids.at("R1"), "");
  EXPECT_EQ(review.review_id(), ids.at("R1"));
  EXPECT_EQ(review.total_actions(), 8);  // A1..A8 (A8 belongs to D2 of R1)
  EXPECT_EQ(review.overdue(), 2);
  EXPECT_EQ(review.due_within_7_days(), 2);
  EXPECT_EQ(review.open_actions(), 5);

  const v1::Dashboard review2 = dashboard_of(ids.at("R2"), "");
  EXPECT_EQ(review2.total_actions(), 1);
  EXPECT_EQ(review2.overdue(), 0);

  const v1::Dashboard olga = dashboard_of("", "olga");  // A1, A3, A8, A9 (A6 went to oscar)
  EXPECT_EQ(olga.total_actions(), 4);
  EXPECT_EQ(olga.overdue(), 1);            // A3
  EXPECT_EQ(olga.due_within_7_days(), 1);  // A8
  EXPECT_EQ(olga.closed_on_time(), 1);
  EXPECT_EQ(olga.closed_late(), 0);
  EXPECT_DOUBLE_EQ(olga.median_days_to_close(), 15.0);
  EXPECT_EQ(olga.deadline_moves(), 2);

  const v1::Dashboard oscar = dashboard_of("", "oscar");  // A2, A4, A6, A7
  EXPECT_EQ(oscar.total_actions(), 4);
  EXPECT_EQ(oscar.overdue(), 1);  // A4
  EXPECT_EQ(oscar.closed_late(), 1);
  EXPECT_DOUBLE_EQ(oscar.median_days_to_close(), 21.0);
  EXPECT_EQ(ByStatus(oscar)[v1::ACTION_STATUS_CANCELLED], 1);
  EXPECT_EQ(ByStatus(oscar)[v1::ACTION_STATUS_IN_PROGRESS], 1);  // A6

  const v1::Dashboard paula = dashboard_of("", "paula");
  EXPECT_EQ(paula.total_actions(), 1);
  EXPECT_EQ(paula.due_within_7_days(), 1);
}

void ExpectGoldenFindings(const GoldenScenario& scenario, const v1::AuditReadinessReport& report) {
  const auto& ids = scenario.ids;
  std::vector<std::pair<v1::AuditFindingType, std::string>> findings;
  for (const auto& finding : report.findings()) {
    findings.emplace_back(finding.type(), finding.subject());
  }
  EXPECT_THAT(
      findings,
      ElementsAre(
          std::pair(v1::AUDIT_FINDING_TYPE_DECISION_WITHOUT_ACTION, "decisions/" + ids.at("D3")),
          std::pair(v1::AUDIT_FINDING_TYPE_OVERDUE_WITHOUT_ESCALATION, "actions/" + ids.at("A3")),
          std::pair(v1::AUDIT_FINDING_TYPE_DEADLINE_MOVED_MORE_THAN_ONCE,
                    "actions/" + ids.at("A3")),
          std::pair(v1::AUDIT_FINDING_TYPE_OWNER_DEACTIVATED, "actions/" + ids.at("A5"))));
}

void ExpectGoldenInputPack(const GoldenScenario& scenario, const v1::ReviewInputPack& pack) {
  const auto& ids = scenario.ids;
  ASSERT_EQ(pack.sections_size(), 1);  // held before R2's day: R1 only
  const auto& section = pack.sections(0);
  EXPECT_EQ(section.review_id(), ids.at("R1"));
  std::map<std::string, const v1::ActionView*> actions;
  for (const auto& action : section.actions()) actions[action.action_id()] = &action;
  ASSERT_EQ(actions.size(), 8u);
  const v1::ActionView& a3 = *actions.at(ids.at("A3"));
  EXPECT_EQ(a3.status(), v1::ACTION_STATUS_IN_PROGRESS);
  EXPECT_EQ(a3.owner_id(), "olga");
  EXPECT_EQ(CivilDate::FromProto(a3.due_date()), (CivilDate{2026, 2, 25}));
  EXPECT_EQ(CivilDate::FromProto(a3.original_due_date()), (CivilDate{2026, 2, 10}));
  EXPECT_EQ(a3.deadline_changes(), 2);
  EXPECT_TRUE(a3.overdue());
  const v1::ActionView& a2 = *actions.at(ids.at("A2"));
  EXPECT_EQ(a2.status(), v1::ACTION_STATUS_CLOSED);
  EXPECT_EQ(a2.evidence_size(), 2);
  ASSERT_EQ(a2.approvals_size(), 2);
  EXPECT_EQ(a2.approvals(0).outcome(), v1::CLOSURE_OUTCOME_REJECTED);
  EXPECT_EQ(a2.approvals(1).outcome(), v1::CLOSURE_OUTCOME_APPROVED);
  EXPECT_EQ(actions.at(ids.at("A6"))->owner_id(), "oscar");
  EXPECT_EQ(actions.at(ids.at("A7"))->status(), v1::ACTION_STATUS_CANCELLED);
}

void ExpectGoldenOverdue(const GoldenScenario& scenario, const v1::ListActionsResponse& overdue) {
  std::vector<std::string> ids;
  for (const auto& action : overdue.actions()) {
    ids.push_back(action.action_id());
    EXPECT_TRUE(action.overdue());
  }
  // Ordered by due date: A4 (02-15), then A3 (02-25).
  EXPECT_THAT(ids, ElementsAre(scenario.ids.at("A4"), scenario.ids.at("A3")));
  EXPECT_EQ(overdue.next_page_token(), "");
}

}  // namespace reviewtrail::readmodel::testing
