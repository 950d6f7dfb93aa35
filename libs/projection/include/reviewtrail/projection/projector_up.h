#pragma once

#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "reviewtrail/eventlog/event_log.h"

namespace reviewtrail::projection {

class Projector;

// reviewtrail_projector_up{projection}: 1 while a projector applies what the log holds, 0 when it
// has failed and applies nothing although records wait (or the log cannot be read). A stopped
// projector's lag gauges freeze at their last value, often 0, so they cannot show it; this gauge
// is re-judged every `interval` on a thread of its own, whatever the projector's runner does.
//
// The judgement, from the projector's first error (health), its applied positions and the log's
// end offsets: healthy -> 1; failed but its positions moved since the last check (it recovered
// from a passing log failure) -> 1; failed, not moving and caught up with the log -> 1 (nothing
// to apply); otherwise -> 0.
//
// Thread-safety: Start/Stop from the owner's thread.
class ProjectorUp {
 public:
  struct Probe {
    std::function<absl::Status()> health;
    std::function<std::vector<int64_t>()> applied;
  };

  ProjectorUp(eventlog::EventLog& log, Probe probe, prometheus::Registry& registry,
              const std::string& projection,
              std::chrono::milliseconds interval = std::chrono::seconds(5));
  ~ProjectorUp();
  ProjectorUp(const ProjectorUp&) = delete;
  ProjectorUp& operator=(const ProjectorUp&) = delete;

  void Start();
  void Stop();

  // Judges once and sets the gauge (the thread calls this every interval); returns the value.
  double Check();

 private:
  eventlog::EventLog& log_;
  Probe probe_;
  prometheus::Gauge& up_;
  const std::chrono::milliseconds interval_;
  std::vector<int64_t> last_applied_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread thread_;
};

}  // namespace reviewtrail::projection
