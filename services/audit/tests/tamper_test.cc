// Tampering directly in RocksDB: the audit store is opened behind the service's back, an entry is
// edited, deleted, swapped or the tail truncated, and VerifyAuditLog must name the first broken
// entry every time.
#include <functional>
#include <map>

#include "audit_fixture.h"
#include "reviewtrail/audit/audit_projection.h"
#include "reviewtrail/audit/canonical.h"
#include "reviewtrail/audit/store_keys.h"
#include "reviewtrail/audit/stored_view.h"
#include "reviewtrail/projection/projection_store.h"
#include "reviewtrail/projection/read_view.h"

namespace reviewtrail::audit_service::testing {
namespace {

constexpr int kCount = 20;

class TamperTest : public AuditServiceTest {
 protected:
  void SetUp() override {
    std::vector<v1::EventEnvelope> events = {acme_.Review("rev-1", "Q4 review")};
    for (int i = 1; i < kCount; ++i) {
      events.push_back(acme_.Progress("act-1", "olga", "step " + std::to_string(i), i));
    }
    Append(events);
    ASSERT_TRUE(Verify().intact());
  }

  // Runs `tamper` on the stopped service's store, restarts the service and verifies.
  v1::VerifyAuditLogResponse TamperAndVerify(
      const std::function<void(projection::ProjectionStore&)>& tamper, int64_t from = 0,
      int64_t to = 0) {
    StopService();
    {
      auto store =
          projection::ProjectionStore::Open(StorePath(), audit::AuditProjection().Tables());
      EXPECT_TRUE(store.ok()) << store.status();
      tamper(**store);
    }
    StartService();
    return Verify(from, to);
  }

  // Tampering as someone with the files would: through the store's own writes, outside the
  // projection (no positions move).
  static std::string Get(projection::ProjectionStore& store, const char* table, int64_t sequence) {
    absl::StatusOr<std::optional<std::string>> value =
        projection::StoreReadView(store).Get(table, audit::EntryKey("acme", sequence));
    EXPECT_TRUE(value.ok() && value->has_value()) << table << " " << sequence;
    return value.ok() ? value->value_or("") : "";
  }
  static void Put(projection::ProjectionStore& store, const char* table, int64_t sequence,
                  const std::string& value) {
    projection::ProjectionStore::Batch batch(store);
    batch.Put(table, audit::EntryKey("acme", sequence), value);
    ASSERT_TRUE(store.Commit(batch, {}).ok());
  }
  static void PutHead(projection::ProjectionStore& store, const std::string& head) {
    projection::ProjectionStore::Batch batch(store);
    batch.Put(audit::kHeads, "acme", head);
    ASSERT_TRUE(store.Commit(batch, {}).ok());
  }
  static void Delete(projection::ProjectionStore& store, const char* table, int64_t sequence) {
    projection::ProjectionStore::Batch batch(store);
    batch.Delete(table, audit::EntryKey("acme", sequence));
    ASSERT_TRUE(store.Commit(batch, {}).ok());
  }

  static void ExpectBroken(const v1::VerifyAuditLogResponse& response, int64_t sequence,
                           const std::string& reason) {
    EXPECT_FALSE(response.intact());
    EXPECT_EQ(response.first_broken().sequence(), sequence) << response.DebugString();
    EXPECT_EQ(response.first_broken().reason(), reason) << response.DebugString();
  }
};

TEST_F(TamperTest, EditingAnyEntryIsNamed) {
  for (int64_t victim : {1, 9, kCount}) {
    std::string original;
    ExpectBroken(TamperAndVerify([&](projection::ProjectionStore& store) {
                   original = Get(store, audit::kEntries, victim);
                   audit::Entry entry = *audit::DecodeStored(original);
                   entry.actor_id = "mallory";  // hash left as it was
                   Put(store, audit::kEntries, victim, audit::EncodeStored(entry));
                 }),
                 victim, "HASH_MISMATCH");
    for (size_t at : {size_t{30}, original.size() / 2, original.size() - 3}) {
      const auto flipped = TamperAndVerify([&](projection::ProjectionStore& store) {
        std::string bytes = original;
        bytes[at] ^= 0x01;  // one bit: framing, a field or the stored hash
        Put(store, audit::kEntries, victim, bytes);
      });
      EXPECT_FALSE(flipped.intact());
      EXPECT_EQ(flipped.first_broken().sequence(), victim) << flipped.DebugString();
    }
    EXPECT_TRUE(TamperAndVerify([&](projection::ProjectionStore& store) {
                  Put(store, audit::kEntries, victim, original);
                }).intact());
  }
}

TEST_F(TamperTest, EditingAndRehashingAnEntryBreaksTheNextLink) {
  const auto response = TamperAndVerify([](projection::ProjectionStore& store) {
    audit::Entry entry = *audit::DecodeStored(Get(store, audit::kEntries, 9));
    entry.summary = "nothing to see";
    audit::Seal(entry, entry.prev_hash);
    Put(store, audit::kEntries, 9, audit::EncodeStored(entry));
  });
  ExpectBroken(response, 10, "PREV_HASH_MISMATCH");
}

TEST_F(TamperTest, DeletingAnEntryIsNamed) {
  for (int64_t victim : {1, 11}) {
    std::string original;
    ExpectBroken(TamperAndVerify([&](projection::ProjectionStore& store) {
                   original = Get(store, audit::kEntries, victim);
                   Delete(store, audit::kEntries, victim);
                 }),
                 victim, "MISSING_ENTRY");
    EXPECT_TRUE(TamperAndVerify([&](projection::ProjectionStore& store) {
                  Put(store, audit::kEntries, victim, original);
                }).intact());
  }
}

TEST_F(TamperTest, SwappingTwoEntriesIsNamedAtTheFirst) {
  const auto response = TamperAndVerify([](projection::ProjectionStore& store) {
    const std::string a = Get(store, audit::kEntries, 6);
    const std::string b = Get(store, audit::kEntries, 13);
    Put(store, audit::kEntries, 6, b);
    Put(store, audit::kEntries, 13, a);
  });
  ExpectBroken(response, 6, "SEQUENCE_MISMATCH");
}

TEST_F(TamperTest, TruncatingTheTailIsNamedFromTheFirstMissingEntry) {
  const auto response = TamperAndVerify([](projection::ProjectionStore& store) {
    for (int64_t sequence = 16; sequence <= kCount; ++sequence) {
      Delete(store, audit::kEntries, sequence);
    }
  });
  ExpectBroken(response, 16, "TRUNCATED");
  EXPECT_EQ(response.head_sequence(), kCount);
  EXPECT_EQ(response.entries_checked(), 15);
}

// Store-level equivalents of deleting, inserting, reordering, duplicating and truncating rows, each
// done as a forger with write access to the store would: VerifyAuditLog names the first entry
// that no longer fits.
TEST_F(TamperTest, EveryManipulationOfTheStoredChainIsNamed) {
  using Store = projection::ProjectionStore;
  // Re-seals entries from..kCount in order after entry from - 1, as a forger rewriting a suffix.
  const auto reseal_from = [](Store& store, int64_t from) {
    std::string prev = audit::DecodeStored(Get(store, audit::kEntries, from - 1))->hash;
    for (int64_t sequence = from; sequence <= kCount; ++sequence) {
      audit::Entry entry = *audit::DecodeStored(Get(store, audit::kEntries, sequence));
      audit::Seal(entry, prev);
      prev = entry.hash;
      Put(store, audit::kEntries, sequence, audit::EncodeStored(entry));
    }
  };
  struct Case {
    const char* name;
    std::function<void(Store&)> tamper;
    int64_t sequence;
    const char* reason;
  };
  const std::vector<Case> cases = {
      {"delete a middle entry", [](Store& store) { Delete(store, audit::kEntries, 11); }, 11,
       "MISSING_ENTRY"},
      {"delete the first entries",
       [](Store& store) {
         for (int64_t sequence = 1; sequence <= 3; ++sequence)
           Delete(store, audit::kEntries, sequence);
       },
       1, "MISSING_ENTRY"},
      {"truncate the tail",
       [](Store& store) {
         for (int64_t sequence = 18; sequence <= kCount; ++sequence) {
           Delete(store, audit::kEntries, sequence);
         }
       },
       18, "TRUNCATED"},
      {"swap two entries",
       [](Store& store) {
         const std::string a = Get(store, audit::kEntries, 8);
         Put(store, audit::kEntries, 8, Get(store, audit::kEntries, 9));
         Put(store, audit::kEntries, 9, a);
       },
       8, "SEQUENCE_MISMATCH"},
      {"duplicate an entry over the next",
       [](Store& store) { Put(store, audit::kEntries, 13, Get(store, audit::kEntries, 12)); }, 13,
       "SEQUENCE_MISMATCH"},
      {"insert a sealed entry, shifting the rest up",
       [](Store& store) {
         for (int64_t sequence = kCount; sequence >= 7; --sequence) {
           Put(store, audit::kEntries, sequence + 1, Get(store, audit::kEntries, sequence));
           Put(store, audit::kEvents, sequence + 1, Get(store, audit::kEvents, sequence));
         }
         // A well-formed entry 7: after entry 6 in the chain and in the action's trail.
         audit::Entry forged = *audit::DecodeStored(Get(store, audit::kEntries, 6));
         forged.sequence = 7;
         forged.summary = "approved without evidence";
         forged.action_prev_sequence = 6;
         forged.action_prev_hash = forged.hash;
         audit::Seal(forged, forged.hash);
         Put(store, audit::kEntries, 7, audit::EncodeStored(forged));
         Put(store, audit::kEvents, 7, Get(store, audit::kEvents, 6));
         PutHead(store, audit::EncodeHead({kCount + 1, std::string(64, 'e')}));
       },
       8, "SEQUENCE_MISMATCH"},
      {"append an entry behind the head's back",
       [](Store& store) {
         audit::Entry extra = *audit::DecodeStored(Get(store, audit::kEntries, kCount));
         extra.sequence = kCount + 1;
         audit::Seal(extra, extra.hash);
         Put(store, audit::kEntries, kCount + 1, audit::EncodeStored(extra));
         Put(store, audit::kEvents, kCount + 1, Get(store, audit::kEvents, kCount));
       },
       kCount + 1, "UNEXPECTED_ENTRY"},
      {"relink an action's trail past an entry and reseal the chain",
       [&](Store& store) {
         audit::Entry entry = *audit::DecodeStored(Get(store, audit::kEntries, 10));
         ASSERT_EQ(entry.action_prev_sequence, 9);
         const audit::Entry skipped_to = *audit::DecodeStored(Get(store, audit::kEntries, 8));
         entry.action_prev_sequence = 8;
         entry.action_prev_hash = skipped_to.hash;
         Put(store, audit::kEntries, 10, audit::EncodeStored(entry));
         reseal_from(store, 10);
         const audit::Entry last = *audit::DecodeStored(Get(store, audit::kEntries, kCount));
         PutHead(store, audit::EncodeHead({kCount, last.hash}));
       },
       10, "LINK_MISMATCH"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    // Each case starts from the intact chain, kept aside.
    std::map<std::string, std::map<int64_t, std::string>> saved;
    std::string head;
    StopService();
    {
      auto store =
          projection::ProjectionStore::Open(StorePath(), audit::AuditProjection().Tables());
      ASSERT_TRUE(store.ok());
      for (const char* table : {audit::kEntries, audit::kEvents}) {
        for (int64_t sequence = 1; sequence <= kCount; ++sequence) {
          saved[table][sequence] = Get(**store, table, sequence);
        }
      }
      auto stored_head = projection::StoreReadView(**store).Get(audit::kHeads, "acme");
      ASSERT_TRUE(stored_head.ok() && stored_head->has_value());
      head = **stored_head;
    }
    StartService();
    ExpectBroken(TamperAndVerify(c.tamper), c.sequence, c.reason);
    const bool restored = TamperAndVerify([&](Store& store) {
                            for (const auto& [table, entries] : saved) {
                              for (const auto& [sequence, value] : entries) {
                                Put(store, table.c_str(), sequence, value);
                              }
                            }
                            Delete(store, audit::kEntries, kCount + 1);
                            Delete(store, audit::kEvents, kCount + 1);
                            PutHead(store, head);
                          }).intact();
    ASSERT_TRUE(restored);
  }
}

TEST_F(TamperTest, AlteringAStoredEventIsNamed) {
  ExpectBroken(TamperAndVerify([](projection::ProjectionStore& store) {
                 v1::EventEnvelope event;
                 ASSERT_TRUE(event.ParseFromString(Get(store, audit::kEvents, 7)));
                 event.mutable_progress_reported()->set_percent_complete(100);
                 Put(store, audit::kEvents, 7, event.SerializeAsString());
               }),
               7, "EVENT_MISMATCH");
}

TEST_F(TamperTest, ARangeVerifiesFromItsStartAndStillNamesTheBreak) {
  const auto response = TamperAndVerify(
      [](projection::ProjectionStore& store) { Delete(store, audit::kEntries, 14); }, 10, 18);
  ExpectBroken(response, 14, "MISSING_ENTRY");
  EXPECT_EQ(response.entries_checked(), 4);
  const auto clean = Verify(15, 18);
  EXPECT_TRUE(clean.intact());
  EXPECT_EQ(clean.entries_checked(), 4);
}

TEST_F(TamperTest, ADamagedEntryEndsAnExportWithDataLossAfterTheRowsBeforeIt) {
  StopService();
  {
    auto store = projection::ProjectionStore::Open(StorePath(), audit::AuditProjection().Tables());
    ASSERT_TRUE(store.ok()) << store.status();
    Put(**store, audit::kEntries, 12, "garbage");
  }
  StartService(/*chunk_bytes=*/512);  // several messages before the damage
  for (const auto format : {v1::AUDIT_EXPORT_FORMAT_CSV, v1::AUDIT_EXPORT_FORMAT_JSON_LINES}) {
    v1::ExportAuditLogRequest request;
    request.set_format(format);
    const Export exported = ExportLog(request, Auditor());
    EXPECT_EQ(exported.status.error_code(), grpc::StatusCode::DATA_LOSS);
    EXPECT_NE(exported.status.error_message().find("audit entry 12 is damaged"), std::string::npos)
        << exported.status.error_message();
    EXPECT_GT(exported.messages, 1);
    EXPECT_FALSE(exported.data.empty());
  }
  EXPECT_FALSE(Verify().intact());
}

TEST_F(TamperTest, ANumberStoredInANonCanonicalFormVerifiesAndExportsAsItsValue) {
  // The first entry's log_offset is 0; stored as "-0" it decodes to the same value, so verification
  // and exports give what they gave for "0" (the export writes the canonical "0").
  v1::ExportAuditLogRequest request;
  request.set_format(v1::AUDIT_EXPORT_FORMAT_CSV);
  const Export before = ExportLog(request, Auditor());
  ASSERT_TRUE(before.status.ok());
  const auto response = TamperAndVerify([](projection::ProjectionStore& store) {
    const std::string stored = Get(store, audit::kEntries, 1);
    const audit::StoredView view = *audit::ViewStored(stored);
    ASSERT_EQ(view[audit::Field::kLogOffset], "0");
    std::string rewritten;
    const auto frame = [&](std::string_view value) {
      rewritten += std::to_string(value.size()) + ":" + std::string(value) + "\n";
    };
    frame(audit::kCanonicalTag);
    for (size_t i = 0; i < audit::CanonicalFieldCount(view.version); ++i) {
      frame(i == static_cast<size_t>(audit::Field::kLogOffset) ? "-0" : view.fields[i]);
    }
    frame(view.prev_hash);
    frame(view.hash);
    Put(store, audit::kEntries, 1, rewritten);
  });
  EXPECT_TRUE(response.intact()) << response.DebugString();
  const Export after = ExportLog(request, Auditor());
  ASSERT_TRUE(after.status.ok());
  EXPECT_EQ(after.data, before.data);
}

}  // namespace
}  // namespace reviewtrail::audit_service::testing
