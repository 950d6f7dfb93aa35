#include <atomic>
#include <future>
#include <optional>
#include <set>
#include <thread>

#include "command_fixture.h"

namespace reviewtrail::command::testing {
namespace {

using Stub = v1::CommandService::Stub;

// How a command reaches its partition's writer: queued for the writer thread (Submit), or written
// by the submitting thread itself when the writer is idle (SubmitOrRun, the handlers' path). Either
// way a tenant's commands are decided one at a time, in order, and a command id answered once keeps
// its answer, even while the writer is still indexing it.
class WriterHandoffTest : public CommandServiceTest {
 protected:
  static v1::RegisterPersonRequest Registration(const std::string& person,
                                                const std::string& command_id) {
    v1::RegisterPersonRequest request;
    request.set_command_id(command_id);
    request.set_person_id(person);
    request.set_display_name(person);
    request.set_email(person + "@acme.example");
    return request;
  }

  // A command of tenant acme deciding `request` (which must outlive it) and handing its outcome to
  // `done`.
  PendingCommand Command(const v1::RegisterPersonRequest& request,
                         std::function<void(CommandOutcome)> done) {
    PendingCommand command;
    command.command_id = request.command_id();
    command.context = domain::CommandContext{
        .tenant_id = "acme", .actor_id = "mia", .roles = {v1::ROLE_ISMS_MANAGER}};
    command.decide = DecideWith(request);
    command.done = std::move(done);
    return command;
  }

  static const v1::CommandReply& Reply(const CommandOutcome& outcome) {
    EXPECT_TRUE(std::holds_alternative<v1::CommandReply>(outcome));
    static const v1::CommandReply kNone;
    const auto* reply = std::get_if<v1::CommandReply>(&outcome);
    return reply != nullptr ? *reply : kNone;
  }
};

TEST_F(WriterHandoffTest, AnIdleWriterIsRunByTheSubmittingThreadWhichIsAnsweredBeforeItReturns) {
  const auto request = Registration("pia", "register-pia");
  std::optional<CommandOutcome> outcome;
  std::thread::id answered_on;
  ASSERT_TRUE(service_
                  ->SubmitOrRun(Command(request,
                                        [&](CommandOutcome result) {
                                          answered_on = std::this_thread::get_id();
                                          outcome = std::move(result);
                                        }))
                  .ok());
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(answered_on, std::this_thread::get_id());
  EXPECT_EQ(Reply(*outcome).log_position().offset(), 0);
  EXPECT_EQ(LogSize(), 1);
}

TEST_F(WriterHandoffTest, ACommandForABusyWriterIsQueuedAndDecidedAfterTheOneHoldingIt) {
  const auto first_request = Registration("pia", "register-pia");
  const auto second_request = Registration("paul", "register-paul");
  std::promise<void> started;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<CommandOutcome> first;
  PendingCommand holding =
      Command(first_request, [&](CommandOutcome result) { first.set_value(std::move(result)); });
  holding.decide = [&](const domain::StateView& state, const domain::CommandContext& context) {
    started.set_value();
    released.wait();
    return domain::Decide(state, first_request, context);
  };
  ASSERT_TRUE(service_->Submit(std::move(holding)).ok());
  started.get_future().wait();  // the writer thread holds the writer

  std::atomic<bool> second_answered = false;
  std::promise<CommandOutcome> second;
  ASSERT_TRUE(service_
                  ->SubmitOrRun(Command(second_request,
                                        [&](CommandOutcome result) {
                                          second_answered = true;
                                          second.set_value(std::move(result));
                                        }))
                  .ok());
  // Not written by this thread past the busy writer: queued for it.
  EXPECT_FALSE(second_answered);
  release.set_value();
  const CommandOutcome first_outcome = first.get_future().get();
  const CommandOutcome second_outcome = second.get_future().get();
  EXPECT_EQ(Reply(first_outcome).log_position().offset(), 0);
  EXPECT_EQ(Reply(second_outcome).log_position().offset(), 1);
  EXPECT_EQ(LogSize(), 2);
}

// The writer answers a batch before it indexes it; a retry that arrives in between (here: sent
// from the answer's own callback, so it is queued while the indexing is pending) must still find
// the answer, through either path, and so must a retry after a restart.
TEST_F(WriterHandoffTest, ARetryArrivingBeforeTheAnswerIsIndexedGetsTheOriginalAnswer) {
  for (const bool run_here : {true, false}) {
    SCOPED_TRACE(run_here ? "written by the submitting thread" : "written by the writer thread");
    const std::string person = run_here ? "pia" : "paul";
    const auto request = Registration(person, "register-" + person);
    auto changed = Registration(person + "-other", "register-" + person);
    const int64_t size = LogSize();
    std::promise<CommandOutcome> original;
    std::promise<CommandOutcome> retried;
    auto submit = [&](PendingCommand command) {
      return run_here ? service_->SubmitOrRun(std::move(command))
                      : service_->Submit(std::move(command));
    };
    ASSERT_TRUE(submit(Command(request, [&](CommandOutcome result) {
                  EXPECT_TRUE(submit(Command(changed, [&](CommandOutcome again) {
                                retried.set_value(std::move(again));
                              })).ok());
                  original.set_value(std::move(result));
                })).ok());
    const CommandOutcome first = original.get_future().get();
    const CommandOutcome again = retried.get_future().get();
    EXPECT_EQ(Reply(again).SerializeAsString(), Reply(first).SerializeAsString());
    EXPECT_EQ(LogSize(), size + 1);

    StopService();
    StartService();
    std::promise<CommandOutcome> after_restart;
    ASSERT_TRUE(submit(Command(changed, [&](CommandOutcome result) {
                  after_restart.set_value(std::move(result));
                })).ok());
    EXPECT_EQ(Reply(after_restart.get_future().get()).SerializeAsString(),
              Reply(first).SerializeAsString());
    EXPECT_EQ(LogSize(), size + 1);
  }
}

// A command written by the submitting thread is indexed by the writer thread after SubmitOrRun()
// returns; the writer stays held until then, so a retry sent at once still finds the answer.
TEST_F(WriterHandoffTest, ARetrySentAsSoonAsTheSubmittingThreadReturnsGetsTheOriginalAnswer) {
  for (int i = 0; i < 50; ++i) {
    const std::string person = "p" + std::to_string(i);
    const auto request = Registration(person, "register-" + person);
    const auto changed = Registration(person + "-other", "register-" + person);
    // Usually written by this thread (the writer is idle); queued when the writer thread is still
    // finishing the previous round. The retry follows at once either way.
    std::promise<CommandOutcome> original;
    std::promise<CommandOutcome> retried;
    ASSERT_TRUE(
        service_
            ->SubmitOrRun(Command(
                request, [&](CommandOutcome result) { original.set_value(std::move(result)); }))
            .ok());
    ASSERT_TRUE(
        service_
            ->SubmitOrRun(Command(
                changed, [&](CommandOutcome again) { retried.set_value(std::move(again)); }))
            .ok());
    const CommandOutcome first = original.get_future().get();
    EXPECT_EQ(Reply(retried.get_future().get()).SerializeAsString(),
              Reply(first).SerializeAsString());
  }
  EXPECT_EQ(LogSize(), 50);
}

// Handlers write commands themselves whenever the writer is idle (or, when told not to, always
// queue them); either way many callers at once land every command once, each caller's in order.
TEST_F(WriterHandoffTest, CallersRacingForAnIdleWriterEachLandOnceInOrder) {
  for (const bool handlers_write : {true, false}) {
    SCOPED_TRACE(handlers_write ? "handlers write when idle" : "handlers always queue");
    StopService();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    handlers_write_when_idle_ = handlers_write;
    StartService();
    constexpr int kCallers = 8;
    constexpr int kCommands = 20;
    std::vector<std::vector<Answer>> answers(kCallers);
    std::vector<std::thread> callers;
    for (int c = 0; c < kCallers; ++c) {
      callers.emplace_back([&, c] {
        const std::string token = Token("mia", {v1::ROLE_ISMS_MANAGER});
        for (int k = 0; k < kCommands; ++k) {
          const std::string person = "p" + std::to_string(c) + "-" + std::to_string(k);
          answers[static_cast<size_t>(c)].push_back(
              Send(&Stub::RegisterPerson, Registration(person, "register-" + person), token));
        }
      });
    }
    for (auto& caller : callers) caller.join();
    std::set<int64_t> offsets;
    for (const auto& of_caller : answers) {
      int64_t previous = -1;
      for (const Answer& answer : of_caller) {
        ASSERT_TRUE(answer.status.ok()) << answer.status.error_message();
        EXPECT_GT(answer.reply.log_position().offset(), previous);
        previous = answer.reply.log_position().offset();
        EXPECT_TRUE(offsets.insert(previous).second);
      }
    }
    EXPECT_EQ(LogSize(), kCallers * kCommands);
    EXPECT_EQ(*offsets.rbegin(), kCallers * kCommands - 1);
  }
}

}  // namespace
}  // namespace reviewtrail::command::testing
