// The background verification over a real audit store: incremental runs check only what is new,
// full passes find a change anywhere, and the outcome is exported for the alerts.
#include "background_verifier.h"

#include "audit_fixture.h"
#include "reviewtrail/audit/audit_projection.h"
#include "reviewtrail/audit/canonical.h"
#include "reviewtrail/audit/store_keys.h"
#include "reviewtrail/audit/stored_view.h"
#include "reviewtrail/projection/projection_store.h"
#include "reviewtrail/projection/projector.h"
#include "reviewtrail/projection/read_view.h"

namespace reviewtrail::audit_service::testing {
namespace {

// The value of `name`'s series whose labels include `labels` (and no others), -1 when absent.
double Value(prometheus::Registry& registry, const std::string& name,
             const std::map<std::string, std::string>& labels = {}) {
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      std::map<std::string, std::string> have;
      for (const auto& label : metric.label) have[label.name] = label.value;
      if (have != labels) continue;
      return family.type == prometheus::MetricType::Counter ? metric.counter.value
                                                            : metric.gauge.value;
    }
  }
  return -1;
}

class BackgroundVerifierTest : public AuditServiceTest {
 protected:
  void SetUp() override {
    StopService();  // the test projects into the store itself
    store_ = *projection::ProjectionStore::Open(StorePath(), projection_.Tables());
    projector_ =
        std::make_unique<projection::Projector>(*log_, *store_, projection_, projector_registry_,
                                                projection::ProjectorOptions{.name = "t"});
  }
  void TearDown() override {
    projector_.reset();
    store_.reset();
  }

  void AppendAndProject(const std::vector<v1::EventEnvelope>& events) {
    ASSERT_TRUE(log_->Append(events.front().tenant_id(), events).ok());
    ASSERT_TRUE(projector_->CatchUp().ok());
  }
  std::vector<v1::EventEnvelope> Progress(int from, int count) {
    std::vector<v1::EventEnvelope> events;
    for (int i = from; i < from + count; ++i) {
      events.push_back(acme_.Progress("act-1", "olga", "step " + std::to_string(i), i));
    }
    return events;
  }
  // Edits the entry's actor and leaves its hash: what a careless tamperer does.
  std::string Edit(int64_t sequence) {
    auto stored =
        projection::StoreReadView(*store_).Get(audit::kEntries, audit::EntryKey("acme", sequence));
    EXPECT_TRUE(stored.ok() && stored->has_value());
    const std::string original = stored.ok() ? stored->value_or("") : "";
    audit::Entry entry = *audit::DecodeStored(original);
    entry.actor_id = "mallory";
    Restore(sequence, audit::EncodeStored(entry));
    return original;
  }
  // Writes as someone with the files would: through the store, outside the projection.
  void Restore(int64_t sequence, const std::string& bytes) {
    projection::ProjectionStore::Batch batch(*store_);
    batch.Put(audit::kEntries, audit::EntryKey("acme", sequence), bytes);
    ASSERT_TRUE(store_->Commit(batch, {}).ok());
  }

  audit::AuditProjection projection_;
  prometheus::Registry projector_registry_;
  std::unique_ptr<projection::ProjectionStore> store_;
  std::unique_ptr<projection::Projector> projector_;
  prometheus::Registry metrics_;
};

TEST_F(BackgroundVerifierTest, IncrementalRunsCheckWhatIsNewAndFullPassesFindAnOldChange) {
  AppendAndProject(Progress(1, 10));
  BackgroundVerifier verifier(*store_, metrics_, {});
  EXPECT_EQ(Value(metrics_, "reviewtrail_audit_chain_intact"), 1);

  auto run = verifier.RunOnce(/*full=*/false);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->tenants, 1);
  EXPECT_EQ(run->checked, 10);  // nothing verified before: the whole chain
  EXPECT_TRUE(run->broken.empty());

  AppendAndProject(Progress(11, 5));
  run = verifier.RunOnce(false);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->checked, 6);  // entry 10 (verified last time) and the 5 new ones
  EXPECT_TRUE(run->broken.empty());
  EXPECT_EQ(Value(metrics_, "reviewtrail_audit_chain_verified_entries_total"), 16);
  EXPECT_EQ(Value(metrics_, "reviewtrail_audit_chain_verification_runs_total",
                  {{"mode", "incremental"}, {"result", "intact"}}),
            2);

  // An old entry edited: incremental runs do not reread it, the next full pass does.
  const std::string original = Edit(3);
  run = verifier.RunOnce(false);
  ASSERT_TRUE(run.ok());
  EXPECT_TRUE(run->broken.empty());
  run = verifier.RunOnce(true);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->broken, std::vector<std::string>{"acme"});
  EXPECT_EQ(Value(metrics_, "reviewtrail_audit_chain_intact"), 0);
  EXPECT_EQ(Value(metrics_, "reviewtrail_audit_chains_broken"), 1);
  EXPECT_EQ(Value(metrics_, "reviewtrail_audit_chain_verification_runs_total",
                  {{"mode", "full"}, {"result", "broken"}}),
            1);
  // Stays broken through incremental runs ...
  run = verifier.RunOnce(false);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->broken, std::vector<std::string>{"acme"});
  EXPECT_EQ(Value(metrics_, "reviewtrail_audit_chain_intact"), 0);
  // ... until a full pass finds it intact again (restored from a backup).
  Restore(3, original);
  run = verifier.RunOnce(true);
  ASSERT_TRUE(run.ok());
  EXPECT_TRUE(run->broken.empty());
  EXPECT_EQ(Value(metrics_, "reviewtrail_audit_chain_intact"), 1);
  EXPECT_EQ(Value(metrics_, "reviewtrail_audit_chains_broken"), 0);
}

TEST_F(BackgroundVerifierTest, AnIncrementalRunSeesTheLastVerifiedEntryChanged) {
  AppendAndProject(Progress(1, 8));
  BackgroundVerifier verifier(*store_, metrics_, {});
  ASSERT_TRUE(verifier.RunOnce(false).ok());
  Edit(8);
  auto run = verifier.RunOnce(false);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->broken, std::vector<std::string>{"acme"});
  EXPECT_EQ(Value(metrics_, "reviewtrail_audit_chain_intact"), 0);
}

TEST_F(BackgroundVerifierTest, PerTenantSeriesOnlyWhenEnabledAndCapped) {
  AppendAndProject(Progress(1, 3));
  EventFactory globex(clock_, "globex");
  AppendAndProject({globex.Review("rev-1", "Q4")});
  EventFactory initech(clock_, "initech");
  AppendAndProject({initech.Review("rev-1", "Q4")});
  {
    prometheus::Registry off;
    BackgroundVerifier verifier(*store_, off, {});
    ASSERT_TRUE(verifier.RunOnce(true).ok());
    EXPECT_EQ(Value(off, "reviewtrail_audit_chain_intact"), 1);
    EXPECT_EQ(Value(off, "reviewtrail_audit_chain_intact", {{"tenant", "acme"}}), -1);
  }
  BackgroundVerifier verifier(*store_, metrics_, {.tenant_labels = 1});
  Edit(2);
  ASSERT_TRUE(verifier.RunOnce(true).ok());
  // Tenants in key order: acme takes the one slot, the others share "other".
  EXPECT_EQ(Value(metrics_, "reviewtrail_audit_chain_intact", {{"tenant", "acme"}}), 0);
  EXPECT_EQ(Value(metrics_, "reviewtrail_audit_chain_intact", {{"tenant", "other"}}), 1);
  EXPECT_EQ(Value(metrics_, "reviewtrail_audit_chain_intact", {{"tenant", "globex"}}), -1);
  EXPECT_EQ(Value(metrics_, "reviewtrail_audit_chain_intact"), -1);
}

}  // namespace
}  // namespace reviewtrail::audit_service::testing
