#include "reviewtrail/projection/projector_up.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "reviewtrail/eventlog/embedded_log.h"
#include "reviewtrail/projection/projector.h"

namespace reviewtrail::projection {
namespace {

// Counts events; fails (like a full disk) on the event with the given id.
class FailOnEvent final : public Projection {
 public:
  explicit FailOnEvent(std::string event_id) : event_id_(std::move(event_id)) {}
  std::vector<std::string> Tables() const override { return {"counts"}; }
  absl::Status Apply(const eventlog::Position&, const v1::EventEnvelope& event,
                     Changes& changes) override {
    if (event.event_id() == event_id_) return absl::InternalError("the disk is full");
    const std::string count = changes.Get("counts", event.tenant_id()).value_or("0");
    changes.Put("counts", event.tenant_id(), std::to_string(std::stoll(count) + 1));
    return absl::OkStatus();
  }

 private:
  std::string event_id_;
};

v1::EventEnvelope Event(const std::string& id) {
  v1::EventEnvelope event;
  event.set_event_id(id);
  event.set_tenant_id("acme");
  event.set_aggregate_type(v1::AGGREGATE_TYPE_ACTION);
  event.set_aggregate_id("act-1");
  event.mutable_progress_reported()->set_note("n");
  return event;
}

double GaugeValue(prometheus::Registry& registry, const std::string& projection) {
  for (const auto& family : registry.Collect()) {
    if (family.name != "reviewtrail_projector_up") continue;
    for (const auto& metric : family.metric) {
      for (const auto& label : metric.label) {
        if (label.name == "projection" && label.value == projection) return metric.gauge.value;
      }
    }
  }
  return -1;
}

class ProjectorUpTest : public ::testing::Test {
 protected:
  ProjectorUpTest() {
    dir_ = std::filesystem::temp_directory_path() /
           ("projector-up-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    log_ = *eventlog::EmbeddedLog::Open({.path = (dir_ / "log").string(), .partition_count = 2});
  }
  ~ProjectorUpTest() override { std::filesystem::remove_all(dir_); }

  eventlog::Position Append(const std::string& id) {
    auto positions = log_->Append("acme", std::vector<v1::EventEnvelope>{Event(id)});
    EXPECT_TRUE(positions.ok());
    return positions->back();
  }

  std::filesystem::path dir_;
  std::unique_ptr<eventlog::EmbeddedLog> log_;
  prometheus::Registry registry_;
};

TEST_F(ProjectorUpTest, ZeroOnceTheProjectorFailedWithRecordsWaiting) {
  FailOnEvent projection("bad");
  auto store = *ProjectionStore::Open((dir_ / "store").string(), projection.Tables());
  Projector projector(*log_, *store, projection, registry_, {.name = "test"});
  ProjectorUp up(*log_, {[&] { return projector.health(); }, [&] { return projector.Applied(); }},
                 registry_, "probe");
  ASSERT_TRUE(projector.Start().ok());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  ASSERT_TRUE(projector.WaitFor(Append("good-1"), deadline));
  EXPECT_EQ(up.Check(), 1);
  EXPECT_EQ(GaugeValue(registry_, "probe"), 1);
  // The projector's own gauge exists and reads 1 while it runs.
  EXPECT_EQ(GaugeValue(registry_, "test"), 1);

  Append("bad");
  Append("good-2");
  while (projector.health().ok() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_FALSE(projector.health().ok());
  EXPECT_EQ(up.Check(), 0);
  EXPECT_EQ(GaugeValue(registry_, "probe"), 0);
  projector.Stop();
}

TEST_F(ProjectorUpTest, OneWhenAFailedProjectorMovesAgainOrHasNothingToApply) {
  const eventlog::Position position = Append("e-1");
  std::vector<int64_t> applied = {0, 0};
  ProjectorUp up(*log_,
                 {[] { return absl::UnavailableError("the brokers were unreachable"); },
                  [&] { return applied; }},
                 registry_, "probe");
  up.Start();
  up.Stop();
  // Failed, not moving, one record waiting.
  EXPECT_EQ(up.Check(), 0);
  // It applied the record since (it recovered from a passing log failure): up, and caught up.
  applied[static_cast<size_t>(position.partition)] = position.offset + 1;
  EXPECT_EQ(up.Check(), 1);
  // Not moving any more, but nothing waits: up.
  EXPECT_EQ(up.Check(), 1);
  // A new record waits and nothing moves: down.
  Append("e-2");
  EXPECT_EQ(up.Check(), 0);
}

}  // namespace
}  // namespace reviewtrail::projection
