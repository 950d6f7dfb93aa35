#include "reviewtrail/eventlog/store_memory.h"

#include <rocksdb/cache.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_buffer_manager.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "reviewtrail/sync/mutex.h"

namespace reviewtrail::eventlog {
namespace {

constexpr char kBudgetRule[] =
    "must be a whole number of bytes with an optional binary unit KiB, MiB, GiB or TiB (e.g. "
    "256MiB, 1GiB), at least 32MiB";

struct Unit {
  std::string_view suffix;
  int shift;
};
constexpr std::array<Unit, 6> kUnits = {
    {{"KiB", 10}, {"MiB", 20}, {"GiB", 30}, {"TiB", 40}, {"B", 0}, {"", 0}}};

// Taken only once main runs (the server sets the budget before it opens any store).
reviewtrail::Mutex process_mu;

// Never destroyed: stores still open at exit keep their own references.
std::shared_ptr<StoreMemory>& ProcessMemory() ABSL_EXCLUSIVE_LOCKS_REQUIRED(process_mu) {
  static auto* memory = new std::shared_ptr<StoreMemory>();
  return *memory;
}

}  // namespace

absl::StatusOr<uint64_t> ParseMemoryBudget(std::string_view text) {
  const auto refuse = [&text] {
    return absl::InvalidArgumentError("\"" + std::string(text) + "\" " + kBudgetRule);
  };
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) return refuse();
  const std::string_view suffix = text.substr(digits);
  const auto unit = std::find_if(kUnits.begin(), kUnits.end(),
                                 [suffix](const Unit& u) { return u.suffix == suffix; });
  if (unit == kUnits.end()) return refuse();
  uint64_t number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + digits, number);
  if (error != std::errc() || end != text.data() + digits) return refuse();
  if (number > (std::numeric_limits<uint64_t>::max() >> unit->shift)) return refuse();
  const uint64_t bytes = number << unit->shift;
  if (bytes < kMinMemoryBudgetBytes) return refuse();
  return bytes;
}

StoreMemory::StoreMemory(uint64_t budget_bytes) : budget_bytes_(budget_bytes) {
  rocksdb::LRUCacheOptions cache;
  cache.capacity = budget_bytes;
  // Not strict: a strict cache fails a read when pinned entries fill it; this one goes over its
  // capacity by what is pinned and evicts the rest back under it.
  cache.strict_capacity_limit = false;
  // Index and filter blocks go to the high-priority pool, evicted after data blocks.
  cache.high_pri_pool_ratio = 0.5;
  cache_ = rocksdb::NewLRUCache(cache);
  write_buffers_ = std::make_shared<rocksdb::WriteBufferManager>(write_buffer_bytes(), cache_,
                                                                 /*allow_stall=*/false);
}

StoreMemory::~StoreMemory() = default;

std::shared_ptr<StoreMemory> StoreMemory::Create(uint64_t budget_bytes) {
  return std::shared_ptr<StoreMemory>(new StoreMemory(budget_bytes));
}

uint64_t StoreMemory::usage_bytes() const { return cache_->GetUsage(); }

uint64_t StoreMemory::memtable_bytes() const { return write_buffers_->memory_usage(); }

uint64_t StoreMemory::pinned_bytes() const { return cache_->GetPinnedUsage(); }

void StoreMemory::Configure(rocksdb::DBOptions& db, rocksdb::ColumnFamilyOptions& family,
                            const rocksdb::BlockBasedTableOptions& table) const {
  db.write_buffer_manager = write_buffers_;
  // Table readers open for every file (max_open_files -1) hold no index or filter outside the
  // cache: their memory is the cache's, whatever the number of files.
  rocksdb::BlockBasedTableOptions shared = table;
  shared.block_cache = cache_;
  shared.no_block_cache = false;
  shared.cache_index_and_filter_blocks = true;
  shared.cache_index_and_filter_blocks_with_high_priority = true;
  // The newest files' index and filter stay in (pinned, charged to the cache): reads of fresh keys
  // do not wait for them.
  shared.pin_l0_filter_and_index_blocks_in_cache = true;
  family.table_factory.reset(rocksdb::NewBlockBasedTableFactory(shared));
  // One memtable may not take the memtables' whole share.
  family.write_buffer_size =
      std::min<size_t>(family.write_buffer_size, static_cast<size_t>(write_buffer_bytes() / 2));
}

std::shared_ptr<StoreMemory> ProcessStoreMemory() {
  reviewtrail::MutexLock lock(&process_mu);
  std::shared_ptr<StoreMemory>& memory = ProcessMemory();
  if (memory == nullptr) memory = StoreMemory::Create(kDefaultMemoryBudgetBytes);
  return memory;
}

void SetProcessMemoryBudget(uint64_t budget_bytes) {
  std::shared_ptr<StoreMemory> memory = StoreMemory::Create(budget_bytes);
  reviewtrail::MutexLock lock(&process_mu);
  ProcessMemory() = std::move(memory);
}

}  // namespace reviewtrail::eventlog
