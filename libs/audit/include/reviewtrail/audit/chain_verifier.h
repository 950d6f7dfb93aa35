#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "reviewtrail/audit/entry.h"
#include "reviewtrail/audit/sha256.h"

namespace reviewtrail::audit {

class WorkerPool;

// The first entry of a chain that does not verify, and why.
struct ChainBreak {
  int64_t sequence = 0;
  // HASH_MISMATCH (the entry's bytes no longer give its hash: edited), PREV_HASH_MISMATCH (it does
  // not follow the entry before it: inserted, reordered, or the one before re-hashed),
  // SEQUENCE_MISMATCH (stored under another sequence number: moved or swapped), MISSING_ENTRY (a
  // gap: deleted), TRUNCATED (entries up to the chain head are gone), UNDECODABLE, EVENT_MISMATCH
  // (the stored event no longer has the entry's event_sha256).
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
    Sha256Digits computed;      // SHA-256(stored prev_hash || canonical bytes)
    bool event_matches = true;  // the stored event (when present) has the entry's event_sha256
  };

 private:
  void Break(int64_t sequence, std::string reason, std::string description);

  int64_t next_;
  std::string prev_hash_;
  int64_t checked_ = 0;
  std::optional<ChainBreak> broken_;
  std::vector<SelfCheck> checks_;  // AddAll's, kept for the next batch
};

}  // namespace reviewtrail::audit
