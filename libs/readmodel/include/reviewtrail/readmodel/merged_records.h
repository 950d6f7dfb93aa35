#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "reviewtrail/projection/changes.h"

namespace reviewtrail::readmodel {

// Records of one table kept parsed while a batch of events is applied, and written once when it
// ends: each is read through Changes on first use, changed in memory by every later event, and
// serialized once by Flush. What many events of a batch update (dashboard counters, decisions'
// action counts) then costs one read and one write per batch instead of one per event, and the
// table holds exactly what event-by-event application would leave. One thread.
template <typename Message>
class MergedRecords {
 public:
  explicit MergedRecords(std::string_view table) : table_(table) {}

  // The record under `key` for changing it: empty when there is none (emplace to create it, reset
  // to delete it). Read through `changes` the first time the batch asks for it.
  [[nodiscard]] absl::StatusOr<std::optional<Message>*> Change(projection::Changes& changes,
                                                               std::string_view key) {
    auto [it, inserted] = records_.try_emplace(absl::string_view(key.data(), key.size()));
    if (inserted) {
      std::optional<std::string> value = changes.Get(table_, key);
      it->second.stored = value.has_value();
      if (value.has_value() && !it->second.message.emplace().ParseFromString(*value)) {
        records_.erase(it);
        return absl::DataLossError("unreadable record in " + table_);
      }
    }
    return &it->second.message;
  }

  // Writes every record changed since the last Flush (or deletes it) and forgets them all.
  void Flush(projection::Changes& changes) {
    for (const auto& [key, record] : records_) {
      if (record.message.has_value()) {
        changes.Put(table_, key, record.message->SerializeAsString());
      } else if (record.stored) {
        changes.Delete(table_, key);
      }
    }
    records_.clear();
  }

  // Forgets every record, unwritten.
  void Clear() { records_.clear(); }

 private:
  struct Record {
    std::optional<Message> message;
    bool stored = false;  // found in the table when first read
  };

  std::string table_;
  absl::flat_hash_map<std::string, Record> records_;
};

}  // namespace reviewtrail::readmodel
