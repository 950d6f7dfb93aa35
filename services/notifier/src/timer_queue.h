#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace reviewtrail::notifier {

// The instants at which actions need attention: at most one per key, ordered by time, so the
// notifier sleeps until the earliest and never scans every action. Not thread-safe: the owner
// guards it.
class TimerQueue {
 public:
  using Time = std::chrono::system_clock::time_point;

  // Sets (or moves) the timer of `key` to `at`.
  void Schedule(const std::string& key, Time at);
  // Removes the timer of `key`, if any.
  void Cancel(const std::string& key);
  // The earliest timer; nullopt when empty.
  [[nodiscard]] std::optional<Time> NextAt() const;
  // Removes and returns the keys due at `now`, earliest first.
  [[nodiscard]] std::vector<std::string> PopDue(Time now);
  [[nodiscard]] size_t size() const { return by_key_.size(); }

 private:
  std::set<std::pair<Time, std::string>> by_time_;
  std::map<std::string, Time> by_key_;
};

}  // namespace reviewtrail::notifier
