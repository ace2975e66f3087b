#!/usr/bin/env bash
# Reads while writes commit: the private context (ctx/todos) under wrk while a
# second wrk keeps the write lane busy with add_todo, once with SQLite's
# synchronous=FULL (the default: an fsync per batch, and checkpoints) and once
# with synchronous=NORMAL. Shows whether durability or checkpointing slows the
# read path. Not part of the test suite. See bench/README.md.
#
# Environment (all optional): BENCH_THREADS=1 (network threads),
# BENCH_DURATION=10s, BENCH_WRITERS=4 (add_todo connections),
# BENCH_CONNECTIONS=60 (ctx/todos connections), BENCH_SKIP_BUILD=1.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
threads=${BENCH_THREADS:-1}
duration=${BENCH_DURATION:-10s}
writers=${BENCH_WRITERS:-4}

[[ -n "${BENCH_SKIP_BUILD:-}" ]] || build_release
[[ -x $todo_bin ]] || die "release binary missing in $build"
command -v wrk >/dev/null || die "wrk is not installed (scripts/bootstrap.sh --test)"

summary() {
  local re='requests=([0-9]+) duration_us=([0-9]+) p50_us=([0-9]+) p99_us=([0-9]+) bad_status=([0-9]+)'
  [[ $1 =~ $re ]] || die "unreadable wrk output: $1"
  ((BASH_REMATCH[5] == 0)) || die "${BASH_REMATCH[5]} answers were 4xx/5xx"
  awk -v n="${BASH_REMATCH[1]}" -v us="${BASH_REMATCH[2]}" -v p50="${BASH_REMATCH[3]}" \
    -v p99="${BASH_REMATCH[4]}" 'BEGIN { printf "%8.0f req/s  p50 %6.2f ms  p99 %6.2f ms", n * 1e6 / us, p50 / 1000, p99 / 1000 }'
}

printf '| synchronous | ctx/todos (%s conns) | add_todo (%s conns) |\n|---|---|---|\n' \
  "$connections" "$writers"
for mode in full normal; do
  start_todo "$threads" "MIZAN_DATABASE_URL=sqlite:///$work/mixed-$mode.db?synchronous=$mode"
  todo_pid=$pid todo_url=$url
  seed_todo "$todo_url"
  row_request ctx/todos "$todo_url"
  read_target=$target read_cookie=$cookie read_csrf=$csrf
  row_request add_todo "$todo_url"
  # Warm up, then both loads at once.
  run_wrk "$read_target" 2s "$read_cookie" "$read_csrf" "" >/dev/null
  BENCH_COOKIE=$cookie BENCH_CSRF=$csrf BENCH_BODY=$body \
    wrk -t1 -c"$writers" -d"$duration" --latency -s "$lua" "$target" | grep '^BENCH ' >"$work/writes" &
  writer=$!
  reads=$(run_wrk "$read_target" "$duration" "$read_cookie" "$read_csrf" "")
  wait "$writer"
  printf '| %s | %s | %s |\n' "$mode" "$(summary "$reads")" "$(summary "$(cat "$work/writes")")"
  stop_server "$todo_pid"
done
