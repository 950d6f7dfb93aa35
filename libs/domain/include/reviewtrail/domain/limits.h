#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace reviewtrail::domain {

// Length limits of the command requests, in bytes of UTF-8 (not characters: "é" counts 2). Each is
// stated once for clients, in the `.proto` comment of its field ("up to N bytes"), and enforced
// here; kLengthLimits below ties every field to its limit, and a test checks both against it.
inline constexpr size_t kMaxIdLength = 128;         // ids: ASCII [A-Za-z0-9._@:-]
inline constexpr size_t kMaxCommandIdLength = 128;  // printable ASCII
inline constexpr size_t kMaxNameLength = 200;       // titles, display names, link refs, media types
inline constexpr size_t kMaxEmailLength = 320;
inline constexpr size_t kMaxSummaryLength = 1000;  // decision summaries, evidence descriptions
inline constexpr size_t kMaxTextLength = 4000;     // rationale, outcome, criteria, notes
inline constexpr size_t kMaxReasonLength = 1000;
inline constexpr size_t kMaxUriLength = 2048;
inline constexpr size_t kMaxLinks = 50;
inline constexpr size_t kMaxAttendees = 200;
inline constexpr size_t kMaxEvidencePerAction = 500;
inline constexpr int32_t kMaxEscalationLevel = 9;

// One length-limited string field of a command request: `field` of message
// `reviewtrail.v1.<message>` ("links.ref": `ref` of each element of `links`; message "*": the field
// of every request) holds at most `max_bytes` bytes.
struct FieldLimit {
  std::string_view message;
  std::string_view field;
  size_t max_bytes;
};

// Every length-limited string field of the command requests and its limit.
inline constexpr auto kLengthLimits = std::to_array<FieldLimit>({
    {"*", "command_id", kMaxCommandIdLength},
    {"RegisterPersonRequest", "person_id", kMaxIdLength},
    {"RegisterPersonRequest", "display_name", kMaxNameLength},
    {"RegisterPersonRequest", "email", kMaxEmailLength},
    {"RegisterPersonRequest", "manager_id", kMaxIdLength},
    {"DeactivatePersonRequest", "person_id", kMaxIdLength},
    {"DeactivatePersonRequest", "reason", kMaxReasonLength},
    {"RecordReviewRequest", "title", kMaxNameLength},
    {"RecordReviewRequest", "chair_id", kMaxIdLength},
    {"RecordReviewRequest", "attendee_ids", kMaxIdLength},
    {"RecordReviewRequest", "minutes_uri", kMaxUriLength},
    {"RecordDecisionRequest", "review_id", kMaxIdLength},
    {"RecordDecisionRequest", "summary", kMaxSummaryLength},
    {"RecordDecisionRequest", "rationale", kMaxTextLength},
    {"RecordDecisionRequest", "links.ref", kMaxNameLength},
    {"RecordDecisionRequest", "links.title", kMaxNameLength},
    {"AssignActionRequest", "decision_id", kMaxIdLength},
    {"AssignActionRequest", "title", kMaxNameLength},
    {"AssignActionRequest", "expected_outcome", kMaxTextLength},
    {"AssignActionRequest", "completion_criteria", kMaxTextLength},
    {"AssignActionRequest", "owner_id", kMaxIdLength},
    {"AssignActionRequest", "links.ref", kMaxNameLength},
    {"AssignActionRequest", "links.title", kMaxNameLength},
    {"ReassignActionRequest", "action_id", kMaxIdLength},
    {"ReassignActionRequest", "new_owner_id", kMaxIdLength},
    {"ReassignActionRequest", "reason", kMaxReasonLength},
    {"RescheduleActionRequest", "action_id", kMaxIdLength},
    {"RescheduleActionRequest", "reason", kMaxReasonLength},
    {"ReportProgressRequest", "action_id", kMaxIdLength},
    {"ReportProgressRequest", "note", kMaxTextLength},
    {"AttachEvidenceRequest", "action_id", kMaxIdLength},
    {"AttachEvidenceRequest", "description", kMaxSummaryLength},
    {"AttachEvidenceRequest", "uri", kMaxUriLength},
    {"AttachEvidenceRequest", "media_type", kMaxNameLength},
    {"RequestClosureRequest", "action_id", kMaxIdLength},
    {"RequestClosureRequest", "note", kMaxTextLength},
    {"ApproveClosureRequest", "action_id", kMaxIdLength},
    {"ApproveClosureRequest", "note", kMaxTextLength},
    {"RejectClosureRequest", "action_id", kMaxIdLength},
    {"RejectClosureRequest", "reason", kMaxReasonLength},
    {"CancelActionRequest", "action_id", kMaxIdLength},
    {"CancelActionRequest", "reason", kMaxReasonLength},
    {"RecordReminderRequest", "action_id", kMaxIdLength},
    {"RecordReminderRequest", "recipient_id", kMaxIdLength},
    {"RecordEscalationRequest", "action_id", kMaxIdLength},
    {"RecordEscalationRequest", "recipient_id", kMaxIdLength},
});

// Evidence and minutes must live somewhere an auditor can retrieve them.
inline constexpr std::array<std::string_view, 5> kAllowedUriSchemes = {"https", "http", "s3", "gs",
                                                                       "urn"};

}  // namespace reviewtrail::domain
