#pragma once

#include <atomic>
#include <chrono>

namespace reviewtrail::runtime {

// The only source of "now" for services. Logic takes a Clock&; tests pass a FakeClock.
// Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual std::chrono::system_clock::time_point Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  [[nodiscard]] std::chrono::system_clock::time_point Now() const override {
    return std::chrono::system_clock::now();
  }
};

// A clock that moves only when told to.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(std::chrono::system_clock::time_point start)
      : now_(start.time_since_epoch()) {}

  [[nodiscard]] std::chrono::system_clock::time_point Now() const override {
    return std::chrono::system_clock::time_point(now_.load());
  }
  void Set(std::chrono::system_clock::time_point now) { now_ = now.time_since_epoch(); }
  void Advance(std::chrono::system_clock::duration by) { now_ = now_.load() + by; }

 private:
  std::atomic<std::chrono::system_clock::duration> now_;
};

}  // namespace reviewtrail::runtime
