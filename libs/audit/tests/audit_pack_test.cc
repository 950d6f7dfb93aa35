#include "reviewtrail/audit/audit_pack.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_entries.h"

namespace reviewtrail::audit {
namespace {

PackData Pack() {
  PackData pack;
  pack.tenant_id = "acme";
  pack.head_sequence = 3;
  pack.head_hash = std::string(64, 'f');
  pack.review.id = "rev-1";
  pack.review.title = "Q4 <review> & \"friends\"";
  pack.review.decisions.push_back({.id = "dec-1", .summary = "Train staff"});
  PackAction action;
  action.state.id = "act-1";
  action.state.decision_id = "dec-1";
  action.state.title = "<script>alert(1)</script>";
  action.state.status = v1::ACTION_STATUS_CLOSED;
  action.state.approver_id = "ivan";
  action.state.evidence.push_back({.id = "ev-1", .sha256 = std::string(64, 'c')});
  action.trail = testing::MakeChain(3);
  action.trail[1].event_type = "ClosureApproved";
  action.trail[2].event_type = "ReminderSent";
  pack.actions.push_back(action);
  return pack;
}

TEST(AuditPackTest, JsonNestsReviewDecisionsActionsEvidenceAndFollowUps) {
  const nlohmann::json pack = nlohmann::json::parse(RenderPackJson(Pack()));
  EXPECT_EQ(pack["format"], "reviewtrail-audit-pack-v1");
  EXPECT_EQ(pack["chain_head"]["sequence"], 3);
  const auto& action = pack["review"]["decisions"][0]["actions"][0];
  EXPECT_EQ(action["action_id"], "act-1");
  EXPECT_EQ(action["status"], "CLOSED");
  EXPECT_EQ(action["evidence"][0]["sha256"], std::string(64, 'c'));
  EXPECT_EQ(action["approvals"].size(), 1u);
  EXPECT_EQ(action["approvals"][0]["sequence"], 2);
  EXPECT_EQ(action["reminders"].size(), 1u);
  EXPECT_EQ(action["escalations"].size(), 0u);
  EXPECT_EQ(action["trail"].size(), 3u);
}

TEST(AuditPackTest, HtmlIsSelfContainedAndEscapesUserText) {
  const std::string html = RenderPackHtml(Pack());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("Q4 &lt;review&gt; &amp; &quot;friends&quot;"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_NE(html.find(std::string(64, 'c')), std::string::npos);
}

}  // namespace
}  // namespace reviewtrail::audit
