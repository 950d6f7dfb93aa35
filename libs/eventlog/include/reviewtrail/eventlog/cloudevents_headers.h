#pragma once

#include <string>
#include <string_view>

#include "reviewtrail/eventlog/event_log.h"
#include "reviewtrail/v1/events.pb.h"

namespace reviewtrail::eventlog {

// The CloudEvents type of an envelope: the full protobuf name of its payload message, e.g.
// "reviewtrail.v1.ActionAssigned". An envelope whose payload this build does not know (it sits in
// the unknown fields) gets kUnknownPayloadCeType, so it is still published, never dropped.
inline constexpr std::string_view kUnknownPayloadCeType = "reviewtrail.v1.EventEnvelope";
[[nodiscard]] std::string CloudEventsType(const v1::EventEnvelope& envelope);

// "/reviewtrail/tenants/<tenant>", the tenant percent-encoded (RFC 3986 unreserved kept).
[[nodiscard]] std::string CloudEventsSource(std::string_view tenant_id);

// ce_dataschema: the protobuf message the record value (the CloudEvents data) decodes as, the same
// for every event (`protoc --decode=reviewtrail.v1.EventEnvelope`); ce_type then names the
// payload set in it.
inline constexpr char kDataSchema[] = "type.googleapis.com/reviewtrail.v1.EventEnvelope";

// The record headers of `envelope` under the CloudEvents Kafka protocol binding, binary mode, in
// this order: ce_specversion ("1.0"), ce_id (event_id), ce_type, ce_source, ce_time (RFC 3339 UTC
// of occurred_at; left out when occurred_at is unset), ce_subject (aggregate_id; left out when
// empty), ce_traceparent (the CloudEvents distributed-tracing extension: the envelope's W3C
// traceparent; left out when empty), ce_dataschema (kDataSchema), content-type
// ("application/protobuf"). Both log implementations use this one function.
[[nodiscard]] Headers CloudEventsHeaders(const v1::EventEnvelope& envelope);

}  // namespace reviewtrail::eventlog
