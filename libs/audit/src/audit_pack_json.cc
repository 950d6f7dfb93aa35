#include <nlohmann/json.hpp>

#include "reviewtrail/audit/audit_pack.h"
#include "reviewtrail/audit/canonical.h"

namespace reviewtrail::audit {
namespace {

using nlohmann::json;

std::string EnumWords(const std::string& name, std::string_view prefix) {
  std::string words = name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : name;
  for (char& c : words) c = c == '_' ? ' ' : static_cast<char>(std::tolower(c));
  return words;
}

json EntryJson(const Entry& entry) {
  return {{"sequence", entry.sequence},
          {"recorded_at", FormatMicros(entry.recorded_at)},
          {"occurred_at", FormatMicros(entry.occurred_at)},
          {"actor_id", entry.actor_id},
          {"actor_roles", entry.actor_roles},
          {"event_type", entry.event_type},
          {"event_id", entry.event_id},
          {"summary", entry.summary},
          {"evidence_sha256", entry.evidence_sha256},
          {"prev_hash", entry.prev_hash},
          {"hash", entry.hash}};
}

json EntriesOfType(const std::vector<Entry>& trail, std::initializer_list<std::string_view> types) {
  json out = json::array();
  for (const Entry& entry : trail) {
    for (std::string_view type : types) {
      if (entry.event_type == type) out.push_back(EntryJson(entry));
    }
  }
  return out;
}

json LinksJson(const std::vector<domain::LinkRef>& links) {
  json out = json::array();
  for (const auto& link : links) {
    out.push_back({{"kind", EnumWords(v1::LinkKind_Name(link.kind), "LINK_KIND_")},
                   {"ref", link.ref},
                   {"title", link.title}});
  }
  return out;
}

json ActionJson(const PackAction& action) {
  const domain::ActionState& s = action.state;
  json evidence = json::array();
  for (const auto& e : s.evidence) {
    evidence.push_back({{"evidence_id", e.id},
                        {"kind", EnumWords(v1::EvidenceKind_Name(e.kind), "EVIDENCE_KIND_")},
                        {"description", e.description},
                        {"uri", e.uri},
                        {"sha256", e.sha256},
                        {"size_bytes", e.size_bytes},
                        {"media_type", e.media_type},
                        {"attached_by", e.attached_by},
                        {"attached_at", FormatMicros(e.attached_at)}});
  }
  json trail = json::array();
  for (const Entry& entry : action.trail) trail.push_back(EntryJson(entry));
  return {{"action_id", s.id},
          {"decision_id", s.decision_id},
          {"title", s.title},
          {"expected_outcome", s.expected_outcome},
          {"completion_criteria", s.completion_criteria},
          {"owner_id", s.owner_id},
          {"due_date", s.due_date.ToString()},
          {"status", domain::StatusName(s.status)},
          {"overdue", action.overdue},
          {"percent_complete", s.percent_complete},
          {"links", LinksJson(s.links)},
          {"evidence", evidence},
          {"approver_id", s.approver_id},
          {"closed_at", s.closed_at == 0 ? "" : FormatMicros(s.closed_at)},
          {"cancel_reason", s.cancel_reason},
          {"owner_changes", s.owner_changes},
          {"deadline_changes", s.deadline_changes},
          {"rejections", s.rejections},
          {"approvals", EntriesOfType(action.trail, {"ClosureApproved", "ClosureRejected"})},
          {"reminders", EntriesOfType(action.trail, {"ReminderSent"})},
          {"escalations", EntriesOfType(action.trail, {"EscalationRaised"})},
          {"trail", trail}};
}

}  // namespace

std::string RenderPackJson(const PackData& pack) {
  const domain::ReviewState& review = pack.review;
  json decisions = json::array();
  for (const auto& decision : review.decisions) {
    json actions = json::array();
    for (const PackAction& action : pack.actions) {
      if (action.state.decision_id == decision.id) actions.push_back(ActionJson(action));
    }
    decisions.push_back({{"decision_id", decision.id},
                         {"summary", decision.summary},
                         {"rationale", decision.rationale},
                         {"category", EnumWords(v1::DecisionCategory_Name(decision.category),
                                                "DECISION_CATEGORY_")},
                         {"links", LinksJson(decision.links)},
                         {"recorded_at", FormatMicros(decision.recorded_at)},
                         {"actions", actions}});
  }
  json inputs = json::array();
  for (v1::ReviewInput input : review.inputs_covered) {
    inputs.push_back(EnumWords(v1::ReviewInput_Name(input), "REVIEW_INPUT_"));
  }
  json trail = json::array();
  for (const Entry& entry : pack.review_trail) trail.push_back(EntryJson(entry));
  json document = {{"format", "reviewtrail-audit-pack-v1"},
                   {"tenant_id", pack.tenant_id},
                   {"generated_at", FormatMicros(pack.generated_at)},
                   {"chain_head", {{"sequence", pack.head_sequence}, {"hash", pack.head_hash}}},
                   {"review",
                    {{"review_id", review.id},
                     {"title", review.title},
                     {"held_on", review.held_on.ToString()},
                     {"chair_id", review.chair_id},
                     {"attendee_ids", review.attendee_ids},
                     {"inputs_covered", inputs},
                     {"minutes_uri", review.minutes_uri},
                     {"decisions", decisions},
                     {"trail", trail}}}};
  return document.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace reviewtrail::audit
