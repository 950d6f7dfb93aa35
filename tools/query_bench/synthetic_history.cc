#include "synthetic_history.h"

#include "reviewtrail/domain/civil_date.h"

namespace reviewtrail::tools {
namespace {

constexpr int64_t kMicrosPerDay = 86'400'000'000;

struct TenantStream {
  std::string tenant;
  int64_t version_of_review = 0;
  int64_t next_action = 0;
};

void Stamp(v1::EventEnvelope& event, const std::string& tenant, v1::AggregateType type,
           const std::string& id, int64_t version, int64_t micros, const std::string& actor) {
  event.set_event_id("evt-" + tenant + "-" + id + "-" + std::to_string(version));
  event.set_tenant_id(tenant);
  event.set_aggregate_type(type);
  event.set_aggregate_id(id);
  event.set_aggregate_version(version);
  event.mutable_occurred_at()->set_seconds(micros / 1'000'000);
  *event.mutable_recorded_at() = event.occurred_at();
  event.mutable_actor()->set_person_id(actor);
}

}  // namespace

std::string TenantName(int tenant) { return "tenant-" + std::to_string(tenant); }
std::string OwnerName(int owner) { return "owner-" + std::to_string(owner); }

int64_t GenerateHistory(int64_t total_events, int tenants, int owners, int64_t today_days,
                        const std::function<void(const std::string& tenant,
                                                 std::vector<v1::EventEnvelope>& events)>& emit) {
  int64_t emitted = 0;
  int64_t actions = 0;
  const int64_t start_micros = (today_days - 200) * kMicrosPerDay;
  std::vector<TenantStream> streams(static_cast<size_t>(tenants));
  // Set-up: persons, a review and its decisions.
  for (int t = 0; t < tenants && emitted < total_events; ++t) {
    TenantStream& stream = streams[static_cast<size_t>(t)];
    stream.tenant = TenantName(t);
    std::vector<v1::EventEnvelope> events;
    for (int o = 0; o < owners; ++o) {
      v1::EventEnvelope event;
      Stamp(event, stream.tenant, v1::AGGREGATE_TYPE_PERSON, OwnerName(o), 1, start_micros, "mia");
      auto* person = event.mutable_person_registered();
      person->set_person_id(OwnerName(o));
      person->set_display_name("Owner " + std::to_string(o));
      person->set_email(OwnerName(o) + "@example.com");
      events.push_back(std::move(event));
    }
    v1::EventEnvelope review;
    Stamp(review, stream.tenant, v1::AGGREGATE_TYPE_REVIEW, "rev-1", 1, start_micros, "mia");
    review.mutable_review_held()->set_review_id("rev-1");
    review.mutable_review_held()->set_title("Management review");
    *review.mutable_review_held()->mutable_held_on() =
        domain::CivilDate::FromDaysSinceEpoch(today_days - 200).ToProto();
    events.push_back(std::move(review));
    for (int d = 0; d < 20; ++d) {
      v1::EventEnvelope decision;
      Stamp(decision, stream.tenant, v1::AGGREGATE_TYPE_REVIEW, "rev-1", 2 + d, start_micros,
            "mia");
      auto* recorded = decision.mutable_decision_recorded();
      recorded->set_review_id("rev-1");
      recorded->set_decision_id("dec-" + std::to_string(d));
      recorded->set_summary("Decision " + std::to_string(d));
      recorded->set_rationale("Because");
      recorded->set_category(v1::DECISION_CATEGORY_ISMS_CHANGE);
      events.push_back(std::move(decision));
    }
    emitted += static_cast<int64_t>(events.size());
    emit(stream.tenant, events);
  }
  // Actions, round-robin over tenants, in batches of up to 1000 events per tenant.
  while (emitted < total_events) {
    for (TenantStream& stream : streams) {
      std::vector<v1::EventEnvelope> events;
      while (events.size() < 1000 && emitted + static_cast<int64_t>(events.size()) < total_events) {
        const int64_t n = stream.next_action++;
        const std::string id = "act-" + std::to_string(n);
        const std::string owner = OwnerName(static_cast<int>(n % owners));
        const int64_t assigned_micros = start_micros + (n % 180) * kMicrosPerDay;
        v1::EventEnvelope assigned;
        Stamp(assigned, stream.tenant, v1::AGGREGATE_TYPE_ACTION, id, 1, assigned_micros, "mia");
        auto* payload = assigned.mutable_action_assigned();
        payload->set_action_id(id);
        payload->set_review_id("rev-1");
        payload->set_decision_id("dec-" + std::to_string(n % 20));
        payload->set_title("Action " + std::to_string(n));
        payload->set_expected_outcome("The control is in place");
        payload->set_completion_criteria("Evidence of the control attached");
        payload->set_owner_id(owner);
        *payload->mutable_due_date() =
            domain::CivilDate::FromDaysSinceEpoch(today_days - 180 + (n * 7919) % 360).ToProto();
        events.push_back(std::move(assigned));
        ++actions;
        int64_t version = 1;
        if (n % 3 == 0) {
          v1::EventEnvelope progress;
          Stamp(progress, stream.tenant, v1::AGGREGATE_TYPE_ACTION, id, ++version,
                assigned_micros + kMicrosPerDay, owner);
          progress.mutable_progress_reported()->set_action_id(id);
          progress.mutable_progress_reported()->set_percent_complete(40);
          progress.mutable_progress_reported()->set_note("started");
          events.push_back(std::move(progress));
        }
        if (n % 5 == 0) {
          v1::EventEnvelope evidence;
          Stamp(evidence, stream.tenant, v1::AGGREGATE_TYPE_ACTION, id, ++version,
                assigned_micros + 5 * kMicrosPerDay, owner);
          auto* attached = evidence.mutable_evidence_attached();
          attached->set_action_id(id);
          attached->set_evidence_id("evd-" + id);
          attached->set_kind(v1::EVIDENCE_KIND_TEST_RESULT);
          attached->set_uri("https://evidence.example/" + id);
          attached->set_sha256(std::string(64, 'b'));
          attached->set_size_bytes(4096);
          events.push_back(std::move(evidence));
          v1::EventEnvelope requested;
          Stamp(requested, stream.tenant, v1::AGGREGATE_TYPE_ACTION, id, ++version,
                assigned_micros + 6 * kMicrosPerDay, owner);
          requested.mutable_closure_requested()->set_action_id(id);
          events.push_back(std::move(requested));
          v1::EventEnvelope approved;
          Stamp(approved, stream.tenant, v1::AGGREGATE_TYPE_ACTION, id, ++version,
                assigned_micros + 7 * kMicrosPerDay, "mia");
          approved.mutable_closure_approved()->set_action_id(id);
          events.push_back(std::move(approved));
        }
      }
      if (events.empty()) break;
      emitted += static_cast<int64_t>(events.size());
      emit(stream.tenant, events);
      if (emitted >= total_events) break;
    }
  }
  return actions;
}

}  // namespace reviewtrail::tools
