#pragma once

#include <gtest/gtest.h>

#include <functional>

#include "golden_scenario.h"
#include "reviewtrail/projection/changes.h"
#include "reviewtrail/readmodel/queries.h"
#include "reviewtrail/readmodel/query_projection.h"

namespace reviewtrail::readmodel::testing {

// Given: the golden scenario projected into memory (no database), one event per offset.
class GoldenReadModelTest : public ::testing::Test {
 protected:
  GoldenReadModelTest() : scenario_(BuildGoldenScenario()) { ApplyAll(changes_); }

  void ApplyAll(projection::MemoryChanges& changes) {
    int64_t offset = 0;
    for (const v1::EventEnvelope& event : scenario_.events) {
      ASSERT_TRUE(projection_.Apply({0, offset++}, event, changes).ok());
    }
    ASSERT_TRUE(projection_.Flush(changes).ok());
  }

  // Projects the scenario again into `changes` with a fresh projection, one committed batch per
  // event, calling `after_each(event, offset)` after each commit; stops at a fatal failure.
  void ApplyEachCommitted(
      projection::MemoryChanges& changes,
      const std::function<void(const v1::EventEnvelope&, int64_t)>& after_each) {
    QueryProjection projection{runtime::TenantTimeZones()};
    int64_t offset = 0;
    for (const v1::EventEnvelope& event : scenario_.events) {
      ASSERT_TRUE(projection.Apply({0, offset}, event, changes).ok());
      ASSERT_TRUE(projection.Flush(changes).ok());
      after_each(event, offset++);
      if (HasFatalFailure()) return;
    }
  }

  const std::string& Id(const std::string& name) { return scenario_.ids.at(name); }

  GoldenScenario scenario_;
  QueryProjection projection_{runtime::TenantTimeZones()};
  projection::MemoryChanges changes_;
  projection::MemoryReadView view_{changes_};
  Queries queries_{view_};
};

}  // namespace reviewtrail::readmodel::testing
