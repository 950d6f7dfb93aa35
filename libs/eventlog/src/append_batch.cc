#include "append_batch.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "reviewtrail/eventlog/cloudevents_headers.h"

namespace reviewtrail::eventlog::internal {

absl::StatusOr<std::vector<OutgoingRecord>> PrepareAppend(
    std::string_view tenant_id, std::span<const v1::EventEnvelope> events) {
  if (tenant_id.empty()) return absl::InvalidArgumentError("append: empty tenant id");
  std::vector<OutgoingRecord> records;
  records.reserve(events.size());
  for (const v1::EventEnvelope& event : events) {
    if (event.tenant_id() != tenant_id) {
      return absl::InvalidArgumentError(
          absl::StrCat("append: event ", event.event_id(), " has tenant '", event.tenant_id(),
                       "', batch is for '", std::string(tenant_id), "'"));
    }
    if (event.event_id().empty()) {
      return absl::InvalidArgumentError("append: event without event_id");
    }
    OutgoingRecord& record = records.emplace_back();
    record.headers = CloudEventsHeaders(event);
    if (!event.SerializeToString(&record.value)) {
      return absl::InvalidArgumentError(
          absl::StrCat("append: event ", event.event_id(), " does not serialize"));
    }
  }
  return records;
}

}  // namespace reviewtrail::eventlog::internal

namespace reviewtrail::eventlog {

absl::StatusOr<std::vector<Position>> EventLog::Append(std::string_view tenant_id,
                                                       std::span<const v1::EventEnvelope> events) {
  const TenantEvents one{tenant_id, events};
  return std::move(AppendEach(std::span(&one, 1)).front());
}

}  // namespace reviewtrail::eventlog
