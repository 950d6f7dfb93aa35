#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace reviewtrail::audit {

// A fixed set of threads that share one piece of work at a time: Run(n, work) calls work(begin,
// end) on consecutive parts of [0, n), one part per thread, the first on the calling thread, and
// returns when every part is done. Run is called by one thread at a time; `work` must not throw.
class WorkerPool {
 public:
  // `threads` counts the caller's thread: 1 runs everything on the caller (no thread is started).
  explicit WorkerPool(size_t threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  [[nodiscard]] size_t threads() const { return threads_; }

  void Run(size_t n, const std::function<void(size_t begin, size_t end)>& work);
  // The same, telling each call which part it is (0 is the first, on the caller's thread); when n
  // is smaller than threads(), part 0 is all of it.
  void RunParts(size_t n, const std::function<void(size_t part, size_t begin, size_t end)>& work);

 private:
  void Serve(size_t part);

  const size_t threads_;
  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable work_done_;
  const std::function<void(size_t, size_t, size_t)>* work_ = nullptr;
  size_t n_ = 0;
  uint64_t generation_ = 0;
  size_t pending_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace reviewtrail::audit
