#include "write_model.h"

#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <filesystem>
#include <map>

#include "reviewtrail/domain/evolve.h"
#include "reviewtrail/eventlog/storage_status.h"
#include "reviewtrail/eventlog/store_statistics.h"
#include "reviewtrail/projection/key_codec.h"

namespace reviewtrail::command {
namespace {

std::string Key(char tag, std::initializer_list<std::string_view> parts) {
  std::string key(1, tag);
  for (std::string_view part : parts) {
    key.push_back('\0');
    key.append(part);
  }
  return key;
}

std::string AggregatePrefix(const std::string& tenant, v1::AggregateType type,
                            const std::string& id) {
  std::string prefix = Key('e', {tenant, std::to_string(type), id});
  prefix.push_back('\0');
  return prefix;
}

std::string CheckpointKey(int32_t partition) {
  std::string key = "p";
  projection::AppendBigEndian(key, static_cast<uint32_t>(partition), 4);
  return key;
}

std::string EncodeOrigin(const domain::CommandOrigin& origin) {
  std::string value = origin.fingerprint;
  value.push_back('\0');
  value.append(origin.command);
  value.push_back('\0');
  value.append(origin.subject);
  return value;
}

domain::CommandOrigin DecodeOrigin(std::string_view value) {
  domain::CommandOrigin origin;
  const size_t first = value.find('\0');
  const size_t second = first == std::string_view::npos ? first : value.find('\0', first + 1);
  if (second == std::string_view::npos) return origin;
  origin.fingerprint = value.substr(0, first);
  origin.command = value.substr(first + 1, second - first - 1);
  origin.subject = value.substr(second + 1);
  return origin;
}

// A full or read-only volume as eventlog::StorageStatus says (RESOURCE_EXHAUSTED, UNAVAILABLE);
// any other failure INTERNAL.
absl::Status ToStatus(const rocksdb::Status& status, std::string_view what) {
  absl::Status mapped = eventlog::StorageStatus(status, what);
  if (mapped.ok() || eventlog::IsStorageUnavailable(mapped)) return mapped;
  return absl::InternalError(mapped.message());
}

}  // namespace

absl::StatusOr<std::unique_ptr<WriteModel>> WriteModel::Open(
    const std::string& path, std::shared_ptr<eventlog::StoreMemory> memory) {
  // RocksDB logs a missing directory as an error while it creates a store: make it first (a real
  // failure to create it is reported by the open below).
  std::error_code ignored;
  std::filesystem::create_directories(path, ignored);
  rocksdb::Options options;
  options.create_if_missing = true;
  options.info_log = eventlog::StorageInfoLog("write model");
  options.IncreaseParallelism(2);
  options.statistics = eventlog::NewStoreStatistics();
  // Most lookups are of keys that do not exist (a new command id, a new aggregate): bloom filters
  // answer those without reading blocks, in the memtable and in the files.
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  // Its block cache and memtables are the process's store budget.
  if (memory == nullptr) memory = eventlog::ProcessStoreMemory();
  memory->Configure(options, options, table);
  options.memtable_whole_key_filtering = true;
  options.memtable_prefix_bloom_size_ratio = 0.05;
  rocksdb::DB* db = nullptr;
  const rocksdb::Status status = rocksdb::DB::Open(options, path, &db);
  if (!status.ok()) return ToStatus(status, "opening the write model at " + path);
  return std::unique_ptr<WriteModel>(new WriteModel(std::unique_ptr<rocksdb::DB>(db)));
}

absl::Status WriteModel::ResumeWrites() {
  return eventlog::ResumeWrites(*db_, "resuming writes to the write model");
}

absl::StatusOr<int64_t> WriteModel::Checkpoint(int32_t partition) const {
  std::string value;
  const rocksdb::Status status = db_->Get(rocksdb::ReadOptions(), CheckpointKey(partition), &value);
  if (status.IsNotFound()) return 0;
  if (!status.ok()) return ToStatus(status, "reading the write-model checkpoint");
  return projection::ReadBigEndian64(value);
}

absl::Status WriteModel::Index(int32_t partition, std::span<const LoggedEvent> events,
                               int64_t next_offset, Commands commands) {
  rocksdb::WriteBatch batch;
  // Replies of commands whose events are in this call, merged with what an earlier call recorded
  // when a command may be split across calls.
  std::map<std::string, v1::CommandReply> replies;
  // Every event of a command names the same origin: the first one seen is enough.
  std::map<std::string, domain::CommandOrigin> origins;
  for (const LoggedEvent& logged : events) {
    const v1::EventEnvelope& event = *logged.event;
    std::string key =
        AggregatePrefix(event.tenant_id(), event.aggregate_type(), event.aggregate_id());
    projection::AppendBigEndian(key, static_cast<uint64_t>(event.aggregate_version()), 8);
    batch.Put(key, event.SerializeAsString());

    const std::string reply_key = Key('c', {event.tenant_id(), event.command_id()});
    auto [it, inserted] = replies.try_emplace(reply_key);
    if (inserted && commands == Commands::kMaybeSplit) {
      std::string existing;
      const rocksdb::Status status = db_->Get(rocksdb::ReadOptions(), reply_key, &existing);
      if (status.ok()) {
        it->second.ParseFromString(existing);
      } else if (!status.IsNotFound()) {
        return ToStatus(status, "reading a command reply");
      }
    }
    if (inserted) {
      origins.try_emplace(Key('f', {event.tenant_id(), event.command_id()}),
                          domain::OriginOf(event));
    }
    v1::CommandReply& reply = it->second;
    reply.set_aggregate_id(event.aggregate_id());
    reply.set_entity_id(domain::EntityIdOf(event));
    reply.set_version(event.aggregate_version());
    reply.add_event_ids(event.event_id());
    reply.mutable_log_position()->set_partition(logged.position.partition);
    reply.mutable_log_position()->set_offset(logged.position.offset);

    if (event.has_decision_recorded()) {
      batch.Put(Key('d', {event.tenant_id(), event.decision_recorded().decision_id()}),
                event.aggregate_id());
    }
  }
  for (const auto& [key, reply] : replies) batch.Put(key, reply.SerializeAsString());
  for (const auto& [key, origin] : origins) batch.Put(key, EncodeOrigin(origin));
  std::string offset;
  projection::AppendBigEndian(offset, static_cast<uint64_t>(next_offset), 8);
  batch.Put(CheckpointKey(partition), offset);
  rocksdb::WriteOptions unlogged;
  unlogged.disableWAL = true;  // a crash loses only what the log still holds
  return ToStatus(db_->Write(unlogged, &batch), "indexing events");
}

absl::StatusOr<std::vector<v1::EventEnvelope>> WriteModel::LoadAggregate(
    const std::string& tenant_id, v1::AggregateType type, const std::string& id) const {
  const std::string prefix = AggregatePrefix(tenant_id, type, id);
  std::vector<v1::EventEnvelope> events;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (!events.emplace_back().ParseFromArray(it->value().data(),
                                              static_cast<int>(it->value().size()))) {
      return absl::DataLossError("undecodable event in the write model for " + id);
    }
  }
  if (!it->status().ok()) return ToStatus(it->status(), "loading " + id);
  return events;
}

absl::StatusOr<std::optional<AnsweredCommand>> WriteModel::FindReply(
    const std::string& tenant_id, const std::string& command_id) const {
  std::string value;
  const rocksdb::Status status =
      db_->Get(rocksdb::ReadOptions(), Key('c', {tenant_id, command_id}), &value);
  if (status.IsNotFound()) return std::nullopt;
  if (!status.ok()) return ToStatus(status, "reading a command reply");
  AnsweredCommand answered;
  if (!answered.reply.ParseFromString(value)) {
    return absl::DataLossError("undecodable command reply");
  }
  std::string origin;
  const rocksdb::Status found =
      db_->Get(rocksdb::ReadOptions(), Key('f', {tenant_id, command_id}), &origin);
  if (found.ok()) {
    answered.origin = DecodeOrigin(origin);
  } else if (!found.IsNotFound()) {
    return ToStatus(found, "reading a command's origin");
  }
  return answered;
}

absl::StatusOr<std::optional<std::string>> WriteModel::FindReviewOfDecision(
    const std::string& tenant_id, const std::string& decision_id) const {
  std::string value;
  const rocksdb::Status status =
      db_->Get(rocksdb::ReadOptions(), Key('d', {tenant_id, decision_id}), &value);
  if (status.IsNotFound()) return std::nullopt;
  if (!status.ok()) return ToStatus(status, "reading the decision index");
  return value;
}

}  // namespace reviewtrail::command
