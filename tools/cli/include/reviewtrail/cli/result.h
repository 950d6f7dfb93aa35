#pragma once

#include <string>
#include <utility>
#include <variant>

namespace reviewtrail::cli {

// Why something the user asked for cannot be done, in one sentence for the terminal.
struct Failure {
  std::string message;
};

// A value, or the Failure that prevented it.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}            // NOLINT(google-explicit-constructor)
  Result(Failure failure) : value_(std::move(failure)) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool ok() const { return std::holds_alternative<T>(value_); }
  [[nodiscard]] const T& value() const& { return std::get<T>(value_); }
  [[nodiscard]] T& value() & { return std::get<T>(value_); }
  [[nodiscard]] T&& value() && { return std::get<T>(std::move(value_)); }
  [[nodiscard]] const T& operator*() const& { return value(); }
  [[nodiscard]] T& operator*() & { return value(); }
  [[nodiscard]] T&& operator*() && { return std::move(*this).value(); }
  [[nodiscard]] const T* operator->() const { return &value(); }
  [[nodiscard]] T* operator->() { return &value(); }
  [[nodiscard]] const Failure& failure() const { return std::get<Failure>(value_); }
  [[nodiscard]] const std::string& error() const { return failure().message; }

 private:
  std::variant<T, Failure> value_;
};

// Success or the Failure, for steps without a value.
using Outcome = Result<std::monostate>;

inline Outcome Success() { return std::monostate{}; }

}  // namespace reviewtrail::cli
