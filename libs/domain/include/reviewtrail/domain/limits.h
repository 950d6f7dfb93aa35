#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace reviewtrail::domain {

// Length limits in bytes of UTF-8. Generous for people, small enough to keep events compact.
inline constexpr size_t kMaxIdLength = 128;
inline constexpr size_t kMaxCommandIdLength = 128;
inline constexpr size_t kMaxNameLength = 200;  // titles, display names
inline constexpr size_t kMaxEmailLength = 320;
inline constexpr size_t kMaxSummaryLength = 1000;
inline constexpr size_t kMaxTextLength = 4000;  // rationale, outcome, criteria, notes
inline constexpr size_t kMaxReasonLength = 1000;
inline constexpr size_t kMaxUriLength = 2048;
inline constexpr size_t kMaxLinks = 50;
inline constexpr size_t kMaxAttendees = 200;
inline constexpr size_t kMaxEvidencePerAction = 500;
inline constexpr int32_t kMaxEscalationLevel = 9;

// Evidence and minutes must live somewhere an auditor can retrieve them.
inline constexpr std::array<std::string_view, 5> kAllowedUriSchemes = {"https", "http", "s3", "gs",
                                                                       "urn"};

}  // namespace reviewtrail::domain
