#!/usr/bin/env bash
# Checks the deployment files with the tools that read them:
#   docker-compose config   accepts deploy/compose.yaml (Debian's docker-compose 1.29, Compose v1)
#   promtool check rules    accepts the alert rules (deploy/ and the chart's copy are identical)
#   the chart's values.schema.json is JSON and the dashboard copies are identical.
# Exits 77 (skipped) naming the missing tool when docker-compose or promtool is not installed.
set -euo pipefail
cd "$(dirname "$0")/../.."

missing=()
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v promtool >/dev/null || missing+=("promtool (Debian package prometheus)")
cmp deploy/prometheus/rules.yml helm/reviewtrail/files/rules.yml
cmp deploy/grafana/reviewtrail.json helm/reviewtrail/files/reviewtrail.json
/usr/bin/python3 -m json.tool helm/reviewtrail/values.schema.json >/dev/null
if [ ${#missing[@]} -gt 0 ]; then
  echo "SKIPPED: ${missing[*]} not installed (scripts/install-deps.sh installs docker-compose)"
  exit 77
fi
docker-compose -f deploy/compose.yaml config -q
promtool check rules deploy/prometheus/rules.yml
echo "deploy files OK"
