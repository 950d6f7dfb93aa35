#include "reviewtrail/cli/value_parsers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace reviewtrail::cli {
namespace {

using ::testing::HasSubstr;

TEST(ParseIsoDateTest, AcceptsCalendarDates) {
  Result<google::type::Date> date = ParseIsoDate("2026-12-31");
  ASSERT_TRUE(date.ok()) << date.error();
  EXPECT_EQ(date->year(), 2026);
  EXPECT_EQ(date->month(), 12);
  EXPECT_EQ(date->day(), 31);
  EXPECT_TRUE(ParseIsoDate("2028-02-29").ok());  // leap year
}

TEST(ParseIsoDateTest, RejectsOtherShapesNamingTheFormat) {
  for (const char* text : {"31.12.2026", "2026-1-31", "2026-12-31T00:00", "", "tomorrow"}) {
    Result<google::type::Date> date = ParseIsoDate(text);
    ASSERT_FALSE(date.ok()) << text;
    EXPECT_THAT(date.error(), HasSubstr("YYYY-MM-DD")) << text;
  }
}

TEST(ParseIsoDateTest, RejectsDatesNotInTheCalendar) {
  for (const char* text : {"2026-02-29", "2026-13-01", "2026-04-31", "0000-01-01", "2026-00-10"}) {
    Result<google::type::Date> date = ParseIsoDate(text);
    ASSERT_FALSE(date.ok()) << text;
    EXPECT_THAT(date.error(), HasSubstr("not a calendar date")) << text;
  }
}

TEST(ParseLinkTest, ReadsKindRefAndOptionalTitle) {
  Result<v1::Link> link = ParseLink("control:A.5.15:Access control: who may see what");
  ASSERT_TRUE(link.ok()) << link.error();
  EXPECT_EQ(link->kind(), v1::LINK_KIND_CONTROL);
  EXPECT_EQ(link->ref(), "A.5.15");
  EXPECT_EQ(link->title(), "Access control: who may see what");

  link = ParseLink("Risk:R-12");
  ASSERT_TRUE(link.ok()) << link.error();
  EXPECT_EQ(link->kind(), v1::LINK_KIND_RISK);
  EXPECT_EQ(link->ref(), "R-12");
  EXPECT_EQ(link->title(), "");
}

TEST(ParseLinkTest, ExplainsWhatIsWrong) {
  EXPECT_THAT(ParseLink("A.5.15").error(), HasSubstr("KIND:REF[:TITLE]"));
  EXPECT_THAT(ParseLink("ticket:T-1").error(),
              HasSubstr("use one of risk|nonconformity|control|project|document"));
  EXPECT_THAT(ParseLink("risk:").error(), HasSubstr("needs a reference"));
}

TEST(ParseEnumsTest, AcceptTheDocumentedSpellings) {
  EXPECT_EQ(*ParseReviewInput("a"), v1::REVIEW_INPUT_A_PREVIOUS_ACTIONS);
  EXPECT_EQ(*ParseReviewInput("G"), v1::REVIEW_INPUT_G_IMPROVEMENT_OPPORTUNITIES);
  EXPECT_EQ(*ParseReviewInput("f-risk-assessment"), v1::REVIEW_INPUT_F_RISK_ASSESSMENT);
  EXPECT_EQ(*ParseDecisionCategory("improvement"), v1::DECISION_CATEGORY_IMPROVEMENT_OPPORTUNITY);
  EXPECT_EQ(*ParseDecisionCategory("isms-change"), v1::DECISION_CATEGORY_ISMS_CHANGE);
  EXPECT_EQ(*ParseDecisionCategory("resource-need"), v1::DECISION_CATEGORY_RESOURCE_NEED);
  EXPECT_EQ(*ParseEvidenceKind("training-record"), v1::EVIDENCE_KIND_TRAINING_RECORD);
  EXPECT_EQ(*ParseEvidenceKind("risk-register-extract"), v1::EVIDENCE_KIND_RISK_REGISTER_EXTRACT);
  EXPECT_EQ(*ParseNotificationChannel("email"), v1::NOTIFICATION_CHANNEL_EMAIL);
}

TEST(ParseEnumsTest, RejectUnknownValuesListingTheChoices) {
  EXPECT_THAT(ParseReviewInput("h").error(), HasSubstr("a..g"));
  EXPECT_THAT(ParseDecisionCategory("nice-to-have").error(),
              HasSubstr("improvement|isms-change|resource-need"));
  EXPECT_THAT(ParseEvidenceKind("unspecified").error(),
              HasSubstr("policy-revision|training-record|"));
  EXPECT_THAT(ParseNotificationChannel("sms").error(), HasSubstr("log|webhook|email"));
}

}  // namespace
}  // namespace reviewtrail::cli
