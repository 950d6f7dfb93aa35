#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace reviewtrail::domain {

// Why a command was refused. The service edge maps each code to one gRPC status and its details:
//   kInvalidArgument    -> INVALID_ARGUMENT    + BadRequest field violations (`violations`), and
//                          ErrorInfo (rule, subject, metadata) when it names a subject
//   kFailedPrecondition -> FAILED_PRECONDITION + PreconditionFailure (rule, subject, state)
//   kNotFound           -> NOT_FOUND           + ResourceInfo (subject)
//   kPermissionDenied   -> PERMISSION_DENIED   + ErrorInfo (rule)
//   kConflict           -> ABORTED             + ErrorInfo (expected and actual version)
//   kAlreadyExists      -> ALREADY_EXISTS      + ResourceInfo (subject)
enum class ErrorCode : uint8_t {
  kInvalidArgument,
  kFailedPrecondition,
  kNotFound,
  kPermissionDenied,
  kConflict,
  kAlreadyExists,
};

struct FieldViolation {
  std::string field;  // the request field, e.g. "due_date" or "links[2].ref"
  std::string description;

  friend bool operator==(const FieldViolation&, const FieldViolation&) = default;
};

struct DomainError {
  ErrorCode code = ErrorCode::kInvalidArgument;
  std::string rule;                        // stable machine-readable name, e.g. "EVIDENCE_REQUIRED"
  std::string subject;                     // the resource concerned, e.g. "actions/act-3f2a..."
  std::string state;                       // for lifecycle rules: the current state, e.g. "CLOSED"
  std::string message;                     // one human-readable sentence
  std::vector<FieldViolation> violations;  // kInvalidArgument only
  // More facts for the caller (ErrorInfo metadata beside `subject` and `state`), e.g. the original
  // command of a reused command id.
  std::map<std::string, std::string> metadata;
};

// A value or the DomainError that prevented it. Domain code returns these instead of throwing.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}            // NOLINT(google-explicit-constructor)
  Result(DomainError error) : value_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool ok() const { return std::holds_alternative<T>(value_); }
  [[nodiscard]] const T& value() const& { return std::get<T>(value_); }
  [[nodiscard]] T&& value() && { return std::get<T>(std::move(value_)); }
  [[nodiscard]] const DomainError& error() const { return std::get<DomainError>(value_); }

 private:
  std::variant<T, DomainError> value_;
};

}  // namespace reviewtrail::domain
