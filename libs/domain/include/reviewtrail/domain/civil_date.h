#pragma once

#include <compare>
#include <cstdint>
#include <string>

#include "google/type/date.pb.h"

namespace reviewtrail::domain {

// A proleptic Gregorian calendar date without a time zone: deadlines and review dates are days.
struct CivilDate {
  int32_t year = 0;
  int32_t month = 0;
  int32_t day = 0;

  friend auto operator<=>(const CivilDate&, const CivilDate&) = default;

  // True for a real date with year 1..9999.
  [[nodiscard]] bool IsValid() const;
  // Days since 1970-01-01 (negative before). Only meaningful for valid dates.
  [[nodiscard]] int64_t DaysSinceEpoch() const;
  [[nodiscard]] static CivilDate FromDaysSinceEpoch(int64_t days);
  [[nodiscard]] CivilDate AddDays(int64_t days) const;
  // ISO 8601, e.g. "2026-11-23".
  [[nodiscard]] std::string ToString() const;

  [[nodiscard]] static CivilDate FromProto(const google::type::Date& date);
  [[nodiscard]] google::type::Date ToProto() const;
};

// The days of `month` (1..12) of `year` in the proleptic Gregorian calendar (leap years: divisible
// by 4, except centuries not divisible by 400). The one leap-year rule of the code base.
[[nodiscard]] int32_t DaysInMonth(int32_t year, int32_t month);

// Days from `from` to `to` (positive when `to` is later).
[[nodiscard]] int64_t DaysBetween(const CivilDate& from, const CivilDate& to);

}  // namespace reviewtrail::domain
