#pragma once

#include <map>
#include <string>

#include "reviewtrail/projection/projection_store.h"
#include "reviewtrail/readmodel/keys.h"

namespace reviewtrail::query::testing {

// Every record of every read-model table, by table: what "identical read models" compares.
inline std::map<std::string, std::map<std::string, std::string>> StoreContents(
    projection::ProjectionStore& store) {
  std::map<std::string, std::map<std::string, std::string>> contents;
  for (const std::string& table : readmodel::AllTables()) {
    auto& records = contents[table];
    std::unique_ptr<rocksdb::Iterator> it(
        store.db().NewIterator(rocksdb::ReadOptions(), store.Table(table)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      records[it->key().ToString()] = it->value().ToString();
    }
  }
  return contents;
}

inline std::map<std::string, std::map<std::string, std::string>> StoreContents(
    const std::string& path) {
  auto store = projection::ProjectionStore::Open(path, readmodel::AllTables());
  if (!store.ok()) return {};
  return StoreContents(**store);
}

}  // namespace reviewtrail::query::testing
