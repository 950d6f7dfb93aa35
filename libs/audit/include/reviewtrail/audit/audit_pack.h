#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reviewtrail/audit/entry.h"
#include "reviewtrail/domain/state.h"

namespace reviewtrail::audit {

// One action of a review as the pack shows it: its current state and every audit entry about it.
struct PackAction {
  domain::ActionState state;
  bool overdue = false;
  std::vector<Entry> trail;
};

// Everything an audit pack of one review holds. A plain value, filled by the audit service.
struct PackData {
  std::string tenant_id;
  Micros generated_at = 0;
  int64_t head_sequence = 0;
  std::string head_hash;
  domain::ReviewState review;
  std::vector<Entry> review_trail;  // the review's own entries (held, decisions)
  std::vector<PackAction> actions;  // in order of assignment
};

// The pack as one JSON document ("format": "reviewtrail-audit-pack-v1"): review -> decisions ->
// actions -> evidence, approvals, reminders, escalations and the full trail, with hashes. Pure.
[[nodiscard]] std::string RenderPackJson(const PackData& pack);

// The pack as a printable, self-contained HTML page (inline CSS, no scripts, no external
// resources); every user text is HTML-escaped. Pure.
[[nodiscard]] std::string RenderPackHtml(const PackData& pack);

// Text with &, <, >, " and ' escaped for HTML.
[[nodiscard]] std::string HtmlEscape(std::string_view text);

}  // namespace reviewtrail::audit
