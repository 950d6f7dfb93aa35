#!/usr/bin/env bash
# clang-tidy with the repo's .clang-tidy on the C++ sources (libs/ services/ tools/, tests
# excepted) changed since the merge base with main, using a build's compile commands (none on main
# itself, or on a fresh clone without main: it says so). Its findings are reported, not fatal: the
# repo's .clang-tidy has WarningsAsErrors '' and the existing sources have hundreds of findings
# (337 errors over 15 files when made fatal, December 2026). Thread safety is not checked here: the
# dev build compiles every one of our targets with clang's -Wthread-safety as an error.
# Usage: scripts/tidy-changed.sh [BUILD_DIR]   (default build/dev; REVIEWTRAIL_TIDY=0 skips it)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/dev}
db=$build/compile_commands.json
if [ ! -f "$db" ]; then
  echo "tidy-changed: $db is missing: configure and build the dev preset first" >&2
  exit 2
fi
jobs=$(nproc)

if [ "${REVIEWTRAIL_TIDY:-1}" != 0 ]; then
  if base=$(git merge-base HEAD main 2>/dev/null); then
    mapfile -t changed < <(git diff --name-only --diff-filter=ACMR "$base" -- \
      'libs/*.cc' 'services/*.cc' 'tools/*.cc' | grep -v '/tests/' || true)
    # Only sources the dev build compiles (a new file not yet built has no command).
    files=()
    for file in "${changed[@]}"; do
      if grep -q "\"file\": \"$PWD/$file\"" "$db"; then files+=("$file"); fi
    done
    if [ ${#files[@]} -eq 0 ]; then
      echo "clang-tidy: no C++ source changed since the merge base with main ($base)"
    else
      echo "clang-tidy: ${#files[@]} changed sources since $base"
      printf '%s\0' "${files[@]}" |
        xargs -0 -P"$jobs" -n1 clang-tidy -p "$build" --quiet || true
    fi
  else
    echo "clang-tidy: no branch main to compare with: no changed files to check"
  fi
fi
