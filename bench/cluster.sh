#!/usr/bin/env bash
# The several-instances benchmark (bench/README.md, "Several instances"):
# in one run, one table of
#   plaintext floor          the bare Beast server, as bench/run.sh measures it
#   ctx/leaderboard@memory   one instance, SQLite, the in-process origin cache
#   ctx/leaderboard@redis    one instance, SQLite, the origin cache on Redis
#                            (MIZAN_REDIS_URL: every hit is a Redis round trip)
#   ctx/todos@lb, add_todo@lb, ctx/leaderboard@lb
#                            HAProxy in front of 3 instances sharing one
#                            PostgreSQL database and one Redis
#   invalidate → ...         the cross-instance invalidation delay
#                            (bench/cluster-delay.mjs): a mutation on
#                            instance 1, its push at sockets on instances 2
#                            and 3, and a fresh GET there
# with req/s, p50, p99 and the ratio to the floor. It starts redis-server, a
# throwaway PostgreSQL cluster (scripts/pg-cluster.sh) and HAProxy
# (scripts/lib/haproxy.cfg.sh) itself and stops them on exit. Not part of the
# test suite; about 3 minutes with the defaults.
#
# Environment (all optional):
#   BENCH_THREADS=1        network threads of every server (one value)
#   BENCH_DURATION=10s     measured wrk run per row, after BENCH_WARMUP=2s
#   BENCH_CONNECTIONS=64   wrk connections; BENCH_WRK_THREADS=1 wrk threads
#   BENCH_JOBS=2           build parallelism
#   BENCH_SKIP_BUILD=1     use build/release as it is
#   BENCH_INSTANCES=3      instances behind HAProxy
#   BENCH_SOCKETS=100      sockets of the delay measurement (half on
#                          instance 2, half on instance 3)
#   BENCH_DELAY_ROUNDS=200 mutations of the delay measurement, one at a time
#   BENCH_APP_ENV="MIZAN_WORKERS=1"  extra settings of every instance
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
threads=${BENCH_THREADS:-1}
duration=${BENCH_DURATION:-10s}
warmup=${BENCH_WARMUP:-2s}
instances=${BENCH_INSTANCES:-3}
sockets=${BENCH_SOCKETS:-100}
delay_rounds=${BENCH_DELAY_ROUNDS:-200}
[[ $threads =~ ^[1-9][0-9]*$ ]] || die "BENCH_THREADS must be one number here, not '$threads'"
((instances >= 3)) || die "BENCH_INSTANCES must be at least 3 (the delay needs instances 1 to 3)"

# lib.sh's cleanup stops the processes in $pids (the servers, redis-server,
# HAProxy) and removes $work; the PostgreSQL cluster lives outside $work
# (directly under /tmp: as root, PostgreSQL runs as `postgres`, which must
# reach it).
pg_dir=''
cluster_cleanup() {
  trap - INT TERM EXIT
  cleanup
  [[ -z $pg_dir ]] || "$root/scripts/pg-cluster.sh" stop "$pg_dir" || true
}
trap cluster_cleanup EXIT
trap 'exit 130' INT TERM

for tool in wrk node redis-server redis-cli haproxy python3; do
  command -v "$tool" >/dev/null || die "$tool is not installed (scripts/bootstrap.sh --test)"
done
if [[ -z ${BENCH_SKIP_BUILD:-} ]]; then
  echo "bench: building todo and mizan_bench_floor in $build" >&2
  (
    cd "$root"
    # Configured once, as bench/run.sh configures it (-Werror off: see README).
    [[ -f $build/CMakeCache.txt ]] || cmake --preset release -DMIZAN_WERROR=OFF
    flock /tmp/mizan-build.lock cmake --build --preset release -j "${BENCH_JOBS:-2}" \
      --target todo mizan_bench_floor
  ) >"$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; die "release build failed"; }
fi
[[ -x $todo_bin && -x $floor_bin ]] || die "release binaries missing in $build"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
secret() { python3 -c 'import secrets; print(secrets.token_hex(32))'; }

results=()  # "label|req/s|p50 us|p99 us", or "label|-|p50 ms|p99 ms" for delays

# measure ROW BASE_URL LABEL: a warm-up run, then the measured one (wrk, as
# bench/run.sh). Any 4xx/5xx answer stops the run; socket errors are reported.
measure() {
  local row=$1 label=$3
  row_request "$row" "$2"
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
  printf '  %-24s %8s req/s  (load %s)\n' "$label" "$rps" "$(cut -d' ' -f1 /proc/loadavg)" >&2
  results+=("$label|$rps|${BASH_REMATCH[3]}|${BASH_REMATCH[4]}")
}

echo "bench: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)," \
  "Linux $(uname -r); $(redis-server --version | cut -d' ' -f1-3), $(haproxy -v | head -1 | cut -d' ' -f1-3)" >&2
echo "bench: wrk -t$wrk_threads -c$connections -d$duration after a $warmup warm-up;" \
  "$threads network thread(s) per server; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# --- 1. the floor ------------------------------------------------------------
start_server "$work/floor.log" "$floor_bin" 0 "$threads"
floor_pid=$pid floor_url=$url
measure floor "$floor_url" floor

# --- 2. one instance, SQLite, in-memory cache ---------------------------------
# shellcheck disable=SC2086 # BENCH_APP_ENV: extra VAR=value settings, split on spaces
start_todo "$threads" ${BENCH_APP_ENV:-}
seed_todo "$url"
measure ctx/leaderboard "$url" ctx/leaderboard@memory
stop_server "$pid"

# --- 3. one instance, SQLite, cache on Redis ---------------------------------
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work" --save '' --appendonly no \
  --daemonize no --logfile "$work/redis.log" &
redis_pid=$!
pids+=("$redis_pid")
for _ in $(seq 100); do
  port_busy "$redis_port" && break
  kill -0 "$redis_pid" 2>/dev/null || die "redis-server exited at start-up"
  sleep 0.05
done
port_busy "$redis_port" || die "redis-server did not start on port $redis_port"
# seed.mjs checks that the second leaderboard request is a cache `hit`: here
# it comes from Redis.
# shellcheck disable=SC2086
start_todo "$threads" ${BENCH_APP_ENV:-} "MIZAN_REDIS_URL=redis://127.0.0.1:$redis_port/0"
seed_todo "$url"
measure ctx/leaderboard "$url" ctx/leaderboard@redis
stop_server "$pid"
redis-cli -p "$redis_port" flushall >/dev/null

# --- 4. the cluster: PostgreSQL + Redis + N instances + HAProxy --------------
pg_dir=$(mktemp -d /tmp/mizan-bench-cluster-pg-XXXXXX)
pg_url=$("$root/scripts/pg-cluster.sh" start "$pg_dir" | tail -1)
lb_port=$(free_port)
cluster_env=(
  "MIZAN_DATABASE_URL=$pg_url"
  "MIZAN_REDIS_URL=redis://127.0.0.1:$redis_port/0"
  "MIZAN_SECRET_KEY=$(secret)" "MIZAN_CACHE_SECRET=$(secret)" "MIZAN_MWT_SECRET=$(secret)"
  "MIZAN_ALLOWED_ORIGINS=http://127.0.0.1:$lb_port"
)
instance_urls=() servers=()
for ((i = 0; i < instances; i++)); do
  port=$(free_port)
  mkdir "$work/i$i"
  # One at a time: the first one creates the schema.
  # shellcheck disable=SC2086
  start_server "$work/i$i.log" env MIZAN_BIND="127.0.0.1:$port" MIZAN_DATA_DIR="$work/i$i" \
    MIZAN_ACCESS_LOG=0 MIZAN_PASSWORD_HASHING=fast MIZAN_THREADS="$threads" \
    "${cluster_env[@]}" ${BENCH_APP_ENV:-} "$todo_bin"
  instance_urls+=("$url")
  servers+=("i$i=127.0.0.1:$port")
done
# shellcheck source=scripts/lib/haproxy.cfg.sh
source "$root/scripts/lib/haproxy.cfg.sh"
haproxy_cfg "$lb_port" "${servers[@]}" >"$work/haproxy.cfg"
haproxy -c -q -f "$work/haproxy.cfg" || die "HAProxy refuses its configuration"
haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 &
pids+=("$!")
lb_url="http://127.0.0.1:$lb_port/"
# Wait until HAProxy reaches every instance (round robin: N answers, N names).
for try in $(seq 100); do
  seen=$(for _ in $(seq "$instances"); do
    { curl -s -o /dev/null -D - "${lb_url}api/mizan/health/" 2>/dev/null || true; } |
      awk -F': ' 'tolower($1) == "x-mizan-instance" { print $2 }' | tr -d '\r'
  done | sort -u | wc -l)
  ((seen == instances)) && break
  ((try < 100)) || { cat "$work/haproxy.log" >&2; die "HAProxy does not reach all $instances instances"; }
  sleep 0.1
done
echo "bench: $instances instances behind HAProxy at $lb_url (PostgreSQL, Redis)" >&2
# Through the load balancer: each request of the seeding may reach another
# instance, so its cache `hit` check is one on the shared Redis.
seed_todo "$lb_url"
measure ctx/todos "$lb_url" ctx/todos@lb
measure add_todo "$lb_url" add_todo@lb
measure ctx/leaderboard "$lb_url" ctx/leaderboard@lb

# --- 5. the cross-instance invalidation delay --------------------------------
echo "bench: delay: $delay_rounds mutations on i0, $sockets sockets on i1 and i2" >&2
node "$root/bench/cluster-delay.mjs" "${instance_urls[@]:0:3}" "${seed[writer_cookie]}" \
  "${seed[writer_csrf]}" "$sockets" "$delay_rounds" >"$work/delay" 2>"$work/delay.err" ||
  { cat "$work/delay.err" >&2; die "cluster-delay.mjs failed"; }
field() { awk -v k="$1" '$1 == k { print $2 }' "$work/delay"; }
results+=("invalidate → each remote socket|-|$(field socket_each_p50_ms)|$(field socket_each_p99_ms)")
results+=("invalidate → last remote socket|-|$(field socket_last_p50_ms)|$(field socket_last_p99_ms)")
results+=("invalidate → fresh GET on i1, i2|-|$(field fresh_get_p50_ms)|$(field fresh_get_p99_ms)")
echo "bench: delay: max each socket $(field socket_each_max_ms) ms, fresh GET $(field fresh_get_max_ms) ms;" \
  "stale GET answers $(field stale_reads); first GET after a mutation: $(field first_get_cache)" >&2

# The floor once more: a busy machine shows as a difference.
measure floor "$floor_url" floor
stop_server "$floor_pid"

# --- the table ---------------------------------------------------------------
printf '%s\n' "${results[@]}" | awk -F'|' -v stale="$(field stale_reads)" '
  function ms(u) { return sprintf("%.2f ms", u / 1000) }
  {
    label[++n] = $1; rps[n] = $2; p50[n] = $3; p99[n] = $4
    if ($1 == "floor") {
      floor_sum += $2; floor_run[++floors] = $2 + 0
    }
  }
  END {
    base = floor_sum / floors
    out = 0
    for (i = 1; i <= n; i++) {
      if (label[i] == "floor") {
        if (seen_floor++) continue  # the second run only enters the mean
        name = "plaintext floor"; r = sprintf("%.0f", base); a = ms(p50[i]); b = ms(p99[i])
        x = "1.00"; t = "-"
      } else if (rps[i] == "-") {
        name = label[i]; r = "-"; a = sprintf("%.2f ms", p50[i]); b = sprintf("%.2f ms", p99[i])
        x = "-"; t = sprintf("p99 < 20 ms %s", p99[i] + 0 < 20 ? "met" : "MISSED")
        if (label[i] ~ /fresh GET/) t = t sprintf(" (%d stale answers)", stale)
      } else {
        name = label[i]; r = rps[i]; a = ms(p50[i]); b = ms(p99[i])
        x = sprintf("%.2f", rps[i] / base)
        t = name == "ctx/leaderboard@redis" ? sprintf(">= 0.50 %s", x + 0 >= 0.5 ? "met" : "MISSED") : "-"
      }
      row[++out] = name; c1[out] = r; c2[out] = a; c3[out] = b; c4[out] = x; c5[out] = t
    }
    fmt = "%-32s  %8s  %9s  %9s  %7s  %s\n"
    printf "\n" fmt, "row", "req/s", "p50", "p99", "x floor", "target"
    for (i = 1; i <= out; i++) printf fmt, row[i], c1[i], c2[i], c3[i], c4[i], c5[i]
    lo = floor_run[1] < floor_run[floors] ? floor_run[1] : floor_run[floors]
    hi = floor_run[1] < floor_run[floors] ? floor_run[floors] : floor_run[1]
    printf "\nfloor: %d req/s first, %d req/s last (the ratios use their mean)%s\n", floor_run[1],
      floor_run[floors], (hi > 1.15 * lo ? " -- busy machine: re-run" : "")
    printf "\n| row | req/s | p50 | p99 | × floor | target |\n|---|--:|--:|--:|--:|---|\n"
    for (i = 1; i <= out; i++) printf "| %s | %s | %s | %s | %s | %s |\n", row[i], c1[i], c2[i], c3[i], c4[i], c5[i]
  }'
