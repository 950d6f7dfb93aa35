// notifier_bench: how long the notifier takes to start over a log of N assigned actions (catch up
// through its projection, then plan every action once) and how fast the pure planner runs.
#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>

#include "google/protobuf/util/time_util.h"
#include "reviewtrail/eventlog/embedded_log.h"
#include "reviewtrail/followup/planner.h"
#include "reviewtrail/notifier/notifier.h"

namespace {

using Clock = std::chrono::steady_clock;
using reviewtrail::v1::EventEnvelope;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// A token source that is never asked: nothing is due in the benchmark.
class NoTokens final : public reviewtrail::notifier::TokenSource {
 public:
  absl::StatusOr<std::string> TokenFor(const std::string&) override {
    return absl::UnavailableError("no tokens in the benchmark");
  }
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Notifier start-up and planner benchmark"};
  int actions = 100'000;
  int tenants = 10;
  std::string dir = "/tmp/notifier-bench";
  app.add_option("--actions", actions, "Assigned actions in the log");
  app.add_option("--tenants", tenants, "Tenants they are spread over");
  app.add_option("--dir", dir, "Scratch directory (wiped)");
  CLI11_PARSE(app, argc, argv);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);

  auto log = reviewtrail::eventlog::EmbeddedLog::Open({.path = dir + "/log", .partition_count = 4});
  if (!log.ok()) {
    std::cerr << log.status() << "\n";
    return 1;
  }
  const auto start = std::chrono::sys_days{std::chrono::year{2026} / 11 / 1};
  Clock::time_point t = Clock::now();
  constexpr int kBatch = 500;
  for (int first = 0; first < actions; first += kBatch * tenants) {
    for (int tenant = 0; tenant < tenants; ++tenant) {
      std::vector<EventEnvelope> events;
      for (int i = first + tenant; i < std::min(actions, first + kBatch * tenants); i += tenants) {
        EventEnvelope& event = events.emplace_back();
        event.set_event_id("ev-" + std::to_string(i));
        event.set_tenant_id("tenant-" + std::to_string(tenant));
        event.set_command_id("assign-" + std::to_string(i));
        *event.mutable_recorded_at() = google::protobuf::util::TimeUtil::GetCurrentTime();
        auto* assigned = event.mutable_action_assigned();
        assigned->set_action_id("act-" + std::to_string(i));
        assigned->set_title("Action " + std::to_string(i));
        assigned->set_owner_id("owner-" + std::to_string(i % 100));
        auto* due = assigned->mutable_due_date();
        due->set_year(2027);
        due->set_month(1 + i % 12);
        due->set_day(1 + i % 28);
      }
      if (events.empty()) continue;
      if (auto appended = (*log)->Append("tenant-" + std::to_string(tenant), events);
          !appended.ok()) {
        std::cerr << appended.status() << "\n";
        return 1;
      }
    }
  }
  std::cout << "appended " << actions << " ActionAssigned events in " << Seconds(t) << " s\n";

  reviewtrail::runtime::FakeClock clock(start);
  prometheus::Registry registry;
  reviewtrail::notifier::NotifierOptions options;
  options.store_path = dir + "/notifier";
  options.run_timer = false;
  auto channel = grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials());
  t = Clock::now();
  auto notifier = reviewtrail::notifier::Notifier::Start(
      **log, clock, registry, reviewtrail::v1::CommandService::NewStub(channel),
      std::make_shared<NoTokens>(), std::move(options));
  if (!notifier.ok()) {
    std::cerr << notifier.status() << "\n";
    return 1;
  }
  const double startup = Seconds(t);
  std::cout << "cold start (catch-up + plan " << actions << " actions): " << startup
            << " s = " << static_cast<int64_t>(actions / startup) << " actions/s\n";
  (*notifier)->Stop();
  notifier->reset();

  options = {};
  options.store_path = dir + "/notifier";
  options.run_timer = false;
  t = Clock::now();
  notifier = reviewtrail::notifier::Notifier::Start(
      **log, clock, registry, reviewtrail::v1::CommandService::NewStub(channel),
      std::make_shared<NoTokens>(), std::move(options));
  if (!notifier.ok()) {
    std::cerr << notifier.status() << "\n";
    return 1;
  }
  std::cout << "warm restart (nothing to catch up, plan " << actions << " actions): " << Seconds(t)
            << " s\n";
  (*notifier)->Stop();

  reviewtrail::followup::ActionFollowUp action{.tenant_id = "t",
                                               .action_id = "act-1",
                                               .owner_id = "olga",
                                               .manager_id = "mark",
                                               .escalation_contact_id = "ciso",
                                               .due_date = {2027, 1, 15}};
  const reviewtrail::followup::Policy policy;
  constexpr int kPlans = 200'000;
  size_t due = 0;
  t = Clock::now();
  for (int i = 0; i < kPlans; ++i) {
    due += reviewtrail::followup::PlanAt(policy, action, start + std::chrono::hours(i % 2000))
               .due.size();
  }
  const double planning = Seconds(t);
  std::cout << "planner: " << static_cast<int64_t>(kPlans / planning) << " plans/s (" << due
            << " due notifications seen)\n";
  std::filesystem::remove_all(dir);
  return 0;
}
