#include "reviewtrail/audit/export_filter.h"

namespace reviewtrail::audit {

std::string_view ExportChainName(ExportChain chain) {
  switch (chain) {
    case ExportChain::kReview:
      return "review";
    case ExportChain::kAction:
      return "action";
    case ExportChain::kTenant:
      break;
  }
  return "tenant";
}

void ExportTrail::Add(const StoredView& row) {
  Add(row.version, row.sequence, row.prev_hash, row.hash, row.review_prev_sequence,
      row[Field::kReviewPrevHash], row.action_prev_sequence, row[Field::kActionPrevHash]);
}

void ExportTrail::Add(const Entry& row) {
  Add(row.version, row.sequence, row.prev_hash, row.hash, row.review_prev_sequence,
      row.review_prev_hash, row.action_prev_sequence, row.action_prev_hash);
}

void ExportTrail::Add(int version, int64_t sequence, std::string_view prev_hash,
                      std::string_view hash, int64_t review_prev_sequence,
                      std::string_view review_prev_hash, int64_t action_prev_sequence,
                      std::string_view action_prev_hash) {
  if (rows_ == 0) first_sequence_ = sequence;
  ++rows_;
  last_sequence_ = sequence;
  last_hash_.assign(hash);
  if (linked_) return;
  switch (chain_) {
    case ExportChain::kTenant:
      linked_ = true;
      first_prev_sequence_ = sequence - 1;
      first_prev_hash_.assign(prev_hash);
      return;
    case ExportChain::kReview:
    case ExportChain::kAction:
      if (version == 1) {
        ++unlinked_rows_;
        return;
      }
      linked_ = true;
      const bool review = chain_ == ExportChain::kReview;
      first_prev_sequence_ = review ? review_prev_sequence : action_prev_sequence;
      first_prev_hash_.assign(review ? review_prev_hash : action_prev_hash);
      return;
  }
}

void ExportTrail::Merge(const ExportTrail& later) {
  if (later.rows_ == 0) return;
  if (rows_ == 0) first_sequence_ = later.first_sequence_;
  rows_ += later.rows_;
  last_sequence_ = later.last_sequence_;
  last_hash_ = later.last_hash_;
  if (!linked_) {
    unlinked_rows_ += later.unlinked_rows_;
    linked_ = later.linked_;
    first_prev_sequence_ = later.first_prev_sequence_;
    first_prev_hash_ = later.first_prev_hash_;
  }
}

}  // namespace reviewtrail::audit
