#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace reviewtrail::readmodel {

// InvalidArgument naming the request field at fault (carried as a status payload), so the service
// edge can answer with a google.rpc.BadRequest field violation.
[[nodiscard]] absl::Status InvalidFieldError(std::string_view field, std::string_view description);

// The field named by InvalidFieldError, if `status` carries one.
[[nodiscard]] std::optional<std::string> InvalidFieldOf(const absl::Status& status);

}  // namespace reviewtrail::readmodel
