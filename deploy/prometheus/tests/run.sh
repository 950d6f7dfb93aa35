#!/usr/bin/env bash
# Checks the alerting rules (helm/reviewtrail/files/rules.yml, the one copy: the chart's
# PrometheusRule and deploy/compose.yaml's Prometheus both read it): valid, and every alert covered
# by a unit test under deploy/prometheus/tests/ that passes (`promtool test rules`). Run by ctest as
# prometheus_rules_test; fails when promtool (Debian package `prometheus`) is missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
rules="$root/helm/reviewtrail/files/rules.yml"

if ! command -v promtool >/dev/null; then
  echo "promtool not found: install the Debian package prometheus (scripts/install-deps.sh)" >&2
  exit 1
fi
promtool check rules "$rules"

# Every alert of the rules must be named by at least one test case.
missing=0
while read -r alert; do
  if ! grep -qE "alertname: ${alert}\$" "$here"/*_test.yml; then
    echo "alert ${alert} has no promtool test in deploy/prometheus/tests/" >&2
    missing=1
  fi
done < <(sed -nE 's/^ *- alert: *([A-Za-z0-9_]+) *$/\1/p' "$rules")
[ "$missing" -eq 0 ]

cd "$here"
promtool test rules ./*_test.yml
