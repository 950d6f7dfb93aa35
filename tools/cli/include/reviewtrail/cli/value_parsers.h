#pragma once

#include <string>
#include <string_view>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/type/date.pb.h"
#include "reviewtrail/cli/result.h"
#include "reviewtrail/v1/common.pb.h"

namespace reviewtrail::cli {

// Parsers for flag values. Each error message states the rule and repeats the bad input; the caller
// (CLI11, through FlagValidator) prefixes the flag name, e.g. "--due: must be an ISO date ...".

// YYYY-MM-DD, a real calendar date with year 1-9999.
Result<google::type::Date> ParseIsoDate(std::string_view text);

// KIND:REF[:TITLE], e.g. "control:A.5.15:Access control". KIND is one of LinkKindChoices(); REF
// must not contain ':'; TITLE may.
Result<v1::Link> ParseLink(std::string_view text);

// A clause 9.3.2 input: a letter a..g (case-insensitive), or its long name such as
// "a-previous-actions".
Result<v1::ReviewInput> ParseReviewInput(std::string_view text);

// improvement | isms-change | resource-need ("improvement-opportunity" is accepted too).
Result<v1::DecisionCategory> ParseDecisionCategory(std::string_view text);

// The evidence kind in lowercase with dashes, e.g. "training-record".
Result<v1::EvidenceKind> ParseEvidenceKind(std::string_view text);

// log | webhook | email.
Result<v1::NotificationChannel> ParseNotificationChannel(std::string_view text);

// An action status in lowercase with dashes, e.g. "in-progress", "closure-requested".
Result<v1::ActionStatus> ParseActionStatus(std::string_view text);

// A log position as PARTITION:OFFSET, both non-negative decimals, e.g. "0:17" (as commands print
// it).
Result<v1::LogPosition> ParseLogPosition(std::string_view text);

// An RFC 3339 instant with a zone, e.g. 2026-11-23T09:00:00Z or 2026-11-23T10:00:00+01:00.
Result<google::protobuf::Timestamp> ParseRfc3339(std::string_view text);

// An RFC 3339 instant, or a day YYYY-MM-DD meaning its start (00:00:00 UTC).
Result<google::protobuf::Timestamp> ParseRfc3339OrDay(std::string_view text);

// The display spelling of an enum value: the name without `prefix`, lowercase with dashes, e.g.
// ("ACTION_STATUS_IN_PROGRESS", "ACTION_STATUS_") -> "in-progress"; "unspecified" for 0, the number
// for a value this build does not know.
std::string EnumSpelling(const google::protobuf::EnumDescriptor& descriptor, int number,
                         std::string_view prefix);

// The accepted spellings joined with '|', for help texts and error messages.
std::string LinkKindChoices();
std::string ReviewInputChoices();
std::string DecisionCategoryChoices();
std::string EvidenceKindChoices();
std::string NotificationChannelChoices();
std::string ActionStatusChoices();

}  // namespace reviewtrail::cli
