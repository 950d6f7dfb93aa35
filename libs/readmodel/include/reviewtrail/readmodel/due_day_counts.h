#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "reviewtrail/domain/civil_date.h"

namespace reviewtrail::readmodel {

// How many of a scope's open actions are due on each day: the record open_due_counts keeps per
// scope (keys.h), from which the dashboards sum overdue and due-soon without visiting the actions.
// Only days with a count above zero are held, in increasing order.
//
// Stored as 12 bytes per day, in order: the day (days since 1970-01-01, 4 bytes) and its count
// (8 bytes), both big-endian. ParseFromString/SerializeAsString make it a MergedRecords record.
class DueDayCounts {
 public:
  struct Day {
    domain::CivilDate day;
    int64_t count = 0;
    friend bool operator==(const Day&, const Day&) = default;
  };

  // Adds `delta` to the count of `day`; a count that reaches zero is dropped.
  void Add(const domain::CivilDate& day, int64_t delta);
  // The sum of the counts of the days in [from, to).
  [[nodiscard]] int64_t Sum(const domain::CivilDate& from, const domain::CivilDate& to) const;

  // Every day held, in order.
  [[nodiscard]] std::vector<Day> Days() const;
  [[nodiscard]] bool empty() const { return days_.empty(); }

  // False (and nothing held) for bytes that are not a whole number of days in increasing order.
  [[nodiscard]] bool ParseFromString(std::string_view bytes);
  [[nodiscard]] std::string SerializeAsString() const;

 private:
  struct Held {
    int32_t day = 0;  // days since 1970-01-01
    int64_t count = 0;
  };
  // The first day held that is not before `day`.
  [[nodiscard]] std::vector<Held>::const_iterator LowerBound(int32_t day) const;

  std::vector<Held> days_;
};

}  // namespace reviewtrail::readmodel
