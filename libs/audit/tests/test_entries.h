#pragma once

#include <string>
#include <vector>

#include "reviewtrail/audit/canonical.h"
#include "reviewtrail/audit/entry.h"

namespace reviewtrail::audit::testing {

// A sealed chain of `count` entries of tenant "acme" with awkward texts.
inline std::vector<Entry> MakeChain(int count) {
  std::vector<Entry> chain;
  std::string prev(kGenesisHash);
  for (int i = 1; i <= count; ++i) {
    Entry entry;
    entry.tenant_id = "acme";
    entry.sequence = i;
    entry.log_partition = 2;
    entry.log_offset = 10 + i;
    entry.event_id = "evt-" + std::to_string(i);
    entry.occurred_at = 1'795'424'400'000'000 + i;
    entry.recorded_at = 1'795'424'400'000'100 + i;
    entry.actor_id = "olga";
    entry.actor_roles = {"isms_manager", "auditor"};
    entry.aggregate_type = "action";
    entry.aggregate_id = "act-1";
    entry.aggregate_version = i;
    entry.event_type = "ProgressReported";
    entry.action_id = "act-1";
    entry.review_id = "rev-1";
    entry.summary = "reported progress: \"=SUM(A1)\", naïve\nline " + std::to_string(i);
    entry.evidence_sha256 = {std::string(64, 'a')};
    entry.event_sha256 = std::string(64, 'b');
    Seal(entry, prev);
    prev = entry.hash;
    chain.push_back(entry);
  }
  return chain;
}

}  // namespace reviewtrail::audit::testing
