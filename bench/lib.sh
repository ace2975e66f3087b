# Shared by bench/run.sh and bench/profile.sh (sourced, not run): starting and
# stopping the two servers, seeding, and driving wrk.
# shellcheck shell=bash
# shellcheck disable=SC2034  # the variables are used by the scripts that source this

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$root/build/release"
todo_bin="$build/examples/todo/server/todo"
floor_bin="$build/bench/mizan_bench_floor"
ws_load_bin="$build/bench/mizan_bench_ws_load"
lua="$root/bench/wrk/bench.lua"
connections=${BENCH_CONNECTIONS:-64}
wrk_threads=${BENCH_WRK_THREADS:-1}

die() {
  echo "bench: $*" >&2
  exit 1
}

# Builds the release binaries (the two servers and the WebSocket load
# generator) with the release preset.
build_release() {
  "$root/scripts/bootstrap.sh" --test
  # -Werror is turned off for this build only: it changes no generated code,
  # and GCC 12 at -O3 has known false positives (-Wrestrict for
  # `"literal" + std::string`) that should not stop a measurement. Every
  # other flag is the preset's.
  local log="$work/build.log"
  echo "bench: building todo, mizan_bench_floor and mizan_bench_ws_load in $build" >&2
  (cd "$root" && cmake --preset release -DMIZAN_WERROR=OFF &&
    cmake --build --preset release --target todo mizan_bench_floor mizan_bench_ws_load \
      -j "${BENCH_JOBS:-2}") \
    >"$log" 2>&1 || { tail -30 "$log" >&2; die "release build failed"; }
}

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# start_server LOG CMD...: runs a server on an ephemeral port and waits (up to
# a minute, for valgrind) for the line announcing its URL. Sets $pid and $url.
start_server() {
  local log=$1 name
  shift
  name=$(basename "${@: -1}")
  : >"$log"
  "$@" >"$log" 2>&1 &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 1200); do
    url=$(grep -o -m1 'http://127\.0\.0\.1:[0-9]\+/' "$log" || true)
    [[ -n $url ]] && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; die "$name exited at start-up"; }
    sleep 0.05
  done
  die "$name printed no address"
}

stop_server() {
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# start_todo THREADS [WRAPPER...]: the reference application with a fresh data
# directory, seeded (see seed.mjs). Sets $pid, $url and the array $seed.
start_todo() {
  local threads=$1
  shift
  local data="$work/data-$RANDOM"
  mkdir -p "$data"
  start_server "$work/todo.log" env MIZAN_BIND=127.0.0.1:0 MIZAN_DATA_DIR="$data" \
    MIZAN_ACCESS_LOG=0 MIZAN_PASSWORD_HASHING=fast MIZAN_THREADS="$threads" "$@" "$todo_bin"
}

# seed_todo URL: fills the associative array $seed from seed.mjs.
seed_todo() {
  node "$root/bench/seed.mjs" "$1" >"$work/seed" || die "seeding failed"
  seed=()
  local name value
  while read -r name value; do seed[$name]=$value; done <"$work/seed"
}
declare -A seed=()

status_kib() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }

# run_wrk URL DURATION COOKIE CSRF BODY: prints wrk's summary line (bench.lua).
run_wrk() {
  BENCH_COOKIE=$3 BENCH_CSRF=$4 BENCH_BODY=$5 \
    wrk -t"$wrk_threads" -c"$connections" -d"$2" --latency -s "$lua" "$1" | grep '^BENCH '
}

# row_request ROW BASE_URL: sets $target, $cookie, $csrf and $body for a row
# (floor, ctx/leaderboard, ctx/todos, add_todo).
row_request() {
  local api="${2}api/mizan"
  cookie='' csrf='' body=''
  case $1 in
    floor) target=$2 ;;
    ctx/leaderboard) target="$api/ctx/leaderboard/" ;;
    ctx/todos)
      target="$api/ctx/todos/" cookie=${seed[reader_cookie]} csrf=${seed[reader_csrf]}
      ;;
    add_todo)
      target="$api/call/add_todo/" cookie=${seed[writer_cookie]} csrf=${seed[writer_csrf]}
      body='{"title":"benchmark todo"}'
      ;;
    *) die "unknown row $1" ;;
  esac
}

# wrk_measured LABEL URL COOKIE: a measured wrk run (no warm-up). Sets
# $requests, $row_rps, $row_p50 and $row_p99 (µs); any 4xx/5xx answer stops
# the run, socket errors are reported.
# shellcheck disable=SC2154 # $duration: set by the script that sources this
wrk_measured() {
  local label=$1 line
  line=$(run_wrk "$2" "$duration" "${3:-}" '' '')
  local re='requests=([0-9]+) duration_us=([0-9]+) p50_us=([0-9]+) p99_us=([0-9]+) bad_status=([0-9]+) socket_errors=([0-9]+)'
  [[ $line =~ $re ]] || die "$label: unreadable wrk output: $line"
  requests=${BASH_REMATCH[1]}
  ((BASH_REMATCH[5] == 0)) || die "$label: ${BASH_REMATCH[5]} of $requests answers were 4xx/5xx"
  ((BASH_REMATCH[6] == 0)) || echo "bench: $label: ${BASH_REMATCH[6]} socket errors" >&2
  row_rps=$(awk -v n="$requests" -v us="${BASH_REMATCH[2]}" 'BEGIN { printf "%.0f", n * 1e6 / us }')
  row_p50=${BASH_REMATCH[3]} row_p99=${BASH_REMATCH[4]}
}

# floor_table COLUMN [TARGET_AWK]: prints, from "label|req/s|p50 µs|p99 µs|note"
# lines on standard input, the table (text and Markdown) with each row's
# ratio to the mean of the rows labelled `floor` (the first and last runs).
# TARGET_AWK may define `function target(name, rps, x)`, the row's target
# verdict; the last column is the verdict and the note, named COLUMN.
floor_table() {
  local targets=${2:-'function target(name, rps, x) { return "" }'}
  awk -F'|' -v column="$1" "$targets"'
  function ms(u) { return sprintf("%.2f ms", u / 1000) }
  {
    label[++n] = $1; rps[n] = $2; p50[n] = $3; p99[n] = $4; note[n] = $5
    if ($1 == "floor") { floor_sum += $2; floor_run[++floors] = $2 + 0 }
  }
  END {
    base = floor_sum / floors
    out = 0
    for (i = 1; i <= n; i++) {
      t = ""
      if (label[i] == "floor") {
        if (seen_floor++) continue
        name = "plaintext floor"; r = sprintf("%.0f", base); x = "1.00"
      } else {
        name = label[i]; r = rps[i]; x = sprintf("%.2f", rps[i] / base); t = target(name, rps[i] + 0, x + 0)
      }
      if (note[i] != "") t = t == "" ? note[i] : t " (" note[i] ")"
      row[++out] = name; c1[out] = r; c2[out] = ms(p50[i]); c3[out] = ms(p99[i]); c4[out] = x
      c5[out] = t == "" ? "-" : t
      if (length(name) > width) width = length(name)
    }
    fmt = "%-" width "s  %8s  %9s  %9s  %7s  %s\n"
    printf "\n" fmt, "row", "req/s", "p50", "p99", "x floor", column
    for (i = 1; i <= out; i++) printf fmt, row[i], c1[i], c2[i], c3[i], c4[i], c5[i]
    lo = floor_run[1] < floor_run[floors] ? floor_run[1] : floor_run[floors]
    hi = floor_run[1] < floor_run[floors] ? floor_run[floors] : floor_run[1]
    printf "\nfloor: %d req/s first, %d req/s last (the ratios use their mean)%s\n", floor_run[1],
      floor_run[floors], (hi > 1.15 * lo ? "; busy machine: re-run" : "")
    printf "\n| row | req/s | p50 | p99 | × floor | %s |\n|---|--:|--:|--:|--:|---|\n", column
    for (i = 1; i <= out; i++) printf "| %s | %s | %s | %s | %s | %s |\n", row[i], c1[i], c2[i], c3[i], c4[i], c5[i]
  }'
}
