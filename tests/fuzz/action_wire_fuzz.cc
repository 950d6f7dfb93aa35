// The read model's wire reader (action_wire.h) against the full protobuf parser as the oracle.
//
// Input: the bytes of a stored ActionView.
// Oracles: whatever protobuf parses as an ActionView, the reader reads too, with the same
// review_id, decision_id, owner_id, due date and status (and sees overdue when it is set); what the
// reader refuses, protobuf refuses. (The reader does not look inside the fields it skips, so it may
// accept bytes protobuf refuses, e.g. a malformed nested message it has no use for.) A listed
// action appended to a page parses back as the same view with overdue as asked.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "google/protobuf/stubs/logging.h"
#include "reviewtrail/readmodel/action_wire.h"
#include "reviewtrail/v1/query_service.pb.h"

namespace {

using reviewtrail::readmodel::ActionListFields;

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "oracle violated: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  // Refusals are expected here; protobuf's log line for each would only slow the fuzzer down.
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view stored(reinterpret_cast<const char*>(data), size);
  ActionListFields fields;
  const bool read = reviewtrail::readmodel::DecodeActionListFields(stored, fields);
  reviewtrail::v1::ActionView view;
  const bool parsed = view.ParseFromArray(data, static_cast<int>(size));
  if (!parsed) return 0;
  if (!read) Fail("protobuf parses an ActionView the reader refuses");
  if (fields.review_id != view.review_id()) Fail("review_id differs");
  if (fields.decision_id != view.decision_id()) Fail("decision_id differs");
  if (fields.owner_id != view.owner_id()) Fail("owner_id differs");
  if (fields.due.year != view.due_date().year() || fields.due.month != view.due_date().month() ||
      fields.due.day != view.due_date().day()) {
    Fail("due date differs");
  }
  if (fields.status != view.status()) Fail("status differs");
  if (view.overdue() && !fields.has_overdue) Fail("overdue set but not seen");

  for (const bool overdue : {false, true}) {
    std::string page;
    reviewtrail::readmodel::AppendListedAction(page, stored, overdue);
    reviewtrail::readmodel::AppendNextPageToken(page, "token");
    reviewtrail::v1::ListActionsResponse response;
    if (!response.ParseFromString(page)) Fail("an appended page does not parse");
    if (response.actions_size() != 1 || response.next_page_token() != "token") {
      Fail("an appended page holds something else");
    }
    reviewtrail::v1::ActionView expected = view;
    if (overdue) expected.set_overdue(true);
    if (response.actions(0).SerializeAsString() != expected.SerializeAsString()) {
      Fail("a listed action is not the stored view with overdue as asked");
    }
  }
  return 0;
}
