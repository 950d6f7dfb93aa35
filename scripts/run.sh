#!/usr/bin/env bash
# The run command: installs what is missing, builds the optimised binaries and starts the
# all-in-one server in the foreground (embedded log, data in ./data, loopback only).
# Extra arguments go to reviewtrail-server, e.g. scripts/run.sh --tenant acme
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake --preset release
cmake --build --preset release -j "$(nproc)" --target reviewtrail-server reviewtrail
exec build/release/services/server/reviewtrail-server --data-dir ./data "$@"
