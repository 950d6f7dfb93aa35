#include "reviewtrail/audit/entry_builder.h"

#include <algorithm>
#include <cctype>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/unknown_field_set.h"
#include "google/protobuf/util/time_util.h"
#include "reviewtrail/domain/evolve.h"

namespace reviewtrail::audit {
namespace {

using google::protobuf::util::TimeUtil;

// "EVIDENCE_KIND_TRAINING_RECORD" with prefix "EVIDENCE_KIND_" -> "training record".
std::string Words(const std::string& enum_name, std::string_view prefix) {
  std::string words = enum_name.rfind(prefix, 0) == 0 ? enum_name.substr(prefix.size()) : enum_name;
  for (char& c : words) {
    c = c == '_' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return words.empty() ? "unspecified" : words;
}

std::string Day(const google::type::Date& date) {
  char buffer[48];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02d", date.year(), date.month(), date.day());
  return buffer;
}

// "2d 3h 0m 5s", "36s".
std::string DurationText(const google::protobuf::Duration& duration) {
  int64_t seconds = duration.seconds();
  const int64_t days = seconds / 86'400;
  seconds %= 86'400;
  if (days == 0 && seconds < 60) return absl::StrCat(seconds, "s");
  return absl::StrCat(days, "d ", seconds / 3600, "h ", seconds % 3600 / 60, "m ", seconds % 60,
                      "s");
}

std::string Quoted(const std::string& text) { return absl::StrCat("\"", text, "\""); }

std::string Reason(const std::string& reason) {
  return reason.empty() ? "" : absl::StrCat("; reason: ", Quoted(reason));
}

std::string AggregateTypeText(v1::AggregateType type) {
  switch (type) {
    case v1::AGGREGATE_TYPE_PERSON:
      return "person";
    case v1::AGGREGATE_TYPE_REVIEW:
      return "review";
    case v1::AGGREGATE_TYPE_ACTION:
      return "action";
    case v1::AGGREGATE_TYPE_TENANT:
      return "tenant";
    default:
      return "unspecified";
  }
}

std::string InputLetters(const v1::ReviewHeld& held) {
  std::vector<std::string> letters;
  for (int input : held.inputs_covered()) {
    if (input >= v1::REVIEW_INPUT_A_PREVIOUS_ACTIONS &&
        input <= v1::REVIEW_INPUT_G_IMPROVEMENT_OPPORTUNITIES) {
      letters.emplace_back(1, static_cast<char>('a' + input - 1));
    }
  }
  return letters.empty() ? "none" : absl::StrJoin(letters, ",");
}

}  // namespace

std::string RoleText(v1::Role role) {
  switch (role) {
    case v1::ROLE_ISMS_MANAGER:
      return "isms_manager";
    case v1::ROLE_ACTION_OWNER:
      return "action_owner";
    case v1::ROLE_AUDITOR:
      return "auditor";
    case v1::ROLE_SERVICE:
      return "service";
    default:
      return "";
  }
}

std::string EventTypeName(const v1::EventEnvelope& event) {
  const auto* field = event.GetDescriptor()->FindFieldByNumber(event.payload_case());
  return field == nullptr ? "Unknown" : field->message_type()->name();
}

std::string Summarize(const v1::EventEnvelope& event,
                      const std::vector<std::string>& evidence_sha256) {
  switch (event.payload_case()) {
    case v1::EventEnvelope::kPersonRegistered: {
      const auto& e = event.person_registered();
      return absl::StrCat("registered person ", e.person_id(), " ", Quoted(e.display_name()), " <",
                          e.email(), ">",
                          e.manager_id().empty() ? "" : ", manager " + e.manager_id());
    }
    case v1::EventEnvelope::kPersonDeactivated: {
      const auto& e = event.person_deactivated();
      return absl::StrCat("deactivated person ", e.person_id(), Reason(e.reason()));
    }
    case v1::EventEnvelope::kReviewHeld: {
      const auto& e = event.review_held();
      return absl::StrCat("recorded review ", e.review_id(), " ", Quoted(e.title()), " held on ",
                          Day(e.held_on()), ", chair ", e.chair_id(), ", ", e.attendee_ids_size(),
                          " attendees, clause 9.3.2 inputs ", InputLetters(e),
                          e.minutes_uri().empty() ? "" : ", minutes " + e.minutes_uri());
    }
    case v1::EventEnvelope::kDecisionRecorded: {
      const auto& e = event.decision_recorded();
      return absl::StrCat("recorded decision ", e.decision_id(), " of review ", e.review_id(), " (",
                          Words(v1::DecisionCategory_Name(e.category()), "DECISION_CATEGORY_"),
                          "): ", Quoted(e.summary()));
    }
    case v1::EventEnvelope::kActionAssigned: {
      const auto& e = event.action_assigned();
      return absl::StrCat("assigned action ", e.action_id(), " ", Quoted(e.title()), " to ",
                          e.owner_id(), ", due ", Day(e.due_date()), ", decision ", e.decision_id(),
                          "; done when: ", Quoted(e.completion_criteria()));
    }
    case v1::EventEnvelope::kActionOwnerChanged: {
      const auto& e = event.action_owner_changed();
      return absl::StrCat("changed owner of action ", e.action_id(), " from ",
                          e.previous_owner_id(), " to ", e.new_owner_id(), Reason(e.reason()));
    }
    case v1::EventEnvelope::kActionDeadlineChanged: {
      const auto& e = event.action_deadline_changed();
      return absl::StrCat("moved due date of action ", e.action_id(), " from ",
                          Day(e.previous_due_date()), " to ", Day(e.new_due_date()),
                          Reason(e.reason()));
    }
    case v1::EventEnvelope::kProgressReported: {
      const auto& e = event.progress_reported();
      return absl::StrCat("reported progress on action ", e.action_id(), ": ", e.percent_complete(),
                          "% ", Quoted(e.note()));
    }
    case v1::EventEnvelope::kEvidenceAttached: {
      const auto& e = event.evidence_attached();
      return absl::StrCat("attached evidence ", e.evidence_id(), " (",
                          Words(v1::EvidenceKind_Name(e.kind()), "EVIDENCE_KIND_"), ") to action ",
                          e.action_id(), ": ", Quoted(e.description()), " at ", e.uri(), ", ",
                          e.size_bytes(), " bytes, sha256 ", e.sha256());
    }
    case v1::EventEnvelope::kClosureRequested: {
      const auto& e = event.closure_requested();
      return absl::StrCat("requested closure of action ", e.action_id(), " with evidence ",
                          e.evidence_ids().empty() ? "none" : absl::StrJoin(e.evidence_ids(), ","),
                          e.note().empty() ? "" : ": " + Quoted(e.note()));
    }
    case v1::EventEnvelope::kClosureApproved: {
      const auto& e = event.closure_approved();
      return absl::StrCat("approved closure of action ", e.action_id(), " (",
                          evidence_sha256.size(), " evidence)",
                          e.note().empty() ? "" : ": " + Quoted(e.note()));
    }
    case v1::EventEnvelope::kClosureRejected: {
      const auto& e = event.closure_rejected();
      return absl::StrCat("rejected closure of action ", e.action_id(), Reason(e.reason()));
    }
    case v1::EventEnvelope::kActionCancelled: {
      const auto& e = event.action_cancelled();
      return absl::StrCat("cancelled action ", e.action_id(), Reason(e.reason()));
    }
    case v1::EventEnvelope::kReminderSent: {
      const auto& e = event.reminder_sent();
      return absl::StrCat("sent reminder about action ", e.action_id(), " to ", e.recipient_id(),
                          " by ",
                          Words(v1::NotificationChannel_Name(e.channel()), "NOTIFICATION_CHANNEL_"),
                          ", due ", Day(e.due_date()), ", ", e.days_before_due(), " days before");
    }
    case v1::EventEnvelope::kEscalationRaised: {
      const auto& e = event.escalation_raised();
      return absl::StrCat("escalated action ", e.action_id(), " (level ", e.level(), ") to ",
                          e.recipient_id(), " by ",
                          Words(v1::NotificationChannel_Name(e.channel()), "NOTIFICATION_CHANNEL_"),
                          ", due ", Day(e.due_date()), ", ", e.days_overdue(), " days overdue");
    }
    case v1::EventEnvelope::kTestClockAdvanced: {
      const auto& e = event.test_clock_advanced();
      return absl::StrCat("advanced the sandbox test clock by ", DurationText(e.advanced_by()),
                          " (", DurationText(e.total_advance()), " in all)");
    }
    default:
      return "event of a type this build does not know";
  }
}

Entry BuildEntry(const v1::EventEnvelope& event, const EntryContext& context) {
  Entry entry;
  entry.tenant_id = event.tenant_id();
  entry.sequence = context.sequence;
  entry.log_partition = context.log_partition;
  entry.log_offset = context.log_offset;
  entry.event_id = event.event_id();
  entry.occurred_at = TimeUtil::TimestampToMicroseconds(event.occurred_at());
  entry.recorded_at = TimeUtil::TimestampToMicroseconds(event.recorded_at());
  entry.actor_id = event.actor().person_id();
  for (int role : event.actor().roles()) {
    std::string text = RoleText(static_cast<v1::Role>(role));
    if (!text.empty()) entry.actor_roles.push_back(std::move(text));
  }
  entry.aggregate_type = AggregateTypeText(event.aggregate_type());
  entry.aggregate_id = event.aggregate_id();
  entry.aggregate_version = event.aggregate_version();
  entry.event_type = EventTypeName(event);
  entry.action_id = domain::ActionIdOf(event);
  entry.review_id = domain::ReviewIdOf(event);
  if (entry.review_id.empty()) entry.review_id = context.review_id;
  entry.evidence_sha256 = context.evidence_sha256;
  if (event.payload_case() == v1::EventEnvelope::kEvidenceAttached) {
    entry.evidence_sha256 = {event.evidence_attached().sha256()};
  }
  entry.summary = Summarize(event, entry.evidence_sha256);
  entry.event_sha256 = context.event_sha256;
  if (!entry.review_id.empty()) {
    entry.review_prev_sequence = context.review_prev_sequence;
    entry.review_prev_hash = context.review_prev_hash;
  }
  if (!entry.action_id.empty()) {
    entry.action_prev_sequence = context.action_prev_sequence;
    entry.action_prev_hash = context.action_prev_hash;
  }
  return entry;
}

std::vector<int> UnknownFieldNumbers(const v1::EventEnvelope& event) {
  std::vector<int> numbers;
  const google::protobuf::UnknownFieldSet& unknown = event.GetReflection()->GetUnknownFields(event);
  for (int i = 0; i < unknown.field_count(); ++i) numbers.push_back(unknown.field(i).number());
  std::sort(numbers.begin(), numbers.end());
  numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
  return numbers;
}

Entry BuildUnknownEntry(const v1::EventEnvelope* decoded, std::string_view tenant_id,
                        std::string_view type_name, const EntryContext& context) {
  Entry entry;
  std::string unknown_fields;
  if (decoded != nullptr) {
    // Everything the envelope itself says; the review and action are in the unknown payload.
    entry = BuildEntry(*decoded, EntryContext{.sequence = context.sequence,
                                              .log_partition = context.log_partition,
                                              .log_offset = context.log_offset,
                                              .event_sha256 = context.event_sha256});
    unknown_fields = absl::StrJoin(UnknownFieldNumbers(*decoded), ",");
  } else {
    entry.tenant_id = tenant_id;
    entry.sequence = context.sequence;
    entry.log_partition = context.log_partition;
    entry.log_offset = context.log_offset;
    entry.aggregate_type = "unspecified";
    entry.event_sha256 = context.event_sha256;
  }
  if (!type_name.empty()) {
    entry.event_type = type_name;
  } else if (decoded == nullptr) {
    entry.event_type = "UndecodableRecord";
  } else {
    entry.event_type = unknown_fields.empty()
                           ? "UnknownPayload"
                           : absl::StrCat("UnknownPayload(field ", unknown_fields, ")");
  }
  entry.summary =
      decoded == nullptr
          ? "a record this build cannot decode; its bytes are kept, their SHA-256 is event_sha256"
          : absl::StrCat(
                "an event whose payload this build does not know (", entry.event_type,
                unknown_fields.empty() ? "" : absl::StrCat(", envelope field ", unknown_fields),
                "); its bytes are kept, their SHA-256 is event_sha256");
  return entry;
}

}  // namespace reviewtrail::audit
