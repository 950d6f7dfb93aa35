#pragma once

#include <map>
#include <string>

#include "reviewtrail/projection/projection_store.h"
#include "reviewtrail/projection/read_view.h"
#include "reviewtrail/readmodel/keys.h"

namespace reviewtrail::query::testing {

// Every record of every read-model table, by table: what "identical read models" compares.
inline std::map<std::string, std::map<std::string, std::string>> StoreContents(
    projection::ProjectionStore& store) {
  std::map<std::string, std::map<std::string, std::string>> contents;
  const projection::StoreReadView view(store);
  for (const std::string& table : readmodel::AllTables()) {
    auto& records = contents[table];
    (void)view.Scan(table, "", "", [&records](std::string_view key, std::string_view value) {
      records[std::string(key)] = std::string(value);
      return true;
    });
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
