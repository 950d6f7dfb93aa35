#include "reviewtrail/eventlog/cloudevents_headers.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"

namespace reviewtrail::eventlog {
namespace {

bool IsUnreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return out;
}

std::string Rfc3339(const google::protobuf::Timestamp& ts) {
  const absl::Time t = absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

}  // namespace

std::string CloudEventsType(const v1::EventEnvelope& envelope) {
  const google::protobuf::OneofDescriptor* payload =
      v1::EventEnvelope::descriptor()->FindOneofByName("payload");
  const google::protobuf::FieldDescriptor* field =
      payload == nullptr ? nullptr
                         : envelope.GetReflection()->GetOneofFieldDescriptor(envelope, payload);
  if (field == nullptr || field->message_type() == nullptr) {
    return std::string(kUnknownPayloadCeType);
  }
  return field->message_type()->full_name();
}

std::string CloudEventsSource(std::string_view tenant_id) {
  return absl::StrCat("/reviewtrail/tenants/", PercentEncode(tenant_id));
}

Headers CloudEventsHeaders(const v1::EventEnvelope& envelope) {
  Headers headers;
  headers.reserve(8);
  headers.emplace_back("ce_specversion", "1.0");
  headers.emplace_back("ce_id", envelope.event_id());
  headers.emplace_back("ce_type", CloudEventsType(envelope));
  headers.emplace_back("ce_source", CloudEventsSource(envelope.tenant_id()));
  if (envelope.has_occurred_at()) {
    headers.emplace_back("ce_time", Rfc3339(envelope.occurred_at()));
  }
  if (!envelope.aggregate_id().empty()) {
    headers.emplace_back("ce_subject", envelope.aggregate_id());
  }
  if (!envelope.traceparent().empty()) {
    headers.emplace_back("ce_traceparent", envelope.traceparent());
  }
  headers.emplace_back("ce_dataschema", kDataSchema);
  headers.emplace_back("content-type", "application/protobuf");
  return headers;
}

}  // namespace reviewtrail::eventlog
