#include "reviewtrail/readmodel/action_wire.h"

#include <cstdint>

namespace reviewtrail::readmodel {
namespace {

enum WireType : uint32_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5,
};

// protobuf's limit of nested messages and groups.
constexpr int kMaxDepth = 100;

// A forward reader of protobuf wire bytes; every read fails (returns false) past the end.
class WireReader {
 public:
  explicit WireReader(std::string_view bytes) : rest_(bytes) {}

  [[nodiscard]] bool AtEnd() const { return rest_.empty(); }

  [[nodiscard]] bool Varint(uint64_t& value) {
    value = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (rest_.empty()) return false;
      const auto byte = static_cast<uint8_t>(rest_.front());
      rest_.remove_prefix(1);
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return true;
    }
    return false;  // more than 10 bytes
  }

  // A tag or a length as protobuf reads them: a varint of at most five bytes. Of a tag the fifth
  // byte's high bits are dropped (protobuf keeps the low 32 bits); a length must stay below 2^31.
  [[nodiscard]] bool Varint32(uint32_t& value, bool is_tag) {
    // One or two bytes, as the tags and lengths of a view are.
    if (!rest_.empty() && static_cast<uint8_t>(rest_[0]) < 0x80) {
      value = static_cast<uint8_t>(rest_[0]);
      rest_.remove_prefix(1);
      return true;
    }
    if (rest_.size() >= 2 && static_cast<uint8_t>(rest_[1]) < 0x80) {
      value = (static_cast<uint8_t>(rest_[0]) & 0x7fu) |
              (static_cast<uint32_t>(static_cast<uint8_t>(rest_[1])) << 7);
      rest_.remove_prefix(2);
      return true;
    }
    value = 0;
    for (int i = 0; i < 5; ++i) {
      if (rest_.empty()) return false;
      const auto byte = static_cast<uint8_t>(rest_.front());
      rest_.remove_prefix(1);
      if (i == 4 && !is_tag && byte >= 0x08) return false;
      value |= static_cast<uint32_t>(byte & 0x7f) << (7 * i);
      if ((byte & 0x80) == 0) return true;
    }
    return false;  // more than 5 bytes
  }

  [[nodiscard]] bool Tag(uint32_t& field, uint32_t& type) {
    uint32_t tag = 0;
    if (!Varint32(tag, /*is_tag=*/true) || (tag >> 3) == 0) return false;
    field = tag >> 3;
    type = tag & 7;
    return true;
  }

  [[nodiscard]] bool LengthDelimited(std::string_view& value) {
    uint32_t size = 0;
    if (!Varint32(size, /*is_tag=*/false) || size > rest_.size()) return false;
    value = rest_.substr(0, size);
    rest_.remove_prefix(size);
    return true;
  }

  [[nodiscard]] bool Skip(size_t size) {
    if (size > rest_.size()) return false;
    rest_.remove_prefix(size);
    return true;
  }

  // Skips the value of a field of wire type `type` (a group up to its end, nested ones included).
  [[nodiscard]] bool SkipValue(uint32_t field, uint32_t type, int depth) {
    uint64_t ignored = 0;
    std::string_view bytes;
    switch (type) {
      case kVarint:
        return Varint(ignored);
      case kFixed64:
        return Skip(8);
      case kLengthDelimited:
        return LengthDelimited(bytes);
      case kFixed32:
        return Skip(4);
      case kStartGroup: {
        if (depth >= kMaxDepth) return false;
        uint32_t inner_field = 0;
        uint32_t inner_type = 0;
        while (Tag(inner_field, inner_type)) {
          if (inner_type == kEndGroup) return inner_field == field;
          if (!SkipValue(inner_field, inner_type, depth + 1)) return false;
        }
        return false;
      }
      default:  // an end of group without its start, or no wire type
        return false;
    }
  }

 private:
  std::string_view rest_;
};

// google.type.Date's year (1), month (2) and day (3) into `date`, merging like protobuf.
bool DecodeDate(std::string_view bytes, domain::CivilDate& date) {
  WireReader reader(bytes);
  while (!reader.AtEnd()) {
    uint32_t field = 0;
    uint32_t type = 0;
    if (!reader.Tag(field, type)) return false;
    if (type == kVarint && field >= 1 && field <= 3) {
      uint64_t value = 0;
      if (!reader.Varint(value)) return false;
      const auto int32 = static_cast<int32_t>(static_cast<uint32_t>(value));
      (field == 1 ? date.year : field == 2 ? date.month : date.day) = int32;
    } else if (!reader.SkipValue(field, type, 1)) {
      return false;
    }
  }
  return true;
}

void AppendVarint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

void AppendLengthDelimited(std::string& out, uint32_t field, std::string_view value, size_t extra) {
  AppendVarint(out, (static_cast<uint64_t>(field) << 3) | kLengthDelimited);
  AppendVarint(out, value.size() + extra);
  out.append(value);
}

}  // namespace

bool DecodeActionListFields(std::string_view stored, ActionListFields& fields) {
  WireReader reader(stored);
  while (!reader.AtEnd()) {
    uint32_t field = 0;
    uint32_t type = 0;
    if (!reader.Tag(field, type)) return false;
    if (type == kLengthDelimited && (field == 2 || field == 3 || field == 7 || field == 8)) {
      std::string_view value;
      if (!reader.LengthDelimited(value)) return false;
      if (field == 2) {
        fields.review_id = value;
      } else if (field == 3) {
        fields.decision_id = value;
      } else if (field == 7) {
        fields.owner_id = value;
      } else if (!DecodeDate(value, fields.due)) {
        return false;
      }
    } else if (type == kVarint && (field == 10 || field == 26)) {
      uint64_t value = 0;
      if (!reader.Varint(value)) return false;
      if (field == 10) {
        fields.status = static_cast<v1::ActionStatus>(static_cast<int32_t>(value));
      } else {
        fields.has_overdue = true;
      }
    } else if (!reader.SkipValue(field, type, 0)) {
      return false;
    }
  }
  return true;
}

void AppendListedAction(std::string& page, std::string_view stored, bool overdue) {
  // overdue = true: tag (26 << 3 | varint) in two bytes, then 1.
  static constexpr char kOverdue[] = {static_cast<char>(0xd0), 0x01, 0x01};
  AppendLengthDelimited(page, v1::ListActionsResponse::kActionsFieldNumber, stored,
                        overdue ? sizeof(kOverdue) : 0);
  if (overdue) page.append(kOverdue, sizeof(kOverdue));
}

void AppendNextPageToken(std::string& page, std::string_view token) {
  if (token.empty()) return;
  AppendLengthDelimited(page, v1::ListActionsResponse::kNextPageTokenFieldNumber, token, 0);
}

void AppendHistoryEntry(std::string& record, const v1::HistoryEntry& entry) {
  AppendLengthDelimited(record, v1::ActionDetail::kHistoryFieldNumber, entry.SerializeAsString(),
                        0);
}

}  // namespace reviewtrail::readmodel
