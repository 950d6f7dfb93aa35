#include <gmock/gmock.h>
#include <google/protobuf/descriptor.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <rocksdb/table_properties.h>

#include <functional>
#include <future>
#include <map>
#include <set>

#include "invalid_utf8.h"
#include "query_fixture.h"
#include "reviewtrail/query/open_read_model.h"
#include "reviewtrail/query/rebuild.h"
#include "store_contents.h"

namespace reviewtrail::query::testing {
namespace {

using ::testing::HasSubstr;
using Stub = v1::QueryService::Stub;

class GoldenQueryServiceTest : public QueryServiceTest {
 protected:
  GoldenQueryServiceTest() {
    LoadGolden();
    manager_ = Token("mia", {v1::ROLE_ISMS_MANAGER});
    auditor_ = Token("aude", {v1::ROLE_AUDITOR});
    olga_ = Token("olga", {v1::ROLE_ACTION_OWNER});
  }

  v1::Dashboard DashboardOf(const std::string& review, const std::string& owner) {
    v1::GetDashboardRequest request;
    request.set_review_id(review);
    request.set_owner_id(owner);
    *request.mutable_min_position() = ToProto(last_.at("acme"));
    v1::Dashboard dashboard;
    const grpc::Status status = Query(&Stub::GetDashboard, request, &dashboard, auditor_);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return dashboard;
  }

  std::string manager_;
  std::string auditor_;
  std::string olga_;
};

TEST_F(GoldenQueryServiceTest, AnswersTheGoldenNumbersOverGrpc) {
  readmodel::testing::ExpectGoldenDashboards(
      scenario_, [&](const std::string& review, const std::string& owner) {
        return DashboardOf(review, owner);
      });
  v1::AuditReadinessReport report;
  ASSERT_TRUE(
      Query(&Stub::CheckAuditReadiness, v1::CheckAuditReadinessRequest(), &report, manager_).ok());
  readmodel::testing::ExpectGoldenFindings(scenario_, report);
  v1::GetReviewInputPackRequest pack_request;
  *pack_request.mutable_held_before() = domain::CivilDate{2026, 2, 27}.ToProto();
  v1::ReviewInputPack pack;
  ASSERT_TRUE(Query(&Stub::GetReviewInputPack, pack_request, &pack, auditor_).ok());
  readmodel::testing::ExpectGoldenInputPack(scenario_, pack);
  v1::ListActionsRequest overdue_request;
  overdue_request.set_overdue_only(true);
  v1::ListActionsResponse overdue;
  ASSERT_TRUE(Query(&Stub::ListActions, overdue_request, &overdue, manager_).ok());
  readmodel::testing::ExpectGoldenOverdue(scenario_, overdue);
}

TEST_F(GoldenQueryServiceTest, ActionDetailCarriesEvidenceApprovalsAndHistory) {
  v1::GetActionRequest request;
  request.set_action_id(Id("A2"));
  v1::ActionDetail detail;
  ASSERT_TRUE(Query(&Stub::GetAction, request, &detail, auditor_).ok());
  EXPECT_EQ(detail.action().status(), v1::ACTION_STATUS_CLOSED);
  EXPECT_EQ(detail.action().evidence_size(), 2);
  EXPECT_EQ(detail.action().evidence(0).sha256(), std::string(64, 'a'));
  ASSERT_EQ(detail.action().approvals_size(), 2);
  EXPECT_EQ(detail.action().approvals(1).reviewer_id(), "mia");
  ASSERT_EQ(detail.history_size(), 7);
  EXPECT_EQ(detail.history(6).event_type(), "ClosureApproved");
  EXPECT_EQ(detail.history(6).actor_id(), "mia");
  EXPECT_EQ(detail.history(6).position().partition(), last_.at("acme").partition);
}

TEST_F(GoldenQueryServiceTest, AnActionOwnerSeesTheirOwnActionsOnly) {
  v1::ListActionsRequest mine;
  v1::ListActionsResponse listed;
  ASSERT_TRUE(Query(&Stub::ListActions, mine, &listed, olga_).ok());
  std::set<std::string> ids;
  for (const auto& action : listed.actions()) ids.insert(action.action_id());
  EXPECT_EQ(ids, (std::set<std::string>{Id("A1"), Id("A3"), Id("A8"), Id("A9")}));

  v1::ListActionsRequest theirs;
  theirs.set_owner_id("oscar");
  grpc::Status status = Query(&Stub::ListActions, theirs, &listed, olga_);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  v1::GetActionRequest other;
  other.set_action_id(Id("A2"));
  v1::ActionDetail detail;
  status = Query(&Stub::GetAction, other, &detail, olga_);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  other.set_action_id(Id("A3"));
  EXPECT_TRUE(Query(&Stub::GetAction, other, &detail, olga_).ok());

  v1::Dashboard dashboard;
  EXPECT_EQ(Query(&Stub::GetDashboard, v1::GetDashboardRequest(), &dashboard, olga_).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::GetDashboardRequest own;
  own.set_owner_id("olga");
  ASSERT_TRUE(Query(&Stub::GetDashboard, own, &dashboard, olga_).ok());
  EXPECT_EQ(dashboard.total_actions(), 4);
  v1::AuditReadinessReport report;
  EXPECT_EQ(Query(&Stub::CheckAuditReadiness, v1::CheckAuditReadinessRequest(), &report, olga_)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ListReviewsResponse reviews;
  ASSERT_TRUE(Query(&Stub::ListReviews, v1::ListReviewsRequest(), &reviews, olga_).ok());
  EXPECT_EQ(reviews.reviews_size(), 2);
}

TEST_F(GoldenQueryServiceTest, AnotherTenantsRecordsAreNeverFound) {
  const std::string globex = Token("mia", {v1::ROLE_ISMS_MANAGER}, "globex");
  v1::GetActionRequest request;
  request.set_action_id(Id("A1"));
  v1::ActionDetail detail;
  const grpc::Status status = Query(&Stub::GetAction, request, &detail, globex);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("actions/" + Id("A1")));
  v1::ListActionsResponse listed;
  ASSERT_TRUE(Query(&Stub::ListActions, v1::ListActionsRequest(), &listed, globex).ok());
  ASSERT_EQ(listed.actions_size(), 1);
  EXPECT_EQ(listed.actions(0).action_id(), Id("G1"));
}

TEST_F(GoldenQueryServiceTest, RefusesCallsWithoutAReadingRoleOrToken) {
  v1::ListPersonsResponse persons;
  EXPECT_EQ(Query(&Stub::ListPersons, v1::ListPersonsRequest(), &persons, "").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  const std::string notifier = Token("notifier", {v1::ROLE_SERVICE});
  EXPECT_EQ(Query(&Stub::ListPersons, v1::ListPersonsRequest(), &persons, notifier).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(GoldenQueryServiceTest, NamesEachInvalidField) {
  v1::ListActionsRequest negative;
  negative.set_page_size(-1);
  v1::ListActionsResponse listed;
  grpc::Status status = Query(&Stub::ListActions, negative, &listed, manager_);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedField(status), "page_size");

  v1::ListActionsRequest token;
  token.set_page_token("garbage");
  status = Query(&Stub::ListActions, token, &listed, manager_);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedField(status), "page_token");

  v1::GetDashboardRequest both;
  both.set_review_id(Id("R1"));
  both.set_owner_id("olga");
  v1::Dashboard dashboard;
  status = Query(&Stub::GetDashboard, both, &dashboard, manager_);
  EXPECT_EQ(ViolatedField(status), "owner_id");

  v1::GetReviewRequest position;
  position.set_review_id(Id("R1"));
  position.mutable_min_position()->set_partition(99);
  v1::ReviewView review;
  status = Query(&Stub::GetReview, position, &review, manager_);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedField(status), "min_position.partition");

  v1::GetActionRequest missing;
  v1::ActionDetail detail;
  EXPECT_EQ(ViolatedField(Query(&Stub::GetAction, missing, &detail, manager_)), "action_id");
}

TEST_F(GoldenQueryServiceTest, InvalidUtf8InAnyStringFieldOfAnyQueryIsInvalidArgumentNamingIt) {
  const int checked = ::reviewtrail::testing::CallWithInvalidUtf8InEachStringField(
      *channel_, v1::QueryService::service_full_name(), manager_,
      [](const google::protobuf::FieldDescriptor& field, const grpc::Status& status) {
        EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
            << status.error_message();
        EXPECT_EQ(ViolatedField(status), field.name());
      });
  EXPECT_GE(checked, 10);
}

TEST_F(GoldenQueryServiceTest, GetsAPersonAndListsPersonsByIdOrNamePrefix) {
  v1::GetPersonRequest get;
  get.set_person_id("olga");
  v1::PersonView person;
  ASSERT_TRUE(Query(&Stub::GetPerson, get, &person, olga_).ok());  // an action owner may read it
  EXPECT_EQ(person.display_name(), "olga");
  get.set_person_id("nobody");
  grpc::Status status = Query(&Stub::GetPerson, get, &person, manager_);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  get.clear_person_id();
  EXPECT_EQ(ViolatedField(Query(&Stub::GetPerson, get, &person, manager_)), "person_id");

  v1::ListPersonsRequest list;
  list.set_person_id_prefix("os");
  v1::ListPersonsResponse persons;
  ASSERT_TRUE(Query(&Stub::ListPersons, list, &persons, manager_).ok());
  ASSERT_EQ(persons.persons_size(), 1);
  EXPECT_EQ(persons.persons(0).person_id(), "oscar");
  list.clear_person_id_prefix();
  list.set_display_name_prefix("PAU");
  ASSERT_TRUE(Query(&Stub::ListPersons, list, &persons, manager_).ok());
  ASSERT_EQ(persons.persons_size(), 1);
  EXPECT_EQ(persons.persons(0).person_id(), "paula");
  list.set_display_name_prefix(std::string(201, 'p'));
  status = Query(&Stub::ListPersons, list, &persons, manager_);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedField(status), "display_name_prefix");
}

TEST_F(GoldenQueryServiceTest, PagesThroughGrpcInAStableOrder) {
  v1::ListActionsRequest request;
  request.set_page_size(4);
  std::vector<std::string> seen;
  for (int page = 0; page < 10; ++page) {
    v1::ListActionsResponse listed;
    ASSERT_TRUE(Query(&Stub::ListActions, request, &listed, auditor_).ok());
    for (const auto& action : listed.actions()) seen.push_back(action.action_id());
    if (listed.next_page_token().empty()) break;
    request.set_page_token(listed.next_page_token());
  }
  EXPECT_EQ(seen.size(), 9u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
}

// The bytes of a ListActions call (the read model's page as it is sent) and a typed client's view.
class RawListActionsTest : public GoldenQueryServiceTest {
 protected:
  grpc::Status CallRaw(const std::string& request, const std::string& token,
                       std::string* response) {
    grpc::GenericStub stub(channel_);
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    grpc::Slice slice(request);
    grpc::ByteBuffer in(&slice, 1);
    grpc::ByteBuffer out;
    std::promise<grpc::Status> done;
    stub.UnaryCall(&context, "/reviewtrail.v1.QueryService/ListActions", grpc::StubOptions(), &in,
                   &out, [&done](grpc::Status status) { done.set_value(std::move(status)); });
    grpc::Status status = done.get_future().get();
    std::vector<grpc::Slice> slices;
    if (status.ok()) {
      EXPECT_TRUE(out.Dump(&slices).ok());
    }
    response->clear();
    for (const grpc::Slice& s : slices) {
      response->append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
    return status;
  }

  double Counted(const std::string& rpc, const std::string& code) {
    for (const auto& family : registry_->Collect()) {
      if (family.name != "reviewtrail_queries_total") continue;
      for (const auto& metric : family.metric) {
        std::map<std::string, std::string> labels;
        for (const auto& label : metric.label) labels[label.name] = label.value;
        if (labels["rpc"] == rpc && labels["code"] == code) return metric.counter.value;
      }
    }
    return 0;
  }
};

TEST_F(RawListActionsTest, AnswersWhatProtobufWouldSerializeForEveryFilter) {
  std::vector<v1::ListActionsRequest> requests(7);
  requests[1].set_overdue_only(true);  // overdue = true on every action listed
  requests[2].set_owner_id("olga");
  requests[3].set_status(v1::ACTION_STATUS_OPEN);
  requests[4].set_review_id(Id("R1"));
  *requests[4].mutable_due_before() = domain::CivilDate{2026, 3, 10}.ToProto();
  requests[5].set_decision_id(scenario_.ids.begin()->second);
  requests[6].set_page_size(2);  // with a next page token
  int overdue = 0;
  for (const v1::ListActionsRequest& request : requests) {
    std::string bytes;
    ASSERT_TRUE(CallRaw(request.SerializeAsString(), auditor_, &bytes).ok());
    v1::ListActionsResponse typed;
    ASSERT_TRUE(Query(&Stub::ListActions, request, &typed, auditor_).ok());
    EXPECT_EQ(bytes, typed.SerializeAsString()) << request.ShortDebugString();
    for (const auto& action : typed.actions()) overdue += action.overdue() ? 1 : 0;
  }
  EXPECT_GT(overdue, 0);
}

TEST_F(RawListActionsTest, ARequestThatDoesNotParseIsInvalidArgumentNamingTheField) {
  std::string bytes;
  // owner_id (field 1) announcing 5 bytes, followed by 2.
  grpc::Status status = CallRaw(std::string("\x0a\x05ol", 4), auditor_, &bytes);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedField(status), "owner_id");
  // owner_id holding two bytes that are not UTF-8.
  status = CallRaw(std::string("\x0a\x02\xff\xfe", 4), auditor_, &bytes);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedField(status), "owner_id");
  EXPECT_THAT(status.error_message(), HasSubstr("must be valid UTF-8"));
}

TEST_F(RawListActionsTest, CountsEachCallByItsCode) {
  std::string bytes;
  ASSERT_TRUE(CallRaw("", olga_, &bytes).ok());
  v1::ListActionsRequest theirs;
  theirs.set_owner_id("oscar");
  EXPECT_EQ(CallRaw(theirs.SerializeAsString(), olga_, &bytes).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(bytes, "");
  EXPECT_EQ(Counted("ListActions", "OK"), 1);
  EXPECT_EQ(Counted("ListActions", "PERMISSION_DENIED"), 1);
}

TEST_F(GoldenQueryServiceTest, AnUnappliedPositionIsUnavailableAndNamed) {
  StopService();
  StartService(std::chrono::milliseconds(200));
  v1::GetReviewRequest request;
  request.set_review_id(Id("R1"));
  request.mutable_min_position()->set_partition(last_.at("acme").partition);
  request.mutable_min_position()->set_offset(1'000'000);
  v1::ReviewView review;
  const grpc::Status status = Query(&Stub::GetReview, request, &review, manager_);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(),
              HasSubstr(std::to_string(last_.at("acme").partition) + ":1000000"));
}

TEST_F(GoldenQueryServiceTest, RebuildSwapsInAStoreIdenticalToTheLiveOne) {
  StopService();
  const auto live = StoreContents(StorePath());
  ASSERT_FALSE(live.at(readmodel::kActions).empty());
  prometheus::Registry registry;
  ASSERT_TRUE(RebuildReadModel(*log_, StorePath(), runtime::TenantTimeZones(), registry).ok());
  EXPECT_EQ(StoreContents(StorePath()), live);
  EXPECT_FALSE(std::filesystem::exists(StorePath() + ".rebuild"));
  EXPECT_FALSE(std::filesystem::exists(StorePath() + ".old"));
  StartService();
  EXPECT_EQ(DashboardOf("", "").total_actions(), 9);
}

using RawHandles = std::vector<rocksdb::ColumnFamilyHandle*>;

// Opens the store at `path` with RocksDB alone, every column family as it is (`names[i]` is
// `handles[i]`), lets `edit` change it (a column family it creates goes into `handles` too), and
// closes it.
void EditRawStore(
    const std::string& path,
    const std::function<void(rocksdb::DB&, const std::vector<std::string>&, RawHandles&)>& edit) {
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const std::string& name : names) families.emplace_back(name, rocksdb::ColumnFamilyOptions());
  RawHandles handles;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), path, families, &handles, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  edit(*db, names, handles);
  for (rocksdb::ColumnFamilyHandle* handle : handles) {
    ASSERT_TRUE(db->DestroyColumnFamilyHandle(handle).ok());
  }
}

// The compression each read-model table's files name in their properties (a set per table: one
// name when its files agree).
std::map<std::string, std::set<std::string>> CompressionByTable(const std::string& path) {
  std::map<std::string, std::set<std::string>> compression;
  EditRawStore(path,
               [&](rocksdb::DB& db, const std::vector<std::string>& names, RawHandles& handles) {
                 for (size_t i = 0; i < names.size(); ++i) {
                   rocksdb::TablePropertiesCollection files;
                   ASSERT_TRUE(db.GetPropertiesOfAllTables(handles[i], &files).ok());
                   for (const auto& [file, properties] : files) {
                     compression[names[i]].insert(properties->compression_name);
                   }
                 }
               });
  return compression;
}

TEST_F(GoldenQueryServiceTest, TheTablesHoldingViewsAreStoredUncompressedLiveAndRebuilt) {
  StopService();
  const auto expect_layout = [](const std::map<std::string, std::set<std::string>>& compression) {
    for (const std::string& table : readmodel::AllTables()) {
      if (table == readmodel::kTenantClocks)
        continue;  // no sandbox in the golden scenario: no file
      const bool views = readmodel::HoldsActionViews(table);
      EXPECT_EQ(compression.at(table), std::set<std::string>{views ? "NoCompression" : "Snappy"})
          << table;
    }
  };
  {  // the live store, its memtables flushed
    prometheus::Registry registry;
    auto store =
        OpenReadModel(*log_, StorePath(), runtime::TenantTimeZones(), registry, 1000, 1, notices_);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Flush().ok());
  }
  expect_layout(CompressionByTable(StorePath()));
  prometheus::Registry registry;
  ASSERT_TRUE(RebuildReadModel(*log_, StorePath(), runtime::TenantTimeZones(), registry).ok());
  expect_layout(CompressionByTable(StorePath()));
}

// Makes the store at `path` look written by the build before schema versions: no version
// recorded, and no open_due_counts table (which that build did not have).
void MakeItLookWrittenByVersionOne(const std::string& path) {
  EditRawStore(
      path, [](rocksdb::DB& db, const std::vector<std::string>& names, RawHandles& handles) {
        for (size_t i = 0; i < names.size(); ++i) {
          if (names[i] == "positions") {
            ASSERT_TRUE(db.Delete(rocksdb::WriteOptions(), handles[i], "schema_version").ok());
          }
          if (names[i] == readmodel::kOpenDueCounts) {
            ASSERT_TRUE(db.DropColumnFamily(handles[i]).ok());
          }
        }
      });
}

std::optional<int64_t> SchemaVersionAt(const std::string& path) {
  auto store = projection::ProjectionStore::Open(path, readmodel::AllTables());
  EXPECT_TRUE(store.ok()) << store.status();
  if (!store.ok()) return std::nullopt;
  auto version = (*store)->LoadSchemaVersion();
  EXPECT_TRUE(version.ok()) << version.status();
  return version.value_or(std::nullopt);
}

TEST_F(GoldenQueryServiceTest, AFreshStoreGetsTheCurrentSchemaVersionWithoutARebuild) {
  StopService();
  EXPECT_EQ(SchemaVersionAt(StorePath()), readmodel::kSchemaVersion);
  EXPECT_EQ(notices_.str(), "");
  StartService();  // the same version again: opened as it is
  EXPECT_EQ(notices_.str(), "");
  EXPECT_EQ(DashboardOf("", "").overdue(), 2);
}

TEST_F(GoldenQueryServiceTest, AStoreOfTheVersionBeforeIsRebuiltOnStart) {
  StopService();
  const auto current = StoreContents(StorePath());
  MakeItLookWrittenByVersionOne(StorePath());
  ASSERT_EQ(SchemaVersionAt(StorePath()), std::nullopt);
  ASSERT_TRUE(StoreContents(StorePath()).at(readmodel::kOpenDueCounts).empty());

  StartService();
  EXPECT_THAT(notices_.str(), HasSubstr("has schema version 1 (none recorded)"));
  EXPECT_THAT(notices_.str(), HasSubstr("rebuilding it from log position 0"));
  EXPECT_THAT(notices_.str(), HasSubstr("rebuilt in schema version"));
  readmodel::testing::ExpectGoldenDashboards(
      scenario_, [&](const std::string& review, const std::string& owner) {
        return DashboardOf(review, owner);
      });
  StopService();
  EXPECT_EQ(StoreContents(StorePath()), current);
  EXPECT_EQ(SchemaVersionAt(StorePath()), readmodel::kSchemaVersion);
  EXPECT_FALSE(std::filesystem::exists(StorePath() + ".rebuild"));
  EXPECT_FALSE(std::filesystem::exists(StorePath() + ".old"));
}

TEST_F(GoldenQueryServiceTest, AStoreHoldingATableTheLayoutDroppedIsRebuiltWithoutIt) {
  StopService();
  const auto current = StoreContents(StorePath());
  // As the build before left it: an actions_by_decision table, and its version.
  EditRawStore(
      StorePath(), [](rocksdb::DB& db, const std::vector<std::string>&, RawHandles& handles) {
        rocksdb::ColumnFamilyHandle* dropped = nullptr;
        ASSERT_TRUE(
            db.CreateColumnFamily(rocksdb::ColumnFamilyOptions(), "actions_by_decision", &dropped)
                .ok());
        handles.push_back(dropped);
        ASSERT_TRUE(db.Put(rocksdb::WriteOptions(), dropped, "acme", "").ok());
      });
  {
    auto store = projection::ProjectionStore::Open(StorePath(), readmodel::AllTables());
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->SaveSchemaVersion(readmodel::kSchemaVersion - 1).ok());
  }

  StartService();
  EXPECT_THAT(notices_.str(),
              HasSubstr("has schema version " + std::to_string(readmodel::kSchemaVersion - 1)));
  EXPECT_THAT(notices_.str(), HasSubstr("rebuilt in schema version"));
  EXPECT_EQ(DashboardOf("", "").total_actions(), 9);
  StopService();
  EXPECT_EQ(StoreContents(StorePath()), current);
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), StorePath(), &names).ok());
  EXPECT_THAT(names, ::testing::Not(::testing::Contains("actions_by_decision")));
}

TEST_F(GoldenQueryServiceTest, ExportsProjectionAndQueryMetrics) {
  v1::ListPersonsResponse persons;
  ASSERT_TRUE(Query(&Stub::ListPersons, v1::ListPersonsRequest(), &persons, manager_).ok());
  std::set<std::string> names;
  double applied_assignments = 0;
  for (const auto& family : registry_->Collect()) {
    names.insert(family.name);
    if (family.name != "reviewtrail_projection_events_total") continue;
    for (const auto& metric : family.metric) {
      std::map<std::string, std::string> labels;
      for (const auto& label : metric.label) labels[label.name] = label.value;
      if (labels["projection"] == "query" && labels["type"] == "action_assigned") {
        applied_assignments += metric.counter.value;
      }
    }
  }
  EXPECT_EQ(applied_assignments, 10);  // 9 for acme, 1 for globex
  for (const char* name :
       {"reviewtrail_queries_total", "reviewtrail_query_duration_seconds",
        "reviewtrail_projection_lag_events", "reviewtrail_projection_events_total"}) {
    EXPECT_TRUE(names.contains(name)) << name;
  }
}

TEST_F(QueryServiceTest, SkipsAndCountsEventsOfANewerSchema) {
  v1::EventEnvelope future;
  future.set_event_id("evt-future");
  future.set_tenant_id("acme");
  future.set_aggregate_type(v1::AGGREGATE_TYPE_ACTION);
  future.set_aggregate_id("act-future");
  future.set_aggregate_version(1);  // no payload this build knows
  auto appended = log_->Append("acme", std::vector<v1::EventEnvelope>{future});
  ASSERT_TRUE(appended.ok());
  LoadGolden();
  v1::GetDashboardRequest request;
  *request.mutable_min_position() = ToProto(last_.at("acme"));
  v1::Dashboard dashboard;
  ASSERT_TRUE(Query(&v1::QueryService::Stub::GetDashboard, request, &dashboard,
                    Token("aude", {v1::ROLE_AUDITOR}))
                  .ok());
  EXPECT_EQ(dashboard.total_actions(), 9);
  double skipped = 0;
  for (const auto& family : registry_->Collect()) {
    if (family.name != "reviewtrail_projection_skipped_total") continue;
    for (const auto& metric : family.metric) skipped += metric.counter.value;
  }
  EXPECT_EQ(skipped, 1);
}

// Read-your-writes: each command's answer names its log position; a query carrying it sees the
// command's effect, however far behind the projector was.
TEST_F(QueryServiceTest, AQueryWithTheCommandsPositionSeesTheWrite) {
  const std::string manager = Token("mia", {v1::ROLE_ISMS_MANAGER}, "initech");
  v1::CommandReply reply;
  for (const char* person : {"mia", "olga"}) {
    v1::RegisterPersonRequest request;
    request.set_command_id(std::string("register-") + person);
    request.set_person_id(person);
    request.set_display_name(person);
    request.set_email(std::string(person) + "@initech.example");
    ASSERT_TRUE(
        Call(*command_stub_, &v1::CommandService::Stub::RegisterPerson, request, &reply, manager)
            .ok());
  }
  v1::RecordReviewRequest review;
  review.set_command_id("review-1");
  review.set_title("Initech review");
  *review.mutable_held_on() = domain::CivilDate{2026, 3, 2}.ToProto();
  review.set_chair_id("mia");
  ASSERT_TRUE(
      Call(*command_stub_, &v1::CommandService::Stub::RecordReview, review, &reply, manager).ok());
  const std::string review_id = reply.aggregate_id();
  v1::RecordDecisionRequest decision;
  decision.set_command_id("decision-1");
  decision.set_review_id(review_id);
  decision.set_summary("Patch faster");
  decision.set_rationale("Incidents");
  decision.set_category(v1::DECISION_CATEGORY_ISMS_CHANGE);
  ASSERT_TRUE(
      Call(*command_stub_, &v1::CommandService::Stub::RecordDecision, decision, &reply, manager)
          .ok());
  const std::string decision_id = reply.entity_id();
  for (int i = 0; i < 5; ++i) {
    v1::AssignActionRequest assign;
    assign.set_command_id("assign-" + std::to_string(i));
    assign.set_decision_id(decision_id);
    assign.set_title("Patch " + std::to_string(i));
    assign.set_expected_outcome("patched");
    assign.set_completion_criteria("scan clean");
    assign.set_owner_id("olga");
    *assign.mutable_due_date() = domain::CivilDate{2026, 4, 1}.ToProto();
    const grpc::Status assigned =
        Call(*command_stub_, &v1::CommandService::Stub::AssignAction, assign, &reply, manager);
    ASSERT_TRUE(assigned.ok()) << assigned.error_message();
    v1::GetActionRequest get;
    get.set_action_id(reply.aggregate_id());
    *get.mutable_min_position() = reply.log_position();
    v1::ActionDetail detail;
    const grpc::Status read = Query(&Stub::GetAction, get, &detail, manager);
    ASSERT_TRUE(read.ok()) << read.error_message();
    EXPECT_EQ(detail.action().title(), "Patch " + std::to_string(i));
    v1::GetDashboardRequest dashboard_request;
    *dashboard_request.mutable_min_position() = reply.log_position();
    v1::Dashboard dashboard;
    ASSERT_TRUE(Query(&Stub::GetDashboard, dashboard_request, &dashboard, manager).ok());
    EXPECT_EQ(dashboard.total_actions(), i + 1);
  }
}

}  // namespace
}  // namespace reviewtrail::query::testing
