#include "decide_support.h"

#include <array>
#include <cstdio>

#include "google/protobuf/util/time_util.h"

namespace reviewtrail::domain {
namespace {

// FNV-1a, 64 bit, seeded: two independent seeds give 128 bits, ample for ids unique per tenant.
uint64_t Fnv1a(uint64_t seed, std::initializer_list<std::string_view> parts) {
  uint64_t hash = seed;
  for (std::string_view part : parts) {
    for (char c : part) {
      hash ^= static_cast<unsigned char>(c);
      hash *= 0x100000001b3ULL;
    }
    hash ^= 0xFF;  // separator, so ("ab","c") and ("a","bc") differ
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::string RoleNames(std::initializer_list<v1::Role> roles) {
  std::string names;
  for (v1::Role role : roles) {
    if (!names.empty()) names += " or ";
    std::string name = v1::Role_Name(role).substr(5);  // drop "ROLE_"
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    names += name;
  }
  return names;
}

}  // namespace

std::string DeriveId(std::string_view prefix, std::string_view tenant_id,
                     std::string_view command_id, std::string_view discriminator) {
  const uint64_t high = Fnv1a(0xcbf29ce484222325ULL, {tenant_id, command_id, discriminator});
  const uint64_t low = Fnv1a(0x84222325cbf29ce4ULL, {discriminator, command_id, tenant_id});
  std::array<char, 32> hex{};
  std::snprintf(hex.data(), hex.size(), "%016llx%08llx", static_cast<unsigned long long>(high),
                static_cast<unsigned long long>(low >> 32));
  return std::string(prefix) + "-" + hex.data();
}

DecisionBuilder::DecisionBuilder(const CommandContext& context, std::string_view command_id,
                                 v1::AggregateType type, std::string aggregate_id,
                                 int64_t current_version)
    : context_(context), command_id_(command_id) {
  decision_.aggregate_type = type;
  decision_.aggregate_id = std::move(aggregate_id);
  decision_.version = current_version;
}

v1::EventEnvelope& DecisionBuilder::AddEvent() {
  ++decision_.version;
  v1::EventEnvelope& event = decision_.events.emplace_back();
  event.set_event_id(
      DeriveId("evt", context_.tenant_id, command_id_, std::to_string(decision_.events.size())));
  event.set_tenant_id(context_.tenant_id);
  event.set_aggregate_type(decision_.aggregate_type);
  event.set_aggregate_id(decision_.aggregate_id);
  event.set_aggregate_version(decision_.version);
  *event.mutable_occurred_at() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(context_.now);
  *event.mutable_recorded_at() = event.occurred_at();
  event.mutable_actor()->set_person_id(context_.actor_id);
  for (v1::Role role : context_.roles) event.mutable_actor()->add_roles(role);
  event.set_command_id(command_id_);
  event.set_correlation_id(context_.correlation_id.empty() ? command_id_ : context_.correlation_id);
  event.set_causation_id(context_.causation_id);
  event.set_command_fingerprint(context_.command_fingerprint);
  event.set_traceparent(context_.traceparent);
  return event;
}

Decision DecisionBuilder::Build() && { return std::move(decision_); }

DomainError PermissionDenied(std::string rule, std::string message) {
  return DomainError{
      .code = ErrorCode::kPermissionDenied, .rule = std::move(rule), .message = std::move(message)};
}

DomainError NotFound(std::string subject, std::string message) {
  return DomainError{.code = ErrorCode::kNotFound,
                     .rule = "NOT_FOUND",
                     .subject = std::move(subject),
                     .message = std::move(message)};
}

DomainError Precondition(std::string rule, std::string subject, std::string state,
                         std::string message) {
  return DomainError{.code = ErrorCode::kFailedPrecondition,
                     .rule = std::move(rule),
                     .subject = std::move(subject),
                     .state = std::move(state),
                     .message = std::move(message)};
}

DomainError AlreadyExists(std::string subject, std::string message) {
  return DomainError{.code = ErrorCode::kAlreadyExists,
                     .rule = "ALREADY_EXISTS",
                     .subject = std::move(subject),
                     .message = std::move(message)};
}

std::optional<DomainError> RequireAnyRole(const CommandContext& context,
                                          std::initializer_list<v1::Role> roles,
                                          std::string_view what) {
  for (v1::Role role : roles) {
    if (context.HasRole(role)) return std::nullopt;
  }
  return PermissionDenied("ROLE_REQUIRED",
                          std::string(what) + " requires the role " + RoleNames(roles));
}

std::optional<DomainError> CheckExpectedVersion(bool has_expected, int64_t expected, int64_t actual,
                                                std::string_view subject) {
  if (!has_expected || expected == actual) return std::nullopt;
  return DomainError{.code = ErrorCode::kConflict,
                     .rule = "VERSION_CONFLICT",
                     .subject = std::string(subject),
                     .state = "version " + std::to_string(actual),
                     .message = std::string(subject) + " is at version " + std::to_string(actual) +
                                ", not the expected " + std::to_string(expected)};
}

std::optional<DomainError> RequireActivePerson(const StateView& state, const std::string& person_id,
                                               std::string_view field, std::string_view rule) {
  const PersonState* person = state.FindPerson(person_id);
  if (person == nullptr) {
    return Precondition(std::string(rule), PersonName(person_id), "UNKNOWN",
                        std::string(field) + " '" + person_id +
                            "' is not a registered person of this organisation; it must name one "
                            "person, not a team, a role or a department");
  }
  if (!person->active) {
    return Precondition(std::string(rule), PersonName(person_id), "DEACTIVATED",
                        std::string(field) + " '" + person_id + "' is a deactivated person");
  }
  return std::nullopt;
}

std::string PersonName(std::string_view id) { return "persons/" + std::string(id); }
std::string ReviewName(std::string_view id) { return "reviews/" + std::string(id); }
std::string ActionName(std::string_view id) { return "actions/" + std::string(id); }

}  // namespace reviewtrail::domain
