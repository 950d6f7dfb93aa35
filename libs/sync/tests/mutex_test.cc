#include "reviewtrail/sync/mutex.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace reviewtrail {
namespace {

// The tests below never assert on elapsed time: a wait that should end is ended by the other
// thread's action, and one that should time out is given a short timeout and checked for its
// result only.

TEST(MutexTest, AwaitReturnsOnceAnotherThreadMakesTheConditionTrueAndUnlocks) {
  Mutex mutex;
  bool ready = false;
  int seen = 0;
  std::thread waiter([&] {
    MutexLock lock(&mutex);
    mutex.Await(Condition(&ready));
    seen = 1;
  });
  {
    MutexLock lock(&mutex);
    ready = true;
  }
  waiter.join();
  EXPECT_EQ(seen, 1);
}

TEST(MutexTest, AwaitIsWokenWhenAnotherAwaitingThreadReleasesTheMutex) {
  // The second thread changes the state, then itself awaits (releasing the mutex without Unlock):
  // the first must still see the change.
  Mutex mutex;
  bool first_may_go = false;
  bool second_may_go = false;
  std::thread first([&] {
    MutexLock lock(&mutex);
    mutex.Await(Condition(&first_may_go));
    second_may_go = true;
  });
  {
    MutexLock lock(&mutex);
    first_may_go = true;
    mutex.Await(Condition(&second_may_go));
  }
  first.join();
  MutexLock lock(&mutex);
  EXPECT_TRUE(second_may_go);
}

TEST(MutexTest, AwaitIsWokenWhenTheChangingThreadWaitsOnACondVar) {
  Mutex mutex;
  CondVar done_changed;
  bool go = false;
  bool done = false;
  std::thread waiter([&] {
    MutexLock lock(&mutex);
    mutex.Await(Condition(&go));
    done = true;
    done_changed.SignalAll();
  });
  {
    MutexLock lock(&mutex);
    go = true;
    while (!done) done_changed.Wait(&mutex);
  }
  waiter.join();
}

TEST(MutexTest, AwaitWithTimeoutAnswersWhetherTheConditionHolds) {
  Mutex mutex;
  bool never = false;
  bool always = true;
  MutexLock lock(&mutex);
  EXPECT_FALSE(mutex.AwaitWithTimeout(Condition(&never), absl::Milliseconds(20)));
  EXPECT_TRUE(mutex.AwaitWithTimeout(Condition(&always), absl::Milliseconds(20)));
  EXPECT_FALSE(mutex.AwaitWithTimeout(Condition(&never), absl::ZeroDuration()));
  EXPECT_FALSE(mutex.AwaitWithTimeout(Condition(&never), -absl::Seconds(1)));
}

class Counter {
 public:
  void Add() {
    MutexLock lock(&mutex_);
    ++count_;
  }
  void AwaitAtLeast(int count) {
    MutexLock lock(&mutex_);
    wanted_ = count;
    mutex_.Await(Condition(this, &Counter::Reached));
  }
  int count() {
    MutexLock lock(&mutex_);
    return count_;
  }

 private:
  bool Reached() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) { return count_ >= wanted_; }

  Mutex mutex_;
  int count_ ABSL_GUARDED_BY(mutex_) = 0;
  int wanted_ ABSL_GUARDED_BY(mutex_) = 0;
};

TEST(MutexTest, AwaitsAMethodConditionAcrossManyThreads) {
  Counter counter;
  std::vector<std::thread> adders;
  for (int i = 0; i < 8; ++i) {
    adders.emplace_back([&] {
      for (int j = 0; j < 1000; ++j) counter.Add();
    });
  }
  counter.AwaitAtLeast(8000);
  for (std::thread& adder : adders) adder.join();
  EXPECT_EQ(counter.count(), 8000);
}

TEST(MutexTest, AwaitsALambdaCondition) {
  Mutex mutex;
  std::vector<int> queue;
  std::thread producer([&] {
    for (int i = 0; i < 100; ++i) {
      MutexLock lock(&mutex);
      queue.push_back(i);
    }
  });
  const auto full = [&] { return queue.size() == 100; };
  {
    MutexLock lock(&mutex);
    mutex.Await(Condition(&full));
    EXPECT_EQ(queue.back(), 99);
  }
  producer.join();
}

TEST(MutexTest, AwaitsAFunctionOfAnArgument) {
  Mutex mutex;
  size_t outstanding = 3;
  std::vector<std::thread> finishers;
  for (int i = 0; i < 3; ++i) {
    finishers.emplace_back([&] {
      MutexLock lock(&mutex);
      --outstanding;
    });
  }
  {
    MutexLock lock(&mutex);
    mutex.Await(Condition(
        +[](size_t* left) { return *left == 0; }, &outstanding));
    EXPECT_EQ(outstanding, 0u);
  }
  for (std::thread& finisher : finishers) finisher.join();
}

TEST(CondVarTest, WaitWithTimeoutSaysWhetherItTimedOut) {
  Mutex mutex;
  CondVar never_signalled;
  MutexLock lock(&mutex);
  EXPECT_TRUE(never_signalled.WaitWithTimeout(&mutex, absl::Milliseconds(10)));
  EXPECT_TRUE(never_signalled.WaitWithDeadline(&mutex, absl::Now() - absl::Seconds(1)));
}

TEST(CondVarTest, SignalledWaitReturnsWithTheChange) {
  Mutex mutex;
  CondVar changed;
  int value = 0;
  std::thread setter([&] {
    MutexLock lock(&mutex);
    value = 42;
    changed.Signal();
  });
  {
    MutexLock lock(&mutex);
    while (value == 0) changed.WaitWithTimeout(&mutex, absl::InfiniteDuration());
    EXPECT_EQ(value, 42);
  }
  setter.join();
}

}  // namespace
}  // namespace reviewtrail
