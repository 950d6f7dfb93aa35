// The split stack as it is deployed, each part its own process: reviewtrail-devkafka (3 brokers),
// reviewtrail-command, reviewtrail-query x2, reviewtrail-audit and reviewtrail-notifier, wired as
// in production (one signing key, one token issuer and audience, the notifier recording through
// the command service, one set of tenant offsets). Drives an action's whole lifecycle over gRPC;
// both query replicas read their writes; the notifier records a reminder and delivers it to a
// loopback webhook; the audit chain verifies.
#include "split_stack.h"

#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <tuple>

#include "child_process.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "reviewtrail/v1/audit_service.grpc.pb.h"
#include "reviewtrail/v1/command_service.grpc.pb.h"
#include "reviewtrail/v1/query_service.grpc.pb.h"

namespace reviewtrail::testing {
namespace {

using Stub = v1::CommandService::Stub;
using grpc::health::v1::HealthCheckResponse;
constexpr auto kStartTimeout = SplitStack::kStartTimeout;

// A loopback HTTP server that answers 200 to every request and keeps the requests' bodies.
class Webhook {
 public:
  Webhook() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof(address);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&address), size), 0);
    EXPECT_EQ(::listen(fd_, 16), 0);
    EXPECT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size), 0);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~Webhook() {
    stopping_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::vector<std::string> bodies() {
    std::lock_guard lock(mutex_);
    return bodies_;
  }

 private:
  void Serve() {
    while (!stopping_) {
      const int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) continue;
      std::string request;
      char buffer[4096];
      size_t body_at = std::string::npos;
      size_t length = 0;
      while (true) {
        const ssize_t n = ::read(client, buffer, sizeof(buffer));
        if (n <= 0) break;
        request.append(buffer, static_cast<size_t>(n));
        if (body_at == std::string::npos &&
            (body_at = request.find("\r\n\r\n")) != std::string::npos) {
          body_at += 4;
          std::string lower = request.substr(0, body_at);
          for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          const size_t header = lower.find("content-length:");
          if (header != std::string::npos) length = std::stoul(lower.substr(header + 15));
        }
        if (body_at != std::string::npos && request.size() >= body_at + length) break;
      }
      const std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      (void)!::write(client, reply.data(), reply.size());
      ::close(client);
      if (body_at != std::string::npos) {
        std::lock_guard lock(mutex_);
        bodies_.push_back(request.substr(body_at));
      }
    }
  }

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_ = false;
  std::mutex mutex_;
  std::vector<std::string> bodies_;
  std::thread thread_;
};

google::type::Date TenantToday(std::chrono::hours offset, int plus_days) {
  const auto day = std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(
      std::chrono::system_clock::now() + offset + std::chrono::days(plus_days)));
  google::type::Date date;
  date.set_year(static_cast<int>(day.year()));
  date.set_month(static_cast<int>(static_cast<unsigned>(day.month())));
  date.set_day(static_cast<int>(static_cast<unsigned>(day.day())));
  return date;
}

class SplitStackTest : public ::testing::Test {
 protected:
  template <typename Request>
  grpc::Status Send(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                 v1::CommandReply*),
                    const Request& request, const std::string& token, v1::CommandReply* reply) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    return (commands_.get()->*method)(&context, request, reply);
  }

  SplitStack stack_;
  std::unique_ptr<Stub> commands_;
};

TEST_F(SplitStackTest, EveryServiceInItsOwnProcessOverTheDevelopmentBroker) {
  ASSERT_NO_FATAL_FAILURE(stack_.StartBroker());
  Webhook webhook;
  const std::filesystem::path notifier_config = stack_.base() / "notifier.json";
  std::ofstream(notifier_config)
      << R"({"default": {"reminder_days_before": [1], "send_at": "00:00", "channel": "webhook",
             "webhook": {"url": "http://127.0.0.1:)"
      << webhook.port() << R"(/hook", "secret": "a-webhook-secret-of-thirty-two-bytes"}}})";

  const std::string command_address = stack_.StartCommand().address;
  const std::string query_addresses[] = {stack_.StartQuery("query1").address,
                                         stack_.StartQuery("query2").address};
  const std::string audit_address = stack_.StartAudit().address;
  SplitStack::Service& notifier = stack_.StartNotifier(notifier_config);
  const std::string notifier_address = notifier.address;

  // Every process reports SERVING for itself and for its services by name.
  EXPECT_EQ(stack_.AwaitHealth(command_address, "reviewtrail.v1.CommandService",
                               HealthCheckResponse::SERVING),
            HealthCheckResponse::SERVING);
  for (const std::string& address : query_addresses) {
    EXPECT_EQ(
        stack_.AwaitHealth(address, "reviewtrail.v1.QueryService", HealthCheckResponse::SERVING),
        HealthCheckResponse::SERVING);
  }
  EXPECT_EQ(stack_.AwaitHealth(audit_address, "reviewtrail.v1.AuditService",
                               HealthCheckResponse::SERVING),
            HealthCheckResponse::SERVING);
  EXPECT_EQ(stack_.AwaitHealth(notifier_address, "", HealthCheckResponse::SERVING),
            HealthCheckResponse::SERVING);

  // The admin token the command service wrote carries the configured issuer and audience.
  const std::string admin = stack_.AdminToken();
  ASSERT_FALSE(admin.empty());
  commands_ = v1::CommandService::NewStub(
      grpc::CreateChannel(command_address, grpc::InsecureChannelCredentials()));

  v1::CommandReply reply;
  for (const auto& [person, manager] :
       std::vector<std::pair<std::string, std::string>>{{"dana", ""}, {"ole", "dana"}}) {
    v1::RegisterPersonRequest request;
    request.set_command_id("person-" + person);
    request.set_person_id(person);
    request.set_display_name(person);
    request.set_email(person + "@acme.example");
    request.set_manager_id(manager);
    ASSERT_TRUE(Send(&Stub::RegisterPerson, request, admin, &reply).ok());
  }
  v1::RecordReviewRequest review;
  review.set_command_id("review");
  review.set_title("ISMS management review");
  *review.mutable_held_on() = TenantToday(std::chrono::hours(1), 0);
  review.set_chair_id("dana");
  ASSERT_TRUE(Send(&Stub::RecordReview, review, admin, &reply).ok());
  v1::RecordDecisionRequest decision;
  decision.set_command_id("decision");
  decision.set_review_id(reply.aggregate_id());
  decision.set_summary("Phishing awareness training");
  decision.set_rationale("14% click rate");
  decision.set_category(v1::DECISION_CATEGORY_IMPROVEMENT_OPPORTUNITY);
  ASSERT_TRUE(Send(&Stub::RecordDecision, decision, admin, &reply).ok());
  v1::AssignActionRequest assign;
  assign.set_command_id("assign");
  assign.set_decision_id(reply.entity_id());
  assign.set_title("Roll out phishing training");
  assign.set_expected_outcome("All staff trained");
  assign.set_completion_criteria("LMS export showing 100% completion");
  assign.set_owner_id("ole");
  // Due tomorrow on the tenant's calendar: the 1-day reminder fell due at 00:00 today.
  *assign.mutable_due_date() = TenantToday(std::chrono::hours(1), 1);
  v1::CommandReply assigned;
  ASSERT_TRUE(Send(&Stub::AssignAction, assign, admin, &assigned).ok());
  const std::string action = assigned.aggregate_id();

  // The notifier records the reminder through the command service (its service token carries
  // the issuer and audience too) and delivers it to the webhook once it is in the log.
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (webhook.bodies().empty() && std::chrono::steady_clock::now() < deadline) {
    stack_.Drain();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(webhook.bodies().size(), 1u) << notifier.process->output();
  EXPECT_NE(webhook.bodies().front().find(action), std::string::npos) << webhook.bodies().front();

  const std::string owner = stack_.Mint("ole", "action_owner");
  v1::ReportProgressRequest progress;
  progress.set_command_id("progress");
  progress.set_action_id(action);
  progress.set_note("Modules published");
  progress.set_percent_complete(60);
  ASSERT_TRUE(Send(&Stub::ReportProgress, progress, owner, &reply).ok());
  v1::AttachEvidenceRequest evidence;
  evidence.set_command_id("evidence");
  evidence.set_action_id(action);
  evidence.set_kind(v1::EVIDENCE_KIND_TRAINING_RECORD);
  evidence.set_uri("https://dms.acme.example/doc/4802");
  evidence.set_sha256(std::string(64, 'c'));
  evidence.set_size_bytes(99);
  ASSERT_TRUE(Send(&Stub::AttachEvidence, evidence, owner, &reply).ok());
  for (const std::string round : {"1", "2"}) {
    v1::RequestClosureRequest close;
    close.set_command_id("close-" + round);
    close.set_action_id(action);
    ASSERT_TRUE(Send(&Stub::RequestClosure, close, owner, &reply).ok());
    if (round == "2") break;
    v1::RejectClosureRequest reject;
    reject.set_command_id("reject");
    reject.set_action_id(action);
    reject.set_reason("The export misses the night shift");
    ASSERT_TRUE(Send(&Stub::RejectClosure, reject, admin, &reply).ok());
  }
  v1::ApproveClosureRequest approve;
  approve.set_command_id("approve");
  approve.set_action_id(action);
  approve.set_note("Evidence matches the criteria");
  ASSERT_TRUE(Send(&Stub::ApproveClosure, approve, admin, &reply).ok());

  // A second action is reassigned, rescheduled and cancelled; a third person leaves.
  assign.set_command_id("assign-2");
  assign.set_title("Second action");
  *assign.mutable_due_date() = TenantToday(std::chrono::hours(1), 30);
  v1::CommandReply second;
  ASSERT_TRUE(Send(&Stub::AssignAction, assign, admin, &second).ok());
  v1::ReassignActionRequest reassign;
  reassign.set_command_id("reassign");
  reassign.set_action_id(second.aggregate_id());
  reassign.set_new_owner_id("dana");
  reassign.set_reason("Ole moves to another team");
  ASSERT_TRUE(Send(&Stub::ReassignAction, reassign, admin, &reply).ok());
  v1::RescheduleActionRequest reschedule;
  reschedule.set_command_id("reschedule");
  reschedule.set_action_id(second.aggregate_id());
  *reschedule.mutable_new_due_date() = TenantToday(std::chrono::hours(1), 40);
  reschedule.set_reason("Supplier delay");
  ASSERT_TRUE(Send(&Stub::RescheduleAction, reschedule, admin, &reply).ok());
  v1::CancelActionRequest cancel;
  cancel.set_command_id("cancel");
  cancel.set_action_id(second.aggregate_id());
  cancel.set_reason("Superseded by the first action");
  ASSERT_TRUE(Send(&Stub::CancelAction, cancel, admin, &reply).ok());
  v1::RegisterPersonRequest temporary;
  temporary.set_command_id("person-tmp");
  temporary.set_person_id("tmp");
  temporary.set_display_name("Temporary");
  temporary.set_email("tmp@acme.example");
  ASSERT_TRUE(Send(&Stub::RegisterPerson, temporary, admin, &reply).ok());
  v1::DeactivatePersonRequest deactivate;
  deactivate.set_command_id("deactivate-tmp");
  deactivate.set_person_id("tmp");
  deactivate.set_reason("Left the company");
  v1::CommandReply last;
  ASSERT_TRUE(Send(&Stub::DeactivatePerson, deactivate, admin, &last).ok());
  // 3 persons and a deactivation, review, decision, 2 assignments, the reminder, progress,
  // evidence, 2 closure requests, rejection, approval, reassignment, rescheduling, cancellation.
  constexpr int kEvents = 18;

  // Both query replicas read the write they are told to wait for.
  for (const std::string& address : query_addresses) {
    auto queries =
        v1::QueryService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
    for (const auto& [id, expected] :
         {std::pair{action, v1::ACTION_STATUS_CLOSED},
          std::pair{second.aggregate_id(), v1::ACTION_STATUS_CANCELLED}}) {
      grpc::ClientContext context;
      context.AddMetadata("authorization", "Bearer " + admin);
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
      v1::GetActionRequest request;
      request.set_action_id(id);
      *request.mutable_min_position() = last.log_position();
      v1::ActionDetail detail;
      const grpc::Status status = queries->GetAction(&context, request, &detail);
      ASSERT_TRUE(status.ok()) << address << ": " << status.error_message();
      EXPECT_EQ(detail.action().status(), expected) << address << " " << id;
    }
  }

  // The audit service's hash chain holds every event, the reminder's included, and verifies.
  auto audits = v1::AuditService::NewStub(
      grpc::CreateChannel(audit_address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + admin);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  v1::VerifyAuditLogRequest verify;
  *verify.mutable_after() = last.log_position();
  v1::VerifyAuditLogResponse verified;
  const grpc::Status status = audits->VerifyAuditLog(&context, verify, &verified);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(verified.intact());
  EXPECT_EQ(verified.entries_checked(), kEvents);

  // Outside subscribers know only the topic and the .proto files. kcat sees every record with
  // its CloudEvents headers; a kafka-python script decodes every event type from the .proto files.
  ChildProcess kcat("/usr/bin/kcat", {"-b", stack_.bootstrap(), "-t", "reviewtrail.events.v1", "-C",
                                      "-e", "-q", "-f", "%k %h\\n"});
  (void)kcat.WaitForLine("\x01never", std::chrono::seconds(60));  // returns once kcat exited
  int kcat_records = 0;
  std::istringstream kcat_lines(kcat.output());
  for (std::string line; std::getline(kcat_lines, line);) {
    if (line.empty()) continue;
    ++kcat_records;
    EXPECT_TRUE(line.starts_with("acme ")) << line;
    EXPECT_NE(line.find("ce_specversion=1.0"), std::string::npos) << line;
    EXPECT_NE(line.find("content-type=application/protobuf"), std::string::npos) << line;
  }
  EXPECT_EQ(kcat_records, kEvents) << kcat.output();

  ChildProcess python("/usr/bin/python3",
                      {REVIEWTRAIL_SOURCE_DIR "/tests/e2e/subscriber.py",
                       REVIEWTRAIL_SOURCE_DIR "/proto", (stack_.base() / "python").string(),
                       stack_.bootstrap(), "reviewtrail.events.v1", "4", std::to_string(kEvents)});
  const std::string verdict = python.WaitForLine("OK ", std::chrono::seconds(120));
  EXPECT_EQ(verdict,
            "OK 18 action_assigned,action_cancelled,action_deadline_changed,action_owner_changed,"
            "closure_approved,closure_rejected,closure_requested,decision_recorded,"
            "evidence_attached,person_deactivated,person_registered,progress_reported,"
            "reminder_sent,review_held")
      << python.output();

  // SIGTERM stops each service cleanly.
  for (ChildProcess* process :
       {stack_.Find("command"), stack_.Find("query1"), stack_.Find("query2"), stack_.Find("audit"),
        stack_.Find("notifier")}) {
    ASSERT_NE(process, nullptr);
    const int wait_status = process->Signal(SIGTERM);
    EXPECT_TRUE(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0) << process->output();
  }
}

TEST(SplitStackTraceTest, OneCommandsTraceIdIsInTheJsonLogOfEveryService) {
  SplitStack stack(SplitStack::Options{.service_arguments = {"--log-format", "json"}});
  ASSERT_NO_FATAL_FAILURE(stack.StartBroker());
  const std::filesystem::path notifier_config = stack.base() / "notifier.json";
  std::ofstream(notifier_config)
      << R"({"default": {"reminder_days_before": [1], "send_at": "00:00", "channel": "webhook",
             "webhook": {"url": "http://127.0.0.1:9/hook",
                         "secret": "a-webhook-secret-of-thirty-two-bytes"}}})";
  const std::string command_address = stack.StartCommand().address;
  const std::string query_address = stack.StartQuery("query").address;
  const std::string audit_address = stack.StartAudit().address;
  const std::string notifier_address = stack.StartNotifier(notifier_config).address;
  for (const std::string& address :
       {command_address, query_address, audit_address, notifier_address}) {
    ASSERT_EQ(stack.AwaitHealth(address, "", HealthCheckResponse::SERVING),
              HealthCheckResponse::SERVING)
        << address;
  }

  // One command, with the caller's W3C trace context.
  constexpr char kTraceId[] = "4bf92f3577b34da6a3ce929d0e0e4736";
  v1::RegisterPersonRequest request;
  request.set_command_id("register-zoe");
  request.set_person_id("zoe");
  request.set_display_name("Zoe");
  request.set_email("zoe@acme.example");
  v1::CommandReply reply;
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + stack.AdminToken());
  context.AddMetadata("traceparent", std::string("00-") + kTraceId + "-00f067aa0ba902b7-01");
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  const grpc::Status status =
      v1::CommandService::NewStub(
          grpc::CreateChannel(command_address, grpc::InsecureChannelCredentials()))
          ->RegisterPerson(&context, request, &reply);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // Each service's JSON log has a line with the trace id: the command service's access-log line
  // of the call, and the line of each projection that applied the event.
  for (const auto& [name, message, field, value] :
       std::vector<std::tuple<std::string, std::string, std::string, std::string>>{
           {"command", "rpc", "rpc", "/reviewtrail.v1.CommandService/RegisterPerson"},
           {"query", "applied", "projection", "query"},
           {"audit", "applied", "projection", "audit"},
           {"notifier", "applied", "projection", "notifier"}}) {
    ChildProcess* process = stack.Find(name);
    ASSERT_NE(process, nullptr) << name;
    bool found = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!found && std::chrono::steady_clock::now() < deadline) {
      const std::string line = process->WaitForLine(kTraceId, std::chrono::seconds(5));
      if (line.empty()) continue;
      const size_t open = line.find('{');
      ASSERT_NE(open, std::string::npos) << line;
      const nlohmann::json entry = nlohmann::json::parse(line.substr(open));
      if (entry.value("message", "") != message) continue;
      EXPECT_EQ(entry.value(field, ""), value) << line;
      EXPECT_EQ(entry.value("trace_id", ""), kTraceId) << line;
      EXPECT_EQ(entry.value("command_id", ""), "register-zoe") << line;
      EXPECT_EQ(entry.value("tenant", ""), SplitStack::kTenant) << line;
      found = true;
    }
    EXPECT_TRUE(found) << name << " logged no " << message << " line with trace id " << kTraceId
                       << ":\n"
                       << process->output();
  }
}

// Every person the query service at `address` holds now (no min_position: what it serves as is).
std::vector<std::string> ListAllPersons(const std::string& address, const std::string& token) {
  auto queries =
      v1::QueryService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  std::vector<std::string> persons;
  v1::ListPersonsRequest request;
  request.set_page_size(500);
  do {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    v1::ListPersonsResponse response;
    const grpc::Status status = queries->ListPersons(&context, request, &response);
    EXPECT_TRUE(status.ok()) << address << ": " << status.error_message();
    if (!status.ok()) break;
    for (const v1::PersonView& person : response.persons()) {
      persons.push_back(person.SerializeAsString());
    }
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  return persons;
}

TEST_F(SplitStackTest, AKilledQueryReplicaAndANewOneServeOnlyOnceCaughtUpAndEqualAFreshRebuild) {
  ASSERT_NO_FATAL_FAILURE(stack_.StartBroker());
  SplitStack::Service& command = stack_.StartCommand();
  SplitStack::Service* query = &stack_.StartQuery("query");
  ASSERT_EQ(stack_.AwaitHealth(query->address, "reviewtrail.v1.QueryService",
                               HealthCheckResponse::SERVING),
            HealthCheckResponse::SERVING);
  const std::string admin = stack_.AdminToken();
  commands_ = v1::CommandService::NewStub(
      grpc::CreateChannel(command.address, grpc::InsecureChannelCredentials()));

  // Four writers register persons; the query service is SIGKILLed while they write.
  constexpr int kWriters = 4;
  constexpr int kPerWriter = 400;
  std::atomic<int> acknowledged = 0;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kPerWriter; ++i) {
        v1::RegisterPersonRequest request;
        const std::string id = "p" + std::to_string(w) + "-" + std::to_string(i);
        request.set_command_id("register-" + id);
        request.set_person_id(id);
        request.set_display_name(id);
        request.set_email(id + "@acme.example");
        v1::CommandReply reply;
        const grpc::Status status = Send(&Stub::RegisterPerson, request, admin, &reply);
        EXPECT_TRUE(status.ok()) << status.error_message();
        ++acknowledged;
      }
    });
  }
  while (acknowledged < kWriters * kPerWriter / 4) {
    stack_.Drain();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE(WIFSIGNALED(stack_.Kill(*query)));
  for (std::thread& writer : writers) writer.join();
  ASSERT_EQ(acknowledged, kWriters * kPerWriter);

  // Restarted on its store: once it says SERVING it already holds every person (it is asked
  // without min_position, so it answers from what it has applied).
  query = &stack_.StartQuery("query");
  ASSERT_EQ(stack_.AwaitHealth(query->address, "reviewtrail.v1.QueryService",
                               HealthCheckResponse::SERVING),
            HealthCheckResponse::SERVING);
  const std::vector<std::string> after_restart = ListAllPersons(query->address, admin);
  EXPECT_EQ(after_restart.size(), static_cast<size_t>(kWriters * kPerWriter));

  // A new replica joining the log builds its model from offset 0 and serves only once caught up;
  // the restarted one equals it.
  const std::string fresh_address = stack_.StartQuery("fresh").address;
  ASSERT_EQ(stack_.AwaitHealth(fresh_address, "", HealthCheckResponse::SERVING),
            HealthCheckResponse::SERVING);
  EXPECT_EQ(ListAllPersons(fresh_address, admin), after_restart);
}

}  // namespace
}  // namespace reviewtrail::testing
