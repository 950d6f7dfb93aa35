#include "reviewtrail/readmodel/due_day_counts.h"

#include <algorithm>

#include "reviewtrail/projection/key_codec.h"

namespace reviewtrail::readmodel {
namespace {

constexpr size_t kDayBytes = 12;

int32_t DaysOf(const domain::CivilDate& day) { return static_cast<int32_t>(day.DaysSinceEpoch()); }

}  // namespace

std::vector<DueDayCounts::Held>::const_iterator DueDayCounts::LowerBound(int32_t day) const {
  return std::lower_bound(days_.begin(), days_.end(), day,
                          [](const Held& held, int32_t d) { return held.day < d; });
}

void DueDayCounts::Add(const domain::CivilDate& day, int64_t delta) {
  const int32_t days = DaysOf(day);
  auto it = days_.begin() + (LowerBound(days) - days_.cbegin());
  if (it == days_.end() || it->day != days) it = days_.insert(it, Held{days, 0});
  it->count += delta;
  if (it->count == 0) days_.erase(it);
}

int64_t DueDayCounts::Sum(const domain::CivilDate& from, const domain::CivilDate& to) const {
  const int32_t end = DaysOf(to);
  int64_t sum = 0;
  for (auto it = LowerBound(DaysOf(from)); it != days_.end() && it->day < end; ++it) {
    sum += it->count;
  }
  return sum;
}

std::vector<DueDayCounts::Day> DueDayCounts::Days() const {
  std::vector<Day> days;
  days.reserve(days_.size());
  for (const Held& held : days_) {
    days.push_back({domain::CivilDate::FromDaysSinceEpoch(held.day), held.count});
  }
  return days;
}

bool DueDayCounts::ParseFromString(std::string_view bytes) {
  days_.clear();
  if (bytes.size() % kDayBytes != 0) return false;
  days_.reserve(bytes.size() / kDayBytes);
  for (size_t at = 0; at < bytes.size(); at += kDayBytes) {
    const auto day = static_cast<int32_t>(projection::LoadBigEndian<uint32_t>(bytes.data() + at));
    const auto count =
        static_cast<int64_t>(projection::LoadBigEndian<uint64_t>(bytes.data() + at + 4));
    if (!days_.empty() && days_.back().day >= day) {
      days_.clear();
      return false;
    }
    days_.push_back({day, count});
  }
  return true;
}

std::string DueDayCounts::SerializeAsString() const {
  std::string bytes;
  bytes.reserve(days_.size() * kDayBytes);
  for (const Held& held : days_) {
    projection::AppendBigEndian(bytes, static_cast<uint32_t>(held.day), 4);
    projection::AppendBigEndian(bytes, static_cast<uint64_t>(held.count), 8);
  }
  return bytes;
}

}  // namespace reviewtrail::readmodel
