#pragma once

#include <google/protobuf/repeated_ptr_field.h>

#include <string>
#include <string_view>

#include "reviewtrail/v1/query_service.pb.h"

namespace reviewtrail::cli {

// Human output of the query commands: aligned tables and labelled values, every line ending in
// '\n'. Statuses and kinds are spelled as the flags take them ("in-progress"); dates YYYY-MM-DD;
// instants RFC 3339 UTC.

template <typename T>
using Repeated = google::protobuf::RepeatedPtrField<T>;

std::string DateText(const google::type::Date& date);                     // "" when unset
std::string TimestampText(const google::protobuf::Timestamp& timestamp);  // "" when unset
std::string ActionStatusLabel(v1::ActionStatus status);                   // "closure-requested"

// ACTION STATUS OWNER DUE OVERDUE TITLE; "overdue" marks an overdue action.
std::string FormatActionTable(const Repeated<v1::ActionView>& actions);
// The action's fields, its evidence, approvals and history.
std::string FormatActionDetail(const v1::ActionDetail& detail);
std::string FormatReview(const v1::ReviewView& review);
std::string FormatReviewTable(const Repeated<v1::ReviewView>& reviews);
std::string FormatPersonTable(const Repeated<v1::PersonView>& persons);
// The person's fields, one labelled value per line.
std::string FormatPerson(const v1::PersonView& person);
// The scope and "today", then one labelled count per line.
std::string FormatDashboard(const v1::Dashboard& dashboard);
// One block per earlier review with its actions (status, owner, due, overdue, slips, evidence).
std::string FormatInputPack(const v1::ReviewInputPack& pack);
std::string FormatReadiness(const v1::AuditReadinessReport& report);

// "3 actions." ("1 action.") and, when there is a further page, how to get it.
std::string FormatPageFooter(int count, std::string_view noun, std::string_view next_page_token);

}  // namespace reviewtrail::cli
