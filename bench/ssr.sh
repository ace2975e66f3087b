#!/usr/bin/env bash
# The server-side rendering benchmark (bench/README.md, "Server-side
# rendering"): in one run, one table of
#   plaintext floor              the bare Beast server, as bench/run.sh measures it
#   page / (FW, uncached)        the signed-in todo page of bench/seed.mjs's
#                                reader (20 todos, a 10-row leaderboard, the
#                                public counts): private, so every request runs
#                                its three contexts and one render in Node.js
#   page /leaderboard/ (FW, cached)
#                                the public leaderboard page, from the cache
# for FW = react, vue and svelte, with req/s, p50, p99 and the ratio to the
# floor. Every answer must be a server render: the server logs each page sent
# without markup (bench: "fallbacks"), and a row with any is marked.
# Not part of the test suite; about 3 minutes with the defaults.
#
# Environment (all optional):
#   BENCH_THREADS=1          network threads of every server
#   BENCH_DURATION=10s       measured wrk run per row, after BENCH_WARMUP=2s
#   BENCH_CONNECTIONS=64     wrk connections; BENCH_WRK_THREADS=1 wrk threads
#   BENCH_SSR_PROCESSES=     renderers (MIZAN_SSR_PROCESSES; default: cores)
#   BENCH_FRAMEWORKS="react vue svelte"
#   BENCH_SKIP_BUILD=1       use build/release and the front ends' builds as they are
#   BENCH_APP_ENV="MIZAN_WORKERS=4"  extra settings of every server
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
threads=${BENCH_THREADS:-1}
duration=${BENCH_DURATION:-10s}
warmup=${BENCH_WARMUP:-2s}
frameworks=${BENCH_FRAMEWORKS:-react vue svelte}

for tool in wrk node npm curl; do
  command -v "$tool" >/dev/null || die "$tool is not installed (scripts/bootstrap.sh --test)"
done
if [[ -z ${BENCH_SKIP_BUILD:-} ]]; then
  echo "bench: building todo, mizan_bench_floor and the front ends" >&2
  (
    cd "$root"
    [[ -f $build/CMakeCache.txt ]] || cmake --preset release -DMIZAN_WERROR=OFF
    flock /tmp/mizan-build.lock cmake --build --preset release -j "${BENCH_JOBS:-2}" \
      --target todo mizan_bench_floor
    for fw in $frameworks; do npm run build --workspace "examples/todo/web-$fw"; done
  ) >"$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; die "build failed"; }
fi
[[ -x $todo_bin && -x $floor_bin ]] || die "release binaries missing in $build"

results=() # "label|req/s|p50 us|p99 us|note"

# measure LABEL URL COOKIE LOG: a warm-up run, then the measured one. Any
# 4xx/5xx answer stops the run; a page sent without markup marks the row.
measure() {
  local label=$1 target=$2 cookie=$3 log=${4:-}
  run_wrk "$target" "$warmup" "$cookie" '' '' >/dev/null
  local before=0
  [[ -z $log ]] || before=$(fallbacks "$log")
  wrk_measured "$label" "$target" "$cookie"
  local rps=$row_rps note=''
  if [[ -n $log ]]; then
    sleep 1.1 # the last second's count comes with the next line
    local after
    after=$(fallbacks "$log")
    ((after == before)) || note="$((after - before))+ fallbacks"
  fi
  printf '  %-34s %8s req/s  %s (load %s)\n' "$label" "$rps" "$note" "$(cut -d' ' -f1 /proc/loadavg)" >&2
  results+=("$label|$rps|$row_p50|$row_p99|$note")
}

# Lines of pages sent without markup in a server's log (one a second at most).
fallbacks() { grep -c 'sent without markup' "$1" || true; }

# check_render URL COOKIE: the page is a server render, else stop.
check_render() {
  local headers
  headers=$(curl -s -o /dev/null -D - -H "Cookie: $2" "$1")
  grep -qi '^x-mizan-render: server' <<<"$headers" || die "$1 is not rendered on the server: $headers"
}

echo "bench: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)," \
  "Linux $(uname -r); Node.js $(node --version)" >&2
echo "bench: wrk -t$wrk_threads -c$connections -d$duration after a $warmup warm-up;" \
  "$threads network thread(s); load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2

start_server "$work/floor.log" "$floor_bin" 0 "$threads"
floor_pid=$pid floor_url=$url
measure floor "$floor_url" ''

for fw in $frameworks; do
  web="$root/examples/todo/web-$fw"
  [[ -f $web/dist/index.html && -f $web/dist-server/entry-server.js ]] ||
    die "web-$fw is not built (npm run build --workspace examples/todo/web-$fw)"
  # shellcheck disable=SC2086 # BENCH_APP_ENV: extra VAR=value settings
  start_todo "$threads" MIZAN_STATIC_DIR="$web/dist" \
    MIZAN_SSR_BUNDLE="$web/dist-server/entry-server.js" \
    ${BENCH_SSR_PROCESSES:+MIZAN_SSR_PROCESSES=$BENCH_SSR_PROCESSES} ${BENCH_APP_ENV:-}
  log="$work/todo.log"
  seed_todo "$url"
  # Renderers start with the server; the first pages wait for them.
  for _ in $(seq 100); do
    curl -s -o /dev/null -D - -H "Cookie: ${seed[reader_cookie]}" "$url" |
      grep -qi '^x-mizan-render: server' && break
    sleep 0.1
  done
  check_render "$url" "${seed[reader_cookie]}"
  # The reader's own page: their todos in the data, rendered.
  curl -s -H "Cookie: ${seed[reader_cookie]}" "$url" | grep -q '"todos":{"list_todos":\[{' ||
    die "/ does not carry the signed-in reader's todos"
  check_render "${url}leaderboard/" ''
  measure "page / ($fw, uncached)" "$url" "${seed[reader_cookie]}" "$log"
  measure "page /leaderboard/ ($fw, cached)" "${url}leaderboard/" '' "$log"
  curl -s -o /dev/null -D - "${url}leaderboard/" | grep -qi '^x-mizan-cache: hit' ||
    die "/leaderboard/ is not served from the cache"
  stop_server "$pid"
done

# The floor once more: a busy machine shows as a difference.
measure floor "$floor_url" ''
stop_server "$floor_pid"

# The issue's targets: 6,000 renders/s uncached (React), 0.8× the floor cached.
printf '%s\n' "${results[@]}" | floor_table target '
  function target(name, rps, x) {
    if (name ~ /react, uncached/) return sprintf(">= 6000/s %s", rps >= 6000 ? "met" : "MISSED")
    if (name ~ /cached\)/ && name !~ /uncached/) return sprintf(">= 0.80 %s", x >= 0.8 ? "met" : "MISSED")
    return ""
  }'
