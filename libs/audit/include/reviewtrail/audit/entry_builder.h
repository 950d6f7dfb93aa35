#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reviewtrail/audit/entry.h"
#include "reviewtrail/v1/events.pb.h"

namespace reviewtrail::audit {

// What an entry needs besides its event: where it sits, and facts of earlier events of the same
// tenant that the audit projection remembers.
struct EntryContext {
  int64_t sequence = 0;
  int32_t log_partition = 0;
  int64_t log_offset = 0;
  std::string event_sha256;
  // The review of the action an event concerns, when the event itself does not carry it.
  std::string review_id;
  // The SHA-256s of the evidence involved, when the event names evidence by id only (closure
  // requests and approvals).
  std::vector<std::string> evidence_sha256;
  // The previous entry of the event's review and of its action (0 and empty: none).
  int64_t review_prev_sequence = 0;
  std::string review_prev_hash;
  int64_t action_prev_sequence = 0;
  std::string action_prev_hash;
};

// The entry for `event`, not yet sealed (prev_hash and hash empty). Pure.
[[nodiscard]] Entry BuildEntry(const v1::EventEnvelope& event, const EntryContext& context);

// The entry for a record this build cannot turn into an event, not yet sealed. `decoded` is what
// of the envelope did decode, its payload among the unknown fields (null when the record does not
// decode at all: the tenant is then context-free and taken from `tenant_id`, the record's key).
// `type_name` is the record's own name for its type (e.g. from its CloudEvents ce_type), empty
// when it names none: the event_type is then said from the unknown field's number. Pure.
[[nodiscard]] Entry BuildUnknownEntry(const v1::EventEnvelope* decoded, std::string_view tenant_id,
                                      std::string_view type_name, const EntryContext& context);

// The field numbers of `event`'s unknown fields, ascending (where a payload this build does not
// know sits).
[[nodiscard]] std::vector<int> UnknownFieldNumbers(const v1::EventEnvelope& event);

// The payload's message name, e.g. "ActionAssigned"; "Unknown" when none is set.
[[nodiscard]] std::string EventTypeName(const v1::EventEnvelope& event);

// What changed, in one line of words (user texts quoted as they were given).
[[nodiscard]] std::string Summarize(const v1::EventEnvelope& event,
                                    const std::vector<std::string>& evidence_sha256);

// "isms_manager", "action_owner", "auditor", "service"; empty for anything else.
[[nodiscard]] std::string RoleText(v1::Role role);

}  // namespace reviewtrail::audit
