#include "reviewtrail/cli/command_registry.h"
#include "reviewtrail/cli/request_builders.h"

namespace reviewtrail::cli {

void AddReviewCommands(CLI::App& app, CommandRegistry& registry) {
  CLI::App* area = app.add_subcommand(
      "review",
      "Management reviews (ISO 27001 clause 9.3): the meetings where top management "
      "reviews the ISMS and takes the decisions that actions then carry out.");
  area->require_subcommand(1);

  auto record = registry.Add<v1::RecordReviewRequest>(
      *area, "record",
      "Record a management review that has been held (clause 9.3), with who chaired and attended "
      "and which clause 9.3.2 inputs it covered. Needs the ISMS manager role.",
      "Recorded review", &CommandStub::RecordReview);
  v1::RecordReviewRequest* request = record.request;
  record.app
      ->add_option("--title", *request->mutable_title(),
                   "What the review was, e.g. \"ISMS management review Q4 2026\".")
      ->required();
  AddDateFlag(
      *record.app, "--held-on", [request] { return request->mutable_held_on(); },
      "The day the review was held; not in the future.")
      ->required();
  record.app
      ->add_option("--chair", *request->mutable_chair_id(),
                   "The registered, active person who chaired the review (top management).")
      ->type_name("PERSON_ID")
      ->required();
  record.app
      ->add_option_function<std::vector<std::string>>(
          "--attendee",
          [request](const std::vector<std::string>& ids) {
            for (const std::string& id : ids) request->add_attendee_ids(id);
          },
          "A registered person who attended; repeat for each attendee.")
      ->type_name("PERSON_ID")
      ->take_all();
  AddRepeatedParsedFlag(
      *record.app, "--input", ParseReviewInput,
      [request](v1::ReviewInput input) { request->add_inputs_covered(input); },
      "A clause 9.3.2 input the review considered, by its letter; repeat for each: "
      "a status of actions from previous reviews, b changes in external and internal issues, "
      "c changes in needs and expectations of interested parties, d feedback on information "
      "security performance (nonconformities, monitoring, audits, objectives), e feedback from "
      "interested parties, f results of risk assessment and status of the risk treatment plan, "
      "g opportunities for continual improvement.")
      ->type_name("a..g");
  record.app
      ->add_option("--minutes-uri", *request->mutable_minutes_uri(),
                   "Optional: where the minutes live, an absolute https, http, s3, gs or urn URI.")
      ->type_name("URI");
}

}  // namespace reviewtrail::cli
