#include "reviewtrail/projection/projector_up.h"

namespace reviewtrail::projection {

ProjectorUp::ProjectorUp(eventlog::EventLog& log, Probe probe, prometheus::Registry& registry,
                         const std::string& projection, std::chrono::milliseconds interval)
    : log_(log),
      probe_(std::move(probe)),
      up_(prometheus::BuildGauge()
              .Name("reviewtrail_projector_up")
              .Help("1 while a projector applies what the log holds; 0 when it has failed and "
                    "applies nothing although records wait")
              .Register(registry)
              .Add({{"projection", projection}})),
      interval_(interval) {
  up_.Set(1);
}

ProjectorUp::~ProjectorUp() { Stop(); }

void ProjectorUp::Start() {
  last_applied_ = probe_.applied();
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, interval_,
                           [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) { return stopping_; })) {
      lock.unlock();
      Check();
      lock.lock();
    }
  });
}

void ProjectorUp::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

double ProjectorUp::Check() {
  const absl::Status health = probe_.health();
  std::vector<int64_t> applied = probe_.applied();
  const bool moved = applied != last_applied_;
  last_applied_ = applied;
  double up = 1;
  if (!health.ok() && !moved) {
    for (int32_t partition = 0; partition < static_cast<int32_t>(applied.size()); ++partition) {
      const absl::StatusOr<int64_t> end = log_.EndOffset(partition);
      if (!end.ok() || *end > applied[static_cast<size_t>(partition)]) {
        up = 0;
        break;
      }
    }
  }
  up_.Set(up);
  return up;
}

}  // namespace reviewtrail::projection
