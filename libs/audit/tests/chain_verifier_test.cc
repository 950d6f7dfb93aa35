#include "reviewtrail/audit/chain_verifier.h"

#include <gtest/gtest.h>

#include <map>

#include "reviewtrail/audit/canonical.h"
#include "reviewtrail/digest/sha256.h"
#include "test_entries.h"

namespace reviewtrail::audit {
namespace {

using Stored = std::map<int64_t, std::string>;

Stored Store(const std::vector<Entry>& chain) {
  Stored stored;
  for (const Entry& entry : chain) stored[entry.sequence] = EncodeStored(entry);
  return stored;
}

std::optional<ChainBreak> Verify(const Stored& stored, int64_t head) {
  ChainVerifier verifier(1, std::string(kGenesisHash));
  for (const auto& [sequence, bytes] : stored) {
    if (!verifier.Add(sequence, bytes, nullptr)) break;
  }
  verifier.Finish(head);
  return verifier.broken();
}

TEST(ChainVerifierTest, AnIntactChainVerifies) {
  const Stored stored = Store(testing::MakeChain(20));
  ChainVerifier verifier(1, std::string(kGenesisHash));
  for (const auto& [sequence, bytes] : stored) ASSERT_TRUE(verifier.Add(sequence, bytes, nullptr));
  verifier.Finish(20);
  EXPECT_FALSE(verifier.broken().has_value());
  EXPECT_EQ(verifier.checked(), 20);
}

TEST(ChainVerifierTest, AnEditedEntryIsTheFirstBroken) {
  auto chain = testing::MakeChain(20);
  chain[6].summary = "nothing happened";  // entry 7, hash left as it was
  const auto broken = Verify(Store(chain), 20);
  ASSERT_TRUE(broken.has_value());
  EXPECT_EQ(broken->sequence, 7);
  EXPECT_EQ(broken->reason, "HASH_MISMATCH");
}

TEST(ChainVerifierTest, AnEditedAndRehashedEntryBreaksTheLinkAfterIt) {
  auto chain = testing::MakeChain(20);
  chain[6].actor_id = "mallory";
  Seal(chain[6], chain[5].hash);
  const auto broken = Verify(Store(chain), 20);
  ASSERT_TRUE(broken.has_value());
  EXPECT_EQ(broken->sequence, 8);
  EXPECT_EQ(broken->reason, "PREV_HASH_MISMATCH");
}

TEST(ChainVerifierTest, ADeletedEntryIsNamedAsMissing) {
  Stored stored = Store(testing::MakeChain(20));
  stored.erase(5);
  const auto broken = Verify(stored, 20);
  ASSERT_TRUE(broken.has_value());
  EXPECT_EQ(broken->sequence, 5);
  EXPECT_EQ(broken->reason, "MISSING_ENTRY");
}

TEST(ChainVerifierTest, SwappedEntriesBreakAtTheFirstOfThem) {
  Stored stored = Store(testing::MakeChain(20));
  std::swap(stored[4], stored[9]);
  const auto broken = Verify(stored, 20);
  ASSERT_TRUE(broken.has_value());
  EXPECT_EQ(broken->sequence, 4);
  EXPECT_EQ(broken->reason, "SEQUENCE_MISMATCH");
}

TEST(ChainVerifierTest, ATruncatedTailIsNamedFromItsFirstMissingEntry) {
  Stored stored = Store(testing::MakeChain(20));
  for (int64_t sequence = 16; sequence <= 20; ++sequence) stored.erase(sequence);
  const auto broken = Verify(stored, 20);
  ASSERT_TRUE(broken.has_value());
  EXPECT_EQ(broken->sequence, 16);
  EXPECT_EQ(broken->reason, "TRUNCATED");
}

TEST(ChainVerifierTest, ARangeStartsFromThePreviousEntrysHash) {
  const auto chain = testing::MakeChain(20);
  ChainVerifier verifier(11, chain[9].hash);
  for (int i = 10; i < 15; ++i) {
    ASSERT_TRUE(verifier.Add(chain[i].sequence, EncodeStored(chain[i]), nullptr));
  }
  verifier.Finish(15);
  EXPECT_FALSE(verifier.broken().has_value());
  EXPECT_EQ(verifier.last_hash(), chain[14].hash);
}

TEST(ChainVerifierTest, AStoredEventThatNoLongerMatchesItsEntryIsReported) {
  auto chain = testing::MakeChain(3);
  const std::string event = "event bytes";
  chain[1].event_sha256 = digest::Sha256Hex(event);
  Seal(chain[1], chain[0].hash);
  Seal(chain[2], chain[1].hash);
  ChainVerifier verifier(1, std::string(kGenesisHash));
  const std::string other = "other bytes";
  EXPECT_TRUE(verifier.Add(1, EncodeStored(chain[0]), nullptr));
  EXPECT_TRUE(verifier.Add(2, EncodeStored(chain[1]), &event));
  EXPECT_FALSE(verifier.Add(3, EncodeStored(chain[2]), &other));
  EXPECT_EQ(verifier.broken()->sequence, 3);
  EXPECT_EQ(verifier.broken()->reason, "EVENT_MISMATCH");
}

}  // namespace
}  // namespace reviewtrail::audit
