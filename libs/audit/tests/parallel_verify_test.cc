// ChainVerifier::AddAll decodes and hashes entries on several threads and then checks the links in
// order: whatever the threads and batches, it must find exactly what the entry-by-entry reference
// verification finds (same first broken entry, reason and description, same count and last hash).
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <vector>

#include "reference_verifier.h"
#include "reviewtrail/audit/chain_verifier.h"
#include "reviewtrail/audit/worker_pool.h"
#include "test_entries.h"

namespace reviewtrail::audit {
namespace {

constexpr int kCount = 1000;

// A stored log: entries and events by the sequence they are stored under.
struct Log {
  std::map<int64_t, std::string> entries;
  std::map<int64_t, std::string> events;
};

Log MakeLog(int count) {
  Log log;
  std::vector<Entry> chain = testing::MakeChain(count);
  for (Entry& entry : chain) {
    entry.event_sha256 = digest::Sha256Hex("event " + std::to_string(entry.sequence));
  }
  testing::LinkAndSeal(chain);
  for (const Entry& entry : chain) {
    log.entries[entry.sequence] = EncodeStored(entry);
    log.events[entry.sequence] = "event " + std::to_string(entry.sequence);
  }
  return log;
}

struct Outcome {
  std::optional<ChainBreak> broken;
  int64_t checked = 0;
  std::string last_hash;
};

// What the reference finds, reading the log as the audit service does.
Outcome Reference(const Log& log, int64_t head) {
  testing::ReferenceVerifier verifier(1, std::string(kGenesisHash));
  for (const auto& [sequence, stored] : log.entries) {
    const auto event = log.events.find(sequence);
    if (event == log.events.end()) {
      if (verifier.Add(sequence, stored, nullptr)) verifier.EventMissing(sequence);
      break;
    }
    if (!verifier.Add(sequence, stored, &event->second)) break;
  }
  verifier.Finish(head);
  return {verifier.broken(), verifier.checked(), verifier.last_hash()};
}

// What AddAll finds over `threads` threads, fed `batch` entries at a time.
Outcome Parallel(const Log& log, int64_t head, size_t threads, size_t batch) {
  WorkerPool pool(threads);
  ChainVerifier verifier(1, std::string(kGenesisHash));
  std::vector<StoredEntry> pending;
  bool going = true;
  const auto flush = [&] {
    if (going) going = verifier.AddAll(pending, &pool);
    pending.clear();
  };
  for (const auto& [sequence, stored] : log.entries) {
    const auto event = log.events.find(sequence);
    if (event == log.events.end()) {
      pending.push_back({sequence, stored, StoredEntry::Event::kMissing, {}});
      break;
    }
    pending.push_back({sequence, stored, StoredEntry::Event::kPresent, event->second});
    if (pending.size() == batch) flush();
    if (!going) break;
  }
  flush();
  verifier.Finish(head);
  return {verifier.broken(), verifier.checked(), verifier.last_hash()};
}

void ExpectSameAsReference(const Log& log, std::optional<int64_t> first_broken) {
  const Outcome reference = Reference(log, kCount);
  if (first_broken) {
    ASSERT_TRUE(reference.broken.has_value());
    EXPECT_EQ(reference.broken->sequence, *first_broken);
  } else {
    EXPECT_FALSE(reference.broken.has_value());
  }
  for (size_t threads : {1, 2, 3}) {
    for (size_t batch : {size_t{1}, size_t{137}, size_t{kCount}}) {
      SCOPED_TRACE(::testing::Message() << threads << " threads, batches of " << batch);
      const Outcome parallel = Parallel(log, kCount, threads, batch);
      ASSERT_EQ(parallel.broken.has_value(), reference.broken.has_value());
      if (reference.broken) {
        EXPECT_EQ(parallel.broken->sequence, reference.broken->sequence);
        EXPECT_EQ(parallel.broken->reason, reference.broken->reason);
        EXPECT_EQ(parallel.broken->description, reference.broken->description);
      }
      EXPECT_EQ(parallel.checked, reference.checked);
      EXPECT_EQ(parallel.last_hash, reference.last_hash);
    }
  }
}

// Re-encodes the stored entry `sequence` after `edit` (its hash left as it was, or resealed).
void Edit(Log& log, int64_t sequence, const std::function<void(Entry&)>& edit,
          bool reseal = false) {
  Entry entry = *DecodeStored(log.entries[sequence]);
  edit(entry);
  if (reseal) Seal(entry, entry.prev_hash);
  log.entries[sequence] = EncodeStored(entry);
}

TEST(ParallelVerifyTest, AnIntactChainVerifiesWholly) {
  const Log log = MakeLog(kCount);
  ExpectSameAsReference(log, std::nullopt);
  EXPECT_EQ(Parallel(log, kCount, 2, kCount).checked, kCount);
}

TEST(ParallelVerifyTest, OfEditsInBothHalvesTheFirstIsNamed) {
  Log log = MakeLog(kCount);
  Edit(log, 300, [](Entry& entry) { entry.summary = "edited"; });
  Edit(log, 700, [](Entry& entry) { entry.actor_id = "mallory"; });
  ExpectSameAsReference(log, 300);
}

TEST(ParallelVerifyTest, AnEditInTheSecondHalfOnlyIsNamed) {
  Log log = MakeLog(kCount);
  Edit(log, 701, [](Entry& entry) { entry.summary = "edited"; });
  ExpectSameAsReference(log, 701);
}

TEST(ParallelVerifyTest, ARehashedEntryBeforeOtherDamageBreaksTheLinkAfterIt) {
  Log log = MakeLog(kCount);
  Edit(
      log, 200, [](Entry& entry) { entry.summary = "rewritten"; }, /*reseal=*/true);
  log.entries[800] = "not an entry";
  std::swap(log.entries[600], log.entries[650]);
  ExpectSameAsReference(log, 201);
}

TEST(ParallelVerifyTest, SwappedUndecodableAndDeletedEntriesInEitherHalf) {
  Log swapped = MakeLog(kCount);
  std::swap(swapped.entries[620], swapped.entries[640]);
  swapped.entries[900] = "9:garbage\n";
  ExpectSameAsReference(swapped, 620);

  Log undecodable = MakeLog(kCount);
  undecodable.entries[450] = undecodable.entries[450].substr(1);
  undecodable.entries.erase(800);
  ExpectSameAsReference(undecodable, 450);

  Log deleted = MakeLog(kCount);
  deleted.entries.erase(999);
  ExpectSameAsReference(deleted, 999);

  Log truncated = MakeLog(kCount);
  for (int64_t sequence = 990; sequence <= kCount; ++sequence) truncated.entries.erase(sequence);
  ExpectSameAsReference(truncated, 990);
}

TEST(ParallelVerifyTest, AlteredAndMissingEventsAreNamedInOrder) {
  Log altered = MakeLog(kCount);
  altered.events[510] = "another event";
  altered.events.erase(900);
  ExpectSameAsReference(altered, 510);

  Log missing = MakeLog(kCount);
  missing.events.erase(333);
  Edit(missing, 900, [](Entry& entry) { entry.summary = "edited"; });
  ExpectSameAsReference(missing, 333);

  // An entry that is itself broken is named for that, not for its missing event.
  Log both = MakeLog(kCount);
  both.events.erase(333);
  Edit(both, 333, [](Entry& entry) { entry.summary = "edited"; });
  ExpectSameAsReference(both, 333);
  EXPECT_EQ(Reference(both, kCount).broken->reason, "HASH_MISMATCH");
}

TEST(ParallelVerifyTest, ANumberStoredInANonCanonicalFormIsJudgedByItsValue) {
  // "-0" decodes to 0, which re-encodes to "0": the entry hashes as it always did.
  std::vector<Entry> chain = testing::MakeChain(3);
  chain[1].log_partition = 0;
  testing::LinkAndSeal(chain);
  Log log;
  for (const Entry& entry : chain) log.entries[entry.sequence] = EncodeStored(entry);
  std::string& middle = log.entries[2];
  const size_t at = middle.find("\n1:0\n");
  ASSERT_NE(at, std::string::npos);
  middle.replace(at, 5, "\n2:-0\n");
  testing::ReferenceVerifier reference(1, std::string(kGenesisHash));
  ChainVerifier verifier(1, std::string(kGenesisHash));
  for (const auto& [sequence, stored] : log.entries) {
    EXPECT_TRUE(reference.Add(sequence, stored, nullptr));
    EXPECT_TRUE(verifier.Add(sequence, stored, nullptr));
  }
  EXPECT_EQ(verifier.last_hash(), chain[2].hash);
}

TEST(ParallelVerifyTest, AReviewOrActionLinkThatSkipsAnEntryIsNamed) {
  for (const bool review : {true, false}) {
    std::vector<Entry> chain = testing::MakeChain(kCount);
    Log log;
    log.events = MakeLog(kCount).events;
    for (Entry& entry : chain) entry.event_sha256 = digest::Sha256Hex(log.events[entry.sequence]);
    testing::LinkAndSeal(chain);
    // Entry 500 links past 499 (it and the entries after it are resealed: only the link is wrong).
    (review ? chain[499].review_prev_sequence : chain[499].action_prev_sequence) = 498;
    (review ? chain[499].review_prev_hash : chain[499].action_prev_hash) = chain[497].hash;
    for (size_t i = 499; i < chain.size(); ++i) Seal(chain[i], chain[i - 1].hash);
    for (const Entry& entry : chain) log.entries[entry.sequence] = EncodeStored(entry);
    ExpectSameAsReference(log, 500);
    EXPECT_EQ(Reference(log, kCount).broken->reason, "LINK_MISMATCH");
  }
}

TEST(ParallelVerifyTest, V1EntriesFollowedByV2EntriesVerify) {
  // Entries stored before v2 keep their v1 bytes; the v2 entries after them link among
  // themselves only.
  std::vector<Entry> chain = testing::MakeChain(kCount);
  for (size_t i = 0; i < 300; ++i) chain[i].version = 1;
  Log log;
  log.events = MakeLog(kCount).events;
  for (Entry& entry : chain) entry.event_sha256 = digest::Sha256Hex(log.events[entry.sequence]);
  testing::LinkAndSeal(chain);
  for (const Entry& entry : chain) log.entries[entry.sequence] = EncodeStored(entry);
  EXPECT_EQ(log.entries[1].rfind("20:reviewtrail-audit-v1\n", 0), 0u);
  EXPECT_EQ(log.entries[301].rfind("20:reviewtrail-audit-v2\n", 0), 0u);
  EXPECT_EQ(chain[300].review_prev_sequence, 0);  // the first v2 entry of the review
  EXPECT_EQ(chain[301].review_prev_sequence, 301);
  ExpectSameAsReference(log, std::nullopt);
  // A v1 entry rewritten as v2 (same texts) no longer has its hash.
  Log rewritten = log;
  Edit(rewritten, 100, [](Entry& entry) { entry.version = 2; });
  ExpectSameAsReference(rewritten, 100);
}

TEST(WorkerPoolTest, EveryIndexIsWorkedOnceWhateverTheThreads) {
  for (size_t threads : {1, 2, 3, 8}) {
    WorkerPool pool(threads);
    EXPECT_EQ(pool.threads(), threads);
    for (size_t n : {0, 1, 2, 7, 1000}) {
      std::vector<int> seen(n, 0);
      for (int round = 0; round < 3; ++round) {
        pool.Run(n, [&](size_t begin, size_t end) {
          for (size_t i = begin; i < end; ++i) ++seen[i];
        });
      }
      for (size_t i = 0; i < n; ++i) EXPECT_EQ(seen[i], 3) << threads << " threads, n " << n;
    }
  }
}

}  // namespace
}  // namespace reviewtrail::audit
