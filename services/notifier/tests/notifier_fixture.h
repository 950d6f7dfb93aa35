#pragma once

#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

#include "command_fixture.h"
#include "reviewtrail/notifier/notifier.h"

namespace reviewtrail::notifier::testing {

// Remembers every message it is given. Thread-safe.
class RecordingChannel final : public Channel {
 public:
  absl::Status Send(const TenantSettings& /*settings*/, const Message& message) override {
    std::lock_guard lock(mutex_);
    sent_.push_back(message);
    return absl::OkStatus();
  }
  std::vector<Message> sent() {
    std::lock_guard lock(mutex_);
    return sent_;
  }

 private:
  std::mutex mutex_;
  std::vector<Message> sent_;
};

inline google::type::Date Day(int year, int month, int day) {
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

// A real command service (embedded log, gRPC on loopback, FakeClock) with people, a review and a
// decision; and a notifier over the same log and clock that records through that service, driven
// by RunDueWork() and delivering to a RecordingChannel.
//   mia: ISMS manager; ciso: the escalation contact; mark: manager of olga; oscar: managed by mia.
class NotifierTest : public command::testing::CommandServiceTest {
 protected:
  using Stub = v1::CommandService::Stub;

  NotifierTest() {
    for (auto [person, manager] : std::vector<std::pair<std::string, std::string>>{
             {"mia", ""}, {"ciso", ""}, {"mark", ""}, {"olga", "mark"}, {"oscar", "mia"}}) {
      v1::RegisterPersonRequest request;
      request.set_command_id("register-" + person);
      request.set_person_id(person);
      request.set_display_name("Person " + person);
      request.set_email(person + "@acme.example");
      request.set_manager_id(manager);
      EXPECT_TRUE(Send(&Stub::RegisterPerson, request, Manager()).status.ok());
    }
    v1::RecordReviewRequest review;
    review.set_command_id("review-1");
    review.set_title("Management review 2026");
    *review.mutable_held_on() = Day(2026, 11, 20);
    review.set_chair_id("mia");
    review.add_inputs_covered(v1::REVIEW_INPUT_A_PREVIOUS_ACTIONS);
    const std::string review_id = Send(&Stub::RecordReview, review, Manager()).reply.aggregate_id();
    v1::RecordDecisionRequest decision;
    decision.set_command_id("decision-1");
    decision.set_review_id(review_id);
    decision.set_summary("Harden remote access");
    decision.set_rationale("Two incidents via the VPN");
    decision.set_category(v1::DECISION_CATEGORY_IMPROVEMENT_OPPORTUNITY);
    decision_id_ = Send(&Stub::RecordDecision, decision, Manager()).reply.entity_id();
    config_.defaults.escalation_contact_id = "ciso";
  }

  ~NotifierTest() override { notifiers_.clear(); }

  std::string Manager() { return Token("mia", {v1::ROLE_ISMS_MANAGER}); }

  // Starts (another) notifier with its store in `name`; returns it.
  Notifier& StartNotifier(const std::string& name = "notifier") {
    NotifierOptions options;
    options.store_path = (dir_ / name).string();
    options.config = config_;
    options.time_zones = time_zones_;
    options.run_timer = false;
    options.metrics_tenant_labels = tenant_labels_;
    options.delivery_initial_backoff = std::chrono::milliseconds(10);
    options.channels[v1::NOTIFICATION_CHANNEL_LOG] = channel_;
    auto stub = std::shared_ptr<v1::CommandService::StubInterface>(
        v1::CommandService::NewStub(server_->InProcessChannel(grpc::ChannelArguments())));
    auto tokens = std::make_shared<LocalTokenSource>(key_, clock_);
    auto registry = std::make_shared<prometheus::Registry>();
    auto notifier = Notifier::Start(*log_, clock_, *registry, std::move(stub), std::move(tokens),
                                    std::move(options));
    EXPECT_TRUE(notifier.ok()) << notifier.status();
    registries_.push_back(registry);
    notifiers_.push_back(*std::move(notifier));
    return *notifiers_.back();
  }

  void RestartNotifier() {
    notifiers_.clear();
    StartNotifier();
  }

  Notifier& notifier() { return *notifiers_.back(); }

  // Sets the clock to `at`, runs the due work and waits for the deliveries.
  void Step(std::chrono::system_clock::time_point at) {
    clock_.Set(at);
    for (auto& notifier : notifiers_) {
      ASSERT_TRUE(notifier->RunDueWork().ok());
      ASSERT_TRUE(
          notifier->WaitForDeliveries(std::chrono::steady_clock::now() + std::chrono::seconds(20)));
    }
  }

  static std::chrono::system_clock::time_point At(int year, int month, int day, int hour) {
    return std::chrono::sys_days{std::chrono::year{year} / month / day} + std::chrono::hours{hour};
  }

  std::string Assign(const std::string& command_id, const std::string& owner,
                     google::type::Date due) {
    v1::AssignActionRequest request;
    request.set_command_id(command_id);
    request.set_decision_id(decision_id_);
    request.set_title("Enforce MFA on the VPN " + command_id);
    request.set_expected_outcome("No password-only logins");
    request.set_completion_criteria("VPN config export shows MFA required");
    request.set_owner_id(owner);
    *request.mutable_due_date() = due;
    const Answer answer = Send(&Stub::AssignAction, request, Manager());
    EXPECT_TRUE(answer.status.ok()) << answer.status.error_message();
    return answer.reply.aggregate_id();
  }

  // The follow-up history of `action` in log order: "r7>olga" (reminder 7 days before due),
  // "e1:1>mark" (escalation level 1, 1 day overdue), ...
  std::vector<std::string> History(const std::string& action) {
    std::vector<std::string> history;
    for (int32_t p = 0; p < log_->PartitionCount(); ++p) {
      auto records = log_->Read(p, 0, 100'000);
      EXPECT_TRUE(records.ok());
      for (const auto& record : *records) {
        v1::EventEnvelope event;
        EXPECT_TRUE(event.ParseFromString(record.value));
        if (event.has_reminder_sent() && event.reminder_sent().action_id() == action) {
          history.push_back("r" + std::to_string(event.reminder_sent().days_before_due()) + ">" +
                            event.reminder_sent().recipient_id());
        }
        if (event.has_escalation_raised() && event.escalation_raised().action_id() == action) {
          const auto& e = event.escalation_raised();
          history.push_back("e" + std::to_string(e.level()) + ":" +
                            std::to_string(e.days_overdue()) + ">" + e.recipient_id());
        }
      }
    }
    return history;
  }

  // The command ids delivered, in delivery order, with their recipient.
  std::vector<std::string> Delivered() {
    std::vector<std::string> delivered;
    for (const Message& message : channel_->sent()) {
      delivered.push_back(message.command_id + ">" + message.recipient_id);
    }
    return delivered;
  }

  std::string decision_id_;
  NotifierConfig config_;
  size_t tenant_labels_ = 0;  // NotifierOptions::metrics_tenant_labels of the next start
  std::shared_ptr<RecordingChannel> channel_ = std::make_shared<RecordingChannel>();
  std::vector<std::shared_ptr<prometheus::Registry>> registries_;
  std::vector<std::unique_ptr<Notifier>> notifiers_;
};

}  // namespace reviewtrail::notifier::testing
