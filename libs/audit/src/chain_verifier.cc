#include "reviewtrail/audit/chain_verifier.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "reviewtrail/audit/canonical.h"
#include "reviewtrail/audit/stored_view.h"
#include "reviewtrail/audit/worker_pool.h"
#include "reviewtrail/digest/sha256.h"

namespace reviewtrail::audit {
namespace {

void CheckSelf(const StoredEntry& entry, ChainVerifier::SelfCheck& check) {
  check = {};
  StoredView view;
  check.decoded = ViewStored(entry.stored, view);
  if (!check.decoded.ok()) return;
  check.sequence = view.sequence;
  check.prev_hash = view.prev_hash;
  check.hash = view.hash;
  check.event_sha256 = view[Field::kEventSha256];
  check.version = view.version;
  check.review_id = view[Field::kReviewId];
  check.action_id = view[Field::kActionId];
  check.review_prev_sequence = view.review_prev_sequence;
  check.review_prev_hash = view[Field::kReviewPrevHash];
  check.action_prev_sequence = view.action_prev_sequence;
  check.action_prev_hash = view[Field::kActionPrevHash];
  // The stored bytes before prev_hash are the canonical bytes, unless a number was stored in a
  // non-canonical form: then hash what the entry re-encodes to.
  check.computed = view.canonical ? digest::Sha256Of(view.prev_hash, view.framed)
                                  : digest::Sha256Of(view.prev_hash, CanonicalBytes(ToEntry(view)));
  if (entry.event_state == StoredEntry::Event::kPresent) {
    check.event_matches = digest::Sha256Of(entry.event).view() == check.event_sha256;
  }
}

}  // namespace

ChainVerifier::ChainVerifier(int64_t first_sequence, std::string prev_hash)
    : first_(first_sequence), next_(first_sequence), prev_hash_(std::move(prev_hash)) {}

bool ChainVerifier::CheckLink(const SelfCheck& check, std::string_view kind, std::string_view id,
                              int64_t prev_sequence, std::string_view prev_hash,
                              std::map<std::string, Link, std::less<>>& last) {
  if (id.empty()) return true;
  auto it = last.find(id);
  // Not seen yet: the first of this verification, whose link may only point before it.
  const bool linked = it == last.end()
                          ? (prev_sequence == 0 && prev_hash.empty()) ||
                                (prev_sequence > 0 && prev_sequence < first_)
                          : prev_sequence == it->second.sequence && prev_hash == it->second.hash;
  if (!linked) {
    Break(check.sequence, "LINK_MISMATCH",
          absl::StrCat("entry ", check.sequence, " links to entry ", prev_sequence, " of ",
                       std::string(kind), " ", std::string(id), " but its previous entry is ",
                       it == last.end() ? int64_t{0} : it->second.sequence));
    return false;
  }
  if (it == last.end()) it = last.emplace(std::string(id), Link{}).first;
  it->second.sequence = check.sequence;
  it->second.hash.assign(check.hash);
  return true;
}

void ChainVerifier::Break(int64_t sequence, std::string reason, std::string description) {
  if (!broken_) broken_ = ChainBreak{sequence, std::move(reason), std::move(description)};
}

bool ChainVerifier::Add(int64_t key_sequence, std::string_view stored,
                        const std::string* event_bytes) {
  const StoredEntry entry{
      .key_sequence = key_sequence,
      .stored = stored,
      .event_state =
          event_bytes == nullptr ? StoredEntry::Event::kUnchecked : StoredEntry::Event::kPresent,
      .event = event_bytes == nullptr ? std::string_view() : std::string_view(*event_bytes)};
  return AddAll({&entry, 1}, nullptr);
}

bool ChainVerifier::AddAll(std::span<const StoredEntry> entries, WorkerPool* pool) {
  if (broken_) return false;
  std::vector<SelfCheck>& checks = checks_;  // reused from batch to batch
  checks.resize(entries.size());
  const auto check_part = [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) CheckSelf(entries[i], checks[i]);
  };
  if (pool != nullptr) {
    pool->Run(entries.size(), check_part);
  } else {
    check_part(0, entries.size());
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    const int64_t key_sequence = entries[i].key_sequence;
    const SelfCheck& check = checks[i];
    if (key_sequence != next_) {
      Break(next_, "MISSING_ENTRY",
            absl::StrCat("entry ", next_, " is missing: the next stored entry is ", key_sequence));
      return false;
    }
    if (!check.decoded.ok()) {
      Break(key_sequence, "UNDECODABLE",
            absl::StrCat("entry ", key_sequence, " does not decode: ", check.decoded.message()));
      return false;
    }
    if (check.sequence != key_sequence) {
      Break(
          key_sequence, "SEQUENCE_MISMATCH",
          absl::StrCat("the entry stored as ", key_sequence, " says it is entry ", check.sequence));
      return false;
    }
    if (check.prev_hash != prev_hash_) {
      Break(key_sequence, "PREV_HASH_MISMATCH",
            absl::StrCat("entry ", key_sequence, " has prev_hash ", std::string(check.prev_hash),
                         " but the entry before it hashes to ", prev_hash_));
      return false;
    }
    if (check.computed.view() != check.hash) {
      Break(key_sequence, "HASH_MISMATCH",
            absl::StrCat("entry ", key_sequence, " hashes to ", check.computed.str(),
                         " but records ", std::string(check.hash)));
      return false;
    }
    if (!check.event_matches) {
      Break(key_sequence, "EVENT_MISMATCH",
            absl::StrCat("the stored event of entry ", key_sequence, " no longer has SHA-256 ",
                         std::string(check.event_sha256)));
      return false;
    }
    if (check.version != 1 &&
        (!CheckLink(check, "review", check.review_id, check.review_prev_sequence,
                    check.review_prev_hash, review_last_) ||
         !CheckLink(check, "action", check.action_id, check.action_prev_sequence,
                    check.action_prev_hash, action_last_))) {
      return false;
    }
    prev_hash_.assign(check.hash);
    ++checked_;
    ++next_;
    if (entries[i].event_state == StoredEntry::Event::kMissing) {
      EventMissing(key_sequence);
      return false;
    }
  }
  return true;
}

void ChainVerifier::EventMissing(int64_t key_sequence) {
  Break(key_sequence, "EVENT_MISMATCH",
        absl::StrCat("the stored event of entry ", key_sequence, " is missing"));
}

void ChainVerifier::Unexpected(int64_t key_sequence) {
  Break(key_sequence, "UNEXPECTED_ENTRY",
        absl::StrCat("an entry is stored as ", key_sequence, ", past the chain head ", next_ - 1));
}

void ChainVerifier::Finish(int64_t last_sequence) {
  if (broken_ || next_ > last_sequence) return;
  Break(next_, "TRUNCATED",
        absl::StrCat("entries ", next_, " to ", last_sequence,
                     " are missing: the chain head is entry ", last_sequence));
}

}  // namespace reviewtrail::audit
