#pragma once

#include <array>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace reviewtrail::audit {

// Fills batches on a thread of its own, one batch ahead of its consumer: the consumer works on one
// batch while the next is read (two batches in memory). `fill(batch)` fills a batch left as the
// previous fill left it and returns whether another may follow; it runs on the prefetcher's thread
// only, until Stop(). Next() and Stop() are called by one consumer thread.
template <typename Batch>
class BatchPrefetcher {
 public:
  explicit BatchPrefetcher(std::function<bool(Batch&)> fill)
      : fill_(std::move(fill)), free_{0, 1}, thread_([this] { Run(); }) {}
  ~BatchPrefetcher() { Stop(); }
  BatchPrefetcher(const BatchPrefetcher&) = delete;
  BatchPrefetcher& operator=(const BatchPrefetcher&) = delete;

  // The next filled batch in order, or nullptr after the last; valid until the next call.
  Batch* Next() {
    std::unique_lock lock(mutex_);
    if (consuming_ != kNone) {
      free_.push_back(consuming_);
      consuming_ = kNone;
      changed_.notify_all();
    }
    changed_.wait(lock, [this] { return !ready_.empty() || finished_; });
    if (ready_.empty()) return nullptr;
    consuming_ = ready_.front();
    ready_.pop_front();
    return &batches_[consuming_];
  }

  // Stops filling (a fill under way completes) and waits for the thread, after which whatever
  // `fill` reads may be inspected by the caller.
  void Stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  static constexpr size_t kNone = 2;

  void Run() {
    while (true) {
      size_t slot = kNone;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [this] { return stopping_ || !free_.empty(); });
        if (stopping_) break;
        slot = free_.back();
        free_.pop_back();
      }
      const bool more = fill_(batches_[slot]);
      {
        std::lock_guard lock(mutex_);
        ready_.push_back(slot);
        finished_ = !more;
      }
      changed_.notify_all();
      if (!more) return;
    }
    std::lock_guard lock(mutex_);
    finished_ = true;
  }

  std::function<bool(Batch&)> fill_;
  std::array<Batch, 2> batches_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<size_t> free_;
  std::deque<size_t> ready_;
  size_t consuming_ = kNone;
  bool finished_ = false;
  bool stopping_ = false;
  std::thread thread_;  // last: started once everything above is set
};

}  // namespace reviewtrail::audit
