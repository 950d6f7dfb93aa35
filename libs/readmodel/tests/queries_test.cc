#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <iterator>
#include <map>
#include <set>

#include "readmodel_fixture.h"
#include "reviewtrail/readmodel/field_error.h"
#include "reviewtrail/readmodel/keys.h"

namespace reviewtrail::readmodel::testing {
namespace {

TEST_F(GoldenReadModelTest, DashboardsMatchTheGoldenNumbers) {
  ExpectGoldenDashboards(scenario_, [&](const std::string& review, const std::string& owner) {
    auto dashboard = queries_.GetDashboard("acme", review, owner, kToday);
    EXPECT_TRUE(dashboard.ok()) << dashboard.status();
    return dashboard.value_or(v1::Dashboard());
  });
}

TEST_F(GoldenReadModelTest, AuditReadinessNamesEveryPitfall) {
  auto report = queries_.CheckAuditReadiness("acme", kToday);
  ASSERT_TRUE(report.ok()) << report.status();
  ExpectGoldenFindings(scenario_, *report);
}

TEST_F(GoldenReadModelTest, InputPackListsTheActionsOfEarlierReviews) {
  auto review2 = queries_.GetReview("acme", Id("R2"));
  ASSERT_TRUE(review2.ok());
  auto pack =
      queries_.GetReviewInputPack("acme", domain::CivilDate::FromProto(review2->held_on()), kToday);
  ASSERT_TRUE(pack.ok()) << pack.status();
  ExpectGoldenInputPack(scenario_, *pack);
}

TEST_F(GoldenReadModelTest, OverdueListIsOrderedByDueDate) {
  v1::ListActionsRequest request;
  request.set_overdue_only(true);
  auto overdue = queries_.ListActions("acme", request, kToday);
  ASSERT_TRUE(overdue.ok()) << overdue.status();
  ExpectGoldenOverdue(scenario_, *overdue);
}

TEST_F(GoldenReadModelTest, OverdueIsAFunctionOfToday) {
  auto dashboard = queries_.GetDashboard("acme", "", "", domain::CivilDate{2026, 2, 14});
  ASSERT_TRUE(dashboard.ok());
  EXPECT_EQ(dashboard->overdue(), 0);  // A4 is due 02-15, A3 02-25
  dashboard = queries_.GetDashboard("acme", "", "", domain::CivilDate{2026, 2, 16});
  ASSERT_TRUE(dashboard.ok());
  EXPECT_EQ(dashboard->overdue(), 1);
}

TEST_F(GoldenReadModelTest, PagesWalkEveryActionOnceInAStableOrder) {
  v1::ListActionsRequest request;
  request.set_page_size(2);
  std::vector<std::string> seen;
  int pages = 0;
  do {
    auto page = queries_.ListActions("acme", request, kToday);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& action : page->actions()) seen.push_back(action.action_id());
    request.set_page_token(page->next_page_token());
    ++pages;
  } while (!request.page_token().empty() && pages < 20);
  EXPECT_EQ(pages, 5);
  EXPECT_EQ(seen.size(), 9u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 9u);
}

TEST_F(GoldenReadModelTest, FiltersCombine) {
  v1::ListActionsRequest request;
  request.set_owner_id("olga");
  request.set_status(v1::ACTION_STATUS_OPEN);
  auto open_of_olga = queries_.ListActions("acme", request, kToday);
  ASSERT_TRUE(open_of_olga.ok());
  ASSERT_EQ(open_of_olga->actions_size(), 1);
  EXPECT_EQ(open_of_olga->actions(0).action_id(), Id("A9"));

  v1::ListActionsRequest due;
  due.set_review_id(Id("R1"));
  *due.mutable_due_on_or_after() = domain::CivilDate{2026, 3, 1}.ToProto();
  *due.mutable_due_before() = domain::CivilDate{2026, 3, 10}.ToProto();
  auto soon = queries_.ListActions("acme", due, kToday);
  ASSERT_TRUE(soon.ok());
  std::set<std::string> ids;
  for (const auto& action : soon->actions()) ids.insert(action.action_id());
  EXPECT_EQ(ids, (std::set<std::string>{Id("A5"), Id("A8")}));
}

TEST_F(GoldenReadModelTest, RefusesAPageTokenOfAnotherList) {
  v1::ListActionsRequest request;
  request.set_page_size(1);
  auto first = queries_.ListActions("acme", request, kToday);
  ASSERT_TRUE(first.ok());
  request.set_owner_id("olga");  // another index: the token does not belong here
  request.set_page_token(first->next_page_token());
  auto refused = queries_.ListActions("acme", request, kToday);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(InvalidFieldOf(refused.status()), "page_token");
  request.set_page_token("not-a-token!");
  EXPECT_EQ(InvalidFieldOf(queries_.ListActions("acme", request, kToday).status()), "page_token");
}

// Rewrites the stored view of `action_id` wherever a table holds it (the actions and the owner
// index) with `change` applied, or with `garbage` instead when it is not empty.
void RewriteStoredView(projection::MemoryChanges& changes, const std::string& action_id,
                       const std::function<void(v1::ActionView&)>& change,
                       const std::string& garbage = "") {
  for (const char* table : {kActions, kActionsByOwner}) {
    std::vector<std::pair<std::string, std::string>> rewritten;
    for (const auto& [key, value] : changes.table(table)) {
      if (LastComponent(key) != action_id) continue;
      v1::ActionView view;
      ASSERT_TRUE(view.ParseFromString(value));
      change(view);
      rewritten.emplace_back(key, garbage.empty() ? view.SerializeAsString() : garbage);
    }
    ASSERT_EQ(rewritten.size(), 1u) << table;
    for (const auto& [key, value] : rewritten) changes.Put(table, key, value);
  }
}

TEST_F(GoldenReadModelTest, ReviewAndDecisionListsHoldExactlyTheirActionsPageByPage) {
  // What each list must hold, from the actions' views.
  std::map<std::string, std::set<std::string>> by_review;
  std::map<std::string, std::set<std::string>> by_decision;
  for (const auto& [key, value] : changes_.table(kActions)) {
    if (!key.starts_with(Prefix({"acme"}))) continue;
    v1::ActionView view;
    ASSERT_TRUE(view.ParseFromString(value));
    by_review[view.review_id()].insert(view.action_id());
    by_decision[view.decision_id()].insert(view.action_id());
  }
  ASSERT_GE(by_decision.size(), 3u);
  const auto list = [&](const std::function<void(v1::ListActionsRequest&)>& filter) {
    v1::ListActionsRequest request;
    filter(request);
    request.set_page_size(2);
    std::vector<std::string> seen;
    do {
      auto page = queries_.ListActions("acme", request, kToday);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      for (const auto& action : page->actions()) seen.push_back(action.action_id());
      request.set_page_token(page->next_page_token());
    } while (!request.page_token().empty() && seen.size() < 100);
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), seen.size());  // once each
    return std::set<std::string>(seen.begin(), seen.end());
  };
  for (const auto& [review, actions] : by_review) {
    EXPECT_EQ(list([&review = review](auto& r) { r.set_review_id(review); }), actions) << review;
  }
  for (const auto& [decision, actions] : by_decision) {
    EXPECT_EQ(list([&decision = decision](auto& r) { r.set_decision_id(decision); }), actions)
        << decision;
    for (const auto& [review, of_review] : by_review) {  // both filters: the actions of both
      std::set<std::string> both;
      std::ranges::set_intersection(actions, of_review, std::inserter(both, both.end()));
      EXPECT_EQ(list([&decision = decision, &review = review](auto& r) {
                  r.set_decision_id(decision);
                  r.set_review_id(review);
                }),
                both)
          << decision << " in " << review;
    }
  }
  EXPECT_TRUE(list([](auto& r) { r.set_decision_id("no-such-decision"); }).empty());
}

TEST_F(GoldenReadModelTest, SerializedPagesAreWhatProtobufWouldWrite) {
  std::vector<v1::ListActionsRequest> requests(7);
  requests[1].set_overdue_only(true);
  requests[2].set_owner_id("olga");
  requests[3].set_status(v1::ACTION_STATUS_IN_PROGRESS);
  requests[4].set_review_id(Id("R1"));
  *requests[4].mutable_due_on_or_after() = domain::CivilDate{2026, 2, 1}.ToProto();
  requests[5].set_decision_id(Id("D1"));
  requests[6].set_page_size(3);
  int overdue = 0;
  for (const v1::ListActionsRequest& request : requests) {
    std::string page;
    ASSERT_TRUE(queries_.ListActionsSerialized("acme", request, kToday, page).ok());
    auto parsed = queries_.ListActions("acme", request, kToday);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_GT(parsed->actions_size(), 0) << request.ShortDebugString();
    // The parse re-serialized by protobuf gives the same bytes: the page is canonical.
    EXPECT_EQ(page, parsed->SerializeAsString()) << request.ShortDebugString();
    for (const auto& action : parsed->actions()) overdue += action.overdue() ? 1 : 0;
  }
  EXPECT_GT(overdue, 0);
}

TEST_F(GoldenReadModelTest, AStoredOverdueFlagGivesWayToTheComputedOne) {
  // A9 is open and due 03-31: not overdue today, whatever its stored view says.
  RewriteStoredView(changes_, Id("A9"), [](v1::ActionView& view) { view.set_overdue(true); });
  for (const std::string& owner : {std::string("olga"), std::string()}) {
    v1::ListActionsRequest request;
    request.set_owner_id(owner);  // the owner index, or the actions table
    auto listed = queries_.ListActions("acme", request, kToday);
    ASSERT_TRUE(listed.ok()) << listed.status();
    int found = 0;
    for (const auto& action : listed->actions()) {
      if (action.action_id() != Id("A9")) continue;
      ++found;
      EXPECT_FALSE(action.overdue());
    }
    EXPECT_EQ(found, 1);
    std::string page;
    ASSERT_TRUE(queries_.ListActionsSerialized("acme", request, kToday, page).ok());
    EXPECT_EQ(page, listed->SerializeAsString());
  }
}

TEST_F(GoldenReadModelTest, AnUnreadableActionIsDataLoss) {
  RewriteStoredView(
      changes_, Id("A9"), [](v1::ActionView&) {}, std::string("\x0a\x05ol", 4));
  for (const auto& set_filter : std::vector<std::function<void(v1::ListActionsRequest&)>>{
           [](v1::ListActionsRequest& r) { r.set_owner_id("olga"); },                // owner index
           [](v1::ListActionsRequest& r) { r.set_status(v1::ACTION_STATUS_OPEN); },  // MultiGet
           [](v1::ListActionsRequest&) {}}) {  // actions table
    v1::ListActionsRequest request;
    set_filter(request);
    std::string page = "left over";
    EXPECT_EQ(queries_.ListActionsSerialized("acme", request, kToday, page).code(),
              absl::StatusCode::kDataLoss)
        << request.ShortDebugString();
    EXPECT_EQ(page, "");
    EXPECT_EQ(queries_.ListActions("acme", request, kToday).status().code(),
              absl::StatusCode::kDataLoss);
  }
}

TEST_F(GoldenReadModelTest, TenantsNeverSeeEachOther) {
  EXPECT_EQ(queries_.FindAction("globex", Id("A1"), kToday).status().code(),
            absl::StatusCode::kNotFound);
  auto persons = queries_.ListPersons("globex", {});
  ASSERT_TRUE(persons.ok());
  ASSERT_EQ(persons->persons_size(), 2);
  EXPECT_EQ(persons->persons(0).person_id(), "gus");
  auto dashboard = queries_.GetDashboard("globex", "", "", kToday);
  ASSERT_TRUE(dashboard.ok());
  EXPECT_EQ(dashboard->total_actions(), 1);
  EXPECT_EQ(dashboard->overdue(), 1);
}

TEST_F(GoldenReadModelTest, ListsReviewsAndPersonsInIdOrder) {
  auto reviews = queries_.ListReviews("acme", 1, "");
  ASSERT_TRUE(reviews.ok());
  ASSERT_EQ(reviews->reviews_size(), 1);
  auto rest = queries_.ListReviews("acme", 1, reviews->next_page_token());
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->reviews_size(), 1);
  EXPECT_EQ(rest->next_page_token(), "");
  EXPECT_LT(reviews->reviews(0).review_id(), rest->reviews(0).review_id());
  auto persons = queries_.ListPersons("acme", {});
  ASSERT_TRUE(persons.ok());
  ASSERT_EQ(persons->persons_size(), 4);
  EXPECT_EQ(persons->persons(3).person_id(), "paula");
  EXPECT_FALSE(persons->persons(3).active());
}

std::vector<std::string> PersonIds(const v1::ListPersonsResponse& response) {
  std::vector<std::string> ids;
  for (const auto& person : response.persons()) ids.push_back(person.person_id());
  return ids;
}

TEST_F(GoldenReadModelTest, ListsPersonsByIdPrefixAndDisplayNamePrefix) {
  v1::ListPersonsRequest by_id;
  by_id.set_person_id_prefix("o");
  auto listed = queries_.ListPersons("acme", by_id);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(PersonIds(*listed), (std::vector<std::string>{"olga", "oscar"}));

  v1::ListPersonsRequest by_name;  // display names are the ids; ASCII letters in any case
  by_name.set_display_name_prefix("OS");
  listed = queries_.ListPersons("acme", by_name);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(PersonIds(*listed), (std::vector<std::string>{"oscar"}));

  by_name.set_person_id_prefix("m");  // both: AND
  listed = queries_.ListPersons("acme", by_name);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(PersonIds(*listed).empty());
  EXPECT_EQ(listed->next_page_token(), "");

  // Paged with a filter: the token continues the filtered list, and no empty last page.
  v1::ListPersonsRequest paged;
  paged.set_display_name_prefix("o");
  paged.set_page_size(1);
  auto first = queries_.ListPersons("acme", paged);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(PersonIds(*first), (std::vector<std::string>{"olga"}));
  ASSERT_NE(first->next_page_token(), "");
  paged.set_page_token(first->next_page_token());
  auto second = queries_.ListPersons("acme", paged);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(PersonIds(*second), (std::vector<std::string>{"oscar"}));
  EXPECT_EQ(second->next_page_token(), "");

  // Another tenant's persons never match.
  v1::ListPersonsRequest gus;
  gus.set_person_id_prefix("gu");
  listed = queries_.ListPersons("acme", gus);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(PersonIds(*listed).empty());
}

TEST_F(GoldenReadModelTest, GetsOnePersonOfItsTenant) {
  auto paula = queries_.GetPerson("acme", "paula");
  ASSERT_TRUE(paula.ok()) << paula.status();
  EXPECT_EQ(paula->display_name(), "paula");
  EXPECT_FALSE(paula->active());
  auto gus = queries_.GetPerson("acme", "gus");
  EXPECT_EQ(gus.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(gus.status().message(), "persons/gus");
  EXPECT_TRUE(queries_.GetPerson("globex", "gus").ok());
}

TEST_F(GoldenReadModelTest, UnknownRecordsAreNamedInNotFound) {
  auto missing = queries_.GetReview("acme", "rev-none");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "reviews/rev-none");
  EXPECT_EQ(queries_.GetDashboard("acme", "", "nobody", kToday).status().message(),
            "persons/nobody");
}

}  // namespace
}  // namespace reviewtrail::readmodel::testing
