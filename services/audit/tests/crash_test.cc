// Crash mid-projection: a real process projecting the audit log is SIGKILLed; after a restart the
// chain equals a fresh rebuild from the log, byte for byte, and verifies.
#include <gtest/gtest.h>
#include <signal.h>

#include "audit_fixture.h"
#include "child_process.h"
#include "reviewtrail/audit/audit_projection.h"
#include "reviewtrail/audit/audit_view.h"
#include "reviewtrail/projection/projector.h"
#include "reviewtrail/projection/read_view.h"

namespace reviewtrail::audit_service::testing {
namespace {

using Contents = std::map<std::string, std::map<std::string, std::string>>;

Contents ContentsOf(projection::ProjectionStore& store) {
  Contents contents;
  const projection::StoreReadView view(store);
  for (const std::string& table : audit::AuditProjection().Tables()) {
    EXPECT_TRUE(view.Scan(table, "", "",
                          [&](std::string_view key, std::string_view value) {
                            contents[table][std::string(key)] = std::string(value);
                            return true;
                          })
                    .ok());
  }
  return contents;
}

TEST(AuditCrashTest, AKillMidProjectionResumesToTheSameChainAsAFreshRebuild) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("audit-crash-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string log_dir = (dir / "log").string();
  runtime::FakeClock clock(std::chrono::sys_days{std::chrono::year{2026} / 11 / 23});
  constexpr int kPerTenant = 400;
  {
    auto log = *eventlog::EmbeddedLog::Open({.path = log_dir, .partition_count = 4});
    for (const std::string tenant : {"acme", "globex"}) {
      EventFactory events(clock, tenant);
      std::vector<v1::EventEnvelope> batch = {
          events.Assign("rev-1", "dec-1", "act-1", "Training", "olga", 15)};
      for (int i = 1; i < kPerTenant; ++i) {
        batch.push_back(
            i % 50 == 0 ? events.Evidence("act-1", "ev-" + std::to_string(i), std::string(64, 'a'))
                        : events.Progress("act-1", "olga", "step", i % 100));
      }
      ASSERT_TRUE(log->Append(tenant, batch).ok());
    }
  }
  const std::string resumed_dir = (dir / "resumed").string();
  {
    reviewtrail::testing::ChildProcess helper(REVIEWTRAIL_AUDIT_CRASH_HELPER,
                                              {log_dir, resumed_dir});
    ASSERT_NE(helper.WaitForLine("applied 300", std::chrono::seconds(30)), "") << helper.output();
    helper.Signal(SIGKILL);
    EXPECT_EQ(helper.output().find("caught up"), std::string::npos) << "killed too late";
  }
  auto log = *eventlog::EmbeddedLog::Open({.path = log_dir, .partition_count = 0});
  audit::AuditProjection projection;
  prometheus::Registry registry;
  auto resumed = *projection::ProjectionStore::Open(resumed_dir, projection.Tables());
  const auto partial = ContentsOf(*resumed);
  EXPECT_GT(partial.count("audit_entries") ? partial.at("audit_entries").size() : 0u, 0u);
  EXPECT_LT(partial.count("audit_entries") ? partial.at("audit_entries").size() : 0u,
            2u * kPerTenant);
  projection::Projector restart(*log, *resumed, projection, registry, {.name = "audit"});
  ASSERT_TRUE(restart.CatchUp().ok());
  auto fresh = *projection::ProjectionStore::Open((dir / "fresh").string(), projection.Tables());
  projection::Projector rebuild(*log, *fresh, projection, registry, {.name = "audit"});
  ASSERT_TRUE(rebuild.CatchUp().ok());
  const Contents resumed_contents = ContentsOf(*resumed);
  EXPECT_EQ(resumed_contents.at("audit_entries").size(), 2u * kPerTenant);
  EXPECT_TRUE(resumed_contents == ContentsOf(*fresh));
  for (const std::string tenant : {"acme", "globex"}) {
    auto verification = audit::AuditView(*resumed).Verify(tenant, 0, 0);
    ASSERT_TRUE(verification.ok());
    EXPECT_FALSE(verification->broken.has_value()) << verification->broken->description;
    EXPECT_EQ(verification->head.sequence, kPerTenant);
    EXPECT_EQ(verification->checked, kPerTenant);
  }
  resumed.reset();
  fresh.reset();
  log.reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace reviewtrail::audit_service::testing
