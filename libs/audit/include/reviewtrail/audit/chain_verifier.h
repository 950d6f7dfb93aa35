#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "reviewtrail/audit/entry.h"
#include "reviewtrail/digest/sha256.h"

namespace reviewtrail::audit {

class WorkerPool;

// The first entry of a chain that does not verify, and why.
struct ChainBreak {
  int64_t sequence = 0;
  // HASH_MISMATCH (the entry's bytes no longer give its hash: edited), PREV_HASH_MISMATCH (it does
  // not follow the entry before it: inserted, reordered, or the one before re-hashed),
  // SEQUENCE_MISMATCH (stored under another sequence number: moved or swapped), MISSING_ENTRY (a
  // gap: deleted), TRUNCATED (entries up to the chain head are gone), UNDECODABLE, EVENT_MISMATCH
  // (the stored event no longer has the entry's event_sha256), LINK_MISMATCH (a v2 entry's
  // review_prev_* / action_prev_* do not name the previous v2 entry of its review / action),
  // UNEXPECTED_ENTRY (an entry is stored past the chain head).
  std::string reason;
  std::string description;
};

// One stored entry as read from storage, with what was found of its stored event.
struct StoredEntry {
  enum class Event {
    kUnchecked,  // not checked
    kPresent,    // `event` holds the stored event bytes
    kMissing,    // there is no stored event: the chain breaks there (EVENT_MISMATCH)
  };
  int64_t key_sequence = 0;  // the sequence number it is stored under
  std::string_view stored;
  Event event_state = Event::kUnchecked;
  std::string_view event;
};

// Recomputes a hash chain fed entry by entry in stored order; stops at the first break. Pure: the
// caller reads storage and feeds the stored bytes. Owned by one thread.
class ChainVerifier {
 public:
  struct Link {
    int64_t sequence = 0;
    std::string hash;
  };

  // Verifies from `first_sequence`, the entry after one whose hash is `prev_hash` (kGenesisHash
  // when first_sequence is 1).
  ChainVerifier(int64_t first_sequence, std::string prev_hash);

  // Feeds the stored entry found under sequence number `key_sequence`, and the stored event bytes
  // for it (nullptr: not checked; an empty optional-like "missing" is reported by the caller).
  // Returns false once the chain is broken.
  bool Add(int64_t key_sequence, std::string_view stored, const std::string* event_bytes);
  // Feeds consecutive stored entries with exactly the outcome of feeding them one by one (Add,
  // then EventMissing for an entry whose event is missing), but decodes and hashes every entry
  // first, independently, on `pool`'s threads (only the caller's when null); the links between
  // them are then checked in order. Returns false once the chain is broken.
  bool AddAll(std::span<const StoredEntry> entries, WorkerPool* pool);
  // Reports a missing stored event for the entry at `key_sequence`.
  void EventMissing(int64_t key_sequence);
  // Called after the last stored entry: every sequence up to `last_sequence` (the chain head, or
  // the end of the requested range) must have been fed.
  void Finish(int64_t last_sequence);
  // Reports an entry stored under `key_sequence`, past the chain head.
  void Unexpected(int64_t key_sequence);

  [[nodiscard]] const std::optional<ChainBreak>& broken() const { return broken_; }
  [[nodiscard]] int64_t checked() const { return checked_; }
  // The hash of the last entry that verified (the start's prev_hash before any).
  [[nodiscard]] const std::string& last_hash() const { return prev_hash_; }
  [[nodiscard]] int64_t next_sequence() const { return next_; }

  // What one stored entry says about itself, found without the entries around it.
  struct SelfCheck {
    absl::Status decoded;  // UNDECODABLE unless ok; nothing below is set then
    int64_t sequence = 0;
    std::string_view prev_hash;  // as stored
    std::string_view hash;       // as stored
    std::string_view event_sha256;
    digest::Sha256Digits computed;  // SHA-256(stored prev_hash || canonical bytes)
    bool event_matches = true;      // the stored event (when present) has the entry's event_sha256
    int version = 2;
    std::string_view review_id;
    std::string_view action_id;
    int64_t review_prev_sequence = 0;
    std::string_view review_prev_hash;
    int64_t action_prev_sequence = 0;
    std::string_view action_prev_hash;
  };

 private:
  void Break(int64_t sequence, std::string reason, std::string description);
  // Checks a v2 entry's link to the previous v2 entry of its review or action, as far as this
  // verification has seen that review or action, and records the entry as its last.
  bool CheckLink(const SelfCheck& check, std::string_view kind, std::string_view id,
                 int64_t prev_sequence, std::string_view prev_hash,
                 std::map<std::string, Link, std::less<>>& last);

  int64_t first_;
  int64_t next_;
  std::string prev_hash_;
  int64_t checked_ = 0;
  std::optional<ChainBreak> broken_;
  std::vector<SelfCheck> checks_;  // AddAll's, kept for the next batch
  // The last v2 entry seen of each review and action.
  std::map<std::string, Link, std::less<>> review_last_;
  std::map<std::string, Link, std::less<>> action_last_;
};

}  // namespace reviewtrail::audit
