#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace reviewtrail::projection {

// The key-value surface a projection works on: reads see the writes made earlier in the same
// batch. Tables are column families of the projection's store. A projection is a function
// (event, Changes) -> writes, so it can be unit-tested over MemoryChanges with no database.
class Changes {
 public:
  virtual ~Changes() = default;
  [[nodiscard]] virtual std::optional<std::string> Get(std::string_view table,
                                                       std::string_view key) = 0;
  virtual void Put(std::string_view table, std::string_view key, std::string_view value) = 0;
  virtual void Delete(std::string_view table, std::string_view key) = 0;
};

// Changes over an in-memory ordered map: for tests of projections.
class MemoryChanges final : public Changes {
 public:
  using Table = std::map<std::string, std::string, std::less<>>;

  [[nodiscard]] std::optional<std::string> Get(std::string_view table,
                                               std::string_view key) override {
    auto t = tables_.find(table);
    if (t == tables_.end()) return std::nullopt;
    auto it = t->second.find(key);
    if (it == t->second.end()) return std::nullopt;
    return it->second;
  }
  void Put(std::string_view table, std::string_view key, std::string_view value) override {
    Mutable(table)[std::string(key)] = std::string(value);
  }
  void Delete(std::string_view table, std::string_view key) override {
    Mutable(table).erase(std::string(key));
  }

  [[nodiscard]] const std::map<std::string, Table, std::less<>>& tables() const { return tables_; }
  [[nodiscard]] const Table& table(std::string_view name) { return Mutable(name); }

 private:
  Table& Mutable(std::string_view table) {
    auto it = tables_.find(table);
    if (it == tables_.end()) it = tables_.emplace(std::string(table), Table{}).first;
    return it->second;
  }

  std::map<std::string, Table, std::less<>> tables_;
};

}  // namespace reviewtrail::projection
