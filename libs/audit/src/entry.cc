#include "reviewtrail/audit/entry.h"

#include "absl/strings/str_join.h"
#include "reviewtrail/audit/canonical.h"

namespace reviewtrail::audit {

const std::vector<std::string_view>& CanonicalFieldNames() {
  static const auto* const kNames = new std::vector<std::string_view>{"tenant_id",
                                                                      "sequence",
                                                                      "log_partition",
                                                                      "log_offset",
                                                                      "event_id",
                                                                      "occurred_at",
                                                                      "recorded_at",
                                                                      "actor_id",
                                                                      "actor_roles",
                                                                      "aggregate_type",
                                                                      "aggregate_id",
                                                                      "aggregate_version",
                                                                      "event_type",
                                                                      "review_id",
                                                                      "action_id",
                                                                      "summary",
                                                                      "evidence_sha256",
                                                                      "event_sha256",
                                                                      "review_prev_sequence",
                                                                      "review_prev_hash",
                                                                      "action_prev_sequence",
                                                                      "action_prev_hash"};
  return *kNames;
}

std::vector<std::string> CanonicalFieldValues(const Entry& entry) {
  std::vector<std::string> values = {entry.tenant_id,
                                     std::to_string(entry.sequence),
                                     std::to_string(entry.log_partition),
                                     std::to_string(entry.log_offset),
                                     entry.event_id,
                                     FormatMicros(entry.occurred_at),
                                     FormatMicros(entry.recorded_at),
                                     entry.actor_id,
                                     absl::StrJoin(entry.actor_roles, ","),
                                     entry.aggregate_type,
                                     entry.aggregate_id,
                                     std::to_string(entry.aggregate_version),
                                     entry.event_type,
                                     entry.review_id,
                                     entry.action_id,
                                     entry.summary,
                                     absl::StrJoin(entry.evidence_sha256, ","),
                                     entry.event_sha256};
  if (entry.version != 1) {
    values.push_back(std::to_string(entry.review_prev_sequence));
    values.push_back(entry.review_prev_hash);
    values.push_back(std::to_string(entry.action_prev_sequence));
    values.push_back(entry.action_prev_hash);
  }
  return values;
}

}  // namespace reviewtrail::audit
