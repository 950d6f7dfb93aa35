#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "google/protobuf/repeated_ptr_field.h"
#include "google/type/date.pb.h"
#include "reviewtrail/domain/error.h"
#include "reviewtrail/domain/state.h"
#include "reviewtrail/v1/common.pb.h"

namespace reviewtrail::domain {

[[nodiscard]] bool IsValidUtf8(std::string_view text);
[[nodiscard]] bool IsLowerOrUpperHex(std::string_view text);
// The URI's scheme (lower-cased) when it is well formed, else nullopt.
[[nodiscard]] std::optional<std::string> UriScheme(std::string_view uri);

// Collects every field violation of one request, so a caller sees all mistakes at once.
class Violations {
 public:
  // Non-empty, valid UTF-8, at most `max` bytes, no control characters except tab and newline.
  void RequireText(std::string_view field, std::string_view value, size_t max);
  // Like RequireText, but empty is fine.
  void OptionalText(std::string_view field, std::string_view value, size_t max);
  // An id: 1..kMaxIdLength of [A-Za-z0-9._@:-].
  void RequireId(std::string_view field, std::string_view value);
  void OptionalId(std::string_view field, std::string_view value);
  void RequireCommandId(std::string_view value);
  void RequireDate(std::string_view field, bool present, const google::type::Date& date);
  // An absolute URI with a scheme from kAllowedUriSchemes.
  void RequireUri(std::string_view field, std::string_view value);
  void OptionalUri(std::string_view field, std::string_view value);
  void RequireLinks(std::string_view field,
                    const google::protobuf::RepeatedPtrField<v1::Link>& links);
  void Add(std::string_view field, std::string description);

  [[nodiscard]] bool empty() const { return violations_.empty(); }
  [[nodiscard]] DomainError ToError() const;

 private:
  std::vector<FieldViolation> violations_;
};

[[nodiscard]] std::vector<LinkRef> ToLinkRefs(
    const google::protobuf::RepeatedPtrField<v1::Link>& links);

}  // namespace reviewtrail::domain
