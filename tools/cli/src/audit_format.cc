#include "reviewtrail/cli/audit_format.h"

#include <vector>

#include "google/protobuf/util/time_util.h"
#include "reviewtrail/cli/export_progress.h"
#include "reviewtrail/cli/proto_json.h"
#include "reviewtrail/cli/query_format.h"
#include "reviewtrail/cli/text_table.h"
#include "reviewtrail/cli/value_parsers.h"
#include "text.h"

namespace reviewtrail::cli {
namespace {

std::string HeadText(int64_t sequence, const std::string& hash) {
  if (sequence == 0) return "head: none (the log is empty)";
  return "head: entry " + std::to_string(sequence) + ", hash " + hash;
}

void AddLine(std::string& text, const std::string& label, const std::string& value) {
  if (!value.empty()) text += label + ": " + value + "\n";
}

std::string ActionSnapshotStatus(const v1::ActionSnapshot& action) {
  return ActionStatusLabel(action.status()) + (action.overdue() ? ", OVERDUE" : "") + ", " +
         std::to_string(action.percent_complete()) + "% complete";
}

std::string FormatActionSnapshot(const v1::ActionSnapshot& action) {
  std::string text;
  AddLine(text, "Action",
          action.action_id() + " (version " + std::to_string(action.version()) + ")");
  AddLine(text, "Title", action.title());
  AddLine(text, "Status", ActionSnapshotStatus(action));
  AddLine(text, "Owner", action.owner_id());
  AddLine(text, "Due", DateText(action.due_date()));
  AddLine(text, "Review / decision", action.review_id() + " / " + action.decision_id());
  AddLine(text, "Expected outcome", action.expected_outcome());
  AddLine(text, "Completion criteria", action.completion_criteria());
  AddLine(text, "Approver", action.approver_id());
  AddLine(text, "Cancel reason", action.cancel_reason());
  AddLine(text, "Changes",
          "owner " + std::to_string(action.owner_changes()) + ", deadline " +
              std::to_string(action.deadline_changes()) + ", rejections " +
              std::to_string(action.rejections()) + ", reminders " +
              std::to_string(action.reminders_sent()) + ", highest escalation " +
              std::to_string(action.highest_escalation()));
  if (action.evidence_size() > 0) {
    TextTable evidence({"EVIDENCE", "KIND", "SHA-256", "ATTACHED", "URI"});
    for (const v1::EvidenceSnapshot& item : action.evidence()) {
      evidence.AddRow({item.evidence_id(),
                       EnumSpelling(*v1::EvidenceKind_descriptor(), item.kind(), "EVIDENCE_KIND_"),
                       item.sha256(), TimestampText(item.attached_at()), item.uri()});
    }
    text += evidence.Render();
  }
  return text;
}

std::string FormatReviewSnapshot(const v1::ReviewSnapshot& review) {
  std::string text;
  AddLine(text, "Review",
          review.review_id() + " (version " + std::to_string(review.version()) + ")");
  AddLine(text, "Title", review.title());
  AddLine(text, "Held on", DateText(review.held_on()));
  AddLine(text, "Chair", review.chair_id());
  std::vector<std::string> attendees(review.attendee_ids().begin(), review.attendee_ids().end());
  AddLine(text, "Attendees", Join(attendees, ", "));
  AddLine(text, "Minutes", review.minutes_uri());
  if (review.decisions_size() > 0) {
    TextTable decisions({"DECISION", "CATEGORY", "SUMMARY"});
    for (const v1::DecisionSnapshot& decision : review.decisions()) {
      decisions.AddRow({decision.decision_id(),
                        EnumSpelling(*v1::DecisionCategory_descriptor(), decision.category(),
                                     "DECISION_CATEGORY_"),
                        decision.summary()});
    }
    text += "\n" + decisions.Render();
  }
  if (review.actions_size() > 0) {
    TextTable actions({"ACTION", "STATUS", "OWNER", "DUE", "OVERDUE", "TITLE"});
    for (const v1::ActionSnapshot& action : review.actions()) {
      actions.AddRow({action.action_id(), ActionStatusLabel(action.status()), action.owner_id(),
                      DateText(action.due_date()), action.overdue() ? "overdue" : "",
                      action.title()});
    }
    text += "\n" + actions.Render();
  }
  return text;
}

}  // namespace

nlohmann::json ChainHeadJson(const v1::ExportTrailer& trailer,
                             const v1::ExportAuditLogRequest& request, const ExportedFile& file) {
  nlohmann::json filters = MessageToJson(request);
  filters.erase("format");
  // The trailer's fields at the top level, as the reference verification script reads them
  // (docs/AUDIT.md), then what the CLI adds: the request and the file.
  nlohmann::json document = {
      {"entries_exported", trailer.entries_exported()},
      {"head_sequence", trailer.head_sequence()},
      {"head_hash", trailer.head_hash()},
      {"canonical_encoding", trailer.canonical_encoding()},
      {"how_to_verify", trailer.how_to_verify()},
      {"chain", trailer.chain()},
      {"chain_id", trailer.chain_id()},
      {"provably_complete", trailer.provably_complete()},
      {"completeness", trailer.completeness()},
      {"first_sequence", trailer.first_sequence()},
      {"first_prev_sequence", trailer.first_prev_sequence()},
      {"first_prev_hash", trailer.first_prev_hash()},
      {"last_sequence", trailer.last_sequence()},
      {"last_hash", trailer.last_hash()},
      {"chain_last_sequence", trailer.chain_last_sequence()},
      {"chain_last_hash", trailer.chain_last_hash()},
      {"request", std::move(filters)},
      {"file",
       {{"path", file.path},
        {"format", file.format},
        {"bytes", file.bytes},
        {"rows", file.rows},
        {"sha256", file.sha256}}},
  };
  // Present only when the export asked for them, as in the trailer's JSON.
  if (trailer.has_recorded_from()) {
    document["recorded_from"] = google::protobuf::util::TimeUtil::ToString(trailer.recorded_from());
  }
  if (trailer.has_recorded_until()) {
    document["recorded_until"] =
        google::protobuf::util::TimeUtil::ToString(trailer.recorded_until());
  }
  return document;
}

std::string FormatExportSummary(const v1::ExportTrailer& trailer, const ExportedFile& file,
                                const std::string& chain_head_path) {
  std::string text = "Exported " + std::to_string(trailer.entries_exported()) + " entries (" +
                     FormatBytes(file.bytes) + ", sha256 " + file.sha256 + ") to " + file.path +
                     "; chain " + HeadText(trailer.head_sequence(), trailer.head_hash()) +
                     "; kept in " + chain_head_path + "\n";
  if (!trailer.provably_complete() && !trailer.completeness().empty()) {
    text += "Not provably complete: " + trailer.completeness() + "\n";
  }
  return text;
}

std::string FormatVerifyResult(const v1::VerifyAuditLogResponse& response) {
  std::string text;
  if (response.intact()) {
    text = "OK: chain intact";
  } else {
    const v1::BrokenEntry& broken = response.first_broken();
    text = "BROKEN: entry " + std::to_string(broken.sequence()) + ": " + broken.reason();
    if (!broken.description().empty()) text += ": " + broken.description();
  }
  return text + "; " + std::to_string(response.entries_checked()) + " entries checked; " +
         HeadText(response.head_sequence(), response.head_hash()) + "\n";
}

std::string FormatStateAsOf(const v1::GetStateAsOfResponse& response) {
  std::string text = "As of " + TimestampText(response.as_of()) + ": " +
                     std::to_string(response.events_replayed()) +
                     " events replayed (last audit entry " +
                     std::to_string(response.last_sequence()) + ")\n";
  if (response.has_action()) text += FormatActionSnapshot(response.action());
  if (response.has_review()) text += FormatReviewSnapshot(response.review());
  return text;
}

}  // namespace reviewtrail::cli
