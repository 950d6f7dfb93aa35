#include "reviewtrail/cli/command_registry.h"
#include "reviewtrail/cli/request_builders.h"

namespace reviewtrail::cli {
namespace {

constexpr char kActionHelp[] = "The action (act-...).";

// --action ACTION_ID, required by every command on an existing action.
void AddActionIdFlag(CLI::App& app, std::string* action_id) {
  app.add_option("--action", *action_id, kActionHelp)->type_name("ACTION_ID")->required();
}

void AddAssign(CLI::App& area, CommandRegistry& registry) {
  auto assign = registry.Add<v1::AssignActionRequest>(
      area, "assign",
      "Assign a new action that carries out a review decision, to one named person with a due "
      "date. Clause 9.3.3 needs both: an owner who is an active registered person (not a team) "
      "and a date not before today. Needs the ISMS manager role.",
      "Assigned action", &CommandStub::AssignAction);
  v1::AssignActionRequest* request = assign.request;
  assign.app
      ->add_option("--decision", *request->mutable_decision_id(),
                   "The recorded decision the action carries out (dec-...).")
      ->type_name("DECISION_ID")
      ->required();
  assign.app
      ->add_option("--title", *request->mutable_title(),
                   "What is to be done, short, e.g. \"Roll out phishing training\".")
      ->required();
  assign.app
      ->add_option("--expected-outcome", *request->mutable_expected_outcome(),
                   "What will be different when the action is done, e.g. \"All staff trained; "
                   "click rate in simulations below 5%\".")
      ->required();
  assign.app
      ->add_option("--criteria,--completion-criteria", *request->mutable_completion_criteria(),
                   "How an approver will judge the action complete, i.e. what the evidence must "
                   "show, e.g. \"LMS export showing 100% completion\".")
      ->required();
  assign.app
      ->add_option("--owner", *request->mutable_owner_id(),
                   "The one accountable person: an active registered person of the tenant, never "
                   "a team, role or department.")
      ->type_name("PERSON_ID")
      ->required();
  AddDateFlag(
      *assign.app, "--due,--due-date", [request] { return request->mutable_due_date(); },
      "The date the action must be done by; not before today.")
      ->required();
  AddLinkFlag(*assign.app, request->mutable_links(), "the action");
}

void AddReassign(CLI::App& area, CommandRegistry& registry) {
  auto reassign = registry.Add<v1::ReassignActionRequest>(
      area, "reassign",
      "Give an action to another owner, e.g. when the owner leaves. Counted in the action's "
      "history. Needs the ISMS manager role.",
      "Reassigned action", &CommandStub::ReassignAction);
  AddActionIdFlag(*reassign.app, reassign.request->mutable_action_id());
  reassign.app
      ->add_option("--new-owner,--owner", *reassign.request->mutable_new_owner_id(),
                   "The new owner: an active registered person other than the current owner.")
      ->type_name("PERSON_ID")
      ->required();
  reassign.app
      ->add_option("--reason", *reassign.request->mutable_reason(),
                   "Why the owner changes, for the audit trail.")
      ->required();
}

void AddReschedule(CLI::App& area, CommandRegistry& registry) {
  auto reschedule = registry.Add<v1::RescheduleActionRequest>(
      area, "reschedule",
      "Move an action's due date. Counted in the action's history, so repeated postponing shows "
      "in reports. Needs the ISMS manager role.",
      "Rescheduled action", &CommandStub::RescheduleAction);
  v1::RescheduleActionRequest* request = reschedule.request;
  AddActionIdFlag(*reschedule.app, request->mutable_action_id());
  AddDateFlag(
      *reschedule.app, "--new-due,--due", [request] { return request->mutable_new_due_date(); },
      "The new due date; not before today and different from the current one.")
      ->required();
  reschedule.app
      ->add_option("--reason", *request->mutable_reason(),
                   "Why the date moves, for the audit trail.")
      ->required();
}

void AddProgress(CLI::App& area, CommandRegistry& registry) {
  auto progress = registry.Add<v1::ReportProgressRequest>(
      area, "progress",
      "Report progress on an action; the first report moves it from open to in progress. By the "
      "owner.",
      "Reported progress on action", &CommandStub::ReportProgress);
  AddActionIdFlag(*progress.app, progress.request->mutable_action_id());
  progress.app
      ->add_option("--note", *progress.request->mutable_note(),
                   "What has been done since the last report.")
      ->required();
  progress.app
      ->add_option_function<int32_t>(
          "--percent,--percent-complete",
          [request = progress.request](int32_t percent) { request->set_percent_complete(percent); },
          "The owner's estimate of how complete the action is, 0-100.")
      ->type_name("0-100")
      ->check(CLI::Range(0, 100).description(""));
}

void AddCancel(CLI::App& area, CommandRegistry& registry) {
  auto cancel = registry.Add<v1::CancelActionRequest>(
      area, "cancel",
      "Cancel an action that is no longer needed, e.g. because a later review revoked the "
      "decision. Final. Needs the ISMS manager role.",
      "Cancelled action", &CommandStub::CancelAction);
  AddActionIdFlag(*cancel.app, cancel.request->mutable_action_id());
  cancel.app
      ->add_option("--reason", *cancel.request->mutable_reason(),
                   "Why the action is cancelled, for the audit trail.")
      ->required();
}

void AddRequestClosure(CLI::App& area, CommandRegistry& registry) {
  auto request_closure = registry.Add<v1::RequestClosureRequest>(
      area, "request-closure",
      "Ask for the action to be closed because it is done. By the owner, and only with at least "
      "one piece of evidence attached (see `evidence attach`).",
      "Requested closure of action", &CommandStub::RequestClosure);
  AddActionIdFlag(*request_closure.app, request_closure.request->mutable_action_id());
  request_closure.app->add_option("--note", *request_closure.request->mutable_note(),
                                  "Optional: a word to the approver, e.g. where to look.");
}

void AddApprove(CLI::App& area, CommandRegistry& registry) {
  auto approve = registry.Add<v1::ApproveClosureRequest>(
      area, "approve",
      "Approve a requested closure: the evidence meets the completion criteria. Closes the "
      "action (final). By an ISMS manager who is not the action's owner.",
      "Approved closure of action", &CommandStub::ApproveClosure);
  AddActionIdFlag(*approve.app, approve.request->mutable_action_id());
  approve.app->add_option("--note", *approve.request->mutable_note(),
                          "Optional: the approver's remark for the audit trail.");
}

void AddReject(CLI::App& area, CommandRegistry& registry) {
  auto reject = registry.Add<v1::RejectClosureRequest>(
      area, "reject",
      "Reject a requested closure: the action goes back to in progress. By an ISMS manager who "
      "is not the action's owner.",
      "Rejected closure of action", &CommandStub::RejectClosure);
  AddActionIdFlag(*reject.app, reject.request->mutable_action_id());
  reject.app
      ->add_option("--reason", *reject.request->mutable_reason(),
                   "What is missing, so the owner knows what to do, e.g. \"evidence shows only "
                   "80% trained\".")
      ->required();
}

}  // namespace

void AddActionCommands(CLI::App& app, CommandRegistry& registry) {
  CLI::App* area = app.add_subcommand(
      "action",
      "Actions carrying out review decisions (clause 9.3.3). Lifecycle: open -> in progress -> "
      "closure requested -> closed; a rejected closure returns to in progress; cancel from any "
      "state that is not final.");
  area->require_subcommand(1);
  AddAssign(*area, registry);
  AddReassign(*area, registry);
  AddReschedule(*area, registry);
  AddProgress(*area, registry);
  AddCancel(*area, registry);
  AddRequestClosure(*area, registry);
  AddApprove(*area, registry);
  AddReject(*area, registry);
}

}  // namespace reviewtrail::cli
