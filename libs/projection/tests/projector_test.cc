#include "reviewtrail/projection/projector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rocksdb/perf_level.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "reviewtrail/eventlog/embedded_log.h"
#include "reviewtrail/projection/read_view.h"

namespace reviewtrail::projection {
namespace {

// Counts events per tenant and remembers the last position: enough to see skips and doubles.
class CountingProjection final : public Projection {
 public:
  std::vector<std::string> Tables() const override { return {"counts"}; }
  absl::Status Apply(const eventlog::Position& position, const v1::EventEnvelope& event,
                     Changes& changes) override {
    const std::string count = changes.Get("counts", event.tenant_id()).value_or("0");
    changes.Put("counts", event.tenant_id(), std::to_string(std::stoll(count) + 1));
    changes.Put("counts", "last/" + std::to_string(position.partition),
                std::to_string(position.offset));
    return absl::OkStatus();
  }
};

// CountingProjection failing on one tenant's event of a given version.
class FailingProjection final : public Projection {
 public:
  FailingProjection(std::string tenant, int64_t version)
      : tenant_(std::move(tenant)), version_(version) {}
  std::vector<std::string> Tables() const override { return counting_.Tables(); }
  absl::Status Apply(const eventlog::Position& position, const v1::EventEnvelope& event,
                     Changes& changes) override {
    if (event.tenant_id() == tenant_ && event.aggregate_version() == version_) {
      return absl::InternalError("the disk is on fire");
    }
    return counting_.Apply(position, event, changes);
  }

 private:
  CountingProjection counting_;
  std::string tenant_;
  int64_t version_;
};

// CountingProjection whose Apply waits until Open() was called: a projector that cannot make
// progress until the test lets it.
class GatedProjection final : public Projection {
 public:
  std::vector<std::string> Tables() const override { return counting_.Tables(); }
  absl::Status Apply(const eventlog::Position& position, const v1::EventEnvelope& event,
                     Changes& changes) override {
    std::unique_lock lock(mutex_);
    opened_.wait(lock, [this] { return open_; });
    return counting_.Apply(position, event, changes);
  }
  void Open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    opened_.notify_all();
  }

 private:
  CountingProjection counting_;
  std::mutex mutex_;
  std::condition_variable opened_;
  bool open_ = false;
};

// The value of a projector gauge (up / caught up) of `projection`; -1 when absent.
double GaugeValue(prometheus::Registry& registry, const std::string& name,
                  const std::string& projection) {
  for (const prometheus::MetricFamily& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const prometheus::ClientMetric& metric : family.metric) {
      for (const prometheus::ClientMetric::Label& label : metric.label) {
        if (label.name == "projection" && label.value == projection) return metric.gauge.value;
      }
    }
  }
  return -1;
}

// Polls the projector's readiness until `done` holds for it, for at most 30 s (the projector
// publishes readiness right after the commit that WaitFor sees).
template <typename Done>
absl::Status AwaitReadiness(const Projector& projector, Done done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  absl::Status status = projector.Readiness();
  while (!done(status) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    status = projector.Readiness();
  }
  return status;
}

v1::EventEnvelope Event(const std::string& tenant, int n) {
  v1::EventEnvelope event;
  event.set_event_id(tenant + "-" + std::to_string(n));
  event.set_tenant_id(tenant);
  event.set_aggregate_type(v1::AGGREGATE_TYPE_ACTION);
  event.set_aggregate_id("act-1");
  event.set_aggregate_version(n + 1);
  event.mutable_progress_reported()->set_note("n");
  return event;
}

class ProjectorTest : public ::testing::Test {
 protected:
  ProjectorTest() {
    dir_ = std::filesystem::temp_directory_path() /
           ("projector-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    log_ = *eventlog::EmbeddedLog::Open({.path = (dir_ / "log").string(), .partition_count = 3});
  }
  ~ProjectorTest() override { std::filesystem::remove_all(dir_); }

  eventlog::Position AppendEvents(int per_tenant) {
    eventlog::Position last;
    for (int n = 0; n < per_tenant; ++n) {
      for (const std::string tenant : {"acme", "globex", "initech", "umbrella"}) {
        auto positions = log_->Append(tenant, std::vector<v1::EventEnvelope>{Event(tenant, n)});
        EXPECT_TRUE(positions.ok());
        last = positions->back();
      }
    }
    return last;
  }

  std::map<std::string, std::string> Contents(ProjectionStore& store) {
    std::map<std::string, std::string> contents;
    EXPECT_TRUE(StoreReadView(store)
                    .Scan("counts", "", "",
                          [&contents](std::string_view key, std::string_view value) {
                            contents[std::string(key)] = std::string(value);
                            return true;
                          })
                    .ok());
    return contents;
  }

  std::filesystem::path dir_;
  std::unique_ptr<eventlog::EmbeddedLog> log_;
  CountingProjection projection_;
  prometheus::Registry registry_;
};

TEST_F(ProjectorTest, AppliesEveryEventOnceAndWaitsForAPosition) {
  auto store = *ProjectionStore::Open((dir_ / "store").string(), projection_.Tables());
  Projector projector(*log_, *store, projection_, registry_, {.name = "test"});
  ASSERT_TRUE(projector.Start().ok());
  const eventlog::Position last = AppendEvents(50);
  ASSERT_TRUE(projector.WaitFor(last, std::chrono::steady_clock::now() + std::chrono::seconds(10)));
  projector.Stop();
  const auto contents = Contents(*store);
  for (const std::string tenant : {"acme", "globex", "initech", "umbrella"}) {
    EXPECT_EQ(contents.at(tenant), "50") << tenant;
  }
}

TEST_F(ProjectorTest, SkipsAndCountsEventsWithAnUnknownPayload) {
  v1::EventEnvelope future = Event("acme", 0);
  future.clear_payload();  // what an event of a newer schema looks like to this build
  ASSERT_TRUE(log_->Append("acme", std::vector<v1::EventEnvelope>{future, Event("acme", 1)}).ok());
  auto store = *ProjectionStore::Open((dir_ / "store").string(), projection_.Tables());
  Projector projector(*log_, *store, projection_, registry_, {.name = "test"});
  ASSERT_TRUE(projector.CatchUp().ok());
  EXPECT_EQ(Contents(*store).at("acme"), "1");
  const int32_t partition = log_->PartitionFor("acme");
  EXPECT_EQ(projector.Applied()[static_cast<size_t>(partition)], 2);
}

// Accounts for every record: counts known events and remembers each unknown record with what the
// projector delivered of it.
class EveryRecordProjection final : public Projection {
 public:
  std::vector<std::string> Tables() const override { return counting_.Tables(); }
  absl::Status Apply(const eventlog::Position& position, const v1::EventEnvelope& event,
                     Changes& changes) override {
    return counting_.Apply(position, event, changes);
  }
  bool AccountsForEveryRecord() const override { return true; }
  absl::StatusOr<bool> ApplyUnknown(const eventlog::Record& record, const v1::EventEnvelope* event,
                                    Changes& changes) override {
    std::string ce_type;
    for (const auto& [name, value] : record.headers) {
      if (name == "ce_type") ce_type = value;
    }
    changes.Put("counts", "unknown/" + std::to_string(record.position.offset),
                record.key + "|" + (event == nullptr ? "undecoded" : event->event_id()) + "|" +
                    ce_type + "|" + std::to_string(record.value.size()));
    return true;
  }

 private:
  CountingProjection counting_;
};

TEST_F(ProjectorTest, GivesUnknownRecordsWithTheirHeadersToAProjectionThatAccountsForAll) {
  v1::EventEnvelope future = Event("acme", 0);
  future.clear_payload();
  // A payload of a newer schema: field 99 of the envelope, unknown to this build.
  future.GetReflection()->MutableUnknownFields(&future)->AddLengthDelimited(99, "\x0a\x01x");
  const std::string bytes = future.SerializeAsString();
  ASSERT_TRUE(log_->Append("acme", std::vector<v1::EventEnvelope>{future, Event("acme", 1)}).ok());
  EveryRecordProjection every;
  std::map<std::string, std::string> live;
  for (const bool catch_up : {true, false}) {
    // Catching up reads without headers: the projector reads an unknown record again with them,
    // so both ways deliver the same.
    auto store = *ProjectionStore::Open((dir_ / (catch_up ? "a" : "b")).string(), every.Tables());
    Projector projector(*log_, *store, every, registry_, {.name = "test"});
    if (catch_up) {
      ASSERT_TRUE(projector.CatchUp().ok());
    } else {
      ASSERT_TRUE(projector.Start().ok());
      ASSERT_TRUE(projector.WaitFor({log_->PartitionFor("acme"), 1},
                                    std::chrono::steady_clock::now() + std::chrono::seconds(10)));
      projector.Stop();
    }
    const auto contents = Contents(*store);
    EXPECT_EQ(contents.at("acme"), "1");
    EXPECT_EQ(contents.at("unknown/0"),
              "acme|acme-0|reviewtrail.v1.EventEnvelope|" + std::to_string(bytes.size()));
    if (catch_up) {
      live = contents;
    } else {
      EXPECT_EQ(contents, live);
    }
  }
}

TEST_F(ProjectorTest, StoppingAndRestartingMidStreamEqualsAFreshRebuild) {
  AppendEvents(100);
  {
    auto store = *ProjectionStore::Open((dir_ / "store").string(), projection_.Tables());
    for (int restart = 0; restart < 5; ++restart) {
      Projector projector(*log_, *store, projection_, registry_, {.name = "test", .max_batch = 7});
      ASSERT_TRUE(projector.Start().ok());
      AppendEvents(10);
      projector.Stop();  // wherever it is
    }
    Projector projector(*log_, *store, projection_, registry_, {.name = "test"});
    ASSERT_TRUE(projector.CatchUp().ok());
  }
  auto resumed = *ProjectionStore::Open((dir_ / "store").string(), projection_.Tables());
  auto fresh = *ProjectionStore::Open((dir_ / "fresh").string(), projection_.Tables());
  Projector rebuild(*log_, *fresh, projection_, registry_, {.name = "test"});
  ASSERT_TRUE(rebuild.CatchUp().ok());
  EXPECT_EQ(Contents(*resumed), Contents(*fresh));
  EXPECT_EQ(Contents(*fresh).at("acme"), "150");
}

TEST_F(ProjectorTest, ChunkedCatchUpEqualsEventByEventApplication) {
  AppendEvents(120);
  const auto built = [&](const std::string& name, size_t max_batch, size_t chunk) {
    auto store = *ProjectionStore::Open((dir_ / name).string(), projection_.Tables());
    Projector projector(*log_, *store, projection_, registry_,
                        {.name = "test", .max_batch = max_batch, .catch_up_chunk = chunk});
    EXPECT_TRUE(projector.CatchUp().ok());
    return Contents(*store);
  };
  const auto one_by_one = built("one-by-one", 1, 1);
  EXPECT_EQ(one_by_one.at("acme"), "120");
  EXPECT_EQ(built("chunks-of-13", 5, 13), one_by_one);
  EXPECT_EQ(built("one-chunk", 1000, 1'000'000), one_by_one);
}

TEST_F(ProjectorTest, ARunnerBehindFoldsChunksAndStillReachesEveryPosition) {
  const eventlog::Position last = AppendEvents(200);
  auto store = *ProjectionStore::Open((dir_ / "store").string(), projection_.Tables());
  Projector projector(*log_, *store, projection_, registry_,
                      {.name = "test", .max_batch = 4, .catch_up_chunk = 64});
  ASSERT_TRUE(projector.Start().ok());
  ASSERT_TRUE(projector.WaitFor(last, std::chrono::steady_clock::now() + std::chrono::seconds(10)));
  projector.Stop();
  const auto contents = Contents(*store);
  for (const std::string tenant : {"acme", "globex", "initech", "umbrella"}) {
    EXPECT_EQ(contents.at(tenant), "200") << tenant;
  }
}

// The projector's threads run without RocksDB's perf counters; a catch-up run on the caller's
// thread leaves that thread's setting as it found it.
TEST_F(ProjectorTest, ACatchUpOnTheCallersThreadLeavesItsRocksDbPerfLevelAsItWas) {
  AppendEvents(10);
  auto store = *ProjectionStore::Open((dir_ / "store").string(), projection_.Tables());
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kEnableTime);
  Projector projector(*log_, *store, projection_, registry_,
                      {.name = "test", .catch_up_workers = 1});
  ASSERT_TRUE(projector.CatchUp().ok());
  EXPECT_EQ(rocksdb::GetPerfLevel(), rocksdb::PerfLevel::kEnableTime);
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kEnableCount);
}

TEST_F(ProjectorTest, ACatchUpWithNothingLeftToApplyReportsTheStoredPositions) {
  AppendEvents(10);
  auto store = *ProjectionStore::Open((dir_ / "store").string(), projection_.Tables());
  {
    Projector first(*log_, *store, projection_, registry_, {.name = "test"});
    ASSERT_TRUE(first.CatchUp().ok());
  }
  Projector again(*log_, *store, projection_, registry_, {.name = "test"});
  ASSERT_TRUE(again.CatchUp().ok());
  const std::vector<int64_t> applied = again.Applied();
  for (int32_t partition = 0; partition < log_->PartitionCount(); ++partition) {
    EXPECT_EQ(applied[static_cast<size_t>(partition)], *log_->EndOffset(partition)) << partition;
  }
}

TEST_F(ProjectorTest, AParallelCatchUpEqualsASequentialOneForAnyNumberOfWorkers) {
  AppendEvents(120);
  const auto built = [&](const std::string& name, size_t workers) {
    auto store = *ProjectionStore::Open((dir_ / name).string(), projection_.Tables());
    const ProjectorOptions options{
        .name = "test", .max_batch = 5, .catch_up_chunk = 13, .catch_up_workers = workers};
    Projector projector(*log_, *store, projection_, registry_, options,
                        [] { return std::make_unique<CountingProjection>(); });
    EXPECT_TRUE(projector.CatchUp().ok());
    const auto positions = *store->LoadPositions(log_->PartitionCount());
    for (const eventlog::Position& position : positions) {
      EXPECT_EQ(position.offset, *log_->EndOffset(position.partition)) << name;
    }
    return Contents(*store);
  };
  auto sequential_store =
      *ProjectionStore::Open((dir_ / "sequential").string(), projection_.Tables());
  Projector sequential(*log_, *sequential_store, projection_, registry_,
                       {.name = "test", .max_batch = 5, .catch_up_chunk = 13});
  ASSERT_TRUE(sequential.CatchUp().ok());
  const auto expected = Contents(*sequential_store);
  EXPECT_EQ(expected.at("acme"), "120");
  for (const size_t workers : {1, 2, 3, 8}) {
    EXPECT_EQ(built("workers-" + std::to_string(workers), workers), expected) << workers;
  }
  EXPECT_EQ(built("hardware-threads", 0), expected);
}

TEST_F(ProjectorTest, AFailingWorkerStopsAParallelCatchUpWithItsErrorAndARetryCompletesIt) {
  AppendEvents(120);
  const std::string path = (dir_ / "store").string();
  {
    auto store = *ProjectionStore::Open(path, projection_.Tables());
    Projector projector(
        *log_, *store, projection_, registry_,
        {.name = "test", .max_batch = 5, .catch_up_chunk = 13, .catch_up_workers = 3},
        [] { return std::make_unique<FailingProjection>("globex", 60); });
    const absl::Status caught_up = projector.CatchUp();
    EXPECT_EQ(caught_up.code(), absl::StatusCode::kInternal);
    EXPECT_NE(caught_up.message().find("the disk is on fire"), std::string_view::npos) << caught_up;
    // Nothing past the failing event was committed for its partition.
    const auto positions = *store->LoadPositions(log_->PartitionCount());
    const auto failed = static_cast<size_t>(log_->PartitionFor("globex"));
    EXPECT_LT(positions[failed].offset, *log_->EndOffset(positions[failed].partition));
  }
  // What the failed catch-up committed holds with its positions: resuming completes it exactly.
  auto store = *ProjectionStore::Open(path, projection_.Tables());
  Projector resumed(*log_, *store, projection_, registry_, {.name = "test", .catch_up_workers = 3},
                    [] { return std::make_unique<CountingProjection>(); });
  ASSERT_TRUE(resumed.CatchUp().ok());
  auto fresh = *ProjectionStore::Open((dir_ / "fresh").string(), projection_.Tables());
  Projector rebuild(*log_, *fresh, projection_, registry_, {.name = "test"});
  ASSERT_TRUE(rebuild.CatchUp().ok());
  EXPECT_EQ(Contents(*store), Contents(*fresh));
}

TEST_F(ProjectorTest, ReadyOnlyOnceCaughtUpWithTheLogsEndAtStartAndNoLongerOnceStopped) {
  const eventlog::Position last = AppendEvents(20);  // 80 events
  GatedProjection gated;
  auto store = *ProjectionStore::Open((dir_ / "store").string(), gated.Tables());
  Projector projector(*log_, *store, gated, registry_, {.name = "gated"});
  EXPECT_EQ(projector.Readiness().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(projector.Readiness().message(), ::testing::HasSubstr("has not started"));

  ASSERT_TRUE(projector.Start().ok());
  // The gate holds every event back: the projector runs but has not caught up.
  const absl::Status catching_up = projector.Readiness();
  EXPECT_EQ(catching_up.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(catching_up.message(), ::testing::HasSubstr("catching up: 80 records behind"));
  EXPECT_EQ(GaugeValue(registry_, "reviewtrail_projector_up", "gated"), 1);
  EXPECT_EQ(GaugeValue(registry_, "reviewtrail_projector_caught_up", "gated"), 0);

  gated.Open();
  ASSERT_TRUE(projector.WaitFor(last, std::chrono::steady_clock::now() + std::chrono::seconds(30)));
  EXPECT_TRUE(AwaitReadiness(projector, [](const absl::Status& s) { return s.ok(); }).ok());
  EXPECT_EQ(GaugeValue(registry_, "reviewtrail_projector_caught_up", "gated"), 1);

  projector.Stop();
  const absl::Status stopped = projector.Readiness();
  EXPECT_EQ(stopped.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(stopped.message(), ::testing::HasSubstr("stopped"));
  EXPECT_EQ(GaugeValue(registry_, "reviewtrail_projector_up", "gated"), 0);
}

TEST_F(ProjectorTest, AnEmptyLogIsCaughtUpAtStart) {
  auto store = *ProjectionStore::Open((dir_ / "store").string(), projection_.Tables());
  Projector projector(*log_, *store, projection_, registry_, {.name = "empty"});
  ASSERT_TRUE(projector.Start().ok());
  EXPECT_TRUE(projector.Readiness().ok()) << projector.Readiness();
}

TEST_F(ProjectorTest, NotReadyOnceItsProjectionFailed) {
  FailingProjection failing("acme", 3);
  auto store = *ProjectionStore::Open((dir_ / "store").string(), failing.Tables());
  Projector projector(*log_, *store, failing, registry_, {.name = "failing"});
  ASSERT_TRUE(projector.Start().ok());
  AppendEvents(5);
  const absl::Status failed = AwaitReadiness(projector, [](const absl::Status& s) {
    return s.message().find("disk is on fire") != std::string_view::npos;
  });
  EXPECT_EQ(failed.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(failed.message(), ::testing::HasSubstr("stopped"));
  EXPECT_THAT(failed.message(), ::testing::HasSubstr("the disk is on fire"));
  EXPECT_EQ(GaugeValue(registry_, "reviewtrail_projector_up", "failing"), 0);
}

}  // namespace
}  // namespace reviewtrail::projection
