#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "reviewtrail/eventlog/store_statistics.h"
#include "reviewtrail/v1/events.pb.h"

namespace reviewtrail::eventlog {

// A record's place in the log: its partition and its offset within that partition. Offsets start at
// 0 and grow by one per record; a partition's order is the order of its tenant's history.
struct Position {
  int32_t partition = 0;
  int64_t offset = 0;

  friend auto operator<=>(const Position&, const Position&) = default;
};

// CloudEvents Kafka binding, binary mode: ce_specversion, ce_id, ce_type, ce_source, ce_time,
// ce_subject, ce_dataschema and content-type, in that order (built by CloudEventsHeaders in
// cloudevents_headers.h; ce_time and ce_subject only when set).
using Headers = std::vector<std::pair<std::string, std::string>>;

// One record as stored. `value` holds the serialized EventEnvelope bytes exactly as appended, so a
// payload this build does not know is passed through untouched.
struct Record {
  Position position;
  std::string key;  // the tenant id
  std::string value;
  Headers headers;
};

// One tenant's events, in order, to append.
struct TenantEvents {
  std::string_view tenant_id;
  std::span<const v1::EventEnvelope> events;
};

// A cursor over a set of partitions, each from its own next offset. Owned and called by one thread.
class Subscription {
 public:
  virtual ~Subscription() = default;

  // Returns up to `max_records` records in per-partition order, waiting up to `timeout` for the
  // first one when none is ready (woken on append, no sleep loop). An empty vector means none came.
  [[nodiscard]] virtual absl::StatusOr<std::vector<Record>> Poll(
      size_t max_records, std::chrono::milliseconds timeout) = 0;
};

// The system of record. An acknowledged append is durable and is never lost, duplicated or
// reordered. Implementations are thread-safe: any thread may append, read or subscribe.
class EventLog {
 public:
  virtual ~EventLog() = default;

  [[nodiscard]] virtual int32_t PartitionCount() const = 0;

  // The partition that holds every event of `tenant_id` (murmur2 of the key, as Kafka's Java client
  // partitions, so every producer agrees).
  [[nodiscard]] virtual int32_t PartitionFor(std::string_view tenant_id) const = 0;

  // How many group commits the log makes at the same time: the embedded log syncs its shards in
  // parallel, and appends to one shard wait for one another. An appender per lane, each appending
  // the partitions p with p % lanes == its number, shares no commit with another and needs no
  // hand-off. At least 1.
  [[nodiscard]] virtual int32_t CommitLanes() const = 0;

  // Appends `events` (all of one tenant, in order) and returns their positions, only once the whole
  // batch is durable. Concurrent appends are group-committed. The same as AppendEach of one.
  [[nodiscard]] absl::StatusOr<std::vector<Position>> Append(
      std::string_view tenant_id, std::span<const v1::EventEnvelope> events);

  // Appends several tenants' events from one thread, as that many concurrent Append calls would:
  // each tenant's result (positions or error) is its own, and the whole set shares one group
  // commit. Returns one result per element of `appends`, in order, once every one is settled.
  [[nodiscard]] virtual std::vector<absl::StatusOr<std::vector<Position>>> AppendEach(
      std::span<const TenantEvents> appends) = 0;

  // The offset the next record appended to `partition` will get (the high watermark).
  [[nodiscard]] virtual absl::StatusOr<int64_t> EndOffset(int32_t partition) = 0;

  // Records of `partition` from offset `from` on, at most `max_records`.
  [[nodiscard]] virtual absl::StatusOr<std::vector<Record>> Read(int32_t partition, int64_t from,
                                                                 size_t max_records) = 0;
  // Read without the records' headers (left empty): for readers that use only keys and values,
  // such as projectors; the embedded log then does not decode them.
  [[nodiscard]] virtual absl::StatusOr<std::vector<Record>> ReadWithoutHeaders(
      int32_t partition, int64_t from, size_t max_records) = 0;

  // A cursor starting at the given positions (partition, next offset to read).
  [[nodiscard]] virtual absl::StatusOr<std::unique_ptr<Subscription>> Subscribe(
      std::vector<Position> start) = 0;

  // OK while appends can succeed; otherwise why not, and a service reports NOT_SERVING: a Kafka
  // producer's fatal error (for good: every later append fails with it), or the embedded log's
  // full or read-only volume (until a write succeeds again; see EmbeddedLog).
  [[nodiscard]] virtual absl::Status WriterHealth() const { return absl::OkStatus(); }

  // The figures of the log's own RocksDB databases (the embedded log: one per shard); none for a
  // log kept elsewhere (Kafka). Thread-safe.
  [[nodiscard]] virtual std::vector<StoreStatistics> StorageStatistics() const { return {}; }
};

}  // namespace reviewtrail::eventlog
