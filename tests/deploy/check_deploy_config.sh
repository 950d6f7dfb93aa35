#!/usr/bin/env bash
# Checks the deployment files with the tools that read them:
#   docker-compose config   accepts deploy/compose.yaml (Debian's docker-compose 1.29, Compose v1)
#   promtool check rules    accepts the alert rules (helm/reviewtrail/files/rules.yml, the one copy)
#   the chart's values.schema.json and the dashboard (helm/reviewtrail/files/reviewtrail.json) are
#   JSON, and every file compose.yaml mounts from the repository exists.
# Exits 77 (skipped) naming the missing tool when docker-compose or promtool is not installed.
set -euo pipefail
cd "$(dirname "$0")/../.."

missing=()
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v promtool >/dev/null || missing+=("promtool (Debian package prometheus)")
/usr/bin/python3 -m json.tool helm/reviewtrail/values.schema.json >/dev/null
/usr/bin/python3 -m json.tool helm/reviewtrail/files/reviewtrail.json >/dev/null
# Bind mounts of repository files (`- ./x:/in/container` or `- ../x:...`, relative to deploy/):
# docker-compose config does not check that they exist.
while read -r source; do
  if [ ! -e "deploy/${source}" ]; then
    echo "deploy/compose.yaml mounts ${source}, which does not exist" >&2
    exit 1
  fi
done < <(sed -nE 's/^ *- (\.\.?\/[^:]+):.*$/\1/p' deploy/compose.yaml)
if [ ${#missing[@]} -gt 0 ]; then
  echo "SKIPPED: ${missing[*]} not installed (scripts/install-deps.sh installs docker-compose)"
  exit 77
fi
docker-compose -f deploy/compose.yaml config -q
promtool check rules helm/reviewtrail/files/rules.yml
echo "deploy files OK"
