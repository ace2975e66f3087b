#!/usr/bin/env bash
# The server benchmark. Builds release binaries, runs the reference application
# (examples/todo) and a bare Beast "plaintext" floor on loopback under wrk, and
# prints one table: req/s, p50/p99 latency, peak and idle RSS, and each row's
# ratio to the floor at the same thread count. Not part of the test suite;
# takes about three minutes with the defaults. See bench/README.md.
#
# Environment (all optional):
#   BENCH_THREADS="1 2"    network threads of both servers; a set of rows each
#   BENCH_DURATION=10s     measured wrk run per row, after BENCH_WARMUP=2s
#   BENCH_ROUNDS=1         rounds of all rows; the table shows each row's median
#   BENCH_CONNECTIONS=64   wrk connections; BENCH_WRK_THREADS=1 wrk threads
#   BENCH_JOBS=2           build parallelism
#   BENCH_SKIP_BUILD=1     use build/release as it is
#   BENCH_ROWS="ctx/leaderboard ctx/todos add_todo"  the application rows to run
#   BENCH_NORMAL_ROWS="ctx/todos add_todo"  rows run again on a second instance
#                          whose SQLite commits with synchronous=NORMAL (no
#                          fsync); shown as "row@normal" ("" to skip)
#   BENCH_PG_ROWS="ctx/todos add_todo ctx/leaderboard"  rows run again on an
#                          instance on PostgreSQL 15 (a throwaway cluster from
#                          scripts/pg-cluster.sh, sharing the cores with wrk
#                          and the server); shown as "row@pg" ("" to skip)
#   BENCH_PG_ENV="MIZAN_WRITE_BATCH=64"  extra settings of that instance
#   BENCH_PG_SOCKET=1      reach PostgreSQL by its Unix socket instead of TCP
#   BENCH_APP_ENV="MIZAN_SESSION_STORE=memory"  extra settings of the application
# The floor is measured in every round and once more after the last; when
# those runs differ by more than 15 % the machine was busy, and the script
# says so (re-run, or raise BENCH_ROUNDS).
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
threads_list=${BENCH_THREADS:-1 2}
duration=${BENCH_DURATION:-10s}
warmup=${BENCH_WARMUP:-2s}
rounds=${BENCH_ROUNDS:-1}
rows=${BENCH_ROWS:-ctx/leaderboard ctx/todos add_todo}
normal_rows=${BENCH_NORMAL_ROWS-ctx/todos add_todo}
pg_rows=${BENCH_PG_ROWS-ctx/todos add_todo ctx/leaderboard}

[[ -n "${BENCH_SKIP_BUILD:-}" ]] || build_release
[[ -x $todo_bin && -x $floor_bin ]] || die "release binaries missing in $build"
command -v wrk >/dev/null || die "wrk is not installed (scripts/bootstrap.sh --test)"

results=()
peak_is_lifetime=

# measure THREADS ROW PID IDLE_KIB BASE_URL [LABEL]: a warm-up run, then the
# measured one; appends "threads|label|req/s|p50 us|p99 us|peak KiB|idle KiB"
# to $results.
measure() {
  local threads=$1 row=$2 server=$3 idle=$4 label=${6:-$2}
  row_request "$row" "$5"
  # Peak RSS per run: reset the high-water mark to the current RSS (Linux 4.0+).
  echo 5 >"/proc/$server/clear_refs" 2>/dev/null || peak_is_lifetime=1
  run_wrk "$target" "$warmup" "$cookie" "$csrf" "$body" >/dev/null
  local line
  line=$(run_wrk "$target" "$duration" "$cookie" "$csrf" "$body")
  local re='requests=([0-9]+) duration_us=([0-9]+) p50_us=([0-9]+) p99_us=([0-9]+) bad_status=([0-9]+) socket_errors=([0-9]+)'
  [[ $line =~ $re ]] || die "$row: unreadable wrk output: $line"
  local requests=${BASH_REMATCH[1]} us=${BASH_REMATCH[2]}
  ((BASH_REMATCH[5] == 0)) || die "$row: ${BASH_REMATCH[5]} of $requests answers were 4xx/5xx"
  ((BASH_REMATCH[6] == 0)) || echo "bench: $row: ${BASH_REMATCH[6]} socket errors" >&2
  local rps
  rps=$(awk -v n="$requests" -v us="$us" 'BEGIN { printf "%.0f", n * 1e6 / us }')
  printf '  %-16s %8s req/s  (load %s)\n' "$label" "$rps" "$(cut -d' ' -f1 /proc/loadavg)" >&2
  results+=("$threads|$label|$rps|${BASH_REMATCH[3]}|${BASH_REMATCH[4]}|$(status_kib "$server" VmHWM)|$idle")
}

# measure_instance THREADS SUFFIX "ROWS" SETTING...: starts another instance of
# the application with SETTINGs, seeds it, and measures ROWS as "row@SUFFIX".
measure_instance() {
  local threads=$1 suffix=$2 rows_here=$3
  shift 3
  start_todo "$threads" "$@"
  local instance_pid=$pid instance_url=$url
  sleep 0.5
  local instance_idle
  instance_idle=$(status_kib "$instance_pid" VmRSS)
  seed_todo "$instance_url"
  for ((r = 1; r <= rounds; r++)); do
    for row in $rows_here; do
      measure "$threads" "$row" "$instance_pid" "$instance_idle" "$instance_url" "$row@$suffix"
    done
  done
  stop_server "$instance_pid"
}

echo "bench: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)," \
  "Linux $(uname -r), $(c++ --version | head -1)" >&2
echo "bench: wrk -t$wrk_threads -c$connections -d$duration after a $warmup warm-up;" \
  "$rounds round(s)" >&2

for t in $threads_list; do
  echo "bench: $t network thread(s); load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  start_server "$work/floor.log" "$floor_bin" 0 "$t"
  floor_pid=$pid floor_url=$url
  # shellcheck disable=SC2086 # BENCH_APP_ENV: extra VAR=value settings, split on spaces
  start_todo "$t" ${BENCH_APP_ENV:-}
  todo_pid=$pid todo_url=$url
  sleep 0.5
  floor_idle=$(status_kib "$floor_pid" VmRSS)
  todo_idle=$(status_kib "$todo_pid" VmRSS)
  seed_todo "$todo_url"

  for ((r = 1; r <= rounds; r++)); do
    measure "$t" floor "$floor_pid" "$floor_idle" "$floor_url"
    for row in $rows; do
      measure "$t" "$row" "$todo_pid" "$todo_idle" "$todo_url"
    done
  done
  stop_server "$todo_pid"
  if [[ -n $normal_rows ]]; then
    # The same application committing without fsync, for comparison.
    # shellcheck disable=SC2086
    measure_instance "$t" normal "$normal_rows" ${BENCH_APP_ENV:-} \
      "MIZAN_DATABASE_URL=sqlite:///$work/normal-$t.db?synchronous=normal"
  fi
  if [[ -n $pg_rows ]]; then
    # The same application on PostgreSQL, a fresh cluster per thread count.
    pg_dir=$(mktemp -d /tmp/mizan-bench-pg-XXXXXX)
    pg_url=$("$root/scripts/pg-cluster.sh" start "$pg_dir")
    if [[ -n ${BENCH_PG_SOCKET:-} ]]; then
      pg_url="postgresql:///mizan?host=$pg_dir&port=$(cat "$pg_dir/port")&user=mizan"
    fi
    # shellcheck disable=SC2086
    measure_instance "$t" pg "$pg_rows" ${BENCH_APP_ENV:-} ${BENCH_PG_ENV:-} \
      "MIZAN_DATABASE_URL=$pg_url"
    "$root/scripts/pg-cluster.sh" stop "$pg_dir"
  fi
  measure "$t" floor "$floor_pid" "$floor_idle" "$floor_url"
  stop_server "$floor_pid"
done
[[ -z $peak_is_lifetime ]] || echo "bench: peak RSS is since start-up (clear_refs refused)" >&2

printf '%s\n' "${results[@]}" | awk -F'|' -f "$root/bench/table.awk"
