#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang-14 (ASan + UBSan) and runs
# each for N seconds (default 30), starting from its committed seeds in
# fuzz/corpus/<target>/. Fails if any target crashes, leaks, times out or
# breaks one of its checks; the input that did it is kept as an artifact and
# printed in base64 (see fuzz/README.md).
#
# Usage: scripts/fuzz.sh [-j jobs] [seconds] [target...]
#   scripts/fuzz.sh 600 jwt mwt   ten minutes each, one after another
#   scripts/fuzz.sh -j 2 20       every target for 20 s, two at a time (scripts/test.sh)
# MIZAN_FUZZ_BUILD_DIR picks the build directory (default build/fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  echo "usage: scripts/fuzz.sh [-j jobs] [seconds] [target...]" >&2
  exit 2
}
jobs=1
if [[ "${1:-}" == -j ]]; then
  (($# >= 2)) || usage
  jobs="$2"
  shift 2
fi
seconds="${1:-30}"
shift || true
[[ "$jobs" =~ ^[1-9][0-9]*$ && "$seconds" =~ ^[0-9]+$ ]] || usage
build="${MIZAN_FUZZ_BUILD_DIR:-build/fuzz}"
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(json_strict query invalidate_header base64url jwt mwt framing)
fi
for target in "${targets[@]}"; do
  if [[ -z "$(ls -A "fuzz/corpus/$target" 2>/dev/null)" ]]; then
    echo "fuzz: no seeds in fuzz/corpus/$target/ (every target needs a committed seed corpus)" >&2
    exit 2
  fi
done

CC=clang-14 CXX=clang++-14 cmake -S fuzz -B "$build" -G Ninja >/dev/null
cmake --build "$build" -j2 --target "${targets[@]/%/_fuzz}"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# Runs one target in the background; its output goes to its log.
start() {
  local target=$1
  # New inputs go to the build directory; the committed seeds stay as they are.
  local corpus="$build/corpus/$target" artifacts="$build/artifacts/$target"
  mkdir -p "$corpus" "$artifacts" "$build/logs"
  echo "fuzz: $target for ${seconds}s"
  "$build/${target}_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" \
    "$corpus" "fuzz/corpus/$target" >"$build/logs/$target.log" 2>&1 &
  running[$!]=$target
}

# Reports a finished target from its log and exit status.
report() {
  local target=$1 status=$2
  local log="$build/logs/$target.log"
  if ((status == 0)); then
    echo "fuzz: $target passed: $(grep -m1 -oE '#[0-9]+[[:space:]]+DONE.*' "$log" || true)"
    return
  fi
  echo "fuzz: $target FAILED (exit $status), see $log" >&2
  grep -E 'ERROR|check failed|runtime error|Test unit written' "$log" | sed "s/^/  /" >&2 || true
  # The input, also in the log of the run, for when the build directory is gone.
  sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | while read -r input; do
    if [[ -f "$input" && $(stat -c %s "$input") -le 4096 ]]; then
      echo "  $input in base64: $(base64 -w0 "$input")" >&2
    fi
  done
  failed+=("$target")
}

declare -A running=()
failed=()
trap 'kill "${!running[@]}" 2>/dev/null || true' EXIT
next=0
while ((next < ${#targets[@]} || ${#running[@]} > 0)); do
  if ((next < ${#targets[@]} && ${#running[@]} < jobs)); then
    start "${targets[next]}"
    next=$((next + 1))
    continue
  fi
  status=0
  wait -n -p pid "${!running[@]}" || status=$?
  report "${running[$pid]}" "$status"
  unset "running[$pid]"
done

if ((${#failed[@]})); then
  echo "fuzz: failed: ${failed[*]} (inputs kept in $build/artifacts/)" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets ran ${seconds}s each without a crash"
