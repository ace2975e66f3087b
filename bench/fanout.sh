#!/usr/bin/env bash
# WebSocket fan-out and calls on the release build (bench/README.md, "Real
# time"): for 1,000 and 10,000 connected sockets, the time from a mutation's
# HTTP answer to the last socket's `invalidate` frame, and the server's RSS
# per idle socket; then toggle_todo over the socket (16 sockets, 16 calls in
# flight each) beside toggle_todo over HTTP (wrk, 256 connections). Not part
# of the test suite.
#
# Environment (all optional): BENCH_THREADS=2 (network threads),
# BENCH_CLIENTS="1000 10000", BENCH_ROUNDS=20, BENCH_CALL_SECONDS=10,
# BENCH_SKIP_BUILD=1.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
threads=${BENCH_THREADS:-2}
rounds=${BENCH_ROUNDS:-20}
call_seconds=${BENCH_CALL_SECONDS:-10}

[[ -n "${BENCH_SKIP_BUILD:-}" ]] || build_release
[[ -x $todo_bin ]] || die "release binary missing in $build"
command -v wrk >/dev/null || die "wrk is not installed (scripts/bootstrap.sh --test)"
# Every socket is a descriptor in the server and in the client process.
ulimit -n "$(ulimit -Hn)" || true
for clients in ${BENCH_CLIENTS:-1000 10000}; do
  (($(ulimit -n) > clients + 1000)) || die "the descriptor limit $(ulimit -n) is too low for $clients sockets"
done

field() { awk -v k="$1" '$1 == k { print $2 }' "$work/fanout"; }

printf '| sockets | after the answer: last socket p50 | p99 | max | after the request: last socket p50 | p99 | RSS per idle socket |\n'
printf '|---|---|---|---|---|---|---|\n'
first=1
for clients in ${BENCH_CLIENTS:-1000 10000}; do
  # The per-socket operation rate is lifted: 16 sockets carry the call load.
  start_todo "$threads" MIZAN_WS_MAX_CONNECTIONS=20000 MIZAN_WS_RATE=10000000
  todo_pid=$pid todo_url=$url
  seed_todo "$todo_url"
  # Calls are measured once, with the first (smaller) crowd connected.
  seconds=$((first ? call_seconds : 0))
  first=0
  node "$root/bench/fanout.mjs" "$todo_url" "$todo_pid" "${seed[writer_cookie]}" \
    "${seed[writer_csrf]}" "$clients" "$rounds" "$seconds" >"$work/fanout" 2>"$work/fanout.err" || { cat "$work/fanout.err" >&2; }; [[ -s $work/fanout ]] ||
    die "fanout.mjs failed"
  printf '| %s | %s ms | %s ms | %s ms | %s ms | %s ms | %s B |\n' "$clients" \
    "$(field last_p50_ms)" "$(field last_p99_ms)" "$(field last_max_ms)" \
    "$(field request_p50_ms)" "$(field request_p99_ms)" "$(field rss_per_socket_bytes)"
  if ((seconds > 0)); then
    calls="| toggle_todo over the socket | $(field ws_calls_per_s) calls/s | p50 $(field ws_call_p50_ms) ms | p99 $(field ws_call_p99_ms) ms |"
    id=$(field toggle_id)
    line=$(BENCH_COOKIE=${seed[writer_cookie]} BENCH_CSRF=${seed[writer_csrf]} \
      BENCH_BODY="{\"id\":$id}" wrk -t1 -c256 -d"${call_seconds}s" --latency -s "$lua" \
      "${todo_url}api/mizan/call/toggle_todo/" | grep '^BENCH ')
    re='requests=([0-9]+) duration_us=([0-9]+) p50_us=([0-9]+) p99_us=([0-9]+) bad_status=([0-9]+)'
    [[ $line =~ $re ]] || die "unreadable wrk output: $line"
    http=$(awk -v n="${BASH_REMATCH[1]}" -v us="${BASH_REMATCH[2]}" -v p50="${BASH_REMATCH[3]}" \
      -v p99="${BASH_REMATCH[4]}" \
      'BEGIN { printf "| toggle_todo over HTTP | %.0f calls/s | p50 %.2f ms | p99 %.2f ms |", n * 1e6 / us, p50 / 1000, p99 / 1000 }')
  fi
  stop_server "$todo_pid"
done
if [[ -n ${calls:-} ]]; then
  printf '\n| calls (256 in flight) | throughput | latency | |\n|---|---|---|---|\n%s\n%s\n' \
    "$calls" "$http"
fi
