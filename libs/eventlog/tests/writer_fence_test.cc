#include "reviewtrail/eventlog/writer_fence.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace reviewtrail::eventlog {
namespace {

// One record of a scripted partition: a claim or a data record, and a name to follow it by.
struct Scripted {
  std::string name;
  bool claim = false;
  int64_t epoch = 0;
  std::string writer;
};

Scripted Claim(std::string writer, int64_t epoch) {
  return {"claim " + writer + "@" + std::to_string(epoch), true, epoch, writer};
}
Scripted Record(std::string name, std::string writer, int64_t epoch) {
  return {std::move(name), false, epoch, std::move(writer)};
}

// The data records that take effect, in log order: what every reader of the partition applies.
std::vector<std::string> Accepted(const std::vector<Scripted>& log) {
  WriterFence fence;
  std::vector<std::string> accepted;
  for (const Scripted& record : log) {
    if (fence.Admit({record.claim, record.epoch, record.writer}) == FenceVerdict::kAccepted) {
      accepted.push_back(record.name);
    }
  }
  return accepted;
}

using Names = std::vector<std::string>;

TEST(WriterFenceTest, RecordsOfBeforeFencingCountUntilTheFirstClaim) {
  EXPECT_EQ(Accepted({Record("old1", "", 0), Record("old2", "", 0), Claim("a", 1),
                      Record("a1", "a", 1), Record("late-old", "", 0)}),
            (Names{"old1", "old2", "a1"}));
}

TEST(WriterFenceTest, AStaleWriterResumingAfterATakeoverIsFenced) {
  // a owns epoch 1; it pauses; b claims epoch 2 and writes; a wakes and appends with epoch 1.
  EXPECT_EQ(Accepted({Claim("a", 1), Record("a1", "a", 1), Record("a2", "a", 1), Claim("b", 2),
                      Record("b1", "b", 2), Record("a3 (stale)", "a", 1), Record("b2", "b", 2)}),
            (Names{"a1", "a2", "b1", "b2"}));
}

TEST(WriterFenceTest, OfTwoClaimsOfTheSameEpochTheFirstWins) {
  // a and b both read the partition to epoch 2 and claim 3; b's claim lands second and is stale,
  // so b's records are fenced until b claims again, higher.
  EXPECT_EQ(
      Accepted({Claim("x", 2), Claim("a", 3), Claim("b", 3), Record("b1", "b", 3),
                Record("a1", "a", 3), Claim("b", 4), Record("a2", "a", 3), Record("b2", "b", 4)}),
      (Names{"a1", "b2"}));
}

TEST(WriterFenceTest, ClaimsMustRiseAndNameTheirWriter) {
  WriterFence fence;
  EXPECT_EQ(fence.Admit({true, 5, "a"}), FenceVerdict::kClaimed);
  EXPECT_EQ(fence.Admit({true, 4, "b"}), FenceVerdict::kStaleClaim);
  EXPECT_EQ(fence.Admit({true, 5, "b"}), FenceVerdict::kStaleClaim);
  EXPECT_EQ(fence.Admit({true, 6, ""}), FenceVerdict::kStaleClaim);
  EXPECT_EQ(fence.epoch(), 5);
  EXPECT_EQ(fence.owner(), "a");
  EXPECT_EQ(fence.NextEpoch(), 6);
  // A record claiming an epoch nobody claimed is fenced, before any claim and after.
  EXPECT_EQ(fence.Admit({false, 6, "a"}), FenceVerdict::kFenced);
  EXPECT_EQ(WriterFence().Admit({false, 1, "a"}), FenceVerdict::kFenced);
  EXPECT_EQ(FenceVerdictName(FenceVerdict::kFenced), "fenced");
}

// Writers following the protocol (read to the end, claim the next epoch, append) interleave at
// random, some claiming from the same stale view. The fence's verdicts must be the model's: only
// the latest valid claimant's records count, each run of accepted records has one writer.
TEST(WriterFenceTest, UnderRandomInterleavingsOnlyTheLatestClaimantsRecordsCount) {
  std::mt19937 random(20261207);
  for (int round = 0; round < 200; ++round) {
    struct Writer {
      std::string id;
      int64_t epoch = 0;  // the epoch it writes with (0: has not claimed)
    };
    std::vector<Writer> writers = {{"a"}, {"b"}, {"c"}};
    std::vector<Scripted> log;
    for (int step = 0; step < 60; ++step) {
      Writer& writer = writers[random() % writers.size()];
      if (writer.epoch == 0 || random() % 6 == 0) {
        // Read the partition to its end, then claim the next epoch of that view.
        WriterFence view;
        for (const Scripted& record : log) view.Admit({record.claim, record.epoch, record.writer});
        writer.epoch = view.NextEpoch();
        log.push_back(Claim(writer.id, writer.epoch));
      } else {
        log.push_back(Record(writer.id + "#" + std::to_string(step), writer.id, writer.epoch));
      }
      // Sometimes two writers claim from the same stale view: the later claim must lose.
      if (random() % 10 == 0) {
        Writer& other = writers[random() % writers.size()];
        log.push_back(Claim(other.id, writer.epoch));
        other.epoch = writer.epoch;
      }
    }

    // The model: a claim is valid when it rises above every valid claim before it; a record
    // counts when its writer made the latest valid claim and writes with that claim's epoch.
    WriterFence fence;
    std::string owner;
    int64_t epoch = 0;
    for (const Scripted& record : log) {
      FenceVerdict expected = FenceVerdict::kFenced;
      if (record.claim && record.epoch > epoch) {
        expected = FenceVerdict::kClaimed;
        owner = record.writer;
        epoch = record.epoch;
      } else if (record.claim) {
        expected = FenceVerdict::kStaleClaim;
      } else if (record.writer == owner && record.epoch == epoch && epoch > 0) {
        expected = FenceVerdict::kAccepted;
      }
      ASSERT_EQ(fence.Admit({record.claim, record.epoch, record.writer}), expected)
          << record.name << " in round " << round;
    }
  }
}

}  // namespace
}  // namespace reviewtrail::eventlog
