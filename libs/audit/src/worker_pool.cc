#include "reviewtrail/audit/worker_pool.h"

#include <algorithm>

namespace reviewtrail::audit {
namespace {

// Part `part` of `parts` consecutive, nearly equal parts of [0, n).
std::pair<size_t, size_t> PartOf(size_t n, size_t parts, size_t part) {
  const size_t base = n / parts;
  const size_t extra = n % parts;
  const size_t begin = part * base + std::min(part, extra);
  return {begin, begin + base + (part < extra ? 1 : 0)};
}

}  // namespace

WorkerPool::WorkerPool(size_t threads) : threads_(std::max<size_t>(threads, 1)) {
  for (size_t part = 1; part < threads_; ++part) {
    workers_.emplace_back([this, part] { Serve(part); });
  }
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_all();
  for (std::thread& worker : workers_) worker.join();
}

void WorkerPool::Run(size_t n, const std::function<void(size_t begin, size_t end)>& work) {
  RunParts(n, [&work](size_t, size_t begin, size_t end) { work(begin, end); });
}

void WorkerPool::RunParts(size_t n,
                          const std::function<void(size_t part, size_t begin, size_t end)>& work) {
  const size_t parts = threads();
  if (parts == 1 || n < parts) {
    work(0, 0, n);
    return;
  }
  {
    std::lock_guard lock(mutex_);
    work_ = &work;
    n_ = n;
    pending_ = workers_.size();
    ++generation_;
  }
  work_ready_.notify_all();
  const auto [begin, end] = PartOf(n, parts, 0);
  work(0, begin, end);
  std::unique_lock lock(mutex_);
  work_done_.wait(lock, [this] { return pending_ == 0; });
  work_ = nullptr;
}

void WorkerPool::Serve(size_t part) {
  uint64_t seen = 0;
  std::unique_lock lock(mutex_);
  while (true) {
    work_ready_.wait(lock, [&] { return stopping_ || generation_ != seen; });
    if (stopping_) return;
    seen = generation_;
    const auto* work = work_;
    const auto [begin, end] = PartOf(n_, threads_, part);
    lock.unlock();
    (*work)(part, begin, end);
    lock.lock();
    if (--pending_ == 0) work_done_.notify_one();
  }
}

}  // namespace reviewtrail::audit
