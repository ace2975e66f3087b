#!/usr/bin/env bash
# WebSocket fan-out and calls on the release build (bench/README.md, "Real
# time"): for 1,000 and 10,000 connected sockets, the time from a mutation's
# HTTP answer to the last socket's `invalidate` frame, and the server's RSS
# per idle socket (bench/fanout.mjs); then toggle_todo over the socket
# (mizan_bench_ws_load: 16 sockets, 16 calls in flight each) beside
# toggle_todo over HTTP (wrk, 256 connections), both one-threaded C/C++
# clients. Not part of the test suite.
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
[[ -x $todo_bin && -x $ws_load_bin ]] || die "release binaries missing in $build"
command -v wrk >/dev/null || die "wrk is not installed (scripts/bootstrap.sh --test)"
# Every socket is a descriptor in the server and in the client process.
ulimit -n "$(ulimit -Hn)" || true
for clients in ${BENCH_CLIENTS:-1000 10000}; do
  (($(ulimit -n) > clients + 1000)) || die "the descriptor limit $(ulimit -n) is too low for $clients sockets"
done

field() { awk -v k="$1" '$1 == k { print $2 }' "$work/fanout"; }

# call_row LABEL BENCH_LINE: a row of the calls table from a bench.lua-style
# line (wrk's, or mizan_bench_ws_load's).
call_row() {
  local re='requests=([0-9]+) duration_us=([0-9]+) p50_us=([0-9]+) p99_us=([0-9]+) bad_status=([0-9]+) socket_errors=([0-9]+)'
  [[ $2 =~ $re ]] || die "unreadable load output: $2"
  ((BASH_REMATCH[5] + BASH_REMATCH[6] == 0)) ||
    echo "bench: $1: ${BASH_REMATCH[5]} error answers, ${BASH_REMATCH[6]} socket errors" >&2
  awk -v label="$1" -v n="${BASH_REMATCH[1]}" -v us="${BASH_REMATCH[2]}" \
    -v p50="${BASH_REMATCH[3]}" -v p99="${BASH_REMATCH[4]}" 'BEGIN {
      printf "| %s | %.0f calls/s | p50 %.2f ms, p99 %.2f ms |", label, n * 1e6 / us, p50 / 1000, p99 / 1000
    }'
}

# socket_calls LABEL SOCKETS IN_FLIGHT / http_calls LABEL CONNECTIONS: a
# row of the calls table, toggle_todo for call_seconds (needs ws_url, frame, id).
socket_calls() {
  local line
  line=$("$ws_load_bin" "$ws_url" "${seed[writer_cookie]}" "$2" "$3" "$call_seconds" "$frame") ||
    die "mizan_bench_ws_load failed: $line"
  call_row "$1" "$line"
}
http_calls() {
  local line
  line=$(BENCH_COOKIE=${seed[writer_cookie]} BENCH_CSRF=${seed[writer_csrf]} \
    BENCH_BODY="{\"id\":$id}" wrk -t1 -c"$2" -d"${call_seconds}s" --latency -s "$lua" \
    "${todo_url}api/mizan/call/toggle_todo/" | grep '^BENCH ')
  call_row "$1" "$line"
}

printf '| sockets | after the answer: last socket p50 | p99 | max | after the request: last socket p50 | p99 | RSS per idle socket |\n'
printf '|---|---|---|---|---|---|---|\n'
for clients in ${BENCH_CLIENTS:-1000 10000}; do
  # The per-socket operation rate is lifted: 16 sockets carry the call load.
  start_todo "$threads" MIZAN_WS_MAX_CONNECTIONS=20000 MIZAN_WS_RATE=10000000
  todo_pid=$pid todo_url=$url
  seed_todo "$todo_url"
  node "$root/bench/fanout.mjs" "$todo_url" "$todo_pid" "${seed[writer_cookie]}" \
    "${seed[writer_csrf]}" "$clients" "$rounds" >"$work/fanout" 2>"$work/fanout.err" ||
    { cat "$work/fanout.err" >&2; die "fanout.mjs failed"; }
  printf '| %s | %s ms | %s ms | %s ms | %s ms | %s ms | %s B |\n' "$clients" \
    "$(field last_p50_ms)" "$(field last_p99_ms)" "$(field last_max_ms)" \
    "$(field request_p50_ms)" "$(field request_p99_ms)" "$(field rss_per_socket_bytes)"
  # Calls are measured once, with the first (smaller) crowd gone: 256 calls
  # in flight either way, from a one-threaded client either way.
  if [[ -z ${calls:-} ]]; then
    id=$(field toggle_id)
    ws_url="${todo_url/#http:/ws:}api/mizan/ws/"
    frame="{\"op\":\"call\",\"id\":{id},\"fn\":\"toggle_todo\",\"args\":{\"id\":$id}}"
    calls=$(socket_calls "toggle_todo over the socket (mizan_bench_ws_load, 16 × 16)" 16 16)
    http=$(http_calls "toggle_todo over HTTP (wrk, 256 connections)" 256)
    # One call at a time: each answer waits for nothing but itself (the
    # Nagle stall of an answer written as several frames shows here).
    calls1=$(socket_calls "toggle_todo over the socket, 1 in flight" 1 1)
    http1=$(http_calls "toggle_todo over HTTP, 1 connection" 1)
  fi
  stop_server "$todo_pid"
done
if [[ -n ${calls:-} ]]; then
  printf '\n| calls | throughput | latency |\n|---|---|---|\n%s\n%s\n%s\n%s\n' \
    "$calls" "$http" "$calls1" "$http1"
fi
