#!/usr/bin/env bash
# Line coverage of the C++ code by the unit tests (ctest: the gtest binaries
# and the module-boundary check; not the cross-process or browser tests).
# Builds with GCC --coverage -O0 -g (the `coverage` preset, -Werror kept), runs
# ctest -j2, then prints, via gcovr, the covered/total lines of each folder of
# src/server, src/server's total, and one total for each other module of src/.
# *_test.cpp files and test-only headers (test_*.hpp) are not counted.
#   scripts/coverage.sh                      this tree, into build/coverage
#   scripts/coverage.sh --files [SRC [BUILD]] also src/server's files one by one
#   scripts/coverage.sh /tmp/old-tree        another tree, e.g. a git worktree
#                                            of an older commit (a tree without
#                                            the preset gets the same flags)
# gcovr's per-file figures are left in BUILD/coverage.json.
set -euo pipefail

files=0
if [[ "${1:-}" == "--files" ]]; then files=1; shift; fi
src=$(cd "${1:-$(dirname "$0")/..}" && pwd)
build=${2:-$src/build/coverage}
mkdir -p "$build"
build=$(cd "$build" && pwd)

# gcovr (Debian's) reads GCC's .gcda counters through gcov.
if ! command -v gcovr >/dev/null; then
  echo "coverage: installing gcovr"
  sudo_cmd=(); [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends gcovr >/dev/null
fi

cd "$src"
if [[ -f CMakePresets.json ]] && grep -q '"name": "coverage"' CMakePresets.json; then
  cmake --preset coverage -B "$build" >/dev/null
else
  # An older tree without the preset: the preset's settings, spelled out.
  cmake -S "$src" -B "$build" -G Ninja -DMIZAN_WERROR=ON -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS="--coverage -O0 -g" -DCMAKE_EXE_LINKER_FLAGS=--coverage \
    -DCMAKE_SHARED_LINKER_FLAGS=--coverage >/dev/null
fi
# The machine is shared with other builds: one build at a time, at low priority.
flock /tmp/mizan-build.lock nice -n 10 cmake --build "$build"

# Counters from an earlier run would add up with this one's.
find "$build" -name '*.gcda' -delete
test_status=0
nice -n 10 ctest --test-dir "$build" -j2 --output-on-failure || test_status=$?

# Threads racing on a counter can leave gcov a negative branch count, which
# gcovr 5.2 cannot parse; only branch lines are skipped, line counts stand.
if ! nice -n 10 gcovr -j 2 -r "$src" --object-directory "$build" "$build" \
  --exclude-directories '.*/CMakeFiles/[0-9.]+' --gcov-ignore-parse-errors \
  --filter 'src/' --exclude '.*_test\.cpp$' \
  --json-summary "$build/coverage.json" --json-summary-pretty >/dev/null 2>"$build/gcovr.log"; then
  cat "$build/gcovr.log" >&2
  exit 1
fi

python3 - "$build/coverage.json" "$files" <<'EOF'
import json, re, sys
from collections import defaultdict

summary = json.load(open(sys.argv[1]))
show_files = sys.argv[2] == "1"
rows = defaultdict(lambda: [0, 0])  # key -> [covered, total]
per_file = []
for f in summary["files"]:
    name = f["filename"]
    if not name.startswith("src/") or re.search(r"_test\.cpp$|/test_[^/]*\.hpp$", name):
        continue
    parts = name.split("/")
    cov, tot = f["line_covered"], f["line_total"]
    module = parts[1]
    keys = [f"src/{module}"]
    if module == "server":
        per_file.append((name, cov, tot))
        keys.append("src/server/" + (parts[2] + "/" if len(parts) > 3 else "(top level)"))
    for k in keys:
        rows[k][0] += cov
        rows[k][1] += tot

def line(label, cov, tot):
    pct = 100.0 * cov / tot if tot else 0.0
    print(f"  {label:<44} {cov:>6} / {tot:<6} {pct:5.1f}%")

print("\nUnit-test line coverage (covered / total lines)")
print("src/server by folder:")
for k in sorted(k for k in rows if k.startswith("src/server/")):
    line(k, *rows[k])
line("src/server total", *rows["src/server"])
if show_files:
    print("src/server by file:")
    for name, cov, tot in sorted(per_file):
        line(name, cov, tot)
print("other modules:")
for k in sorted(k for k in rows if k.count("/") == 1 and k != "src/server"):
    line(k, *rows[k])
EOF

if ((test_status)); then echo "coverage: some tests failed (ctest exit $test_status)" >&2; fi
exit "$test_status"
