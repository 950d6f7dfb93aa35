#pragma once

// The lock of every member guarded by ABSL_GUARDED_BY: absl::Mutex's interface (the part the code
// uses: Lock/Unlock, Await and AwaitWithTimeout on a Condition, CondVar, MutexLock) over
// std::mutex and std::condition_variable, annotated for clang's -Wthread-safety.
//
// Why not absl::Mutex itself: Debian's abseil is not built with -fsanitize=thread, so
// ThreadSanitizer cannot see the happens-before an absl::Mutex establishes (it synchronises with
// atomics and futexes inside the uninstrumented library) and reports every hand-off through one as
// a race. std::mutex and std::condition_variable are pthread calls, which TSan intercepts, so with
// this wrapper its reports are about our code (scripts/tsan.sh).
//
// Await's semantics are absl's: the condition is evaluated with the mutex held, and re-evaluated
// whenever another thread releases the mutex (Unlock, or its own Await or CondVar wait).

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <type_traits>

#include "absl/base/thread_annotations.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace reviewtrail {

// A predicate on state guarded by a Mutex, evaluated with that mutex held (as absl::Condition).
// It refers to its flag, functor or object: they must outlive the wait.
class Condition {
 public:
  explicit Condition(const bool* flag)
      : eval_([flag]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return *flag; }) {}

  // A functor (a lambda, typically annotated ABSL_EXCLUSIVE_LOCKS_REQUIRED(the mutex)).
  template <typename F, typename = std::enable_if_t<std::is_invocable_r_v<bool, const F&>>>
  explicit Condition(const F* functor)
      : eval_([functor]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return (*functor)(); }) {}

  // A function of an argument.
  template <typename T>
  Condition(bool (*function)(T*), T* argument)
      : eval_([function, argument]()
                  ABSL_NO_THREAD_SAFETY_ANALYSIS { return function(argument); }) {}

  template <typename T>
  Condition(T* object, bool (T::*method)())
      : eval_([object, method]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return (object->*method)(); }) {}

  template <typename T>
  Condition(const T* object, bool (T::*method)() const)
      : eval_([object, method]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return (object->*method)(); }) {}

  [[nodiscard]] bool Eval() const { return eval_(); }

 private:
  std::function<bool()> eval_;
};

class CondVar;

class ABSL_LOCKABLE Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { mutex_.lock(); }

  void Unlock() ABSL_UNLOCK_FUNCTION() {
    const bool wake = awaiting_ > 0;
    mutex_.unlock();
    if (wake) released_.notify_all();
  }

  // A no-op (std::mutex cannot tell its owner); tells clang's analysis the mutex is held.
  void AssertHeld() const ABSL_ASSERT_EXCLUSIVE_LOCK() {}

  // Blocks, the mutex released, until `condition` holds; returns with the mutex held.
  void Await(const Condition& condition) ABSL_EXCLUSIVE_LOCKS_REQUIRED(this) {
    AwaitUntil(condition, nullptr);
  }

  // As Await, for at most `timeout`; returns whether `condition` holds (re-evaluated at the end).
  bool AwaitWithTimeout(const Condition& condition, absl::Duration timeout)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(this) {
    return AwaitWithDeadline(condition, absl::Now() + timeout);
  }

  bool AwaitWithDeadline(const Condition& condition, absl::Time deadline)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(this) {
    if (deadline == absl::InfiniteFuture()) {
      AwaitUntil(condition, nullptr);
      return true;
    }
    const std::chrono::steady_clock::time_point until = SteadyDeadline(deadline);
    return AwaitUntil(condition, &until);
  }

 private:
  friend class CondVar;

  // absl::Time (the wall clock) to a steady-clock deadline: a wall-clock step does not lengthen
  // or shorten a wait already begun.
  static std::chrono::steady_clock::time_point SteadyDeadline(absl::Time deadline) {
    const absl::Duration left = deadline - absl::Now();
    const auto now = std::chrono::steady_clock::now();
    if (left <= absl::ZeroDuration()) return now;
    // A year stands for "far away" (and keeps the arithmetic below from overflowing).
    if (left > absl::Hours(24 * 365)) return now + std::chrono::hours(24 * 365);
    return now + absl::ToChronoNanoseconds(left);
  }

  // The holder is about to release the mutex without Unlock (a wait): the state it changed may
  // satisfy an Await elsewhere.
  void WakeAwaiters() {
    if (awaiting_ > 0) released_.notify_all();
  }

  bool AwaitUntil(const Condition& condition, const std::chrono::steady_clock::time_point* until)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(this) {
    if (condition.Eval()) return true;
    // Only the first wait may follow a change of the guarded state by this thread; later ones
    // follow a wake-up in which it changed nothing (so two awaiting threads never wake each other
    // in turn).
    WakeAwaiters();
    ++awaiting_;
    std::unique_lock<std::mutex> lock(mutex_, std::adopt_lock);
    bool holds = false;
    while (!(holds = condition.Eval())) {
      if (until == nullptr) {
        released_.wait(lock);
      } else if (released_.wait_until(lock, *until) == std::cv_status::timeout) {
        holds = condition.Eval();
        break;
      }
    }
    lock.release();
    --awaiting_;
    return holds;
  }

  std::mutex mutex_;
  // Signalled (all) when the mutex is released while a thread is in Await.
  std::condition_variable released_;
  int awaiting_ = 0;  // threads in Await (guarded by mutex_)
};

// Holds a Mutex for its scope.
class ABSL_SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(Mutex* mutex) ABSL_EXCLUSIVE_LOCK_FUNCTION(mutex) : mutex_(mutex) {
    mutex_->Lock();
  }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { mutex_->Unlock(); }

 private:
  Mutex* const mutex_;
};

// A condition variable used with a Mutex (as absl::CondVar).
class CondVar {
 public:
  // Releases `mutex` until signalled (or woken spuriously), then reacquires it.
  void Wait(Mutex* mutex) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex) { WaitUntil(mutex, nullptr); }

  // As Wait, for at most `timeout` / until `deadline`; true when it timed out.
  bool WaitWithTimeout(Mutex* mutex, absl::Duration timeout) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex) {
    return WaitWithDeadline(mutex, absl::Now() + timeout);
  }

  bool WaitWithDeadline(Mutex* mutex, absl::Time deadline) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex) {
    if (deadline == absl::InfiniteFuture()) {
      WaitUntil(mutex, nullptr);
      return false;
    }
    const std::chrono::steady_clock::time_point until = Mutex::SteadyDeadline(deadline);
    return WaitUntil(mutex, &until);
  }

  void Signal() { condition_.notify_one(); }
  void SignalAll() { condition_.notify_all(); }

 private:
  bool WaitUntil(Mutex* mutex, const std::chrono::steady_clock::time_point* until)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex) {
    mutex->WakeAwaiters();
    std::unique_lock<std::mutex> lock(mutex->mutex_, std::adopt_lock);
    bool timed_out = false;
    if (until == nullptr) {
      condition_.wait(lock);
    } else {
      timed_out = condition_.wait_until(lock, *until) == std::cv_status::timeout;
    }
    lock.release();
    return timed_out;
  }

  std::condition_variable condition_;
};

}  // namespace reviewtrail
