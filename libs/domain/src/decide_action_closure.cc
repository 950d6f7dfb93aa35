// Deciders of the work on an action and its closure: progress, evidence, request, approve, reject.
#include <algorithm>
#include <cctype>

#include "action_checks.h"
#include "decide_support.h"
#include "reviewtrail/domain/decide.h"
#include "reviewtrail/domain/limits.h"
#include "validation.h"

namespace reviewtrail::domain {
namespace {

bool LooksLikeMediaType(std::string_view media_type) {
  const size_t slash = media_type.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == media_type.size()) return false;
  return std::all_of(media_type.begin(), media_type.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '/' || c == '.' || c == '+' ||
           c == '-' || c == '_' || c == ';' || c == '=' || c == ' ';
  });
}

std::string Lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

Result<Decision> Decide(const StateView& state, const v1::ReportProgressRequest& command,
                        const CommandContext& context) {
  Violations violations;
  violations.RequireCommandId(command.command_id());
  violations.RequireId("action_id", command.action_id());
  violations.RequireText("note", command.note(), kMaxTextLength);
  if (command.percent_complete() < 0 || command.percent_complete() > 100) {
    violations.Add("percent_complete", "must be between 0 and 100");
  }
  if (!violations.empty()) return violations.ToError();

  auto action = FindActionForCommand(state, command.action_id(), command);
  if (!action.ok()) return action.error();
  const ActionState& current = *action.value();
  if (auto denied = RequireOwner(current, context, true, "reporting progress")) return *denied;
  if (auto wrong = RequireStatus(current, {v1::ACTION_STATUS_OPEN, v1::ACTION_STATUS_IN_PROGRESS},
                                 "report progress on")) {
    return *wrong;
  }

  DecisionBuilder builder(context, command.command_id(), v1::AGGREGATE_TYPE_ACTION, current.id,
                          current.version);
  auto* progress = builder.AddEvent().mutable_progress_reported();
  progress->set_action_id(current.id);
  progress->set_note(command.note());
  progress->set_percent_complete(command.percent_complete());
  return std::move(builder).Build();
}

Result<Decision> Decide(const StateView& state, const v1::AttachEvidenceRequest& command,
                        const CommandContext& context) {
  Violations violations;
  violations.RequireCommandId(command.command_id());
  violations.RequireId("action_id", command.action_id());
  if (command.kind() == v1::EVIDENCE_KIND_UNSPECIFIED ||
      !v1::EvidenceKind_IsValid(command.kind())) {
    violations.Add("kind",
                   "is required: POLICY_REVISION, TRAINING_RECORD, CONTROL_UPDATE, TEST_RESULT, "
                   "RISK_REGISTER_EXTRACT, SCREENSHOT, APPROVAL_MINUTES or OTHER");
  }
  violations.OptionalText("description", command.description(), kMaxSummaryLength);
  violations.RequireUri("uri", command.uri());
  if (command.sha256().size() != 64 || !IsLowerOrUpperHex(command.sha256())) {
    violations.Add("sha256", "must be the SHA-256 of the artefact: exactly 64 hex digits");
  }
  if (command.size_bytes() <= 0) violations.Add("size_bytes", "must be greater than 0");
  if (command.media_type().size() > kMaxNameLength) {
    violations.Add("media_type", "must be at most " + std::to_string(kMaxNameLength) +
                                     " bytes, got " + std::to_string(command.media_type().size()));
  } else if (!command.media_type().empty() && !LooksLikeMediaType(command.media_type())) {
    violations.Add("media_type", "must be a media type like application/pdf");
  }
  if (!violations.empty()) return violations.ToError();

  auto action = FindActionForCommand(state, command.action_id(), command);
  if (!action.ok()) return action.error();
  const ActionState& current = *action.value();
  if (auto denied = RequireOwner(current, context, true, "attaching evidence")) return *denied;
  if (auto final_state = RequireNotFinal(current, "attach evidence to")) return *final_state;
  if (current.evidence.size() >= kMaxEvidencePerAction) {
    return Precondition(
        "EVIDENCE_LIMIT", ActionName(current.id), StatusName(current.status),
        "an action holds at most " + std::to_string(kMaxEvidencePerAction) + " pieces of evidence");
  }

  DecisionBuilder builder(context, command.command_id(), v1::AGGREGATE_TYPE_ACTION, current.id,
                          current.version);
  auto* attached = builder.AddEvent().mutable_evidence_attached();
  attached->set_action_id(current.id);
  attached->set_evidence_id(DeriveId("evd", context.tenant_id, command.command_id(), "evidence"));
  attached->set_kind(command.kind());
  attached->set_description(command.description());
  attached->set_uri(command.uri());
  attached->set_sha256(Lowercase(command.sha256()));
  attached->set_size_bytes(command.size_bytes());
  attached->set_media_type(command.media_type());
  return std::move(builder).Build();
}

Result<Decision> Decide(const StateView& state, const v1::RequestClosureRequest& command,
                        const CommandContext& context) {
  Violations violations;
  violations.RequireCommandId(command.command_id());
  violations.RequireId("action_id", command.action_id());
  violations.OptionalText("note", command.note(), kMaxTextLength);
  if (!violations.empty()) return violations.ToError();

  auto action = FindActionForCommand(state, command.action_id(), command);
  if (!action.ok()) return action.error();
  const ActionState& current = *action.value();
  if (auto denied = RequireOwner(current, context, false, "requesting closure")) return *denied;
  if (auto wrong = RequireStatus(current, {v1::ACTION_STATUS_IN_PROGRESS}, "request closure of")) {
    return *wrong;
  }
  if (current.evidence.empty()) {
    return Precondition("EVIDENCE_REQUIRED", ActionName(current.id), StatusName(current.status),
                        "closure needs at least one piece of evidence attached to the action");
  }

  DecisionBuilder builder(context, command.command_id(), v1::AGGREGATE_TYPE_ACTION, current.id,
                          current.version);
  auto* requested = builder.AddEvent().mutable_closure_requested();
  requested->set_action_id(current.id);
  requested->set_note(command.note());
  for (const EvidenceState& evidence : current.evidence) requested->add_evidence_ids(evidence.id);
  return std::move(builder).Build();
}

namespace {

// Approval and rejection (whose callers checked the manager role first): someone who is not the
// action's owner, on a requested closure.
std::optional<DomainError> RequireIndependentReviewer(const ActionState& action,
                                                      const CommandContext& context,
                                                      std::string_view verb) {
  if (context.actor_id == action.owner_id) {
    return PermissionDenied("APPROVER_NOT_OWNER",
                            std::string(verb) +
                                " must be done by someone other than the action's "
                                "owner ('" +
                                action.owner_id + "')");
  }
  return RequireStatus(action, {v1::ACTION_STATUS_CLOSURE_REQUESTED}, verb);
}

}  // namespace

Result<Decision> Decide(const StateView& state, const v1::ApproveClosureRequest& command,
                        const CommandContext& context) {
  if (auto denied = RequireAnyRole(context, {v1::ROLE_ISMS_MANAGER}, "approving closure")) {
    return *denied;
  }
  Violations violations;
  violations.RequireCommandId(command.command_id());
  violations.RequireId("action_id", command.action_id());
  violations.OptionalText("note", command.note(), kMaxTextLength);
  if (!violations.empty()) return violations.ToError();

  auto action = FindActionForCommand(state, command.action_id(), command);
  if (!action.ok()) return action.error();
  const ActionState& current = *action.value();
  if (auto refused = RequireIndependentReviewer(current, context, "approve closure of")) {
    return *refused;
  }

  DecisionBuilder builder(context, command.command_id(), v1::AGGREGATE_TYPE_ACTION, current.id,
                          current.version);
  auto* approved = builder.AddEvent().mutable_closure_approved();
  approved->set_action_id(current.id);
  approved->set_note(command.note());
  return std::move(builder).Build();
}

Result<Decision> Decide(const StateView& state, const v1::RejectClosureRequest& command,
                        const CommandContext& context) {
  if (auto denied = RequireAnyRole(context, {v1::ROLE_ISMS_MANAGER}, "rejecting closure")) {
    return *denied;
  }
  Violations violations;
  violations.RequireCommandId(command.command_id());
  violations.RequireId("action_id", command.action_id());
  violations.RequireText("reason", command.reason(), kMaxReasonLength);
  if (!violations.empty()) return violations.ToError();

  auto action = FindActionForCommand(state, command.action_id(), command);
  if (!action.ok()) return action.error();
  const ActionState& current = *action.value();
  if (auto refused = RequireIndependentReviewer(current, context, "reject closure of")) {
    return *refused;
  }

  DecisionBuilder builder(context, command.command_id(), v1::AGGREGATE_TYPE_ACTION, current.id,
                          current.version);
  auto* rejected = builder.AddEvent().mutable_closure_rejected();
  rejected->set_action_id(current.id);
  rejected->set_reason(command.reason());
  return std::move(builder).Build();
}

}  // namespace reviewtrail::domain
