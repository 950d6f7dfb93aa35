#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "reviewtrail/audit/chain_verifier.h"

namespace reviewtrail::audit {

// Stored entries and their events copied out of the store's iterators, one verification batch at
// a time; its memory is reused from batch to batch.
class VerifyBatch {
 public:
  void Clear();
  void Add(int64_t sequence, std::string_view stored, std::string_view event);
  // An entry whose stored event is missing.
  void AddWithoutEvent(int64_t sequence, std::string_view stored);

  [[nodiscard]] size_t size() const { return items_.size(); }
  [[nodiscard]] size_t bytes() const { return bytes_.size(); }
  // The entries added since Clear(), viewing this batch's copies (valid until the next change).
  [[nodiscard]] std::span<const StoredEntry> Entries();

 private:
  struct Item {
    int64_t sequence;
    size_t stored_at;
    size_t stored_size;
    StoredEntry::Event event_state;
    size_t event_at;
    size_t event_size;
  };
  size_t Copy(std::string_view bytes);

  std::string bytes_;
  std::vector<Item> items_;
  std::vector<StoredEntry> entries_;
};

}  // namespace reviewtrail::audit
