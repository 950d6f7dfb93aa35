#include "reviewtrail/cli/command_registry.h"

namespace reviewtrail::cli {

CLI::App* CommandRegistry::AddCommonFlags(CLI::App& area, const std::string& name,
                                          const std::string& description,
                                          std::function<void(const std::string&)> set_command_id,
                                          std::function<void(int64_t)> set_expected_version,
                                          CommandInvocation* invocation) {
  CLI::App* app = area.add_subcommand(name, description);
  app->add_option_function<std::string>(
         "--command-id", std::move(set_command_id),
         "Idempotency key of this command (1-128 printable ASCII characters). Default: a fresh "
         "random UUID, printed in the output; to retry after a timeout or lost connection, run "
         "the same command again with --command-id set to it: the server applies it at most once "
         "and answers with the original result.")
      ->type_name("ID")
      ->check([](const std::string& id) -> std::string {
        if (id.empty() || id.size() > 128) return "must be 1-128 characters long";
        for (char c : id) {
          if (c < 0x21 || c > 0x7e) return "must contain only printable ASCII without spaces";
        }
        return "";
      });
  app->add_option_function<int64_t>(
         "--expected-version", std::move(set_expected_version),
         "Only apply if the record (person, review or action) is at this version now, e.g. the "
         "version you last saw; 0 means it must not exist yet. A mismatch is refused as a conflict "
         "(ABORTED), so a change made by someone else in between is never overwritten.")
      ->type_name("N")
      ->check(CLI::NonNegativeNumber.description(""));
  app->callback([this, invocation] { chosen_ = invocation; });
  return app;
}

}  // namespace reviewtrail::cli
