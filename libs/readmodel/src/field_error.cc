#include "reviewtrail/readmodel/field_error.h"

#include <string>

#include "absl/strings/cord.h"

namespace reviewtrail::readmodel {
namespace {

constexpr char kFieldPayload[] = "type.reviewtrail.dev/invalid-field";

}  // namespace

absl::Status InvalidFieldError(std::string_view field, std::string_view description) {
  absl::Status status = absl::InvalidArgumentError(std::string(description));
  status.SetPayload(kFieldPayload, absl::Cord(std::string(field)));
  return status;
}

std::optional<std::string> InvalidFieldOf(const absl::Status& status) {
  auto field = status.GetPayload(kFieldPayload);
  if (!field.has_value()) return std::nullopt;
  return std::string(*field);
}

}  // namespace reviewtrail::readmodel
