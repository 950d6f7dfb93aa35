// Long random command sequences: after every step the invariants hold and folding every emitted
// event from scratch rebuilds exactly the state the decisions were applied to.
#include <random>

#include "domain_fixture.h"

namespace reviewtrail::domain::testing {
namespace {

class RandomisedTest : public DomainTest {
 protected:
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[std::uniform_int_distribution<size_t>(0, items.size() - 1)(rng_)];
  }
  int Roll(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

  std::string SomeAction() {
    if (state_.actions().empty() || Roll(8) == 0) return "act-unknown";
    auto it = state_.actions().begin();
    std::advance(it, Roll(static_cast<int>(state_.actions().size())));
    return it->first;
  }

  CommandContext SomeActor() {
    static const std::vector<CommandContext> actors = {
        ContextFor("mia", {v1::ROLE_ISMS_MANAGER}),  ContextFor("mark", {v1::ROLE_ISMS_MANAGER}),
        ContextFor("olga", {v1::ROLE_ACTION_OWNER}), ContextFor("oscar", {v1::ROLE_ACTION_OWNER}),
        ContextFor("audrey", {v1::ROLE_AUDITOR}),    ContextFor("n", {v1::ROLE_SERVICE})};
    CommandContext actor = Pick(actors);
    actor.today = kToday.AddDays(day_);
    actor.now = kNow + day_ * 86'400'000'000;
    return actor;
  }

  // Sends one random command; keeps the events of accepted ones.
  void Step(int step) {
    const std::string cid = "cmd-" + std::to_string(step);
    const CommandContext actor = SomeActor();
    const std::vector<std::string> people = {"olga", "oscar", "mark", "mia", "IT"};
    Result<Decision> result = DomainError{};
    switch (Roll(12)) {
      case 0: {
        auto assign = ValidAssignment(cid);
        assign.set_owner_id(Pick(people));
        *assign.mutable_due_date() = kToday.AddDays(day_ + Roll(40) - 5).ToProto();
        result = Decide(state_, assign, actor);
        break;
      }
      case 1: {
        v1::ReassignActionRequest c;
        c.set_command_id(cid);
        c.set_action_id(SomeAction());
        c.set_new_owner_id(Pick(people));
        c.set_reason("r");
        result = Decide(state_, c, actor);
        break;
      }
      case 2: {
        v1::RescheduleActionRequest c;
        c.set_command_id(cid);
        c.set_action_id(SomeAction());
        *c.mutable_new_due_date() = kToday.AddDays(day_ + Roll(20)).ToProto();
        c.set_reason("r");
        result = Decide(state_, c, actor);
        break;
      }
      case 3: {
        v1::ReportProgressRequest c;
        c.set_command_id(cid);
        c.set_action_id(SomeAction());
        c.set_note("n");
        c.set_percent_complete(Roll(101));
        result = Decide(state_, c, actor);
        break;
      }
      case 4:
      case 5:
        result = Decide(state_, ValidEvidence(SomeAction(), cid), actor);
        break;
      case 6:
      case 7: {
        v1::RequestClosureRequest c;
        c.set_command_id(cid);
        c.set_action_id(SomeAction());
        result = Decide(state_, c, actor);
        break;
      }
      case 8: {
        v1::ApproveClosureRequest c;
        c.set_command_id(cid);
        c.set_action_id(SomeAction());
        result = Decide(state_, c, actor);
        break;
      }
      case 9: {
        v1::RejectClosureRequest c;
        c.set_command_id(cid);
        c.set_action_id(SomeAction());
        c.set_reason("r");
        result = Decide(state_, c, actor);
        break;
      }
      case 10: {
        v1::CancelActionRequest c;
        c.set_command_id(cid);
        c.set_action_id(SomeAction());
        c.set_reason("r");
        result = Decide(state_, c, actor);
        break;
      }
      default: {
        v1::RecordEscalationRequest c;
        c.set_command_id(cid);
        c.set_action_id(SomeAction());
        c.set_level(1 + Roll(2));
        c.set_recipient_id("mia");
        c.set_channel(v1::NOTIFICATION_CHANNEL_LOG);
        c.set_days_overdue(1);
        result = Decide(state_, c, actor);
        break;
      }
    }
    if (Roll(10) == 0) ++day_;
    if (!result.ok()) {
      ++refused_;
      return;
    }
    int64_t expected_version = 0;
    if (const ActionState* before = state_.FindAction(result.value().aggregate_id)) {
      expected_version = before->version;
    }
    for (const auto& event : result.value().events) {
      EXPECT_EQ(event.aggregate_version(), ++expected_version);
      Record(event);
    }
    ++accepted_;
  }

  void CheckInvariants() {
    for (const auto& [id, action] : state_.actions()) {
      EXPECT_FALSE(action.owner_id.empty()) << id;
      EXPECT_TRUE(action.due_date.IsValid()) << id;
      const PersonState* owner = state_.FindPerson(action.owner_id);
      EXPECT_NE(owner, nullptr) << id << " owned by a non-person";
      if (action.status == v1::ACTION_STATUS_CLOSED) {
        EXPECT_GE(action.evidence.size(), 1u) << id;
        EXPECT_FALSE(action.approver_id.empty()) << id;
        EXPECT_NE(action.approver_id, action.owner_id) << id;
      }
      if (action.status == v1::ACTION_STATUS_CLOSURE_REQUESTED) {
        EXPECT_GE(action.evidence.size(), 1u) << id;
      }
    }
  }

  std::mt19937_64 rng_{20261123};
  int64_t day_ = 0;
  int accepted_ = 0;
  int refused_ = 0;
};

TEST_F(RandomisedTest, InvariantsHoldAndReplayRebuildsTheSameState) {
  for (int step = 0; step < 3000; ++step) {
    Step(step);
    CheckInvariants();
    if (step % 100 == 99) {
      // Replay every event from its serialized bytes, as a consumer of the log sees it.
      TenantState replayed;
      for (const auto& event : log_) {
        v1::EventEnvelope decoded;
        ASSERT_TRUE(decoded.ParseFromString(event.SerializeAsString()));
        replayed.Apply(decoded);
      }
      ASSERT_EQ(replayed, state_) << "replay differs after step " << step;
    }
  }
  // The sequence must exercise both outcomes in earnest.
  EXPECT_GT(accepted_, 250);
  EXPECT_GT(refused_, 300);
  int closed = 0;
  for (const auto& [id, action] : state_.actions()) {
    closed += action.status == v1::ACTION_STATUS_CLOSED ? 1 : 0;
  }
  EXPECT_GE(closed, 2);
}

}  // namespace
}  // namespace reviewtrail::domain::testing
