#include "reviewtrail/cli/command_registry.h"

namespace reviewtrail::cli {

void AddPersonCommands(CLI::App& app, CommandRegistry& registry) {
  CLI::App* area = app.add_subcommand(
      "person",
      "People of the organisation. Only a registered, active person can own an action, chair a "
      "review or receive reminders: never a team, a role or a department such as \"IT\".");
  area->require_subcommand(1);

  auto reg = registry.Add<v1::RegisterPersonRequest>(
      *area, "register", "Register a person so they can own actions and take part in reviews.",
      "Registered person", &CommandStub::RegisterPerson);
  reg.app
      ->add_option("--person", *reg.request->mutable_person_id(),
                   "The person's id, usually the subject (sub) of their tokens at the identity "
                   "provider; 1-64 of letters, digits and . _ @ -. Default: derived from the "
                   "command id.")
      ->type_name("ID");
  reg.app
      ->add_option("--display-name", *reg.request->mutable_display_name(),
                   "The name shown in reviews, reminders and reports, e.g. \"Dana Schulz\".")
      ->required();
  reg.app
      ->add_option("--email", *reg.request->mutable_email(),
                   "Where reminders and escalations reach the person, e.g. dana@example.com.")
      ->required();
  reg.app
      ->add_option("--manager", *reg.request->mutable_manager_id(),
                   "Optional: the person's line manager (an active registered person), who "
                   "receives escalations of their overdue actions.")
      ->type_name("PERSON_ID");

  auto deactivate = registry.Add<v1::DeactivatePersonRequest>(
      *area, "deactivate",
      "Deactivate a person who left or changed role. Their open actions keep them as owner "
      "until reassigned; they can no longer be given new ones.",
      "Deactivated person", &CommandStub::DeactivatePerson);
  deactivate.app
      ->add_option("--person", *deactivate.request->mutable_person_id(),
                   "The id of the person to deactivate.")
      ->type_name("ID")
      ->required();
  deactivate.app
      ->add_option("--reason", *deactivate.request->mutable_reason(),
                   "Why, for the audit trail, e.g. \"left the company on 2026-11-30\".")
      ->required();
}

}  // namespace reviewtrail::cli
