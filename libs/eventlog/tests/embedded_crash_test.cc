// Crash safety of the embedded log with a real process kill: a child process appends from several
// threads and reports each acknowledged event through a pipe; it is killed with SIGKILL while
// appending. On reopen every acknowledged event must be at its acknowledged position, and every
// record present must decode completely, each tenant's history a gapless prefix.
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "reviewtrail/eventlog/embedded_log.h"
#include "test_support.h"

namespace reviewtrail::eventlog {
namespace {

constexpr int32_t kPartitions = 4;

// Runs the helper appending to `path` until it has acknowledged at least `acks` events, then
// SIGKILLs it. Returns every event it acknowledged (event id -> position).
std::map<std::string, Position> AppendUntilKilled(const std::string& path,
                                                  const std::string& prefix, size_t acks) {
  std::map<std::string, Position> acknowledged;
  int fds[2];
  if (pipe(fds) != 0) {
    ADD_FAILURE() << "pipe";
    return acknowledged;
  }
  const std::string partitions = std::to_string(kPartitions);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    const char* argv[] = {EVENTLOG_CRASH_HELPER, path.c_str(), partitions.c_str(), "4",
                          prefix.c_str(),        nullptr};
    execv(argv[0], const_cast<char* const*>(argv));
    _exit(127);
  }
  close(fds[1]);
  FILE* from_child = fdopen(fds[0], "r");
  char* line = nullptr;
  size_t capacity = 0;
  bool killed = false;
  while (getline(&line, &capacity, from_child) > 0) {
    std::istringstream fields(line);
    std::string id;
    Position at;
    fields >> id >> at.partition >> at.offset;
    EXPECT_TRUE(static_cast<bool>(fields)) << "torn ack line: " << line;
    acknowledged[id] = at;
    if (!killed && acknowledged.size() >= acks) {
      EXPECT_EQ(kill(pid, SIGKILL), 0);
      killed = true;  // keep reading: acks written before the kill are still in the pipe
    }
  }
  free(line);
  fclose(from_child);
  int status = 0;
  EXPECT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(killed) << "helper exited before acknowledging " << acks << " events";
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "status " << status;
  return acknowledged;
}

TEST(EmbeddedCrashTest, AcknowledgedAppendsSurviveSigkillAndNothingIsHalfWritten) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/log";
  std::map<std::string, Position> acknowledged;
  // Three rounds on the same log: each kill lands on a log recovered from the previous one.
  for (int round = 0; round < 3; ++round) {
    const std::map<std::string, Position> acks =
        AppendUntilKilled(path, absl::StrCat("round", round), 300);
    acknowledged.insert(acks.begin(), acks.end());

    absl::StatusOr<std::unique_ptr<EmbeddedLog>> log =
        EmbeddedLog::Open({.path = path, .partition_count = kPartitions});
    ASSERT_TRUE(log.ok()) << log.status();
    std::map<std::string, Position> found;
    std::map<std::string, int64_t> last_version;
    for (int32_t p = 0; p < kPartitions; ++p) {
      const int64_t end = *(*log)->EndOffset(p);
      absl::StatusOr<std::vector<Record>> records = (*log)->Read(p, 0, static_cast<size_t>(end));
      ASSERT_TRUE(records.ok()) << records.status();  // every record decodes, no gap
      ASSERT_EQ(static_cast<int64_t>(records->size()), end);
      for (const Record& record : *records) {
        v1::EventEnvelope event;
        ASSERT_TRUE(event.ParseFromString(record.value)) << record.position.offset;
        EXPECT_EQ(record.key, event.tenant_id());
        found[event.event_id()] = record.position;
        int64_t& last = last_version[event.tenant_id()];
        EXPECT_EQ(event.aggregate_version(), last + 1) << event.event_id();
        last = event.aggregate_version();
      }
    }
    for (const auto& [id, at] : acknowledged) {
      const auto it = found.find(id);
      ASSERT_NE(it, found.end()) << "acknowledged " << id << " lost";
      EXPECT_EQ(it->second, at) << id;
    }
    // Appends in flight at the kill may be there too, but only whole and in order (above).
    EXPECT_GE(found.size(), acknowledged.size());
  }
}

}  // namespace
}  // namespace reviewtrail::eventlog
