#!/usr/bin/env python3
"""Writes helm/reviewtrail/files/reviewtrail.json, the ReviewTrail Grafana dashboard (the one copy:
the chart's ConfigMap inserts it and deploy/compose.yaml mounts it into Grafana).

The JSON is what Grafana loads; this script is how it is kept consistent (one filter on every
query, one layout). Edit here, run `python3 deploy/grafana/make_dashboard.py`, commit the JSON.
The test observability_test checks that every metric the dashboard queries is exported.
"""
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
DS = {"type": "prometheus", "uid": "${datasource}"}
# Every query is narrowed by the namespace, service and instance variables.
F = 'namespace=~"$namespace", job=~"$job", instance=~"$instance"'
SERVER_ERRORS = "INTERNAL|UNAVAILABLE|DEADLINE_EXCEEDED|UNKNOWN|DATA_LOSS|RESOURCE_EXHAUSTED|UNIMPLEMENTED"

panels = []
y = 0
x = 0
next_id = 1


def new_id():
    global next_id
    next_id += 1
    return next_id - 1


def row(title):
    global y, x
    if x:
        x = 0
        y += 8
    panels.append({"id": new_id(), "type": "row", "title": title, "collapsed": False,
                   "gridPos": {"x": 0, "y": y, "w": 24, "h": 1}, "panels": []})
    y += 1


def place(w, h):
    global x, y
    if x + w > 24:
        x = 0
        y += 8
    pos = {"x": x, "y": y, "w": w, "h": h}
    x += w
    if x >= 24:
        x = 0
        y += h
    return pos


def targets(exprs):
    out = []
    for i, (expr, legend) in enumerate(exprs):
        out.append({"refId": chr(ord("A") + i), "datasource": DS, "expr": expr,
                    "legendFormat": legend, "range": True, "instant": False})
    return out


def timeseries(title, description, exprs, unit="short", stack=False, w=12, h=8):
    panels.append({
        "id": new_id(), "type": "timeseries", "title": title, "description": description,
        "datasource": DS, "gridPos": place(w, h), "targets": targets(exprs),
        "fieldConfig": {"defaults": {"unit": unit, "custom": {
            "drawStyle": "line", "lineWidth": 1, "fillOpacity": 30 if stack else 10,
            "showPoints": "never",
            "stacking": {"mode": "normal" if stack else "none", "group": "A"}}},
            "overrides": []},
        "options": {"legend": {"displayMode": "table", "placement": "right", "showLegend": True,
                               "calcs": ["lastNotNull", "max"]},
                    "tooltip": {"mode": "multi", "sort": "desc"}}})


def stat(title, description, exprs, mappings=None, steps=None, unit="short", w=12, h=4):
    panels.append({
        "id": new_id(), "type": "stat", "title": title, "description": description,
        "datasource": DS, "gridPos": place(w, h), "targets": targets(exprs),
        "fieldConfig": {"defaults": {
            "unit": unit, "mappings": mappings or [],
            "thresholds": {"mode": "absolute", "steps": steps or [{"color": "green", "value": None}]}},
            "overrides": []},
        "options": {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                    "colorMode": "background", "graphMode": "none", "textMode": "value_and_name"}})


UP_DOWN = [{"type": "value", "options": {"0": {"text": "DOWN", "color": "red"},
                                         "1": {"text": "UP", "color": "green"}}}]
RED_GREEN = [{"color": "red", "value": None}, {"color": "green", "value": 1}]


def quantiles(metric, by=""):
    by_le = f"{by}, le" if by else "le"
    return [(f"histogram_quantile({q}, sum by ({by_le}) (rate({metric}_bucket{{{F}}}[$__rate_interval])))",
             (f"{{{{{by}}}}} " if by else "") + f"p{int(q * 100)}") for q in (0.5, 0.9, 0.99)]


row("Services")
stat("Targets up", "1 when Prometheus scrapes the service's /metrics (alert ReviewTrailServiceDown).",
     [(f'up{{{F}}}', "{{namespace}} {{job}} {{instance}}")], UP_DOWN, RED_GREEN)
stat("Projectors up", "reviewtrail_projector_up: 0 when a projector failed and applies nothing while "
     "records wait (alert ReviewTrailProjectorStopped).",
     [(f"reviewtrail_projector_up{{{F}}}", "{{job}} {{projection}}")], UP_DOWN, RED_GREEN)

row("Commands")
timeseries("Commands by result", "reviewtrail_commands_total: ok, a refused rule / request error "
           "code, or a server-side error code.",
           [(f"sum by (result) (rate(reviewtrail_commands_total{{{F}}}[$__rate_interval]))", "{{result}}")],
           "reqps", stack=True)
timeseries("Commands by command", "reviewtrail_commands_total by RPC.",
           [(f"sum by (command) (rate(reviewtrail_commands_total{{{F}}}[$__rate_interval]))", "{{command}}")],
           "reqps", stack=True)
timeseries("Command latency quantiles", "reviewtrail_command_duration_seconds: receipt to reply, "
           "including the durable append (alert ReviewTrailCommandLatencyP99High).",
           quantiles("reviewtrail_command_duration_seconds"), "s")
timeseries("Command server-side error ratio", "Failed commands with a server-side code over all "
           "commands (alert ReviewTrailCommandErrorRatioHigh at 5 %).",
           [(f'sum by (namespace, job) (rate(reviewtrail_commands_total{{{F}, result=~"{SERVER_ERRORS}"}}[$__rate_interval])) '
             f"/ sum by (namespace, job) (rate(reviewtrail_commands_total{{{F}}}[$__rate_interval]))",
             "{{namespace}} {{job}}")], "percentunit")

row("Queries")
timeseries("Queries by RPC and code", "reviewtrail_queries_total.",
           [(f"sum by (rpc, code) (rate(reviewtrail_queries_total{{{F}}}[$__rate_interval]))", "{{rpc}} {{code}}")],
           "reqps", stack=True)
timeseries("Query server-side error ratio", "Alert ReviewTrailQueryErrorRatioHigh at 5 %.",
           [(f'sum by (namespace, job) (rate(reviewtrail_queries_total{{{F}, code=~"{SERVER_ERRORS}"}}[$__rate_interval])) '
             f"/ sum by (namespace, job) (rate(reviewtrail_queries_total{{{F}}}[$__rate_interval]))",
             "{{namespace}} {{job}}")], "percentunit")
timeseries("Query latency quantiles", "reviewtrail_query_duration_seconds: receipt to answer, waits "
           "for a min_position included.", quantiles("reviewtrail_query_duration_seconds"), "s")
timeseries("Read-your-writes wait p99", "reviewtrail_query_position_wait_seconds: how long queries "
           "waited for the projection to reach their min_position.",
           [(f"histogram_quantile(0.99, sum by (le) (rate(reviewtrail_query_position_wait_seconds_bucket{{{F}}}[$__rate_interval])))",
             "p99")], "s")

row("Projections")
timeseries("Projection lag (events) per projection / partition", "reviewtrail_projection_lag_events.",
           [(f'max by (projection, partition) (reviewtrail_projection_lag_events{{{F}, projection=~"$projection"}})',
             "{{projection}} p{{partition}}")])
timeseries("Projection lag (seconds) per projection / partition", "reviewtrail_projection_lag_seconds.",
           [(f'max by (projection, partition) (reviewtrail_projection_lag_seconds{{{F}, projection=~"$projection"}})',
             "{{projection}} p{{partition}}")], "s")
timeseries("Events applied by projection", "reviewtrail_projection_events_total.",
           [(f'sum by (projection) (rate(reviewtrail_projection_events_total{{{F}, projection=~"$projection"}}[$__rate_interval]))',
             "{{projection}}")], "ops")
timeseries("Skipped records by projection and reason", "reviewtrail_projection_skipped_total "
           "(alert ReviewTrailProjectionSkippedRecords).",
           [(f'sum by (projection, reason) (increase(reviewtrail_projection_skipped_total{{{F}, projection=~"$projection"}}[$__rate_interval]))',
             "{{projection}} {{reason}}")])

row("Audit")
stat("Audit chains intact", "reviewtrail_audit_chain_intact from the background verification: 0 "
     "means a chain does not verify, possible tampering (alert ReviewTrailAuditChainBroken).",
     [(f"min by (namespace, job, instance) (reviewtrail_audit_chain_intact{{{F}}})", "{{job}} {{instance}}")],
     [{"type": "value", "options": {"0": {"text": "BROKEN", "color": "red"},
                                    "1": {"text": "INTACT", "color": "green"}}}], RED_GREEN, w=8)
stat("Chains broken", "reviewtrail_audit_chains_broken: tenants whose chain is known broken.",
     [(f"sum by (namespace, job) (reviewtrail_audit_chains_broken{{{F}}})", "{{job}}")],
     steps=[{"color": "green", "value": None}, {"color": "red", "value": 1}], w=8)
stat("Since the last verification", "Age of the last background verification run without error "
     "(alert ReviewTrailAuditVerificationStale after 30 minutes).",
     [(f"time() - max by (namespace, job, instance) (reviewtrail_audit_chain_verified_timestamp_seconds{{{F}}})",
       "{{job}} {{instance}}")], unit="s",
     steps=[{"color": "green", "value": None}, {"color": "red", "value": 1800}], w=8)
timeseries("Background verification runs", "reviewtrail_audit_chain_verification_runs_total by "
           "mode (incremental, full) and result.",
           [(f"sum by (mode, result) (increase(reviewtrail_audit_chain_verification_runs_total{{{F}}}[$__rate_interval]))",
             "{{mode}} {{result}}")])
timeseries("Entries re-hashed", "reviewtrail_audit_chain_verified_entries_total (background) and "
           "reviewtrail_audit_verified_entries_total (VerifyAuditLog calls).",
           [(f"sum(rate(reviewtrail_audit_chain_verified_entries_total{{{F}}}[$__rate_interval]))", "background"),
            (f"sum(rate(reviewtrail_audit_verified_entries_total{{{F}}}[$__rate_interval]))", "requests")], "ops")
timeseries("Audit API calls by RPC and code", "reviewtrail_audit_requests_total (alert "
           "ReviewTrailAuditRequestErrorRatioHigh).",
           [(f"sum by (rpc, code) (rate(reviewtrail_audit_requests_total{{{F}}}[$__rate_interval]))", "{{rpc}} {{code}}")],
           "reqps", stack=True)
timeseries("Verifications and export rows", "reviewtrail_audit_verifications_total by result and "
           "reviewtrail_audit_export_rows_total by format.",
           [(f"sum by (result) (rate(reviewtrail_audit_verifications_total{{{F}}}[$__rate_interval]))", "verify {{result}}"),
            (f"sum by (format) (rate(reviewtrail_audit_export_rows_total{{{F}}}[$__rate_interval]))", "rows {{format}}")])

row("Notifier")
timeseries("Notifier lateness", "Seconds the next planned wake-up lies in the past (alert "
           "ReviewTrailNotifierStalled above 15 minutes); 0 or below: on time.",
           [(f"time() - (reviewtrail_notifier_next_wakeup_timestamp_seconds{{{F}}} > 0)", "{{job}} {{instance}}")], "s")
timeseries("Deliveries by channel and result", "reviewtrail_notifier_deliveries_total (alerts "
           "ReviewTrailNotifierDeliveriesFailing, ReviewTrailNotifierDeliveriesRetrying).",
           [(f"sum by (channel, result) (increase(reviewtrail_notifier_deliveries_total{{{F}}}[$__rate_interval]))",
             "{{channel}} {{result}}")], stack=True)
timeseries("Reminders and escalations recorded", "reviewtrail_notifier_notifications_total by kind "
           "and result.",
           [(f"sum by (kind, result) (increase(reviewtrail_notifier_notifications_total{{{F}}}[$__rate_interval]))",
             "{{kind}} {{result}}")], stack=True)
timeseries("Delivery latency p99", "reviewtrail_notifier_delivery_latency_seconds: record to delivery.",
           [(f"histogram_quantile(0.99, sum by (channel, le) (rate(reviewtrail_notifier_delivery_latency_seconds_bucket{{{F}}}[$__rate_interval])))",
             "{{channel}}")], "s")
timeseries("Outbox and actions", "reviewtrail_notifier_deliveries_pending, actions tracked and "
           "overdue (per tenant only with --metrics-tenant-labels).",
           [(f"sum by (namespace, job) (reviewtrail_notifier_deliveries_pending{{{F}}})", "pending deliveries"),
            (f"sum by (namespace, job) (reviewtrail_notifier_actions_tracked{{{F}}})", "actions tracked"),
            (f"sum by (namespace, job) (reviewtrail_notifier_actions_overdue{{{F}}})", "actions overdue")])

row("Kafka")
timeseries("Producer queue", "reviewtrail_kafka_producer_queue_messages: events handed to librdkafka "
           "and not yet acknowledged by the brokers (acks=all). Growing: the brokers do not keep up or "
           "are unreachable; an append gives up after --command-deadline-ms.",
           [(f"sum by (job, instance) (reviewtrail_kafka_producer_queue_messages{{{F}}})", "{{job}} {{instance}}")])
timeseries("Producer sends", "reviewtrail_kafka_producer_messages_sent_total and _bytes_sent_total "
           "(retries included).",
           [(f"sum by (job) (rate(reviewtrail_kafka_producer_messages_sent_total{{{F}}}[$__rate_interval]))", "{{job}} messages/s"),
            (f"sum by (job) (rate(reviewtrail_kafka_producer_bytes_sent_total{{{F}}}[$__rate_interval]))", "{{job}} bytes/s")])
timeseries("Broker request errors", "reviewtrail_kafka_broker_request_errors_total: failed "
           "transmissions and timed-out requests, per broker (alert ReviewTrailKafkaRequestErrors).",
           [(f"sum by (job, broker) (rate(reviewtrail_kafka_broker_request_errors_total{{{F}}}[$__rate_interval]))",
             "{{job}} broker {{broker}}")], "reqps")
timeseries("Consumer lag (records) per topic", "reviewtrail_kafka_consumer_lag_messages: records of "
           "the topic beyond what each consumer (a projection's or a subscriber stream's) has handed to "
           "its reader; the largest per service and instance (alert ReviewTrailKafkaConsumerLagGrowing).",
           [(f"max by (job, instance, topic) (reviewtrail_kafka_consumer_lag_messages{{{F}}})",
             "{{job}} {{instance}} {{topic}}")])
timeseries("Broker round trip (p99 and average)", "reviewtrail_kafka_broker_rtt_p99_seconds and "
           "_avg_seconds per broker over librdkafka's last statistics interval (alert "
           "ReviewTrailKafkaBrokerRttHigh). A lone append pays about one round trip.",
           [(f"max by (job, broker) (reviewtrail_kafka_broker_rtt_p99_seconds{{{F}}})", "{{job}} broker {{broker}} p99"),
            (f"avg by (job, broker) (reviewtrail_kafka_broker_rtt_avg_seconds{{{F}}})", "{{job}} broker {{broker}} avg")], "s")
timeseries("Outstanding broker requests", "reviewtrail_kafka_broker_outstanding_requests: requests "
           "waiting to be sent or for their response, per broker.",
           [(f"sum by (job, broker) (reviewtrail_kafka_broker_outstanding_requests{{{F}}})", "{{job}} broker {{broker}}")])
timeseries("Append batch size (events per group commit)", "reviewtrail_append_batch_events: how many "
           "events share one append.",
           quantiles("reviewtrail_append_batch_events")[::2] +
           [(f"sum(rate(reviewtrail_append_batch_events_count{{{F}}}[$__rate_interval]))", "batches/s")])

row("RocksDB")
timeseries("Write stalls", "reviewtrail_rocksdb_stall_seconds_total: share of time writers of each "
           "store waited in RocksDB stalls and slowdowns (alert ReviewTrailRocksDBWritesStalling); "
           "reviewtrail_rocksdb_write_stopped: 1 while every write waits (alert ReviewTrailRocksDBWritesStopped).",
           [(f"sum by (job, store) (rate(reviewtrail_rocksdb_stall_seconds_total{{{F}}}[$__rate_interval]))", "{{job}} {{store}} stalled"),
            (f"max by (job, store) (reviewtrail_rocksdb_write_stopped{{{F}}})", "{{job}} {{store}} stopped")], "percentunit")
timeseries("Delayed write rate", "reviewtrail_rocksdb_delayed_write_rate_bytes_per_second: the rate "
           "RocksDB holds writes to while it delays them; 0 when not delayed.",
           [(f"max by (job, store) (reviewtrail_rocksdb_delayed_write_rate_bytes_per_second{{{F}}})", "{{job}} {{store}}")], "Bps")
timeseries("Pending compaction", "reviewtrail_rocksdb_pending_compaction_bytes: bytes compaction must "
           "still rewrite; writes slow down at 64 GiB and stop at 256 GiB.",
           [(f"max by (job, store) (reviewtrail_rocksdb_pending_compaction_bytes{{{F}}})", "{{job}} {{store}}")], "bytes")
timeseries("Running compactions", "reviewtrail_rocksdb_running_compactions.",
           [(f"sum by (job, store) (reviewtrail_rocksdb_running_compactions{{{F}}})", "{{job}} {{store}}")])
timeseries("Memory: memtables and block cache", "reviewtrail_rocksdb_memtable_bytes and "
           "reviewtrail_rocksdb_block_cache_bytes per store.",
           [(f"sum by (job, store) (reviewtrail_rocksdb_memtable_bytes{{{F}}})", "{{job}} {{store}} memtables"),
            (f"sum by (job, store) (reviewtrail_rocksdb_block_cache_bytes{{{F}}})", "{{job}} {{store}} block cache")], "bytes")
timeseries("Live SST files", "reviewtrail_rocksdb_live_sst_bytes: the store's size on disk (its "
           "files in use).",
           [(f"sum by (job, store) (reviewtrail_rocksdb_live_sst_bytes{{{F}}})", "{{job}} {{store}}")], "bytes")

VARIABLES = [
    {"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus",
     "current": {}, "hide": 0, "refresh": 1, "options": []},
]


def variable(name, label, query, all_value=".*"):
    return {"name": name, "label": label, "type": "query", "datasource": DS,
            "query": {"query": query, "refId": name}, "definition": query, "multi": True,
            "includeAll": True, "allValue": all_value,
            "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
            "refresh": 2, "sort": 1, "options": []}


VARIABLES += [
    variable("namespace", "Namespace", 'label_values(up{job=~"reviewtrail-.*"}, namespace)'),
    variable("job", "Service", 'label_values(up{job=~"reviewtrail-.*", namespace=~"$namespace"}, job)',
             "reviewtrail-.*"),
    variable("instance", "Instance",
             'label_values(up{job=~"$job", namespace=~"$namespace"}, instance)'),
    variable("projection", "Projection",
             'label_values(reviewtrail_projection_lag_events{namespace=~"$namespace", job=~"$job"}, projection)'),
]

dashboard = {
    "uid": "reviewtrail-overview",
    "title": "ReviewTrail",
    "description": "ReviewTrail services: commands, queries, projections, audit chain verification, "
                   "notifier, Kafka, RocksDB. Generated by deploy/grafana/make_dashboard.py.",
    "tags": ["reviewtrail"],
    "timezone": "utc",
    "editable": True,
    "graphTooltip": 1,
    "refresh": "30s",
    "schemaVersion": 39,
    "version": 2,
    "time": {"from": "now-6h", "to": "now"},
    "templating": {"list": VARIABLES},
    "annotations": {"list": [{"builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"},
                              "enable": True, "hide": True, "iconColor": "rgba(0, 211, 255, 1)",
                              "name": "Annotations & Alerts", "type": "dashboard"}]},
    "panels": panels,
}

(ROOT / "helm/reviewtrail/files/reviewtrail.json").write_text(json.dumps(dashboard, indent=2) + "\n")
