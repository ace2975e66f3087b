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
