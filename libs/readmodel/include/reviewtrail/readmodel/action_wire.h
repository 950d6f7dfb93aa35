#pragma once

#include <string>
#include <string_view>

#include "reviewtrail/domain/civil_date.h"
#include "reviewtrail/v1/query_service.pb.h"

namespace reviewtrail::readmodel {

// The fields of a stored ActionView (its protobuf wire bytes) that the action lists filter on,
// read without parsing the rest: a page is answered with the stored bytes as they are.
struct ActionListFields {
  std::string_view review_id;    // field 2
  std::string_view decision_id;  // field 3
  std::string_view owner_id;     // field 7
  domain::CivilDate due;         // field 8 (google.type.Date); {0, 0, 0} when absent
  v1::ActionStatus status = v1::ACTION_STATUS_UNSPECIFIED;  // field 10
  bool has_overdue = false;  // field 26 is present (the store never writes it: it is computed)
};

// Reads the fields above from `stored` (views into it), with protobuf's rules for repeated
// occurrences (the last scalar wins, messages merge). False if the bytes are not a well-formed
// message at the top level (or in due_date).
[[nodiscard]] bool DecodeActionListFields(std::string_view stored, ActionListFields& fields);

// Appends to `page` (a serialized ListActionsResponse being built) one element of `actions`: the
// stored view followed by `overdue = true` when set (overdue is the view's last field, so the
// result is the view as protobuf would serialize it with overdue set).
void AppendListedAction(std::string& page, std::string_view stored, bool overdue);

// Appends ListActionsResponse.next_page_token (after the actions, as protobuf orders it).
void AppendNextPageToken(std::string& page, std::string_view token);

// Appends `entry` to `record`, an action's stored history: an ActionDetail holding only its
// history, which gains the entry as its last element (as protobuf would serialize it), without
// parsing the entries already there.
void AppendHistoryEntry(std::string& record, const v1::HistoryEntry& entry);

}  // namespace reviewtrail::readmodel
