#include "timer_queue.h"

namespace reviewtrail::notifier {

void TimerQueue::Schedule(const std::string& key, Time at) {
  Cancel(key);
  by_key_.emplace(key, at);
  by_time_.emplace(at, key);
}

void TimerQueue::Cancel(const std::string& key) {
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return;
  by_time_.erase({it->second, key});
  by_key_.erase(it);
}

std::optional<TimerQueue::Time> TimerQueue::NextAt() const {
  if (by_time_.empty()) return std::nullopt;
  return by_time_.begin()->first;
}

std::vector<std::string> TimerQueue::PopDue(Time now) {
  std::vector<std::string> due;
  while (!by_time_.empty() && by_time_.begin()->first <= now) {
    due.push_back(by_time_.begin()->second);
    by_key_.erase(by_time_.begin()->second);
    by_time_.erase(by_time_.begin());
  }
  return due;
}

}  // namespace reviewtrail::notifier
