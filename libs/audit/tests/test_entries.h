#pragma once

#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "reviewtrail/audit/canonical.h"
#include "reviewtrail/audit/entry.h"

namespace reviewtrail::audit::testing {

// Links `chain` (entries of one tenant in order) as the audit projection does: each entry to the
// one before and each v2 entry to the previous v2 entry of its review and of its action; seals it.
inline void LinkAndSeal(std::vector<Entry>& chain) {
  std::string prev(kGenesisHash);
  std::map<std::string, std::pair<int64_t, std::string>> reviews;
  std::map<std::string, std::pair<int64_t, std::string>> actions;
  for (Entry& entry : chain) {
    if (entry.version == 1) {  // no links
      entry.review_prev_sequence = entry.action_prev_sequence = 0;
      entry.review_prev_hash.clear();
      entry.action_prev_hash.clear();
    } else {
      std::tie(entry.review_prev_sequence, entry.review_prev_hash) =
          entry.review_id.empty() ? std::pair<int64_t, std::string>{} : reviews[entry.review_id];
      std::tie(entry.action_prev_sequence, entry.action_prev_hash) =
          entry.action_id.empty() ? std::pair<int64_t, std::string>{} : actions[entry.action_id];
    }
    Seal(entry, prev);
    prev = entry.hash;
    if (entry.version != 1) {
      if (!entry.review_id.empty()) reviews[entry.review_id] = {entry.sequence, entry.hash};
      if (!entry.action_id.empty()) actions[entry.action_id] = {entry.sequence, entry.hash};
    }
  }
}

// A sealed chain of `count` entries of tenant "acme" with awkward texts.
inline std::vector<Entry> MakeChain(int count) {
  std::vector<Entry> chain;
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
    chain.push_back(entry);
  }
  LinkAndSeal(chain);
  return chain;
}

}  // namespace reviewtrail::audit::testing
