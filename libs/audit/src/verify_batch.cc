#include "verify_batch.h"

namespace reviewtrail::audit {

void VerifyBatch::Clear() {
  bytes_.clear();
  items_.clear();
}

size_t VerifyBatch::Copy(std::string_view bytes) {
  const size_t at = bytes_.size();
  bytes_.append(bytes);
  return at;
}

void VerifyBatch::Add(int64_t sequence, std::string_view stored, std::string_view event) {
  const size_t stored_at = Copy(stored);
  const size_t event_at = Copy(event);
  items_.push_back(
      {sequence, stored_at, stored.size(), StoredEntry::Event::kPresent, event_at, event.size()});
}

void VerifyBatch::AddWithoutEvent(int64_t sequence, std::string_view stored) {
  const size_t stored_at = Copy(stored);
  items_.push_back({sequence, stored_at, stored.size(), StoredEntry::Event::kMissing, 0, 0});
}

std::span<const StoredEntry> VerifyBatch::Entries() {
  entries_.clear();
  const std::string_view bytes = bytes_;
  for (const Item& item : items_) {
    entries_.push_back({.key_sequence = item.sequence,
                        .stored = bytes.substr(item.stored_at, item.stored_size),
                        .event_state = item.event_state,
                        .event = bytes.substr(item.event_at, item.event_size)});
  }
  return entries_;
}

}  // namespace reviewtrail::audit
