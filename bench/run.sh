#!/usr/bin/env bash
# The server benchmark. Builds release binaries, runs the reference application
# (examples/todo) and a bare Beast "plaintext" floor on loopback under wrk, and
# prints one table: req/s, p50/p99 latency, peak and idle RSS, and each row's
# ratio to the floor at the same thread count. Not part of the test suite;
# takes three to four minutes with the defaults. See bench/README.md.
#
# Environment (all optional):
#   BENCH_THREADS="1 2"    network threads of both servers; a set of rows each
#   BENCH_DURATION=10s     measured wrk run per row, after BENCH_WARMUP=2s
#   BENCH_CONNECTIONS=64   wrk connections; BENCH_WRK_THREADS=1 wrk threads
#   BENCH_JOBS=2           build parallelism
#   BENCH_SKIP_BUILD=1     use build/release as it is
# The floor is measured before and after the application's rows; the table
# uses their mean and says when they differ by more than 15 % (a busy machine).
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
threads_list=${BENCH_THREADS:-1 2}
duration=${BENCH_DURATION:-10s}
warmup=${BENCH_WARMUP:-2s}

[[ -n "${BENCH_SKIP_BUILD:-}" ]] || build_release
[[ -x $todo_bin && -x $floor_bin ]] || die "release binaries missing in $build"
command -v wrk >/dev/null || die "wrk is not installed (scripts/bootstrap.sh --test)"

# measure THREADS ROW LABEL PID IDLE_KIB BASE_URL: a warm-up run, then the
# measured one; appends "threads|label|req/s|p50 us|p99 us|peak KiB|idle KiB".
measure() {
  local threads=$1 row=$2 label=$3 server=$4 idle=$5
  row_request "$row" "$6"
  # Peak RSS per row: reset the high-water mark to the current RSS (Linux 4.0+).
  echo 5 >"/proc/$server/clear_refs" 2>/dev/null || peak_is_lifetime=1
  run_wrk "$target" "$warmup" "$cookie" "$csrf" "$body" >/dev/null
  local line
  line=$(run_wrk "$target" "$duration" "$cookie" "$csrf" "$body")
  local re='requests=([0-9]+) duration_us=([0-9]+) p50_us=([0-9]+) p99_us=([0-9]+) bad_status=([0-9]+) socket_errors=([0-9]+)'
  [[ $line =~ $re ]] || die "$label: unreadable wrk output: $line"
  local requests=${BASH_REMATCH[1]} us=${BASH_REMATCH[2]}
  ((BASH_REMATCH[5] == 0)) || die "$label: ${BASH_REMATCH[5]} of $requests answers were 4xx/5xx"
  ((BASH_REMATCH[6] == 0)) || echo "bench: $label: ${BASH_REMATCH[6]} socket errors" >&2
  local rps
  rps=$(awk -v n="$requests" -v us="$us" 'BEGIN { printf "%.0f", n * 1e6 / us }')
  printf '  %-18s %8s req/s\n' "$label" "$rps" >&2
  rows+=("$threads|$label|$rps|${BASH_REMATCH[3]}|${BASH_REMATCH[4]}|$(status_kib "$server" VmHWM)|$idle")
}

rows=()
notes=()
peak_is_lifetime=
echo "bench: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)," \
  "Linux $(uname -r), $(c++ --version | head -1)" >&2
echo "bench: wrk -t$wrk_threads -c$connections -d$duration (after a $warmup warm-up)" >&2

for t in $threads_list; do
  echo "bench: $t network thread(s); load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  start_server "$work/floor.log" "$floor_bin" 0 "$t"
  floor_pid=$pid floor_url=$url
  sleep 0.3
  floor_idle=$(status_kib "$floor_pid" VmRSS)
  measure "$t" floor floor "$floor_pid" "$floor_idle" "$floor_url"

  start_todo "$t"
  todo_pid=$pid todo_url=$url
  sleep 0.3
  todo_idle=$(status_kib "$todo_pid" VmRSS)
  seed_todo "$todo_url"
  for row in ctx/leaderboard ctx/todos add_todo; do
    measure "$t" "$row" "$row" "$todo_pid" "$todo_idle" "$todo_url"
  done
  stop_server "$todo_pid"

  # The floor again: if the machine's load changed meanwhile, the two differ.
  measure "$t" floor floor-after "$floor_pid" "$floor_idle" "$floor_url"
  stop_server "$floor_pid"
done
[[ -n $peak_is_lifetime ]] && notes+=("peak RSS is since start-up (clear_refs not writable)")

printf '%s\n' "${rows[@]}" | awk -F'|' -v notes="$(printf '%s\n' "${notes[@]}")" '
  function mib(k) { return sprintf("%.1f MiB", k / 1024) }
  function ms(u) { return sprintf("%.2f ms", u / 1000) }
  {
    t = $1; row = $2
    if (row == "floor" || row == "floor-after") {
      n = ++floor_runs[t]; floor_rps[t, n] = $3; floor_p50[t] += $4; floor_p99[t] += $5
      if ($6 > floor_peak[t]) floor_peak[t] = $6
      floor_idle[t] = $7
      if (row == "floor") order[++count] = t SUBSEP "floor"
      next
    }
    order[++count] = t SUBSEP row
    rps[t, row] = $3; p50[t, row] = $4; p99[t, row] = $5; peak[t, row] = $6; idle[t, row] = $7
  }
  END {
    want["ctx/leaderboard"] = 0.8; want["ctx/todos"] = 0.5; want["add_todo"] = 0.3
    for (i = 1; i <= count; i++) {
      split(order[i], k, SUBSEP); t = k[1]; row = k[2]
      base = (floor_rps[t, 1] + floor_rps[t, 2]) / 2
      if (row == "floor") {
        name[i] = "plaintext floor"; r[i] = base; a[i] = floor_p50[t] / 2; b[i] = floor_p99[t] / 2
        pk[i] = floor_peak[t]; id[i] = floor_idle[t]; target[i] = "-"
        drift = floor_rps[t, 1] > floor_rps[t, 2] ? floor_rps[t, 1] / floor_rps[t, 2] \
                                                  : floor_rps[t, 2] / floor_rps[t, 1]
        extra = extra sprintf("floor at %s thread(s): %d req/s before, %d after%s\n", t,
          floor_rps[t, 1], floor_rps[t, 2], drift > 1.15 ? " -- load changed, re-run" : "")
      } else {
        name[i] = row; r[i] = rps[t, row]; a[i] = p50[t, row]; b[i] = p99[t, row]
        pk[i] = peak[t, row]; id[i] = idle[t, row]
        target[i] = sprintf(">= %.2f %s", want[row], r[i] / base >= want[row] ? "met" : "MISSED")
        idle_ok[t] = (id[i] < 20 * 1024)
      }
      th[i] = t; ratio[i] = sprintf("%.2f", r[i] / base)
    }
    hdr = "threads|row|req/s|p50|p99|peak RSS|idle RSS|x floor|target"
    fmt = "%-7s  %-16s  %8s  %9s  %9s  %10s  %10s  %7s  %-12s\n"
    split(hdr, h, "|")
    printf "\n" fmt, h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9]
    for (i = 1; i <= count; i++)
      printf fmt, th[i], name[i], sprintf("%.0f", r[i]), ms(a[i]), ms(b[i]), mib(pk[i]),
        mib(id[i]), ratio[i], target[i]
    printf "\n%s", extra
    for (t in idle_ok) printf "idle RSS of the application at %s thread(s): target < 20 MiB %s\n",
      t, idle_ok[t] ? "met" : "MISSED"
    if (notes != "") printf "%s\n", notes
    printf "\n| threads | row | req/s | p50 | p99 | peak RSS | idle RSS | × floor | target |\n"
    printf "|--:|---|--:|--:|--:|--:|--:|--:|---|\n"
    for (i = 1; i <= count; i++)
      printf "| %s | %s | %.0f | %s | %s | %s | %s | %s | %s |\n", th[i], name[i], r[i],
        ms(a[i]), ms(b[i]), mib(pk[i]), mib(id[i]), ratio[i], target[i]
  }'
