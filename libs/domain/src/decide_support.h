#pragma once

// Building blocks shared by the deciders: deterministic ids, envelopes, errors and the checks that
// every command makes (roles, expected_version).

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "reviewtrail/domain/context.h"
#include "reviewtrail/domain/decide.h"
#include "reviewtrail/domain/error.h"

namespace reviewtrail::domain {

// A stable id "<prefix>-<24 hex>" from tenant, command id and a discriminator.
[[nodiscard]] std::string DeriveId(std::string_view prefix, std::string_view tenant_id,
                                   std::string_view command_id, std::string_view discriminator);

// Accumulates the events of one decision for one aggregate.
class DecisionBuilder {
 public:
  DecisionBuilder(const CommandContext& context, std::string_view command_id,
                  v1::AggregateType type, std::string aggregate_id, int64_t current_version);

  // Adds an event; the caller sets the payload on the returned envelope.
  v1::EventEnvelope& AddEvent();
  [[nodiscard]] Decision Build() &&;

 private:
  const CommandContext& context_;
  std::string command_id_;
  Decision decision_;
};

[[nodiscard]] DomainError PermissionDenied(std::string rule, std::string message);
[[nodiscard]] DomainError NotFound(std::string subject, std::string message);
[[nodiscard]] DomainError Precondition(std::string rule, std::string subject, std::string state,
                                       std::string message);
[[nodiscard]] DomainError AlreadyExists(std::string subject, std::string message);

// PERMISSION_DENIED unless the context holds one of `roles`.
[[nodiscard]] std::optional<DomainError> RequireAnyRole(const CommandContext& context,
                                                        std::initializer_list<v1::Role> roles,
                                                        std::string_view what);

// ABORTED (kConflict) when an expected version was given and differs from `actual`.
[[nodiscard]] std::optional<DomainError> CheckExpectedVersion(bool has_expected, int64_t expected,
                                                              int64_t actual,
                                                              std::string_view subject);

// The owner must be a registered, active person of this tenant.
[[nodiscard]] std::optional<DomainError> RequireActivePerson(const StateView& state,
                                                             const std::string& person_id,
                                                             std::string_view field,
                                                             std::string_view rule);

[[nodiscard]] std::string PersonName(std::string_view id);
[[nodiscard]] std::string ReviewName(std::string_view id);
[[nodiscard]] std::string ActionName(std::string_view id);

}  // namespace reviewtrail::domain
