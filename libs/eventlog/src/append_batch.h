#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "reviewtrail/eventlog/event_log.h"
#include "reviewtrail/v1/events.pb.h"

namespace reviewtrail::eventlog::internal {

// One event ready to be written: the tenant key, its CloudEvents headers and its serialized bytes.
struct OutgoingRecord {
  Headers headers;
  std::string value;
};

// Validates an Append (non-empty tenant; every envelope of that tenant, with an event id) and
// serializes it. Unknown fields of the envelopes are serialized as they are.
[[nodiscard]] absl::StatusOr<std::vector<OutgoingRecord>> PrepareAppend(
    std::string_view tenant_id, std::span<const v1::EventEnvelope> events);

}  // namespace reviewtrail::eventlog::internal
