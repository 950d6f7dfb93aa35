#include "reviewtrail/audit/store_keys.h"

#include "reviewtrail/audit/entry.h"
#include "reviewtrail/digest/sha256.h"
#include "reviewtrail/projection/key_codec.h"

namespace reviewtrail::audit {

std::string TenantPrefix(std::string_view tenant) {
  std::string prefix(tenant);
  prefix.push_back('\0');
  return prefix;
}

std::string EntryKey(std::string_view tenant, int64_t sequence) {
  return TenantPrefix(tenant) + projection::BigEndian64(sequence);
}

std::optional<int64_t> SequenceOfEntryKey(std::string_view tenant, std::string_view key) {
  if (key.size() != tenant.size() + 9 || key.substr(0, tenant.size()) != tenant ||
      key[tenant.size()] != '\0') {
    return std::nullopt;
  }
  return projection::ReadBigEndian64(key.substr(tenant.size() + 1));
}

std::string EncodeHead(const Head& head) {
  return projection::BigEndian64(head.sequence) + head.hash;
}

std::optional<Head> DecodeHead(std::string_view value) {
  if (value.size() != 8 + 64 || !digest::IsSha256Hex(value.substr(8))) return std::nullopt;
  return Head{projection::ReadBigEndian64(value), std::string(value.substr(8))};
}

std::string IndexPrefix(std::string_view tenant, IndexKind kind, std::string_view id) {
  std::string prefix = TenantPrefix(tenant);
  prefix.push_back(static_cast<char>(kind));
  prefix.push_back('\0');
  prefix.append(id);
  prefix.push_back('\0');
  return prefix;
}

std::string IndexKey(std::string_view tenant, IndexKind kind, std::string_view id,
                     int64_t sequence) {
  return IndexPrefix(tenant, kind, id) + projection::BigEndian64(sequence);
}

std::string FactKey(std::string_view tenant, FactKind kind, std::string_view id) {
  std::string key = TenantPrefix(tenant);
  key.push_back(static_cast<char>(kind));
  key.push_back('\0');
  key.append(id);
  return key;
}

}  // namespace reviewtrail::audit
