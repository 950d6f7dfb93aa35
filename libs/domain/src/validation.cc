#include "validation.h"

#include <algorithm>
#include <cctype>

#include "reviewtrail/domain/civil_date.h"
#include "reviewtrail/domain/limits.h"

namespace reviewtrail::domain {
namespace {

std::string Field(std::string_view field) { return std::string(field); }

bool IsIdChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-' ||
         c == '@' || c == ':';
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    size_t len = 0;
    uint32_t code = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      code = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      code = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      code = c & 0x07;
    } else {
      return false;
    }
    if (i + len > text.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      code = (code << 6) | (cc & 0x3F);
    }
    // Reject overlong forms, surrogates and code points beyond Unicode.
    if ((len == 2 && code < 0x80) || (len == 3 && code < 0x800) || (len == 4 && code < 0x10000) ||
        (code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF) {
      return false;
    }
    i += len;
  }
  return true;
}

bool IsLowerOrUpperHex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

std::optional<std::string> UriScheme(std::string_view uri) {
  const size_t colon = uri.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string scheme(uri.substr(0, colon));
  if (std::isalpha(static_cast<unsigned char>(scheme[0])) == 0) return std::nullopt;
  for (char& c : scheme) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '+' && c != '-' && c != '.') {
      return std::nullopt;
    }
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (colon + 1 >= uri.size()) return std::nullopt;
  for (char c : uri) {
    if (std::isspace(static_cast<unsigned char>(c)) != 0 ||
        std::iscntrl(static_cast<unsigned char>(c)) != 0) {
      return std::nullopt;
    }
  }
  return scheme;
}

void Violations::RequireText(std::string_view field, std::string_view value, size_t max) {
  if (value.empty()) {
    Add(field, "is required");
    return;
  }
  OptionalText(field, value, max);
  if (std::all_of(value.begin(), value.end(),
                  [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; })) {
    Add(field, "must not be blank");
  }
}

void Violations::OptionalText(std::string_view field, std::string_view value, size_t max) {
  if (value.size() > max) {
    Add(field,
        "must be at most " + std::to_string(max) + " bytes, got " + std::to_string(value.size()));
    return;
  }
  if (!IsValidUtf8(value)) {
    Add(field, "must be valid UTF-8");
    return;
  }
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\n' && c != '\t' && c != '\r') {
      Add(field, "must not contain control characters");
      return;
    }
  }
}

void Violations::RequireId(std::string_view field, std::string_view value) {
  if (value.empty()) {
    Add(field, "is required");
    return;
  }
  OptionalId(field, value);
}

void Violations::OptionalId(std::string_view field, std::string_view value) {
  if (value.empty()) return;
  if (value.size() > kMaxIdLength) {
    Add(field, "must be at most " + std::to_string(kMaxIdLength) + " bytes, got " +
                   std::to_string(value.size()));
  } else if (!std::all_of(value.begin(), value.end(), IsIdChar)) {
    Add(field, "must contain only letters, digits and . _ @ : -");
  }
}

void Violations::RequireCommandId(std::string_view value) {
  if (value.empty()) {
    Add("command_id", "is required (an idempotency key, e.g. a UUID)");
  } else if (value.size() > kMaxCommandIdLength) {
    Add("command_id", "must be at most " + std::to_string(kMaxCommandIdLength) + " bytes, got " +
                          std::to_string(value.size()));
  } else if (!std::all_of(value.begin(), value.end(),
                          [](char c) { return c > 0x20 && c < 0x7F; })) {
    Add("command_id", "must be printable ASCII without spaces");
  }
}

void Violations::RequireDate(std::string_view field, bool present, const google::type::Date& date) {
  if (!present) {
    Add(field, "is required");
    return;
  }
  if (!CivilDate::FromProto(date).IsValid()) {
    Add(field, "must be a valid calendar date (year 1-9999), got " + std::to_string(date.year()) +
                   "-" + std::to_string(date.month()) + "-" + std::to_string(date.day()));
  }
}

void Violations::RequireUri(std::string_view field, std::string_view value) {
  if (value.empty()) {
    Add(field, "is required");
    return;
  }
  OptionalUri(field, value);
}

void Violations::OptionalUri(std::string_view field, std::string_view value) {
  if (value.empty()) return;
  if (value.size() > kMaxUriLength) {
    Add(field, "must be at most " + std::to_string(kMaxUriLength) + " bytes, got " +
                   std::to_string(value.size()));
    return;
  }
  const auto scheme = UriScheme(value);
  if (!scheme) {
    Add(field, "must be an absolute URI without spaces, e.g. https://intranet/doc/42");
    return;
  }
  if (std::find(kAllowedUriSchemes.begin(), kAllowedUriSchemes.end(), *scheme) ==
      kAllowedUriSchemes.end()) {
    Add(field, "scheme '" + *scheme + "' is not allowed; use one of https, http, s3, gs, urn");
  }
}

void Violations::RequireLinks(std::string_view field,
                              const google::protobuf::RepeatedPtrField<v1::Link>& links) {
  if (static_cast<size_t>(links.size()) > kMaxLinks) {
    Add(field, "must have at most " + std::to_string(kMaxLinks) + " entries");
    return;
  }
  for (int i = 0; i < links.size(); ++i) {
    const std::string prefix = Field(field) + "[" + std::to_string(i) + "]";
    if (links[i].kind() == v1::LINK_KIND_UNSPECIFIED || !v1::LinkKind_IsValid(links[i].kind())) {
      Add(prefix + ".kind", "must be one of RISK, NONCONFORMITY, CONTROL, PROJECT, DOCUMENT");
    }
    RequireText(prefix + ".ref", links[i].ref(), kMaxNameLength);
    OptionalText(prefix + ".title", links[i].title(), kMaxNameLength);
  }
}

void Violations::Add(std::string_view field, std::string description) {
  violations_.push_back(FieldViolation{Field(field), std::move(description)});
}

DomainError Violations::ToError() const {
  DomainError error;
  error.code = ErrorCode::kInvalidArgument;
  error.rule = "INVALID_ARGUMENT";
  error.message = violations_.front().field + " " + violations_.front().description;
  if (violations_.size() > 1) {
    error.message += " (and " + std::to_string(violations_.size() - 1) + " more)";
  }
  error.violations = violations_;
  return error;
}

std::vector<LinkRef> ToLinkRefs(const google::protobuf::RepeatedPtrField<v1::Link>& links) {
  std::vector<LinkRef> refs;
  refs.reserve(links.size());
  for (const auto& link : links) refs.push_back(LinkRef{link.kind(), link.ref(), link.title()});
  return refs;
}

}  // namespace reviewtrail::domain
