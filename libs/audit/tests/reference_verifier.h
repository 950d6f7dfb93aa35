#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "reviewtrail/audit/canonical.h"
#include "reviewtrail/audit/chain_verifier.h"
#include "reviewtrail/digest/sha256.h"

namespace reviewtrail::audit::testing {

// The chain verification as first written, one entry at a time with a full decode, a re-encoding
// and a new string per hash: the oracle that the faster verifier must agree with, break for break.
class ReferenceVerifier {
 public:
  ReferenceVerifier(int64_t first_sequence, std::string prev_hash)
      : first_(first_sequence), next_(first_sequence), prev_hash_(std::move(prev_hash)) {}

  bool Add(int64_t key_sequence, std::string_view stored, const std::string* event_bytes) {
    if (broken_) return false;
    if (key_sequence != next_) {
      return Break(
          next_, "MISSING_ENTRY",
          absl::StrCat("entry ", next_, " is missing: the next stored entry is ", key_sequence));
    }
    absl::StatusOr<Entry> entry = DecodeStored(stored);
    if (!entry.ok()) {
      return Break(
          key_sequence, "UNDECODABLE",
          absl::StrCat("entry ", key_sequence, " does not decode: ", entry.status().message()));
    }
    if (entry->sequence != key_sequence) {
      return Break(key_sequence, "SEQUENCE_MISMATCH",
                   absl::StrCat("the entry stored as ", key_sequence, " says it is entry ",
                                entry->sequence));
    }
    if (entry->prev_hash != prev_hash_) {
      return Break(key_sequence, "PREV_HASH_MISMATCH",
                   absl::StrCat("entry ", key_sequence, " has prev_hash ", entry->prev_hash,
                                " but the entry before it hashes to ", prev_hash_));
    }
    digest::Sha256 hasher;
    hasher.Update(entry->prev_hash);
    hasher.Update(CanonicalBytes(*entry));
    const std::string hash = hasher.FinishHex();
    if (hash != entry->hash) {
      return Break(
          key_sequence, "HASH_MISMATCH",
          absl::StrCat("entry ", key_sequence, " hashes to ", hash, " but records ", entry->hash));
    }
    if (event_bytes != nullptr && digest::Sha256Hex(*event_bytes) != entry->event_sha256) {
      return Break(key_sequence, "EVENT_MISMATCH",
                   absl::StrCat("the stored event of entry ", key_sequence,
                                " no longer has SHA-256 ", entry->event_sha256));
    }
    if (entry->version != 1 &&
        (!Link(*entry, "review", entry->review_id, entry->review_prev_sequence,
               entry->review_prev_hash, review_last_) ||
         !Link(*entry, "action", entry->action_id, entry->action_prev_sequence,
               entry->action_prev_hash, action_last_))) {
      return false;
    }
    prev_hash_ = entry->hash;
    ++checked_;
    ++next_;
    return true;
  }
  void EventMissing(int64_t key_sequence) {
    Break(key_sequence, "EVENT_MISMATCH",
          absl::StrCat("the stored event of entry ", key_sequence, " is missing"));
  }
  void Unexpected(int64_t key_sequence) {
    Break(
        key_sequence, "UNEXPECTED_ENTRY",
        absl::StrCat("an entry is stored as ", key_sequence, ", past the chain head ", next_ - 1));
  }
  void Finish(int64_t last_sequence) {
    if (broken_ || next_ > last_sequence) return;
    Break(next_, "TRUNCATED",
          absl::StrCat("entries ", next_, " to ", last_sequence,
                       " are missing: the chain head is entry ", last_sequence));
  }

  [[nodiscard]] const std::optional<ChainBreak>& broken() const { return broken_; }
  [[nodiscard]] int64_t checked() const { return checked_; }
  [[nodiscard]] const std::string& last_hash() const { return prev_hash_; }

 private:
  // The previous v2 entry of the same review or action, as far as this verification has seen.
  bool Link(const Entry& entry, const char* kind, const std::string& id, int64_t prev_sequence,
            const std::string& prev_hash,
            std::map<std::string, std::pair<int64_t, std::string>>& last) {
    if (id.empty()) return true;
    const auto it = last.find(id);
    const bool linked = it == last.end() ? (prev_sequence == 0 && prev_hash.empty()) ||
                                               (prev_sequence > 0 && prev_sequence < first_)
                                         : std::pair(prev_sequence, prev_hash) == it->second;
    if (!linked) {
      return Break(entry.sequence, "LINK_MISMATCH",
                   absl::StrCat("entry ", entry.sequence, " links to entry ", prev_sequence, " of ",
                                kind, " ", id, " but its previous entry is ",
                                it == last.end() ? int64_t{0} : it->second.first));
    }
    last[id] = {entry.sequence, entry.hash};
    return true;
  }
  bool Break(int64_t sequence, std::string reason, std::string description) {
    if (!broken_) broken_ = ChainBreak{sequence, std::move(reason), std::move(description)};
    return false;
  }

  int64_t first_;
  int64_t next_;
  std::string prev_hash_;
  std::map<std::string, std::pair<int64_t, std::string>> review_last_;
  std::map<std::string, std::pair<int64_t, std::string>> action_last_;
  int64_t checked_ = 0;
  std::optional<ChainBreak> broken_;
};

}  // namespace reviewtrail::audit::testing
