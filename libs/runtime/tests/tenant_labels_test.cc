#include "reviewtrail/runtime/tenant_labels.h"

#include <gtest/gtest.h>

namespace reviewtrail::runtime {
namespace {

TEST(TenantLabelsTest, OffByDefault) { EXPECT_FALSE(TenantLabels().enabled()); }

TEST(TenantLabelsTest, TheFirstTenantsKeepTheirLabelAndTheRestAreOther) {
  TenantLabels labels(2);
  ASSERT_TRUE(labels.enabled());
  EXPECT_EQ(labels.LabelOf("acme"), "acme");
  EXPECT_EQ(labels.LabelOf("globex"), "globex");
  EXPECT_EQ(labels.LabelOf("initech"), "other");
  // Stable: a labelled tenant keeps its label, a capped one stays "other".
  EXPECT_EQ(labels.LabelOf("acme"), "acme");
  EXPECT_EQ(labels.LabelOf("initech"), "other");
}

TEST(TenantLabelsTest, ATenantNamedOtherTakesNoSlot) {
  TenantLabels labels(1);
  EXPECT_EQ(labels.LabelOf("other"), "other");
  EXPECT_EQ(labels.LabelOf("acme"), "acme");
}

}  // namespace
}  // namespace reviewtrail::runtime
