#!/usr/bin/env bash
# The clang checks of the test command (after the dev build, whose compile_commands.json and
# generated proto headers they use):
#  1. clang's thread-safety analysis: the non-test sources under libs/ services/ tools/ that use a
#     lock or its annotations (the source itself, or a header of ours it includes directly,
#     mentions a Mutex or an ABSL_ thread-safety annotation: nothing else can touch a guarded
#     member) compiled with `clang++ -fsyntax-only -Wthread-safety -Werror` (with the build's own
#     flags and warnings), in parallel. Every ABSL_GUARDED_BY member sits on a reviewtrail::Mutex
#     (libs/sync, annotated like absl::Mutex), so a member read or written without its lock, or a
#     lock not released, fails here. REVIEWTRAIL_
#     CLANG_ALL=1 checks every non-test source.
#  2. clang-tidy with the repo's .clang-tidy on the C++ sources changed since the merge base with
#     main (none on main itself, or on a fresh clone without main: it says so). Its findings are
#     reported, not fatal: the repo's .clang-tidy has WarningsAsErrors '' and the existing sources
#     have hundreds of findings (337 errors over 15 files when made fatal, December 2026).
# Usage: scripts/clang-check.sh [BUILD_DIR]   (default build/dev; REVIEWTRAIL_TIDY=0 skips tidy)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/dev}
db=$build/compile_commands.json
if [ ! -f "$db" ]; then
  echo "clang-check: $db is missing: configure and build the dev preset first" >&2
  exit 2
fi
jobs=$(nproc)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One clang response file per source: the compile command without the compiler, output and GCC's
# object flags, plus -fsyntax-only -Wthread-safety -Werror.
python3 - "$db" "$work" "$PWD" "${REVIEWTRAIL_CLANG_ALL:-0}" <<'EOF'
import json, os, re, shlex, sys
db, work, root, check_all = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
locking = re.compile(r"absl::Mutex|reviewtrail::(Mutex|CondVar)|ABSL_(PT_)?GUARDED_BY|ABSL_[A-Z_]*LOCK[A-Z_]*|std::mutex")
include_re = re.compile(r'^#include "([^"]+)"', re.M)

def uses_locks(source, include_dirs):
    text = open(source, errors="replace").read()
    if locking.search(text):
        return True
    for name in include_re.findall(text):
        for directory in [os.path.dirname(source)] + include_dirs:
            header = os.path.join(directory, name)
            if header.startswith(root + "/") and "/build/" not in header and os.path.isfile(header):
                if locking.search(open(header, errors="replace").read()):
                    return True
                break
    return False

count = 0
for entry in json.load(open(db)):
    source = os.path.relpath(entry["file"], root)
    if not source.startswith(("libs/", "services/", "tools/")) or "/tests/" in source:
        continue
    args = entry.get("arguments") or shlex.split(entry["command"])
    out, skip = [], False
    for arg in args[1:]:
        if skip:
            skip = False
            continue
        if arg in ("-o", "-c"):
            skip = arg == "-o"
            continue
        if arg == entry["file"] or arg == source:
            continue
        out.append(arg)
    include_dirs = [a[2:] for a in out if a.startswith("-I")]
    if not check_all and not uses_locks(entry["file"], include_dirs):
        continue
    out += ["-fsyntax-only", "-Wthread-safety", "-Werror", entry["file"]]
    count += 1
    with open(os.path.join(work, "%04d.rsp" % count), "w") as f:
        f.write(" ".join('"' + a.replace("\\", "\\\\").replace('"', '\\"') + '"' for a in out))
print("clang-check: %d sources, -Wthread-safety -Werror, %s jobs" % (count, os.cpu_count()))
EOF

status=0
find "$work" -name '*.rsp' -print0 | xargs -0 -P"$jobs" -n1 sh -c 'clang++ "@$0"' || status=1
if [ $status -ne 0 ]; then
  echo "clang-check: clang reported errors (above)" >&2
fi

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
exit $status
