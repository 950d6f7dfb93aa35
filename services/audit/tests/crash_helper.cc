// audit_crash_helper LOG_DIR STORE_DIR: runs the audit projection over an embedded log the way the
// service does (Projector, small batches), slowed down and printing "applied <n>" as it goes, so
// a test can SIGKILL it mid-projection. Prints "caught up" when it reaches the log's end.
#include <prometheus/registry.h>

#include <iostream>
#include <thread>

#include "reviewtrail/audit/audit_projection.h"
#include "reviewtrail/eventlog/embedded_log.h"
#include "reviewtrail/projection/projector.h"

namespace {

// Slows every Apply down so that a kill lands in the middle of the projection.
class SlowProjection final : public reviewtrail::projection::Projection {
 public:
  std::vector<std::string> Tables() const override { return inner_.Tables(); }
  absl::Status Apply(const reviewtrail::eventlog::Position& position,
                     const reviewtrail::v1::EventEnvelope& event,
                     reviewtrail::projection::Changes& changes) override {
    std::this_thread::sleep_for(std::chrono::microseconds(500));
    if (++applied_ % 50 == 0) std::cout << "applied " << applied_ << std::endl;
    return inner_.Apply(position, event, changes);
  }

 private:
  reviewtrail::audit::AuditProjection inner_;
  int64_t applied_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: audit_crash_helper LOG_DIR STORE_DIR\n";
    return 2;
  }
  auto log = reviewtrail::eventlog::EmbeddedLog::Open({.path = argv[1], .partition_count = 0});
  if (!log.ok()) {
    std::cerr << log.status() << "\n";
    return 1;
  }
  SlowProjection projection;
  auto store = reviewtrail::projection::ProjectionStore::Open(argv[2], projection.Tables());
  if (!store.ok()) {
    std::cerr << store.status() << "\n";
    return 1;
  }
  prometheus::Registry registry;
  reviewtrail::projection::Projector projector(
      **log, **store, projection, registry,
      {.name = "audit", .max_batch = 5, .catch_up_chunk = 25});
  if (!projector.Start().ok()) return 1;
  for (int32_t partition = 0; partition < (*log)->PartitionCount(); ++partition) {
    const int64_t end = *(*log)->EndOffset(partition);
    if (end == 0) continue;
    if (!projector.WaitFor({partition, end - 1},
                           std::chrono::steady_clock::now() + std::chrono::seconds(60))) {
      return 1;
    }
  }
  std::cout << "caught up" << std::endl;
  projector.Stop();
  return 0;
}
