#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "reviewtrail/audit/audit_pack.h"
#include "reviewtrail/audit/canonical.h"

namespace reviewtrail::audit {
namespace {

constexpr char kStyle[] = R"css(
body{font-family:Helvetica,Arial,sans-serif;font-size:11pt;color:#111;margin:2em}
h1{font-size:18pt;margin-bottom:0}h2{font-size:14pt;border-bottom:1px solid #999}
h3{font-size:12pt;margin-bottom:.3em}
table{border-collapse:collapse;width:100%;margin:.5em 0 1em}
th,td{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#eee}td.hash{font-family:monospace;font-size:8pt;word-break:break-all}
.meta{color:#555}.action{page-break-inside:avoid}
@media print{body{margin:0}a{color:#111;text-decoration:none}}
)css";

std::string Cell(std::string_view text) { return absl::StrCat("<td>", HtmlEscape(text), "</td>"); }
std::string HashCell(std::string_view text) {
  return absl::StrCat("<td class=\"hash\">", HtmlEscape(text), "</td>");
}

std::string Row(std::string_view label, std::string_view value) {
  return absl::StrCat("<tr><th>", HtmlEscape(label), "</th>", Cell(value), "</tr>\n");
}

std::string Words(const std::string& name, std::string_view prefix) {
  std::string words = name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : name;
  for (char& c : words) c = c == '_' ? ' ' : static_cast<char>(std::tolower(c));
  return words;
}

std::string TrailTable(const std::vector<Entry>& trail) {
  std::string out =
      "<table><tr><th>#</th><th>recorded at (UTC)</th><th>actor</th><th>event</th>"
      "<th>what changed</th><th>evidence SHA-256</th><th>entry hash</th></tr>\n";
  for (const Entry& entry : trail) {
    absl::StrAppend(
        &out, "<tr>", Cell(std::to_string(entry.sequence)), Cell(FormatMicros(entry.recorded_at)),
        Cell(absl::StrCat(entry.actor_id, " (", absl::StrJoin(entry.actor_roles, ", "), ")")),
        Cell(entry.event_type), Cell(entry.summary),
        HashCell(absl::StrJoin(entry.evidence_sha256, " ")), HashCell(entry.hash), "</tr>\n");
  }
  return out + "</table>\n";
}

std::string ActionSection(const PackAction& action) {
  const domain::ActionState& s = action.state;
  std::string out = absl::StrCat("<div class=\"action\"><h3>Action ", HtmlEscape(s.id), ": ",
                                 HtmlEscape(s.title), "</h3>\n<table>\n");
  absl::StrAppend(
      &out, Row("Owner", s.owner_id), Row("Due date", s.due_date.ToString()),
      Row("Status", absl::StrCat(domain::StatusName(s.status), action.overdue ? " (overdue)" : "")),
      Row("Expected outcome", s.expected_outcome),
      Row("Completion criteria", s.completion_criteria),
      Row("Progress", absl::StrCat(s.percent_complete, "%")), Row("Approved by", s.approver_id),
      Row("Closed at", s.closed_at == 0 ? "" : FormatMicros(s.closed_at)),
      Row("Cancel reason", s.cancel_reason),
      Row("Owner changes / deadline changes / rejections",
          absl::StrCat(s.owner_changes, " / ", s.deadline_changes, " / ", s.rejections)),
      Row("Reminders / highest escalation",
          absl::StrCat(s.reminders_sent, " / ", s.highest_escalation)),
      "</table>\n");
  if (!s.evidence.empty()) {
    absl::StrAppend(&out,
                    "<table><tr><th>evidence</th><th>kind</th><th>description</th><th>URI</th>"
                    "<th>size</th><th>attached by / at</th><th>SHA-256</th></tr>\n");
    for (const auto& e : s.evidence) {
      absl::StrAppend(&out, "<tr>", Cell(e.id),
                      Cell(Words(v1::EvidenceKind_Name(e.kind), "EVIDENCE_KIND_")),
                      Cell(e.description), Cell(e.uri), Cell(absl::StrCat(e.size_bytes, " B")),
                      Cell(absl::StrCat(e.attached_by, " ", FormatMicros(e.attached_at))),
                      HashCell(e.sha256), "</tr>\n");
    }
    out += "</table>\n";
  }
  absl::StrAppend(&out,
                  "<p class=\"meta\">Trail (approvals, reminders, escalations and every "
                  "other event):</p>\n",
                  TrailTable(action.trail), "</div>\n");
  return out;
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string RenderPackHtml(const PackData& pack) {
  const domain::ReviewState& review = pack.review;
  std::vector<std::string> inputs;
  for (v1::ReviewInput input : review.inputs_covered) {
    inputs.push_back(Words(v1::ReviewInput_Name(input), "REVIEW_INPUT_"));
  }
  std::string out = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Audit pack: ",
      HtmlEscape(review.title), "</title>\n<style>", kStyle, "</style></head>\n<body>\n",
      "<h1>Audit pack: management review ", HtmlEscape(review.title), "</h1>\n",
      "<p class=\"meta\">Organisation ", HtmlEscape(pack.tenant_id), " &middot; generated ",
      FormatMicros(pack.generated_at), " &middot; audit chain head: entry ", pack.head_sequence,
      " <span class=\"hash\">", HtmlEscape(pack.head_hash), "</span></p>\n",
      "<h2>Review</h2>\n<table>\n", Row("Review", review.id),
      Row("Held on", review.held_on.ToString()), Row("Chair", review.chair_id),
      Row("Attendees", absl::StrJoin(review.attendee_ids, ", ")),
      Row("Clause 9.3.2 inputs covered", absl::StrJoin(inputs, "; ")),
      Row("Minutes", review.minutes_uri), "</table>\n");
  for (const auto& decision : review.decisions) {
    absl::StrAppend(
        &out, "<h2>Decision ", HtmlEscape(decision.id), "</h2>\n<table>\n",
        Row("Summary", decision.summary), Row("Rationale", decision.rationale),
        Row("Category", Words(v1::DecisionCategory_Name(decision.category), "DECISION_CATEGORY_")),
        Row("Recorded at", FormatMicros(decision.recorded_at)), "</table>\n");
    for (const PackAction& action : pack.actions) {
      if (action.state.decision_id == decision.id) out += ActionSection(action);
    }
  }
  absl::StrAppend(&out, "<h2>Review trail</h2>\n", TrailTable(pack.review_trail),
                  "<p class=\"meta\">Every entry's hash chains to the one before it "
                  "(SHA-256, docs/AUDIT.md); verify the whole log with VerifyAuditLog or "
                  "<code>reviewtrail audit verify</code>.</p>\n</body></html>\n");
  return out;
}

}  // namespace reviewtrail::audit
