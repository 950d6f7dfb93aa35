#include "decide_support.h"
#include "reviewtrail/domain/decide.h"
#include "reviewtrail/domain/limits.h"
#include "validation.h"

namespace reviewtrail::domain {

Result<Decision> Decide(const StateView& state, const v1::RegisterPersonRequest& command,
                        const CommandContext& context) {
  if (auto denied = RequireAnyRole(context, {v1::ROLE_ISMS_MANAGER}, "registering a person")) {
    return *denied;
  }
  Violations violations;
  violations.RequireCommandId(command.command_id());
  violations.OptionalId("person_id", command.person_id());
  violations.RequireText("display_name", command.display_name(), kMaxNameLength);
  violations.RequireText("email", command.email(), kMaxEmailLength);
  if (!command.email().empty() && (command.email().find('@') == std::string::npos ||
                                   command.email().find(' ') != std::string::npos)) {
    violations.Add("email", "must be an e-mail address like name@example.com");
  }
  violations.OptionalId("manager_id", command.manager_id());
  if (!violations.empty()) return violations.ToError();

  const std::string id = command.person_id().empty()
                             ? DeriveId("per", context.tenant_id, command.command_id(), "person")
                             : command.person_id();
  const PersonState* existing = state.FindPerson(id);
  const int64_t version = existing == nullptr ? 0 : existing->version;
  if (auto conflict = CheckExpectedVersion(command.has_expected_version(),
                                           command.expected_version(), version, PersonName(id))) {
    return *conflict;
  }
  if (existing != nullptr) {
    return AlreadyExists(PersonName(id), "person '" + id + "' is already registered");
  }
  if (!command.manager_id().empty()) {
    if (command.manager_id() == id) {
      return Precondition("MANAGER_NOT_SELF", PersonName(id), "",
                          "a person cannot manage themself");
    }
    if (auto bad = RequireActivePerson(state, command.manager_id(), "manager_id",
                                       "MANAGER_NOT_ACTIVE_PERSON")) {
      return *bad;
    }
  }

  DecisionBuilder builder(context, command.command_id(), v1::AGGREGATE_TYPE_PERSON, id, version);
  auto* registered = builder.AddEvent().mutable_person_registered();
  registered->set_person_id(id);
  registered->set_display_name(command.display_name());
  registered->set_email(command.email());
  registered->set_manager_id(command.manager_id());
  return std::move(builder).Build();
}

Result<Decision> Decide(const StateView& state, const v1::DeactivatePersonRequest& command,
                        const CommandContext& context) {
  if (auto denied = RequireAnyRole(context, {v1::ROLE_ISMS_MANAGER}, "deactivating a person")) {
    return *denied;
  }
  Violations violations;
  violations.RequireCommandId(command.command_id());
  violations.RequireId("person_id", command.person_id());
  violations.RequireText("reason", command.reason(), kMaxReasonLength);
  if (!violations.empty()) return violations.ToError();

  const PersonState* person = state.FindPerson(command.person_id());
  if (person == nullptr) {
    return NotFound(PersonName(command.person_id()),
                    "person '" + command.person_id() + "' does not exist");
  }
  if (auto conflict =
          CheckExpectedVersion(command.has_expected_version(), command.expected_version(),
                               person->version, PersonName(person->id))) {
    return *conflict;
  }
  if (!person->active) {
    return Precondition("PERSON_ACTIVE", PersonName(person->id), "DEACTIVATED",
                        "person '" + person->id + "' is already deactivated");
  }

  DecisionBuilder builder(context, command.command_id(), v1::AGGREGATE_TYPE_PERSON, person->id,
                          person->version);
  auto* deactivated = builder.AddEvent().mutable_person_deactivated();
  deactivated->set_person_id(person->id);
  deactivated->set_reason(command.reason());
  return std::move(builder).Build();
}

}  // namespace reviewtrail::domain
