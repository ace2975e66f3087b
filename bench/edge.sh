#!/usr/bin/env bash
# The edge benchmark (bench/README.md, "The edge"): in one run, one table of
#   plaintext floor          the bare Beast server, as bench/run.sh measures it
#   ctx/stats (origin cache) the public stats context straight from the
#                            origin, no edge configured: an origin-cache hit
#   ctx/stats (varnish hit)  the same through Varnish 7.1 (xkey), a hit there
#   ctx/stats (worker hit)   the same through the Cloudflare Worker on workerd
#   mix (varnish|worker)     wrk reads ctx/stats through the edge while a
#                            writer calls add_todo (which affects stats)
#                            through the same edge every 100 ms: read req/s,
#                            the mutations done, and the share of reads that
#                            reached the origin (the origin's access-log
#                            lines of GET /api/mizan/ctx/stats over the reads
#                            made). After each mutation the writer reads
#                            stats through the edge and expects the new count
#                            (a stale read is reported); after the run, the
#                            edge and the origin must agree.
# with req/s, p50, p99 and the ratio to the floor. Any 4xx/5xx stops the run.
# The edge configuration is written by the application (`todo edge varnish`,
# `todo edge worker`), as docs/edge.md deploys it. Not part of the test suite.
#
# Environment (all optional):
#   BENCH_THREADS=1          network threads of the origin and of the floor
#   BENCH_DURATION=10s       measured wrk run per row, after BENCH_WARMUP=2s
#   BENCH_CONNECTIONS=64     wrk connections; BENCH_WRK_THREADS=1 wrk threads
#   BENCH_EDGES="varnish worker"  which edges to measure
#   BENCH_WRITE_INTERVAL_MS=100   the writer's period in the mix rows
#   BENCH_SKIP_BUILD=1       use build/release as it is
#   BENCH_TODO_BIN=          another todo binary (e.g. build/dev's), for trying the script
#   BENCH_APP_ENV="MIZAN_WORKERS=4"  extra settings of every origin
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
threads=${BENCH_THREADS:-1}
duration=${BENCH_DURATION:-10s}
warmup=${BENCH_WARMUP:-2s}
edges=${BENCH_EDGES:-varnish worker}
write_interval_ms=${BENCH_WRITE_INTERVAL_MS:-100}
workerd_bin="$root/node_modules/.bin/workerd"
varnishd_bin=$(PATH="$PATH:/usr/sbin:/usr/local/sbin" command -v varnishd || true)

for tool in wrk node curl; do
  command -v "$tool" >/dev/null || die "$tool is not installed (scripts/bootstrap.sh --test)"
done
for edge in $edges; do
  case $edge in
    varnish) [[ -n $varnishd_bin ]] || die "varnishd is not installed (apt-get install varnish varnish-modules)" ;;
    worker) [[ -x $workerd_bin ]] || die "workerd is missing: npm install" ;;
    *) die "unknown edge '$edge' (varnish, worker)" ;;
  esac
done
if [[ -z ${BENCH_SKIP_BUILD:-} ]]; then
  echo "bench: building todo and mizan_bench_floor" >&2
  (
    cd "$root"
    [[ -f $build/CMakeCache.txt ]] || cmake --preset release -DMIZAN_WERROR=OFF
    flock /tmp/mizan-build.lock cmake --build --preset release -j "${BENCH_JOBS:-2}" \
      --target todo mizan_bench_floor
  ) >"$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; die "build failed"; }
fi
todo_bin=${BENCH_TODO_BIN:-$todo_bin}
[[ -x $todo_bin && -x $floor_bin ]] || die "release binaries missing in $build"

results=() # "label|req/s|p50 us|p99 us|note"

# wrk_row LABEL URL: a measured wrk run (no warm-up, bench/lib.sh); sets
# $requests and the row's figures.
wrk_row() {
  wrk_measured "$1" "$2" ''
  printf '  %-28s %8s req/s  (load %s)\n' "$1" "$row_rps" "$(cut -d' ' -f1 /proc/loadavg)" >&2
}

# measure LABEL URL: a warm-up run, then the measured one.
measure() {
  run_wrk "$2" "$warmup" '' '' '' >/dev/null
  wrk_row "$1" "$2"
  results+=("$1|$row_rps|$row_p50|$row_p99|")
}

# A free loopback port (the edge's, chosen before the origin that purges it).
free_port() {
  node -e 'const s = require("net").createServer();
    s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# header URL NAME: the value of one response header of a GET (lower-case name).
header() {
  curl -s -o /dev/null -D - "$1" | tr -d '\r' |
    awk -v h="$2" 'tolower($1) == h ":" { print tolower($2) }'
}

# expect_header URL NAME VALUE: a few GETs until NAME says VALUE, else stop.
expect_header() {
  local got=''
  for _ in $(seq 20); do
    got=$(header "$1" "$2")
    [[ $got == "$3" ]] && return 0
    sleep 0.05
  done
  die "$1: $2 is '$got', not '$3'"
}

# todos_count URL: the todos count a stats read returns.
todos_count() {
  curl -sf "$1" | node -e 'let s = ""; process.stdin.on("data", (d) => (s += d));
    process.stdin.on("end", () => console.log(JSON.parse(s).public_stats.todos));'
}

# The origin's access-log lines of stats reads so far. The log is flushed
# about once a second: wait until two reads a second apart agree.
origin_reads() {
  local log=$1 a b
  b=$(grep -c ' GET /api/mizan/ctx/stats' "$log" || true)
  while :; do
    sleep 1.1
    a=$b
    b=$(grep -c ' GET /api/mizan/ctx/stats' "$log" || true)
    [[ $a == "$b" ]] && break
  done
  echo "$b"
}

# The writer of the mix rows: add_todo as the seeded writer through the edge
# every interval, then a stats read through the edge that must show the new
# count (the writer is the only one adding todos; the first three stale reads
# are shown, with the origin's answer read straight after). Stops at SIGTERM
# and prints "mutations=N failed=N reads=N stale=N origin_reads=N".
cat >"$work/writer.mjs" <<'EOF'
const [edge, origin, cookie, csrf, intervalMs, start] = process.argv.slice(2);
const api = `${edge.replace(/\/$/, '')}/api/mizan`;
let mutations = 0, failed = 0, reads = 0, stale = 0, originReads = 0, expected = Number(start);
let stop = false;
process.on('SIGTERM', () => (stop = true));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const began = Date.now();
for (let k = 0; !stop; ++k) {
  const res = await fetch(`${api}/call/add_todo/`, {
    method: 'POST',
    headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
    body: '{"title":"bench"}',
  });
  await res.arrayBuffer();
  if (res.status === 200) {
    ++mutations;
    ++expected;
    const read = await fetch(`${api}/ctx/stats/`);
    const body = await read.json();
    ++reads;
    if (read.status !== 200) ++failed;
    else if (body.public_stats.todos !== expected && ++stale <= 3) {
      // The first few: what the edge said, and what the origin says now.
      const at = await fetch(`${origin.replace(/\/$/, '')}/api/mizan/ctx/stats/`);
      const now = (await at.json()).public_stats.todos;
      ++originReads;
      const h = (name) => read.headers.get(name);
      console.error(`writer: stale read after add_todo #${mutations}: ${body.public_stats.todos}` +
        ` todos, expected ${expected} (X-Mizan-Edge: ${h('x-mizan-edge')}, X-Mizan-Cache: ${h('x-mizan-cache')},` +
        ` Age: ${h('age')});` +
        ` the origin then: ${now} (X-Mizan-Cache: ${at.headers.get('x-mizan-cache')})`);
    }
  } else {
    ++failed;
    console.error(`writer: add_todo answered ${res.status}`);
  }
  await sleep(Math.max(0, began + (k + 1) * Number(intervalMs) - Date.now()));
}
console.log(`mutations=${mutations} failed=${failed} reads=${reads} stale=${stale} origin_reads=${originReads}`);
EOF

# mix LABEL EDGE_URL ORIGIN_URL LOG: the read-heavy mix through one edge.
mix() {
  local label=$1 edge_url=$2 origin_url=$3 log=$4
  local stats="${edge_url}api/mizan/ctx/stats/" start before after line
  run_wrk "$stats" "$warmup" '' '' '' >/dev/null
  start=$(todos_count "${origin_url}api/mizan/ctx/stats/")
  before=$(origin_reads "$log")
  node "$work/writer.mjs" "$edge_url" "$origin_url" "${seed[writer_cookie]}" "${seed[writer_csrf]}" \
    "$write_interval_ms" "$start" >"$work/writer.out" &
  local writer=$!
  pids+=("$writer")
  wrk_row "$label" "$stats"
  kill -TERM "$writer"
  wait "$writer" || die "$label: the writer failed"
  line=$(cat "$work/writer.out")
  local re='mutations=([0-9]+) failed=([0-9]+) reads=([0-9]+) stale=([0-9]+) origin_reads=([0-9]+)'
  [[ $line =~ $re ]] || die "$label: unreadable writer output: $line"
  local mutations=${BASH_REMATCH[1]} failed=${BASH_REMATCH[2]} wreads=${BASH_REMATCH[3]}
  local stale=${BASH_REMATCH[4]} diagnosed=${BASH_REMATCH[5]}
  ((failed == 0)) || die "$label: $failed of the writer's requests failed"
  after=$(origin_reads "$log")
  local at_origin=$((after - before - diagnosed)) reads=$((requests + wreads))
  local edge_count origin_count
  edge_count=$(todos_count "$stats")
  origin_count=$(todos_count "${origin_url}api/mizan/ctx/stats/")
  [[ $edge_count == "$origin_count" ]] ||
    die "$label: after the run the edge says $edge_count todos, the origin $origin_count"
  ((origin_count == start + mutations)) ||
    die "$label: $mutations mutations, but the todos went from $start to $origin_count"
  local share
  share=$(awk -v o="$at_origin" -v r="$reads" 'BEGIN { printf "%.3f %%", 100 * o / r }')
  local note="$mutations mutations; $at_origin of $reads reads at the origin ($share)"
  note+="; stale after a mutation: $stale of $wreads"
  echo "  $label: $note; after: edge $edge_count = origin $origin_count todos" >&2
  results+=("$label|$row_rps|$row_p50|$row_p99|$note")
}

# start_origin ACCESS_LOG [VAR=value...]: the application on a fresh data
# directory (not yet seeded: the edge it purges starts first).
start_origin() {
  local access_log=$1
  shift
  # shellcheck disable=SC2086 # BENCH_APP_ENV: extra VAR=value settings
  start_todo "$threads" MIZAN_ACCESS_LOG="$access_log" MIZAN_MWT_SECRET="$mwt_secret" "$@" \
    ${BENCH_APP_ENV:-}
  origin_pid=$pid origin_url=$url
}

# start_varnish PORT ORIGIN_PORT: the generated VCL on varnishd.
start_varnish() {
  local dir="$work/varnish"
  mkdir -p "$dir"
  "$todo_bin" edge varnish --backend "127.0.0.1:$2" >"$dir/mizan.vcl" ||
    die "todo edge varnish failed"
  "$varnishd_bin" -F -j none -n "$dir/n" -a "127.0.0.1:$1" -f "$dir/mizan.vcl" \
    -s malloc,256m -T none >"$work/varnish.log" 2>&1 &
  edge_pid=$!
  pids+=("$edge_pid")
  # Varnish answers a PURGE without tags itself, with 400.
  for _ in $(seq 300); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' -X PURGE "http://127.0.0.1:$1/") == 400 ]] && return 0
    kill -0 "$edge_pid" 2>/dev/null || { cat "$work/varnish.log" >&2; die "varnishd exited at start-up"; }
    sleep 0.1
  done
  die "varnishd did not answer"
}

# start_worker PORT ORIGIN_PORT: the generated Worker on workerd.
start_worker() {
  local dir="$work/worker"
  "$todo_bin" edge worker --out "$dir" --origin "127.0.0.1:$2" --listen "127.0.0.1:$1" \
    >"$work/worker-gen.log" 2>&1 || { cat "$work/worker-gen.log" >&2; die "todo edge worker failed"; }
  MIZAN_MWT_SECRET=$mwt_secret MIZAN_EDGE_PURGE_TOKEN=$purge_token \
    "$workerd_bin" serve "$dir/workerd.capnp" >"$work/workerd.log" 2>&1 &
  edge_pid=$!
  pids+=("$edge_pid")
  for _ in $(seq 300); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/api/mizan/ctx/stats/") == 200 ]] &&
      return 0
    kill -0 "$edge_pid" 2>/dev/null || { cat "$work/workerd.log" >&2; die "workerd exited at start-up"; }
    sleep 0.1
  done
  die "workerd did not answer"
}

mwt_secret=$(head -c 32 /dev/urandom | base64 | tr -d '/+=\n')
purge_token=$(head -c 24 /dev/urandom | base64 | tr -d '/+=\n')

echo "bench: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)," \
  "Linux $(uname -r); Node.js $(node --version); $("$varnishd_bin" -V 2>&1 | head -1 || true)" >&2
echo "bench: wrk -t$wrk_threads -c$connections -d$duration after a $warmup warm-up;" \
  "$threads network thread(s) at the origin; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2

start_server "$work/floor.log" "$floor_bin" 0 "$threads"
floor_pid=$pid floor_url=$url
measure floor "$floor_url"

# The origin alone: no edge configured, so nothing is tagged.
start_origin 0
seed_todo "$origin_url"
stats="${origin_url}api/mizan/ctx/stats/"
expect_header "$stats" x-mizan-cache hit
measure "ctx/stats (origin cache)" "$stats"
expect_header "$stats" x-mizan-cache hit
stop_server "$origin_pid"

for edge in $edges; do
  edge_port=$(free_port)
  edge_url="http://127.0.0.1:$edge_port/"
  if [[ $edge == varnish ]]; then
    start_origin 1 MIZAN_EDGE_PURGE="varnish=$edge_url"
  else
    start_origin 1 MIZAN_EDGE_PURGE="cloudflare=${edge_url}__mizan/purge" \
      MIZAN_EDGE_PURGE_TOKEN="$purge_token"
  fi
  origin_port=${origin_url##*:}
  origin_port=${origin_port%/}
  "start_$edge" "$edge_port" "$origin_port"
  seed_todo "$origin_url"
  stats="${edge_url}api/mizan/ctx/stats/"
  expect_header "$stats" x-mizan-edge hit
  measure "ctx/stats ($edge hit)" "$stats"
  expect_header "$stats" x-mizan-edge hit
  mix "mix ($edge)" "$edge_url" "$origin_url" "$work/todo.log"
  stop_server "$edge_pid"
  stop_server "$origin_pid"
done

# The floor once more: a busy machine shows as a difference.
measure floor "$floor_url"
stop_server "$floor_pid"

printf '%s\n' "${results[@]}" | floor_table note
