#include "reviewtrail/events/event_selector.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"
#include "reviewtrail/audit/entry_builder.h"
#include "reviewtrail/domain/evolve.h"
#include "reviewtrail/eventlog/cloudevents_headers.h"

namespace reviewtrail::events {
namespace {

constexpr std::string_view kPackagePrefix = "reviewtrail.v1.";

// The full name of the payload message `name` ("ActionAssigned" or
// "reviewtrail.v1.ActionAssigned"), or empty when no payload of EventEnvelope has that message.
std::string PayloadTypeNamed(std::string_view name) {
  const std::string full = name.starts_with(kPackagePrefix)
                               ? std::string(name)
                               : std::string(kPackagePrefix) + std::string(name);
  for (const std::string& known : EventSelector::KnownEventTypes()) {
    if (known == full) return known;
  }
  return "";
}

}  // namespace

std::vector<std::string> EventSelector::KnownEventTypes() {
  std::vector<std::string> types;
  const google::protobuf::OneofDescriptor* payload =
      v1::EventEnvelope::descriptor()->FindOneofByName("payload");
  for (int i = 0; payload != nullptr && i < payload->field_count(); ++i) {
    if (payload->field(i)->message_type() != nullptr) {
      types.push_back(payload->field(i)->message_type()->full_name());
    }
  }
  return types;
}

domain::Result<EventSelector> EventSelector::FromRequest(const v1::SubscribeRequest& request) {
  EventSelector selector;
  std::vector<domain::FieldViolation> violations;
  for (int i = 0; i < request.event_types_size(); ++i) {
    const std::string type = PayloadTypeNamed(request.event_types(i));
    if (type.empty()) {
      std::vector<std::string> short_names;
      for (const std::string& known : KnownEventTypes()) {
        short_names.push_back(known.substr(kPackagePrefix.size()));
      }
      violations.push_back(
          {absl::StrCat("event_types[", i, "]"),
           absl::StrCat("'", request.event_types(i),
                        "' is not an event type; one of: ", absl::StrJoin(short_names, ", "),
                        " (optionally prefixed with reviewtrail.v1.)")});
      continue;
    }
    selector.types_.insert(type);
  }
  selector.review_id_ = request.review_id();
  selector.action_id_ = request.action_id();
  if (!violations.empty()) {
    domain::DomainError error;
    error.code = domain::ErrorCode::kInvalidArgument;
    error.message = "the subscription's filters are invalid";
    error.violations = std::move(violations);
    return error;
  }
  return selector;
}

bool EventSelector::Select(const v1::EventEnvelope& event) {
  const std::string action_id = domain::ActionIdOf(event);
  bool in_review = true;
  if (!review_id_.empty()) {
    if (event.has_action_assigned() && event.action_assigned().review_id() == review_id_) {
      review_actions_.insert(event.action_assigned().action_id());
    }
    in_review = domain::ReviewIdOf(event) == review_id_ ||
                (!action_id.empty() && review_actions_.contains(action_id));
  }
  if (!in_review) return false;
  if (!action_id_.empty() && action_id != action_id_) return false;
  return types_.empty() || types_.contains(eventlog::CloudEventsType(event));
}

}  // namespace reviewtrail::events
