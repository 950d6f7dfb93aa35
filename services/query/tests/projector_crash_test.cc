// Crash test: a real projector process (query_projector_crash_helper) is SIGKILLed again and again
// while it applies the log, restarted each time from its committed positions, and finally run to
// the end. Its read model must be identical to a fresh rebuild: nothing applied twice, nothing
// skipped.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "golden_scenario.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "reviewtrail/eventlog/embedded_log.h"
#include "reviewtrail/projection/projector.h"
#include "reviewtrail/readmodel/query_projection.h"
#include "store_contents.h"

namespace reviewtrail::query::testing {
namespace {

// A child process with its stdout on a pipe. Owned by the test thread.
class Child {
 public:
  explicit Child(const std::vector<std::string>& arguments) {
    int fds[2];
    if (::pipe(fds) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], STDOUT_FILENO);
      ::close(fds[0]);
      ::close(fds[1]);
      std::vector<char*> argv;
      for (const std::string& argument : arguments)
        argv.push_back(const_cast<char*>(argument.c_str()));
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    out_ = fds[0];
  }
  ~Child() {
    if (pid_ > 0 && !reaped_) Kill();
    if (out_ >= 0) ::close(out_);
  }

  // The value of the first "applied N" line with N >= at_least, or -1 when the child ended (or
  // printed "done") or the bounded wait ran out.
  int64_t WaitForApplied(int64_t at_least, std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      size_t newline;
      while ((newline = buffer_.find('\n')) != std::string::npos) {
        const std::string line = buffer_.substr(0, newline);
        buffer_.erase(0, newline + 1);
        if (line == "done") return -1;
        if (line.rfind("applied ", 0) == 0) {
          const int64_t applied = std::stoll(line.substr(8));
          if (applied >= at_least) return applied;
        }
      }
      pollfd poll_fd{out_, POLLIN, 0};
      if (::poll(&poll_fd, 1, 100) <= 0) continue;
      char chunk[4096];
      const ssize_t got = ::read(out_, chunk, sizeof(chunk));
      if (got <= 0) return -1;
      buffer_.append(chunk, static_cast<size_t>(got));
    }
    return -1;
  }

  int Kill() {
    ::kill(pid_, SIGKILL);
    return Wait();
  }
  int Wait() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    reaped_ = true;
    return status;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  bool reaped_ = false;
  std::string buffer_;
};

// Kills the helper in `mode` again and again while it applies the log, restarts it each time from
// its committed positions, finishes with a catch-up and compares with a fresh rebuild.
void KillRestartAndCompareWithAFreshRebuild(const std::string& mode) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("query-crash-" + mode + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string log_path = (dir / "log").string();
  const std::string store_path = (dir / "store").string();
  int64_t total = 0;
  {
    // The golden scenario for 40 tenants: ~3,000 events over 4 partitions.
    auto log = eventlog::EmbeddedLog::Open({.path = log_path, .partition_count = 4});
    ASSERT_TRUE(log.ok()) << log.status();
    const auto scenario = readmodel::testing::BuildGoldenScenario();
    for (int tenant = 0; tenant < 40; ++tenant) {
      std::vector<v1::EventEnvelope> events;
      for (v1::EventEnvelope event : scenario.events) {
        if (event.tenant_id() != "acme") continue;
        event.set_tenant_id("tenant-" + std::to_string(tenant));
        events.push_back(std::move(event));
      }
      auto appended = (*log)->Append("tenant-" + std::to_string(tenant), events);
      ASSERT_TRUE(appended.ok()) << appended.status();
      total += static_cast<int64_t>(events.size());
    }
  }

  constexpr int kKills = 8;
  int mid_stream_kills = 0;
  for (int kill = 1; kill <= kKills; ++kill) {
    Child child({QUERY_CRASH_HELPER, log_path, store_path, mode});
    const int64_t applied =
        child.WaitForApplied(total * kill / (kKills + 1), std::chrono::seconds(60));
    const int status = child.Kill();
    if (applied > 0 && applied < total && WIFSIGNALED(status)) ++mid_stream_kills;
  }
  EXPECT_GE(mid_stream_kills, kKills / 2) << "the kills must land while records are applied";
  {
    Child finish({QUERY_CRASH_HELPER, log_path, store_path, "catchup"});
    EXPECT_EQ(finish.WaitForApplied(0, std::chrono::seconds(60)), -1);
    const int status = finish.Wait();
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  }

  auto log = eventlog::EmbeddedLog::Open({.path = log_path, .partition_count = 0});
  ASSERT_TRUE(log.ok()) << log.status();
  const std::string fresh_path = (dir / "fresh").string();
  {
    auto fresh = projection::ProjectionStore::Open(fresh_path, readmodel::AllTables());
    ASSERT_TRUE(fresh.ok());
    readmodel::QueryProjection projection{runtime::TenantTimeZones()};
    prometheus::Registry registry;
    projection::Projector rebuild(**log, **fresh, projection, registry, {.name = "rebuild"});
    ASSERT_TRUE(rebuild.CatchUp().ok());
  }
  const auto resumed = StoreContents(store_path);
  const auto rebuilt = StoreContents(fresh_path);
  ASSERT_EQ(rebuilt.at(readmodel::kActions).size(), 40u * 9u);
  EXPECT_EQ(resumed, rebuilt);
  {
    auto store = projection::ProjectionStore::Open(store_path, readmodel::AllTables());
    ASSERT_TRUE(store.ok());
    auto positions = (*store)->LoadPositions(4);
    ASSERT_TRUE(positions.ok());
    int64_t committed = 0;
    for (const auto& position : *positions) committed += position.offset;
    EXPECT_EQ(committed, total);
  }
  log->reset();
  std::filesystem::remove_all(dir);
}

TEST(ProjectorCrashTest, KilledMidStreamAndRestartedEqualsAFreshRebuild) {
  KillRestartAndCompareWithAFreshRebuild("run");
}

TEST(ProjectorCrashTest, KilledMidParallelCatchUpAndRestartedEqualsAFreshRebuild) {
  KillRestartAndCompareWithAFreshRebuild("parallel-catchup");
}

}  // namespace
}  // namespace reviewtrail::query::testing
