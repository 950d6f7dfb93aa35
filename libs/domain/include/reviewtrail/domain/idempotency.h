#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "reviewtrail/domain/error.h"
#include "reviewtrail/v1/events.pb.h"

namespace reviewtrail::domain {

// The first use of a command id, as the command service keeps it beside the reply: a retry
// (same id, same request) gets the reply again; the same id with another request is refused.
struct CommandOrigin {
  // EventEnvelope.command_fingerprint of the request that first used the id; empty for events
  // recorded before fingerprints were (those ids answer every retry, as they always did).
  std::string fingerprint;
  std::string command;  // the command that recorded it, e.g. "AssignAction"
  std::string subject;  // the record it created or changed, e.g. "actions/act-…"

  friend bool operator==(const CommandOrigin&, const CommandOrigin&) = default;
};

// The origin of the command that recorded `event` (any event of it: they share the command).
[[nodiscard]] CommandOrigin OriginOf(const v1::EventEnvelope& event);

// The command that records events with this payload ("AssignAction" for action_assigned), or
// empty for a payload this build does not know.
[[nodiscard]] std::string_view CommandRecording(v1::EventEnvelope::PayloadCase payload);

// Nothing when a command with `command_id` and `fingerprint` is a retry of `first` (the same
// request, or a fingerprint unknown on either side); otherwise INVALID_ARGUMENT
// IDEMPOTENCY_KEY_REUSED naming the original command and its record.
[[nodiscard]] std::optional<DomainError> CheckRetry(const CommandOrigin& first,
                                                    std::string_view command_id,
                                                    std::string_view fingerprint);

}  // namespace reviewtrail::domain
