#pragma once

// The one matcher for refusals, shared by every test (the CMake helper reviewtrail_test puts
// tests/support on each test's include path): EXPECT_THAT(x, IsError(code, rule)).
//  - A domain::Result: fails with ErrorCode `code` and exactly the rule `rule` (the rule name the
//    domain gives every refusal, e.g. "action.owner_must_be_active").
//  - An absl::Status or absl::StatusOr: fails with absl::StatusCode `code`, and its message names
//    `rule` (the field or rule it refuses, e.g. "send_at" or "bad framing").
// A success never matches; the listener shows what the error was.

#include <gmock/gmock.h>

#include <string>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"

namespace reviewtrail::testing {
namespace internal {

inline const absl::Status& StatusOf(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

}  // namespace internal

MATCHER_P2(IsError, code, rule, "") {
  if constexpr (requires { arg.error().rule; }) {
    if (arg.ok()) {
      *result_listener << "succeeded";
      return false;
    }
    *result_listener << "rule " << arg.error().rule << ": " << arg.error().message;
    return arg.error().code == code && arg.error().rule == rule;
  } else {
    const absl::Status& status = internal::StatusOf(arg);
    if (status.ok()) {
      *result_listener << "succeeded";
      return false;
    }
    *result_listener << status.ToString();
    return status.code() == code && absl::StrContains(status.message(), std::string(rule));
  }
}

}  // namespace reviewtrail::testing
