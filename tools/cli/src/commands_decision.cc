#include "reviewtrail/cli/command_registry.h"
#include "reviewtrail/cli/request_builders.h"

namespace reviewtrail::cli {

void AddDecisionCommands(CLI::App& app, CommandRegistry& registry) {
  CLI::App* area = app.add_subcommand(
      "decision",
      "Decisions of a management review (clause 9.3.3): on continual improvement "
      "opportunities and on any needed changes to the ISMS.");
  area->require_subcommand(1);

  auto record = registry.Add<v1::RecordDecisionRequest>(
      *area, "record",
      "Record a decision taken in a management review. Actions are then assigned to carry it "
      "out. Needs the ISMS manager role.",
      "Recorded decision on review", &CommandStub::RecordDecision);
  record.invocation->entity_label = "decision";
  v1::RecordDecisionRequest* request = record.request;
  record.app
      ->add_option("--review", *request->mutable_review_id(),
                   "The recorded review the decision was taken in (rev-...).")
      ->type_name("REVIEW_ID")
      ->required();
  record.app
      ->add_option("--summary", *request->mutable_summary(),
                   "The decision in one sentence, e.g. \"Introduce phishing training for all "
                   "staff\".")
      ->required();
  record.app
      ->add_option("--rationale", *request->mutable_rationale(),
                   "Why management decided so, e.g. the audit finding or risk behind it.")
      ->required();
  AddParsedFlag(
      *record.app, "--category", ParseDecisionCategory,
      [request](v1::DecisionCategory category) { request->set_category(category); },
      "What clause 9.3.3 asks the decision to be about: improvement (a continual improvement "
      "opportunity), isms-change (a needed change to the ISMS) or resource-need (people, "
      "budget or tools the ISMS needs).")
      ->type_name(DecisionCategoryChoices())
      ->required();
  AddLinkFlag(*record.app, request->mutable_links(), "the decision");
}

}  // namespace reviewtrail::cli
