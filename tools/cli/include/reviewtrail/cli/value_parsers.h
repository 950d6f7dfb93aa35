#pragma once

#include <string>
#include <string_view>

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

// The accepted spellings joined with '|', for help texts and error messages.
std::string LinkKindChoices();
std::string ReviewInputChoices();
std::string DecisionCategoryChoices();
std::string EvidenceKindChoices();
std::string NotificationChannelChoices();

}  // namespace reviewtrail::cli
