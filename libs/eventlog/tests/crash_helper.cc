// Appends to an embedded log from several threads until killed, writing one line per
// acknowledged event to stdout: "<event id> <partition> <offset>". Used by embedded_crash_test.
//   eventlog_crash_helper <path> <partitions> <threads> <tenant prefix>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "reviewtrail/eventlog/embedded_log.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"
#include "test_support.h"

int main(int argc, char** argv) {
  using reviewtrail::eventlog::EmbeddedLog;
  // Standard output carries only the acknowledgements the test reads; the log's own lines (RocksDB
  // warnings through the service log) go to standard error.
  spdlog::set_default_logger(spdlog::stderr_logger_mt("crash-helper"));
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s <path> <partitions> <threads> <tenant prefix>\n", argv[0]);
    return 2;
  }
  absl::StatusOr<std::unique_ptr<EmbeddedLog>> log =
      EmbeddedLog::Open({.path = argv[1], .partition_count = std::atoi(argv[2])});
  if (!log.ok()) {
    std::fprintf(stderr, "open: %s\n", std::string(log.status().message()).c_str());
    return 1;
  }
  const int threads = std::atoi(argv[3]);
  const std::string prefix = argv[4];
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      const std::string tenant = absl::StrCat(prefix, "-", t);
      for (int64_t version = 1;;) {
        std::vector<reviewtrail::v1::EventEnvelope> events;
        for (int64_t i = 0; i < 1 + version % 3; ++i) {
          events.push_back(reviewtrail::eventlog::testing::MakeEvent(tenant, "a", version + i));
        }
        version += static_cast<int64_t>(events.size());
        absl::StatusOr<std::vector<reviewtrail::eventlog::Position>> at =
            (*log)->Append(tenant, events);
        if (!at.ok()) std::abort();
        std::string lines;
        for (size_t i = 0; i < events.size(); ++i) {
          absl::StrAppend(&lines, events[i].event_id(), " ", (*at)[i].partition, " ",
                          (*at)[i].offset, "\n");
        }
        // One write of under PIPE_BUF bytes: atomic, so lines never interleave or tear.
        if (write(STDOUT_FILENO, lines.data(), lines.size()) !=
            static_cast<ssize_t>(lines.size())) {
          std::abort();
        }
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  return 0;
}
