// The event stream over a real gRPC server on a loopback port, on a real embedded log in a temp dir
// and on a Kafka topic of librdkafka's mock cluster (TEST_P over both).
#include "reviewtrail/events/event_service.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "reviewtrail/auth/local_keys.h"
#include "reviewtrail/auth/token_verifier.h"
#include "reviewtrail/command/command_service.h"
#include "reviewtrail/eventlog/embedded_log.h"
#include "reviewtrail/eventlog/kafka_log.h"
#include "reviewtrail/eventlog/kafka_mock_cluster.h"
#include "reviewtrail/runtime/clock.h"
#include "reviewtrail/v1/command_service.grpc.pb.h"

namespace reviewtrail::events {
namespace {

enum class LogKind { kEmbedded, kKafka };
constexpr int32_t kPartitions = 2;

// One scripted event: what it is about, as the test states it (not derived by the code under test).
struct Scripted {
  std::string tenant;
  std::string type;       // payload message name
  std::string review_id;  // the review it concerns ("" for persons)
  std::string action_id;  // the action it concerns ("")
};

v1::EventEnvelope Envelope(const Scripted& s, int n, size_t padding = 0) {
  v1::EventEnvelope e;
  e.set_event_id(s.tenant + "-e" + std::to_string(n));
  e.set_tenant_id(s.tenant);
  e.set_command_id("cmd-" + std::to_string(n));
  e.mutable_occurred_at()->set_seconds(1'770'000'000 + n);
  if (s.type == "PersonRegistered") {
    e.set_aggregate_type(v1::AGGREGATE_TYPE_PERSON);
    e.set_aggregate_id("p-" + std::to_string(n));
    e.mutable_person_registered()->set_person_id("p-" + std::to_string(n));
    e.mutable_person_registered()->set_display_name(std::string(padding, 'x'));
  } else if (s.type == "ReviewHeld") {
    e.set_aggregate_id(s.review_id);
    e.mutable_review_held()->set_review_id(s.review_id);
  } else if (s.type == "DecisionRecorded") {
    e.set_aggregate_id(s.review_id);
    e.mutable_decision_recorded()->set_review_id(s.review_id);
    e.mutable_decision_recorded()->set_decision_id("dec-" + std::to_string(n));
  } else if (s.type == "ActionAssigned") {
    e.set_aggregate_id(s.action_id);
    e.mutable_action_assigned()->set_action_id(s.action_id);
    e.mutable_action_assigned()->set_review_id(s.review_id);
  } else if (s.type == "ProgressReported") {
    e.set_aggregate_id(s.action_id);
    e.mutable_progress_reported()->set_action_id(s.action_id);
    e.mutable_progress_reported()->set_percent_complete(50);
  } else if (s.type == "EvidenceAttached") {
    e.set_aggregate_id(s.action_id);
    e.mutable_evidence_attached()->set_action_id(s.action_id);
  } else if (s.type == "ClosureApproved") {
    e.set_aggregate_id(s.action_id);
    e.mutable_closure_approved()->set_action_id(s.action_id);
  } else {
    ADD_FAILURE() << "no envelope for " << s.type;
  }
  return e;
}

struct Received {
  int64_t offset = 0;
  std::string event_id;
  friend bool operator==(const Received&, const Received&) = default;
};

std::ostream& operator<<(std::ostream& out, const Received& r) {
  return out << r.offset << ":" << r.event_id;
}

// A client stream; Read() returns the next message or nullopt once the stream ended.
class Reader {
 public:
  Reader(v1::EventService::Stub& stub, const std::string& token,
         const v1::SubscribeRequest& request) {
    if (!token.empty()) context_.AddMetadata("authorization", "Bearer " + token);
    context_.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
    reader_ = stub.Subscribe(&context_, request);
  }
  ~Reader() {
    if (!finished_) Cancel();
  }

  std::optional<v1::SubscribeResponse> Read() {
    v1::SubscribeResponse message;
    if (reader_->Read(&message)) return message;
    return std::nullopt;
  }
  // Reads until `n` events came; heartbeats are skipped. Returns the last message's `next`.
  std::vector<v1::SubscribeResponse> ReadEvents(size_t n) {
    std::vector<v1::SubscribeResponse> events;
    while (events.size() < n) {
      auto message = Read();
      if (!message) {
        ADD_FAILURE() << "stream ended after " << events.size() << " of " << n
                      << " events: " << Finish().error_message();
        break;
      }
      if (message->has_event()) events.push_back(*std::move(message));
    }
    return events;
  }
  // The next message, which must be a heartbeat (no event after what was read).
  std::optional<v1::SubscribeResponse> ExpectHeartbeat() {
    auto message = Read();
    EXPECT_TRUE(message.has_value());
    if (message) {
      EXPECT_FALSE(message->has_event())
          << "unexpected event " << message->position().offset() << " " << message->event_id();
    }
    return message;
  }
  // Reads until a heartbeat says the stream has read up to `end_offset`; no event may come first.
  void ExpectNoMoreEventsUpTo(int64_t end_offset) {
    while (auto message = Read()) {
      if (message->has_event()) {
        ADD_FAILURE() << "unexpected event " << message->position().offset() << " "
                      << message->event_id();
        return;
      }
      if (message->next().offset() >= end_offset) return;
    }
    ADD_FAILURE() << "stream ended: " << Finish().error_message();
  }
  void Cancel() {
    context_.TryCancel();
    Finish();
  }
  grpc::Status Finish() {
    finished_ = true;
    v1::SubscribeResponse drain;
    while (reader_->Read(&drain)) {
    }
    return reader_->Finish();
  }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<v1::SubscribeResponse>> reader_;
  bool finished_ = false;
};

std::string ViolatedField(const grpc::Status& status) {
  google::rpc::Status details;
  details.ParseFromString(status.error_details());
  for (const auto& detail : details.details()) {
    google::rpc::BadRequest bad_request;
    if (detail.UnpackTo(&bad_request) && bad_request.field_violations_size() > 0) {
      return bad_request.field_violations(0).field();
    }
  }
  return "";
}

class EventServiceTest : public ::testing::TestWithParam<LogKind> {
 protected:
  EventServiceTest()
      : clock_(std::chrono::system_clock::time_point(std::chrono::seconds(1'770'000'000))) {
    dir_ = std::filesystem::temp_directory_path() /
           ("events-test-" + std::to_string(::getpid()) + "-" +
            std::to_string(static_cast<int>(GetParam())) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    key_ = *auth::GenerateSigningKey();
    auth::VerifierConfig config;
    config.keys.push_back(auth::ToVerificationKey(key_));
    verifier_ = std::make_unique<auth::TokenVerifier>(*auth::TokenVerifier::Create(config));
    if (GetParam() == LogKind::kEmbedded) {
      auto log = eventlog::EmbeddedLog::Open(
          {.path = (dir_ / "log").string(), .partition_count = kPartitions});
      EXPECT_TRUE(log.ok()) << log.status();
      if (log.ok()) log_ = *std::move(log);
    } else {
      auto cluster = eventlog::MockKafkaCluster::Start(1);
      EXPECT_TRUE(cluster.ok()) << cluster.status();
      cluster_ = *std::move(cluster);
      EXPECT_TRUE(cluster_->CreateTopic(eventlog::kDefaultEventTopic, kPartitions, 1).ok());
      eventlog::KafkaLogConfig kafka;
      kafka.bootstrap_servers = cluster_->bootstrap_servers();
      kafka.partition_count = kPartitions;
      auto log = eventlog::KafkaLog::Open(kafka);
      EXPECT_TRUE(log.ok()) << log.status();
      if (log.ok()) log_ = *std::move(log);
    }
    // "acme" and a neighbour in the same partition; "far" in the other one.
    for (const char* name : {"beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"}) {
      if (log_->PartitionFor(name) == log_->PartitionFor("acme") && neighbour_.empty()) {
        neighbour_ = name;
      }
      if (log_->PartitionFor(name) != log_->PartitionFor("acme") && far_.empty()) far_ = name;
    }
  }

  ~EventServiceTest() override {
    StopServer();
    log_.reset();
    cluster_.reset();
    std::filesystem::remove_all(dir_);
  }

  void StartServer(EventServiceOptions options) {
    registry_ = std::make_shared<prometheus::Registry>();
    service_ = std::make_unique<EventService>(*log_, *verifier_, clock_, *registry_, options);
    auto commands = command::CommandService::Start(
        *log_, *verifier_, clock_, *registry_, {.write_model_path = (dir_ / "command").string()});
    ASSERT_TRUE(commands.ok()) << commands.status();
    commands_ = *std::move(commands);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    builder.RegisterService(commands_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(port, 0);
    // A small receive window and no BDP probing: a client that stops reading stops the server's
    // writes after a few messages (gRPC's flow control), as a slow subscriber on a WAN would.
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
    args.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 16 * 1024);
    channel_ = grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(port),
                                         grpc::InsecureChannelCredentials(), args);
    stub_ = v1::EventService::NewStub(channel_);
    command_stub_ = v1::CommandService::NewStub(channel_);
  }

  void StopServer() {
    if (server_) server_->Shutdown(std::chrono::system_clock::now());
    if (service_) service_->Stop();
    if (commands_) commands_->Stop();
    server_.reset();
    service_.reset();
    commands_.reset();
  }

  std::string Token(std::vector<v1::Role> roles, const std::string& tenant = "acme") {
    auto token = auth::MintToken(key_, auth::Principal{tenant, "sub-1", std::move(roles)},
                                 clock_.Now(), std::chrono::hours(1), "reviewtrail-test");
    EXPECT_TRUE(token.ok()) << token.status();
    return *token;
  }

  // Appends the script one event at a time (so tenants interleave in the partition); returns
  // every event of `tenant` as the log holds it, in order.
  void AppendScript(const std::vector<Scripted>& script) {
    for (size_t i = 0; i < script.size(); ++i) {
      const v1::EventEnvelope event = Envelope(script[i], static_cast<int>(i));
      auto appended = log_->Append(script[i].tenant, std::span(&event, 1));
      ASSERT_TRUE(appended.ok()) << appended.status();
      positions_.push_back(appended->front());
    }
  }

  // The history used by most tests: two reviews, three actions, two tenants sharing a partition.
  std::vector<Scripted> History() {
    const std::string n = neighbour_;
    return {
        {"acme", "PersonRegistered", "", ""},
        {n, "PersonRegistered", "", ""},
        {"acme", "ReviewHeld", "rev-1", ""},
        {"acme", "DecisionRecorded", "rev-1", ""},
        {n, "ReviewHeld", "rev-1", ""},  // the same ids in another tenant
        {"acme", "ActionAssigned", "rev-1", "act-1"},
        {"acme", "ActionAssigned", "rev-1", "act-2"},
        {n, "ActionAssigned", "rev-1", "act-1"},
        {"acme", "ProgressReported", "rev-1", "act-1"},
        {"acme", "ReviewHeld", "rev-2", ""},
        {"acme", "ActionAssigned", "rev-2", "act-3"},
        {"acme", "EvidenceAttached", "rev-1", "act-1"},
        {n, "ProgressReported", "rev-1", "act-1"},
        {"acme", "ProgressReported", "rev-2", "act-3"},
        {"acme", "EvidenceAttached", "rev-1", "act-2"},
        {"acme", "ClosureApproved", "rev-1", "act-1"},
        {"acme", "PersonRegistered", "", ""},
        {n, "ClosureApproved", "rev-1", "act-1"},
        {"acme", "ClosureApproved", "rev-2", "act-3"},
        {"acme", "ProgressReported", "rev-1", "act-2"},
    };
  }

  // What the log holds of the script's events that `keep` selects.
  template <typename Keep>
  std::vector<Received> Expected(const std::vector<Scripted>& script, Keep keep) {
    std::vector<Received> expected;
    for (size_t i = 0; i < script.size(); ++i) {
      if (keep(script[i])) {
        expected.push_back({positions_[i].offset, script[i].tenant + "-e" + std::to_string(i)});
      }
    }
    return expected;
  }

  static std::vector<Received> Ids(const std::vector<v1::SubscribeResponse>& messages) {
    std::vector<Received> ids;
    for (const auto& m : messages) {
      EXPECT_EQ(m.next().offset(), m.position().offset() + 1);
      EXPECT_EQ(m.event_id(), m.event().event_id());
      ids.push_back({m.position().offset(), m.event_id()});
    }
    return ids;
  }

  int32_t AcmePartition() const { return log_->PartitionFor("acme"); }

  static EventServiceOptions FastHeartbeats() {
    return {.heartbeat_interval = std::chrono::milliseconds(50)};
  }

  std::filesystem::path dir_;
  runtime::FakeClock clock_;
  auth::SigningKey key_;
  std::unique_ptr<auth::TokenVerifier> verifier_;
  std::unique_ptr<eventlog::MockKafkaCluster> cluster_;
  std::unique_ptr<eventlog::EventLog> log_;
  std::string neighbour_;
  std::string far_;
  std::vector<eventlog::Position> positions_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<EventService> service_;
  std::unique_ptr<command::CommandService> commands_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::EventService::Stub> stub_;
  std::unique_ptr<v1::CommandService::Stub> command_stub_;
};

TEST_P(EventServiceTest, ResumingAfterADisconnectAtEveryPositionYieldsExactlyTheLog) {
  ASSERT_FALSE(neighbour_.empty());
  StartServer(FastHeartbeats());
  const std::vector<Scripted> script = History();
  AppendScript(script);
  const std::vector<Received> log_order =
      Expected(script, [](const Scripted& s) { return s.tenant == "acme"; });
  const std::string token = Token({v1::ROLE_SUBSCRIBER});

  for (size_t k = 0; k <= log_order.size(); ++k) {
    SCOPED_TRACE("disconnect after " + std::to_string(k) + " events");
    v1::SubscribeRequest first;
    first.set_start_at(v1::STREAM_START_BEGINNING);
    std::vector<Received> got;
    v1::SubscribeRequest resume;
    {
      Reader reader(*stub_, token, first);
      std::vector<v1::SubscribeResponse> before = reader.ReadEvents(k);
      got = Ids(before);
      if (k == 0) {
        resume.set_start_at(v1::STREAM_START_BEGINNING);
      } else {
        *resume.mutable_from() = before.back().next();
      }
    }  // disconnects
    Reader reader(*stub_, token, resume);
    for (const Received& r : Ids(reader.ReadEvents(log_order.size() - k))) got.push_back(r);
    reader.ExpectNoMoreEventsUpTo(*log_->EndOffset(AcmePartition()));
    EXPECT_EQ(got, log_order);
  }
}

TEST_P(EventServiceTest, AHeartbeatCarriesThePositionToResumeFrom) {
  StartServer(FastHeartbeats());
  const std::vector<Scripted> script = History();
  AppendScript(script);
  const std::string token = Token({v1::ROLE_SUBSCRIBER});
  v1::SubscribeRequest request;
  request.add_event_types("ActionAssigned");
  v1::LogPosition heartbeat_next;
  {
    Reader reader(*stub_, token, request);
    EXPECT_EQ(reader.ReadEvents(3).size(), 3u);
    // Heartbeats follow; the stream has scanned the whole partition once one says so.
    const int64_t end = *log_->EndOffset(AcmePartition());
    while (auto message = reader.Read()) {
      ASSERT_FALSE(message->has_event()) << message->event_id();
      heartbeat_next = message->next();
      if (heartbeat_next.offset() >= end) break;
    }
  }
  // A heartbeat's position goes past every record scanned (here the partition's end), not only
  // past the last event sent.
  EXPECT_EQ(heartbeat_next.partition(), AcmePartition());
  EXPECT_EQ(heartbeat_next.offset(), *log_->EndOffset(AcmePartition()));

  // Resuming from it gets only what is appended later.
  const v1::EventEnvelope later = Envelope({"acme", "ActionAssigned", "rev-2", "act-9"}, 99);
  ASSERT_TRUE(log_->Append("acme", std::span(&later, 1)).ok());
  *request.mutable_from() = heartbeat_next;
  Reader reader(*stub_, token, request);
  std::vector<v1::SubscribeResponse> events = reader.ReadEvents(1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event_id(), "acme-e99");
  EXPECT_EQ(events[0].event_type(), "reviewtrail.v1.ActionAssigned");
  EXPECT_EQ(events[0].position().offset(), heartbeat_next.offset());
}

TEST_P(EventServiceTest, FiltersYieldExactlyTheMatchingSubset) {
  StartServer(FastHeartbeats());
  const std::vector<Scripted> script = History();
  AppendScript(script);
  const std::string token = Token({v1::ROLE_AUDITOR});
  struct Case {
    std::string name;
    std::vector<std::string> types;
    std::string review;
    std::string action;
    std::function<bool(const Scripted&)> keep;
  };
  const std::vector<Case> cases = {
      {"types",
       {"ActionAssigned", "reviewtrail.v1.ClosureApproved"},
       "",
       "",
       [](const Scripted& s) { return s.type == "ActionAssigned" || s.type == "ClosureApproved"; }},
      {"review", {}, "rev-1", "", [](const Scripted& s) { return s.review_id == "rev-1"; }},
      {"action", {}, "", "act-2", [](const Scripted& s) { return s.action_id == "act-2"; }},
      {"review and type",
       {"ProgressReported"},
       "rev-2",
       "",
       [](const Scripted& s) { return s.review_id == "rev-2" && s.type == "ProgressReported"; }},
      {"review and action of another review",
       {},
       "rev-2",
       "act-1",
       [](const Scripted&) { return false; }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    v1::SubscribeRequest request;
    for (const auto& type : c.types) request.add_event_types(type);
    request.set_review_id(c.review);
    request.set_action_id(c.action);
    const std::vector<Received> expected =
        Expected(script, [&](const Scripted& s) { return s.tenant == "acme" && c.keep(s); });
    Reader reader(*stub_, token, request);
    EXPECT_EQ(Ids(reader.ReadEvents(expected.size())), expected);
    reader.ExpectNoMoreEventsUpTo(*log_->EndOffset(AcmePartition()));
  }
}

TEST_P(EventServiceTest, AReviewFilterStartedMidwayKnowsTheReviewsEarlierActions) {
  StartServer(FastHeartbeats());
  const std::vector<Scripted> script = History();
  AppendScript(script);
  // From the position of acme's first ProgressReported: act-1 and act-2 were assigned before it.
  size_t start_index = 0;
  while (script[start_index].type != "ProgressReported") ++start_index;
  v1::SubscribeRequest request;
  request.set_review_id("rev-1");
  request.mutable_from()->set_partition(AcmePartition());
  request.mutable_from()->set_offset(positions_[start_index].offset);
  const std::vector<Received> expected = Expected(
      script, [&](const Scripted& s) { return s.tenant == "acme" && s.review_id == "rev-1"; });
  std::vector<Received> tail;
  for (const Received& r : expected) {
    if (r.offset >= positions_[start_index].offset) tail.push_back(r);
  }
  ASSERT_FALSE(tail.empty());
  Reader reader(*stub_, Token({v1::ROLE_SUBSCRIBER}), request);
  EXPECT_EQ(Ids(reader.ReadEvents(tail.size())), tail);
  reader.ExpectNoMoreEventsUpTo(*log_->EndOffset(AcmePartition()));
}

TEST_P(EventServiceTest, AnotherTenantsEventsNeverAppear) {
  StartServer(FastHeartbeats());
  const std::vector<Scripted> script = History();
  AppendScript(script);
  const std::vector<Received> neighbours =
      Expected(script, [&](const Scripted& s) { return s.tenant == neighbour_; });
  Reader reader(*stub_, Token({v1::ROLE_SUBSCRIBER}, neighbour_), {});
  const std::vector<v1::SubscribeResponse> events = reader.ReadEvents(neighbours.size());
  EXPECT_EQ(Ids(events), neighbours);
  for (const auto& event : events) EXPECT_EQ(event.event().tenant_id(), neighbour_);
  reader.ExpectNoMoreEventsUpTo(*log_->EndOffset(log_->PartitionFor(neighbour_)));

  // A position of another partition is not this tenant's.
  ASSERT_FALSE(far_.empty());
  v1::SubscribeRequest foreign;
  foreign.mutable_from()->set_partition(AcmePartition());
  foreign.mutable_from()->set_offset(0);
  Reader refused(*stub_, Token({v1::ROLE_SUBSCRIBER}, far_), foreign);
  EXPECT_FALSE(refused.Read().has_value());
  const grpc::Status status = refused.Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedField(status), "from.partition");
}

TEST_P(EventServiceTest, FromNowDeliversOnlyEventsAppendedLater) {
  StartServer(FastHeartbeats());
  AppendScript(History());
  v1::SubscribeRequest request;
  request.set_start_at(v1::STREAM_START_NOW);
  Reader reader(*stub_, Token({v1::ROLE_SERVICE}), request);
  // The first heartbeat proves the stream is open (at the end of the log) before the append.
  auto heartbeat = reader.ExpectHeartbeat();
  ASSERT_TRUE(heartbeat.has_value());
  EXPECT_EQ(heartbeat->next().offset(), *log_->EndOffset(AcmePartition()));
  const v1::EventEnvelope later = Envelope({"acme", "ReviewHeld", "rev-7", ""}, 77);
  auto appended = log_->Append("acme", std::span(&later, 1));
  ASSERT_TRUE(appended.ok());
  std::vector<v1::SubscribeResponse> events = reader.ReadEvents(1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event_id(), "acme-e77");
  EXPECT_EQ(events[0].position().offset(), appended->front().offset);
}

TEST_P(EventServiceTest, RefusesWrongRolesAndBadRequestsNamingTheField) {
  StartServer(FastHeartbeats());
  AppendScript(History());
  const auto refusal = [&](const std::string& token, const v1::SubscribeRequest& request) {
    Reader reader(*stub_, token, request);
    EXPECT_FALSE(reader.Read().has_value());
    return reader.Finish();
  };
  EXPECT_EQ(refusal("", {}).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(refusal(Token({v1::ROLE_ISMS_MANAGER, v1::ROLE_ACTION_OWNER}), {}).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  const std::string token = Token({v1::ROLE_SUBSCRIBER});
  v1::SubscribeRequest bad_type;
  bad_type.add_event_types("ActionAssigned");
  bad_type.add_event_types("ActionExploded");
  grpc::Status status = refusal(token, bad_type);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedField(status), "event_types[1]");

  v1::SubscribeRequest beyond;
  beyond.mutable_from()->set_partition(AcmePartition());
  beyond.mutable_from()->set_offset(*log_->EndOffset(AcmePartition()) + 1);
  status = refusal(token, beyond);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedField(status), "from.offset");

  v1::SubscribeRequest negative;
  negative.mutable_from()->set_partition(AcmePartition());
  negative.mutable_from()->set_offset(-1);
  status = refusal(token, negative);
  EXPECT_EQ(ViolatedField(status), "from.offset");
}

TEST_P(EventServiceTest, ASubscriberThatStopsReadingBlocksNoCommandAndIsCutOffWithItsPosition) {
  StartServer({.heartbeat_interval = std::chrono::milliseconds(50),
               .stall_limit = std::chrono::milliseconds(300),
               .poll_records = 16});
  const std::string token = Token({v1::ROLE_SUBSCRIBER});
  Reader reader(*stub_, token, {});
  ASSERT_TRUE(reader.ExpectHeartbeat().has_value());  // open; now it stops reading

  // Commands go on, each acknowledged, while the subscriber reads nothing.
  const std::string manager = Token({v1::ROLE_ISMS_MANAGER});
  for (int i = 0; i < 20; ++i) {
    v1::RegisterPersonRequest request;
    request.set_command_id("register-" + std::to_string(i));
    request.set_person_id("person-" + std::to_string(i));
    request.set_display_name("Person " + std::to_string(i));
    request.set_email("p" + std::to_string(i) + "@example.com");
    v1::CommandReply reply;
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + manager);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    const grpc::Status status = command_stub_->RegisterPerson(&context, request, &reply);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  // Far more than gRPC's flow-control windows hold: 1500 events of ~1 KiB.
  std::vector<v1::EventEnvelope> bulk;
  for (int i = 0; i < 1500; ++i) {
    bulk.push_back(Envelope({"acme", "PersonRegistered", "", ""}, 1000 + i, 1024));
    if (bulk.size() == 100) {
      ASSERT_TRUE(log_->Append("acme", bulk).ok());
      bulk.clear();
    }
  }
  const int64_t end = *log_->EndOffset(AcmePartition());

  // The server gives up on the stream once a write waited past the stall limit.
  const auto too_slow = [&] {
    for (const auto& family : registry_->Collect()) {
      if (family.name != "reviewtrail_event_streams_ended_total") continue;
      for (const auto& metric : family.metric) {
        for (const auto& label : metric.label) {
          if (label.value == "too_slow" && metric.counter.value >= 1) return true;
        }
      }
    }
    return false;
  };
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!too_slow() && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(too_slow());

  // Reading again: a gap-free prefix of the log, far short of its end (the server stopped reading
  // the log when the subscriber stopped), then the status naming the position to resume from.
  int64_t expected_offset = 0;
  int64_t last_next = 0;
  while (auto message = reader.Read()) {
    if (message->has_event()) {
      EXPECT_EQ(message->position().offset(), expected_offset);
      expected_offset = message->next().offset();
    }
    last_next = message->next().offset();
  }
  const grpc::Status status = reader.Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(status.error_message().find("resume from position " + std::to_string(AcmePartition()) +
                                        ":" + std::to_string(last_next)),
            std::string::npos)
      << status.error_message();
  EXPECT_GT(last_next, 0);
  EXPECT_LT(last_next, end / 2) << "the stream read ahead of its subscriber";

  // Resuming from there continues without a gap.
  v1::SubscribeRequest resume;
  resume.mutable_from()->set_partition(AcmePartition());
  resume.mutable_from()->set_offset(last_next);
  Reader again(*stub_, token, resume);
  std::vector<v1::SubscribeResponse> next = again.ReadEvents(1);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].position().offset(), last_next);
}

INSTANTIATE_TEST_SUITE_P(Logs, EventServiceTest,
                         ::testing::Values(LogKind::kEmbedded, LogKind::kKafka),
                         [](const auto& test_param) {
                           return test_param.param == LogKind::kEmbedded ? "Embedded" : "Kafka";
                         });

}  // namespace
}  // namespace reviewtrail::events
