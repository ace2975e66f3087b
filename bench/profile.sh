#!/usr/bin/env bash
# Where a benchmark row's time goes, for the rows bench/run.sh measures.
#
# Usage: bench/profile.sh [ROW...]   rows: floor ctx/leaderboard ctx/todos add_todo
#                                    (default: all four)
# For each row, with one network thread:
#  - perf (when it can sample): the share of CPU time per binary/library and
#    kernel, and the hottest symbols, during an ordinary wrk run;
#  - callgrind: user-space instructions per request (a figure that a busy
#    machine does not disturb) and the functions with the highest self and
#    inclusive cost;
#  - strace: system calls per request, all threads (the kernel side, which
#    callgrind does not see).
# Builds nothing: run bench/run.sh (or its build step) first.
#
# Environment: PROFILE_DURATION=10s, PROFILE_TOP=25 (lines per listing),
# PROFILE_TOOLS="perf callgrind strace", PROFILE_KEEP=DIR (keep perf.data and the
# callgrind output of each row there, for perf report / callgrind_annotate).
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
duration=${PROFILE_DURATION:-10s}
top=${PROFILE_TOP:-25}
tools=${PROFILE_TOOLS:-perf callgrind strace}
rows=("$@")
((${#rows[@]})) || rows=(floor ctx/leaderboard ctx/todos add_todo)
[[ -x $todo_bin && -x $floor_bin ]] || die "release binaries missing in $build (run bench/run.sh)"

# start_row ROW [WRAPPER...]: the row's server (seeded), warmed up; sets $pid
# and the request variables (see row_request).
start_row() {
  local row=$1
  shift
  if [[ $row == floor ]]; then
    start_server "$work/floor.log" "$@" "$floor_bin" 0 1
  else
    start_todo 1 "$@"
    seed_todo "$url"
  fi
  row_request "$row" "$url"
  connections=8 run_wrk "$target" 1s "$cookie" "$csrf" "$body" >/dev/null
}

# The first LINES lines, long template names cut (the head says which
# function it is). Reads all its input, so that no writer dies of SIGPIPE.
first() { sed -E 's/ \[[^]]*\]$//; s/^(.{140}).*/\1.../' | awk -v n="$1" 'NR <= n'; }

keep() {
  [[ -z ${PROFILE_KEEP:-} ]] || { mkdir -p "$PROFILE_KEEP" && cp "$1" "$PROFILE_KEEP/$2"; }
}

perf_row() {
  local row=$1 data="$work/perf.data"
  start_row "$row"
  local server=$pid
  run_wrk "$target" "$((${duration%s} + 2))s" "$cookie" "$csrf" "$body" >"$work/wrk" &
  local load=$!
  sleep 1
  perf record -q -e cpu-clock -F 999 -o "$data" -p "$server" -- sleep "${duration%s}" \
    >/dev/null 2>&1 || { echo "perf cannot sample here; skipped"; wait "$load"; return; }
  wait "$load"
  stop_server "$server"
  keep "$data" "perf-${row//\//_}.data"
  echo "-- perf: CPU time of the server by object"
  perf report -i "$data" --no-children --sort dso --stdio 2>/dev/null |
    grep -E '^ +[0-9.]+%' | first 8
  echo "-- perf: hottest symbols (self time)"
  perf report -i "$data" --no-children --sort dso,sym --stdio 2>/dev/null |
    grep -E '^ +[0-9.]+%' | first "$top"
}

callgrind_row() {
  local row=$1 out="$work/callgrind.out"
  rm -f "$out"*
  start_row "$row" valgrind -q --tool=callgrind --callgrind-out-file="$out"
  local server=$pid
  callgrind_control -z "$server" >/dev/null 2>&1
  local line
  line=$(connections=8 run_wrk "$target" "$duration" "$cookie" "$csrf" "$body")
  callgrind_control -d "$server" >/dev/null 2>&1
  stop_server "$server"
  keep "$out.1" "callgrind-${row//\//_}.out"
  local requests
  requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")
  local total
  total=$(callgrind_annotate "$out.1" | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
  echo "-- callgrind: $requests requests, $total instructions in user space," \
    "$((total / requests)) per request (all threads)"
  # Frames that were on the stack when the counters were zeroed (the event
  # loop, the thread start) show about 100 % in both listings: left out.
  for mode in no yes; do
    echo "-- callgrind: top functions, $([[ $mode == no ]] && echo self || echo inclusive) cost"
    callgrind_annotate --inclusive=$mode --threshold=100 "$out.1" |
      awk '/^-+$/ { n++; next } n == 6 && NF && !/\((100\.0|99\.[0-9]+)%\)/' | first "$top"
  done
}

strace_row() {
  local row=$1 out="$work/strace.out"
  start_row "$row"
  local server=$pid
  strace -qq -f -c -o "$out" -p "$server" &
  local tracer=$!
  sleep 1
  local line
  line=$(connections=8 run_wrk "$target" "$duration" "$cookie" "$csrf" "$body")
  kill -INT "$tracer"
  wait "$tracer" || true
  stop_server "$server"
  local requests
  requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")
  echo "-- strace: system calls per request ($requests requests, slowed by tracing)"
  # strace's own last line is the total.
  awk -v n="$requests" '$1 ~ /^[0-9.]+$/ && NF >= 5 { printf "  %-16s %6.2f\n", $NF, $4 / n }' \
    "$out" | sort -k2 -n -r | first 12
}

for row in "${rows[@]}"; do
  for tool in $tools; do
    echo "== $row: $tool (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    "${tool}_row" "$row"
  done
done
