// A projector process for the crash test: runs the query read model's Projector over an embedded
// log with small batches and prints its progress ("applied <records>") after each change, so the
// test can SIGKILL it mid-stream: live (`run`) or catching up on 3 threads (`parallel-catchup`).
// `catchup` mode applies everything on one thread and exits.
//   query_projector_crash_helper <log-dir> <store-dir> run|parallel-catchup|catchup
#include <prometheus/registry.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <numeric>
#include <string>
#include <thread>

#include "reviewtrail/eventlog/embedded_log.h"
#include "reviewtrail/projection/projection_store.h"
#include "reviewtrail/projection/projector.h"
#include "reviewtrail/readmodel/keys.h"
#include "reviewtrail/readmodel/query_projection.h"

int main(int argc, char** argv) {
  using namespace reviewtrail;  // NOLINT(google-build-using-namespace): a test helper's main
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s <log-dir> <store-dir> run|parallel-catchup|catchup\n", argv[0]);
    return 2;
  }
  auto log = eventlog::EmbeddedLog::Open({.path = argv[1], .partition_count = 0});
  if (!log.ok()) {
    std::fprintf(stderr, "log: %s\n", log.status().ToString().c_str());
    return 1;
  }
  auto store = projection::ProjectionStore::Open(argv[2], readmodel::AllTables());
  if (!store.ok()) {
    std::fprintf(stderr, "store: %s\n", store.status().ToString().c_str());
    return 1;
  }
  readmodel::QueryProjection projection{runtime::TenantTimeZones()};
  prometheus::Registry registry;
  const std::string mode = argv[3];
  projection::ProjectionFactory projections;
  if (mode == "parallel-catchup") {
    projections = [] {
      return std::make_unique<readmodel::QueryProjection>(runtime::TenantTimeZones());
    };
  }
  projection::Projector projector(
      **log, **store, projection, registry,
      {.name = "query", .max_batch = 3, .catch_up_chunk = 30, .catch_up_workers = 3}, projections);
  int64_t total = 0;
  for (int32_t p = 0; p < (*log)->PartitionCount(); ++p) total += *(*log)->EndOffset(p);
  if (mode == "catchup") {
    if (absl::Status caught_up = projector.CatchUp(); !caught_up.ok()) {
      std::fprintf(stderr, "catchup: %s\n", caught_up.ToString().c_str());
      return 1;
    }
    std::printf("done\n");
    return 0;
  }
  std::thread catching_up;
  if (mode == "parallel-catchup") {
    catching_up = std::thread([&projector] {
      if (absl::Status caught_up = projector.CatchUp(); !caught_up.ok()) {
        std::fprintf(stderr, "catchup: %s\n", caught_up.ToString().c_str());
        std::_Exit(1);
      }
    });
  } else if (absl::Status started = projector.Start(); !started.ok()) {
    std::fprintf(stderr, "start: %s\n", started.ToString().c_str());
    return 1;
  }
  int64_t reported = -1;
  while (true) {
    const std::vector<int64_t> applied = projector.Applied();
    const int64_t sum = std::accumulate(applied.begin(), applied.end(), int64_t{0});
    if (sum != reported) {
      reported = sum;
      std::printf("applied %lld\n", static_cast<long long>(sum));
      std::fflush(stdout);
    }
    if (sum == total) break;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  if (catching_up.joinable()) catching_up.join();
  projector.Stop();
  std::printf("done\n");
  return 0;
}
