#include "reviewtrail/audit/chain_verifier.h"

#include "absl/strings/str_cat.h"
#include "reviewtrail/audit/canonical.h"
#include "reviewtrail/audit/sha256.h"

namespace reviewtrail::audit {

ChainVerifier::ChainVerifier(int64_t first_sequence, std::string prev_hash)
    : next_(first_sequence), prev_hash_(std::move(prev_hash)) {}

void ChainVerifier::Break(int64_t sequence, std::string reason, std::string description) {
  if (!broken_) broken_ = ChainBreak{sequence, std::move(reason), std::move(description)};
}

bool ChainVerifier::Add(int64_t key_sequence, std::string_view stored,
                        const std::string* event_bytes) {
  if (broken_) return false;
  if (key_sequence != next_) {
    Break(next_, "MISSING_ENTRY",
          absl::StrCat("entry ", next_, " is missing: the next stored entry is ", key_sequence));
    return false;
  }
  absl::StatusOr<Entry> entry = DecodeStored(stored);
  if (!entry.ok()) {
    Break(key_sequence, "UNDECODABLE",
          absl::StrCat("entry ", key_sequence, " does not decode: ", entry.status().message()));
    return false;
  }
  if (entry->sequence != key_sequence) {
    Break(
        key_sequence, "SEQUENCE_MISMATCH",
        absl::StrCat("the entry stored as ", key_sequence, " says it is entry ", entry->sequence));
    return false;
  }
  if (entry->prev_hash != prev_hash_) {
    Break(key_sequence, "PREV_HASH_MISMATCH",
          absl::StrCat("entry ", key_sequence, " has prev_hash ", entry->prev_hash,
                       " but the entry before it hashes to ", prev_hash_));
    return false;
  }
  const std::string hash = ChainHash(entry->prev_hash, CanonicalBytes(*entry));
  if (hash != entry->hash) {
    Break(key_sequence, "HASH_MISMATCH",
          absl::StrCat("entry ", key_sequence, " hashes to ", hash, " but records ", entry->hash));
    return false;
  }
  if (event_bytes != nullptr && Sha256Hex(*event_bytes) != entry->event_sha256) {
    Break(key_sequence, "EVENT_MISMATCH",
          absl::StrCat("the stored event of entry ", key_sequence, " no longer has SHA-256 ",
                       entry->event_sha256));
    return false;
  }
  prev_hash_ = entry->hash;
  ++checked_;
  ++next_;
  return true;
}

void ChainVerifier::EventMissing(int64_t key_sequence) {
  Break(key_sequence, "EVENT_MISMATCH",
        absl::StrCat("the stored event of entry ", key_sequence, " is missing"));
}

void ChainVerifier::Finish(int64_t last_sequence) {
  if (broken_ || next_ > last_sequence) return;
  Break(next_, "TRUNCATED",
        absl::StrCat("entries ", next_, " to ", last_sequence,
                     " are missing: the chain head is entry ", last_sequence));
}

}  // namespace reviewtrail::audit
