#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang-14 (ASan + UBSan) and runs
# each for N seconds (default 30). Fails if any target crashes, leaks, times
# out or breaks one of its checks; the input that did it is kept as an
# artifact (see fuzz/README.md).
#
# Usage: scripts/fuzz.sh [seconds] [target...]   e.g. scripts/fuzz.sh 60 jwt mwt
# MIZAN_FUZZ_BUILD_DIR picks the build directory (default build/fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-30}"
shift || true
if ! [[ "$seconds" =~ ^[0-9]+$ ]]; then
  echo "usage: scripts/fuzz.sh [seconds] [target...]" >&2
  exit 2
fi
build="${MIZAN_FUZZ_BUILD_DIR:-build/fuzz}"
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(json_strict query invalidate_header base64url jwt mwt framing)
fi

CC=clang-14 CXX=clang++-14 cmake -S fuzz -B "$build" -G Ninja >/dev/null
cmake --build "$build" -j2 --target "${targets[@]/%/_fuzz}"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
failed=()
for target in "${targets[@]}"; do
  # New inputs go to the build directory; the committed seeds stay as they are.
  corpus="$build/corpus/$target"
  artifacts="$build/artifacts/$target"
  log="$build/logs/$target.log"
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
  echo "fuzz: $target for ${seconds}s"
  if "$build/${target}_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$artifacts/" \
      "$corpus" "fuzz/corpus/$target" >"$log" 2>&1; then
    grep -E '^stat::number_of_executed_units|DONE' "$log" | sed "s/^/  /" || true
  else
    echo "fuzz: $target FAILED, see $log and $artifacts/" >&2
    grep -E 'ERROR|check failed|runtime error|Test unit written' "$log" | sed "s/^/  /" >&2 || true
    failed+=("$target")
  fi
done

if ((${#failed[@]})); then
  echo "fuzz: failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets ran ${seconds}s each without a crash"
