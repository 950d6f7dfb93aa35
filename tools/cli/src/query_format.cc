#include "reviewtrail/cli/query_format.h"

#include <google/protobuf/util/time_util.h>

#include <cstdio>
#include <vector>

#include "reviewtrail/cli/text_table.h"
#include "reviewtrail/cli/value_parsers.h"
#include "text.h"

namespace reviewtrail::cli {
namespace {

std::string Pad2(int value) { return (value < 10 ? "0" : "") + std::to_string(value); }

std::string OrDash(const std::string& text) { return text.empty() ? "-" : text; }

// "label:" padded so the values of a block line up.
void AddField(std::string& text, std::string_view label, const std::string& value) {
  if (value.empty()) return;
  constexpr size_t kLabelWidth = 22;
  std::string line = std::string(label) + ":";
  line.resize(std::max(kLabelWidth, line.size() + 1), ' ');
  text += line + value + "\n";
}

std::string Percent(double share) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.0f%%", share * 100.0);
  return buffer;
}

std::string Decimal(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

std::string LinkText(const v1::Link& link) {
  std::string text =
      EnumSpelling(*v1::LinkKind_descriptor(), link.kind(), "LINK_KIND_") + ":" + link.ref();
  if (!link.title().empty()) text += " (" + link.title() + ")";
  return text;
}

std::string LinksText(const Repeated<v1::Link>& links) {
  std::vector<std::string> parts;
  for (const v1::Link& link : links) parts.push_back(LinkText(link));
  return Join(parts, ", ");
}

std::string DueText(const v1::ActionView& action) {
  std::string due = DateText(action.due_date());
  const std::string original = DateText(action.original_due_date());
  if (!original.empty() && original != due) due += " (first " + original + ")";
  return due;
}

}  // namespace

std::string DateText(const google::type::Date& date) {
  if (date.year() == 0) return "";
  return std::to_string(date.year()) + "-" + Pad2(date.month()) + "-" + Pad2(date.day());
}

std::string TimestampText(const google::protobuf::Timestamp& timestamp) {
  if (timestamp.seconds() == 0 && timestamp.nanos() == 0) return "";
  return google::protobuf::util::TimeUtil::ToString(timestamp);
}

std::string ActionStatusLabel(v1::ActionStatus status) {
  return EnumSpelling(*v1::ActionStatus_descriptor(), status, "ACTION_STATUS_");
}

std::string FormatActionTable(const Repeated<v1::ActionView>& actions) {
  TextTable table({"ACTION", "STATUS", "OWNER", "DUE", "OVERDUE", "TITLE"});
  for (const v1::ActionView& action : actions) {
    table.AddRow({action.action_id(), ActionStatusLabel(action.status()), OrDash(action.owner_id()),
                  OrDash(DateText(action.due_date())), action.overdue() ? "overdue" : "",
                  action.title()});
  }
  return table.Render();
}

std::string FormatActionDetail(const v1::ActionDetail& detail) {
  const v1::ActionView& action = detail.action();
  std::string text;
  AddField(text, "Action",
           action.action_id() + " (version " + std::to_string(action.version()) + ")");
  AddField(text, "Title", action.title());
  AddField(text, "Status",
           ActionStatusLabel(action.status()) + (action.overdue() ? ", OVERDUE" : "") + ", " +
               std::to_string(action.percent_complete()) + "% complete");
  AddField(text, "Owner", OrDash(action.owner_id()));
  AddField(text, "Due", OrDash(DueText(action)));
  AddField(text, "Review / decision", action.review_id() + " / " + action.decision_id());
  AddField(text, "Expected outcome", action.expected_outcome());
  AddField(text, "Completion criteria", action.completion_criteria());
  AddField(text, "Links", LinksText(action.links()));
  AddField(text, "Assigned at", TimestampText(action.assigned_at()));
  AddField(text, "Closure requested at", TimestampText(action.closure_requested_at()));
  AddField(text, "Closed at", TimestampText(action.closed_at()));
  AddField(text, "Approver", action.approver_id());
  AddField(text, "Cancel reason", action.cancel_reason());
  AddField(text, "Changes",
           "owner " + std::to_string(action.owner_changes()) + ", deadline " +
               std::to_string(action.deadline_changes()) + ", rejections " +
               std::to_string(action.rejections()) + ", reminders " +
               std::to_string(action.reminders_sent()) + ", highest escalation " +
               std::to_string(action.highest_escalation()));
  if (action.evidence_size() > 0) {
    TextTable evidence({"EVIDENCE", "KIND", "SHA-256", "BYTES", "ATTACHED", "BY", "URI"});
    for (const v1::EvidenceView& item : action.evidence()) {
      evidence.AddRow({item.evidence_id(),
                       EnumSpelling(*v1::EvidenceKind_descriptor(), item.kind(), "EVIDENCE_KIND_"),
                       item.sha256(), std::to_string(item.size_bytes()),
                       TimestampText(item.attached_at()), item.attached_by(), item.uri()});
    }
    text += "\n" + evidence.Render();
  }
  if (action.approvals_size() > 0) {
    TextTable approvals({"VERDICT", "BY", "AT", "NOTE"});
    for (const v1::ApprovalView& approval : action.approvals()) {
      approvals.AddRow(
          {EnumSpelling(*v1::ClosureOutcome_descriptor(), approval.outcome(), "CLOSURE_OUTCOME_"),
           approval.reviewer_id(), TimestampText(approval.decided_at()), approval.note()});
    }
    text += "\n" + approvals.Render();
  }
  if (detail.history_size() > 0) {
    TextTable history({"VERSION", "AT", "ACTOR", "EVENT", "POSITION", "CHANGE"});
    for (const v1::HistoryEntry& entry : detail.history()) {
      history.AddRow({std::to_string(entry.version()), TimestampText(entry.occurred_at()),
                      entry.actor_id(), entry.event_type(),
                      std::to_string(entry.position().partition()) + ":" +
                          std::to_string(entry.position().offset()),
                      entry.change()});
    }
    text += "\n" + history.Render();
  }
  return text;
}

std::string FormatReview(const v1::ReviewView& review) {
  std::string text;
  AddField(text, "Review",
           review.review_id() + " (version " + std::to_string(review.version()) + ")");
  AddField(text, "Title", review.title());
  AddField(text, "Held on", DateText(review.held_on()));
  AddField(text, "Chair", review.chair_id());
  std::vector<std::string> attendees(review.attendee_ids().begin(), review.attendee_ids().end());
  AddField(text, "Attendees", Join(attendees, ", "));
  std::vector<std::string> inputs;
  for (int input : review.inputs_covered()) {
    inputs.push_back(EnumSpelling(*v1::ReviewInput_descriptor(), input, "REVIEW_INPUT_"));
  }
  AddField(text, "Inputs covered", Join(inputs, ", "));
  AddField(text, "Minutes", review.minutes_uri());
  if (review.decisions_size() > 0) {
    TextTable decisions({"DECISION", "CATEGORY", "ACTIONS", "RECORDED", "SUMMARY"});
    for (const v1::DecisionView& decision : review.decisions()) {
      decisions.AddRow({decision.decision_id(),
                        EnumSpelling(*v1::DecisionCategory_descriptor(), decision.category(),
                                     "DECISION_CATEGORY_"),
                        std::to_string(decision.action_count()),
                        TimestampText(decision.recorded_at()), decision.summary()});
    }
    text += "\n" + decisions.Render();
  }
  return text;
}

std::string FormatReviewTable(const Repeated<v1::ReviewView>& reviews) {
  TextTable table({"REVIEW", "HELD ON", "CHAIR", "DECISIONS", "TITLE"});
  for (const v1::ReviewView& review : reviews) {
    table.AddRow({review.review_id(), DateText(review.held_on()), review.chair_id(),
                  std::to_string(review.decisions_size()), review.title()});
  }
  return table.Render();
}

std::string FormatPersonTable(const Repeated<v1::PersonView>& persons) {
  TextTable table({"PERSON", "ACTIVE", "MANAGER", "EMAIL", "NAME"});
  for (const v1::PersonView& person : persons) {
    table.AddRow({person.person_id(), person.active() ? "yes" : "no", OrDash(person.manager_id()),
                  person.email(), person.display_name()});
  }
  return table.Render();
}

std::string FormatPerson(const v1::PersonView& person) {
  TextTable fields({"", ""});
  fields.AddRow({"Person:", person.person_id()});
  fields.AddRow({"Name:", person.display_name()});
  fields.AddRow({"E-mail:", person.email()});
  fields.AddRow({"Manager:", OrDash(person.manager_id())});
  fields.AddRow({"Active:", person.active() ? "yes" : "no"});
  return fields.Render();
}

std::string FormatDashboard(const v1::Dashboard& dashboard) {
  std::string scope = "tenant";
  if (!dashboard.review_id().empty()) scope = "review " + dashboard.review_id();
  if (!dashboard.owner_id().empty()) scope = "owner " + dashboard.owner_id();
  std::string text = "Dashboard for " + scope + ", today " + DateText(dashboard.today()) + "\n";
  TextTable counts({"", ""});
  auto count = [&counts](std::string label, int64_t value) {
    counts.AddRow({std::move(label), std::to_string(value)});
  };
  count("Actions", dashboard.total_actions());
  for (const v1::StatusCount& status : dashboard.by_status()) {
    count("  " + ActionStatusLabel(status.status()), status.count());
  }
  count("Open (not final)", dashboard.open_actions());
  count("Overdue", dashboard.overdue());
  count("Due within 7 days", dashboard.due_within_7_days());
  count("Closed on time", dashboard.closed_on_time());
  count("Closed late", dashboard.closed_late());
  counts.AddRow({"Median days to close", Decimal(dashboard.median_days_to_close())});
  counts.AddRow({"Closures with evidence", std::to_string(dashboard.closures_with_evidence()) +
                                               " (" + Percent(dashboard.evidence_closure_share()) +
                                               ")"});
  count("Deadline moves", dashboard.deadline_moves());
  std::string rendered = counts.Render();
  text += rendered.substr(rendered.find('\n') + 1);  // the blank header row
  if (dashboard.days_to_close_size() > 0) {
    std::vector<std::string> buckets;
    for (const v1::DaysToCloseCount& bucket : dashboard.days_to_close()) {
      buckets.push_back(std::to_string(bucket.days()) + "d: " + std::to_string(bucket.count()));
    }
    text += "Days to close: " + Join(buckets, ", ") + "\n";
  }
  return text;
}

std::string FormatInputPack(const v1::ReviewInputPack& pack) {
  std::string text =
      "Review input (clause 9.3.2 a), status of actions from previous reviews, today " +
      DateText(pack.today()) + "\n";
  if (pack.sections_size() == 0) text += "No earlier reviews.\n";
  for (const v1::ReviewInputPackSection& section : pack.sections()) {
    text += "\n" + section.review_id() + "  held " + DateText(section.held_on()) + "  " +
            section.title() + "\n";
    if (section.actions_size() == 0) {
      text += "  (no actions)\n";
      continue;
    }
    TextTable table({"ACTION", "STATUS", "OWNER", "DUE", "OVERDUE", "SLIPS", "EVIDENCE", "TITLE"});
    for (const v1::ActionView& action : section.actions()) {
      table.AddRow({action.action_id(), ActionStatusLabel(action.status()),
                    OrDash(action.owner_id()), OrDash(DueText(action)),
                    action.overdue() ? "overdue" : "", std::to_string(action.deadline_changes()),
                    std::to_string(action.evidence_size()), action.title()});
    }
    text += table.Render();
  }
  return text;
}

std::string FormatReadiness(const v1::AuditReadinessReport& report) {
  std::string text = "Audit readiness on " + DateText(report.today()) + ": ";
  if (report.findings_size() == 0) return text + "no findings.\n";
  text += std::to_string(report.findings_size()) +
          (report.findings_size() == 1 ? " finding\n" : " findings\n");
  TextTable table({"FINDING", "SUBJECT", "DESCRIPTION"});
  for (const v1::AuditFinding& finding : report.findings()) {
    table.AddRow(
        {EnumSpelling(*v1::AuditFindingType_descriptor(), finding.type(), "AUDIT_FINDING_TYPE_"),
         finding.subject(), finding.description()});
  }
  return text + table.Render();
}

std::string FormatPageFooter(int count, std::string_view noun, std::string_view next_page_token) {
  if (count == 1 && noun.ends_with('s')) noun.remove_suffix(1);
  std::string text = std::to_string(count) + " " + std::string(noun) + ".";
  if (!next_page_token.empty()) {
    text += " More: --page-token " + std::string(next_page_token) + " (or --all).";
  }
  return text + "\n";
}

}  // namespace reviewtrail::cli
