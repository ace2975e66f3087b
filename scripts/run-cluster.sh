#!/usr/bin/env bash
# Runs the reference application (examples/todo) scaled out, as it would be
# deployed: N instances (default 3) sharing one PostgreSQL database, one
# Redis and the same secrets, behind HAProxy. Installs and builds what it
# needs first; Ctrl-C stops everything and removes every temporary directory.
#
#   scripts/run-cluster.sh [N]
#
# HAProxy listens on 127.0.0.1:8000 (MIZAN_CLUSTER_PORT), instance i on
# 8101+i. MIZAN_WEB chooses the front end as in scripts/run-todo.sh;
# MIZAN_TODO_BIN runs that binary instead of building the release one. Each
# response names the instance that answered in X-Mizan-Instance; each log
# line starts with it. The configuration is scripts/lib/haproxy.cfg.sh,
# the same the integration tests use (tests/integration/cluster.ts).
set -euo pipefail
cd "$(dirname "$0")/.."

count=${1:-3}
[[ $count =~ ^[1-9][0-9]?$ ]] || { echo "run-cluster: N must be 1 to 99, not '$count'" >&2; exit 2; }
lb_port=${MIZAN_CLUSTER_PORT:-8000}
web=${MIZAN_WEB:-react}
case $web in
  react | vue | svelte | plain) ;;
  *) echo "run-cluster: MIZAN_WEB must be react, vue, svelte or plain, not '$web'" >&2; exit 2 ;;
esac

# The build tools (bootstrap.sh), then only the three services, not the
# whole test tool set of `bootstrap.sh --test`.
scripts/bootstrap.sh
missing=()
for p in redis-server postgresql-15 haproxy; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "run-cluster: installing ${missing[*]}"
  sudo_cmd=(); [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The front end and the release binary, as scripts/run-todo.sh builds them.
if [[ $web == plain ]]; then
  static=$PWD/examples/todo/server/public
else
  scripts/npm-ci.sh --if-stale
  npm run build --workspace "examples/todo/web-$web"
  static=$PWD/examples/todo/web-$web/dist
  export MIZAN_SSR_BUNDLE=${MIZAN_SSR_BUNDLE:-$PWD/examples/todo/web-$web/dist-server/entry-server.js}
fi
if [[ -n ${MIZAN_TODO_BIN:-} ]]; then
  todo=$MIZAN_TODO_BIN  # a build of your own (e.g. build/dev or build/asan)
else
  cmake --preset release >/dev/null
  cmake --build --preset release --target todo
  todo=$PWD/build/release/examples/todo/server/todo
fi

# shellcheck source=scripts/lib/haproxy.cfg.sh
source scripts/lib/haproxy.cfg.sh

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$lb_port" $(seq 8101 $((8100 + count))); do
  port_busy "$port" && { echo "run-cluster: port $port is already in use" >&2; exit 1; }
done

work=$(mktemp -d /tmp/mizan-cluster.XXXXXX)
# Directly under /tmp: as root, PostgreSQL runs as `postgres`, which must reach it.
pg_dir=$(mktemp -d /tmp/mizan-cluster-pg.XXXXXX)
haproxy_pid=''
pids=()  # redis-server and the instances
running() {  # pid: alive and not yet a zombie
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null) && [[ $state != Z* ]]
}
stop_pids() {  # pid...: SIGTERM, up to 20 s, then SIGKILL
  (($#)) || return 0
  kill -TERM "$@" 2>/dev/null || true
  local pid
  for _ in $(seq 200); do
    for pid in "$@"; do running "$pid" && break; pid=''; done
    [[ -z $pid ]] && break
    sleep 0.1
  done
  kill -KILL "$@" 2>/dev/null || true
  wait "$@" 2>/dev/null || true
}
stopped=0
stop_all() {
  ((stopped)) && return
  stopped=1
  trap - INT TERM EXIT
  echo "run-cluster: stopping"
  # HAProxy first, so that nothing new reaches an instance that is stopping.
  [[ -n $haproxy_pid ]] && stop_pids "$haproxy_pid"
  stop_pids "${pids[@]}"
  scripts/pg-cluster.sh stop "$pg_dir" || true
  rm -rf "$work" "$pg_dir"
}
trap stop_all INT TERM EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {  # port name pid
  for _ in $(seq 300); do
    port_busy "$1" && return 0
    running "$3" || break
    sleep 0.1
  done
  echo "run-cluster: $2 did not start on port $1" >&2
  exit 1
}
# Tags each line with its process and drops the access log lines of
# HAProxy's health checks (two a second per instance); ignores Ctrl-C so
# that the last lines (the instances' shutdown) still get through.
prefix() {
  trap '' INT
  exec sed -u -e '\# GET /api/mizan/health/ #d' -e "s/^/[$1] /"
}
secret() { python3 -c 'import secrets; print(secrets.token_hex(32))'; }

echo "run-cluster: PostgreSQL"
database_url=$(scripts/pg-cluster.sh start "$pg_dir" | tail -1)

echo "run-cluster: Redis"
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work" --save '' --appendonly no \
  --daemonize no --logfile "$work/redis.log" &
pids+=("$!")
wait_port "$redis_port" redis-server "$!"

# Every instance shares the database, Redis and the three secrets, and
# accepts the load balancer's origin.
export MIZAN_DATABASE_URL=$database_url
export MIZAN_REDIS_URL=redis://127.0.0.1:$redis_port/0
export MIZAN_SECRET_KEY MIZAN_CACHE_SECRET MIZAN_MWT_SECRET
MIZAN_SECRET_KEY=$(secret) MIZAN_CACHE_SECRET=$(secret) MIZAN_MWT_SECRET=$(secret)
export MIZAN_ALLOWED_ORIGINS=http://127.0.0.1:$lb_port,http://localhost:$lb_port
export MIZAN_STATIC_DIR=$static
# On SIGTERM an instance answers its health check 503 for a second first, so
# HAProxy (checks every 500 ms, two to go DOWN) stops sending it requests.
export MIZAN_DRAIN_MS=${MIZAN_DRAIN_MS:-1500}
servers=()
for ((i = 0; i < count; i++)); do
  port=$((8101 + i))
  mkdir "$work/i$i"
  # One at a time: the first one creates the schema.
  MIZAN_BIND=127.0.0.1:$port MIZAN_DATA_DIR=$work/i$i "$todo" > >(prefix "i$i") 2>&1 &
  pids+=("$!")
  wait_port "$port" "instance i$i" "$!"
  servers+=("i$i=127.0.0.1:$port")
done

haproxy_cfg --stats-socket "$work/haproxy.sock" "$lb_port" "${servers[@]}" >"$work/haproxy.cfg"
haproxy -c -q -f "$work/haproxy.cfg"
haproxy -f "$work/haproxy.cfg" -db > >(prefix haproxy) 2>&1 &
haproxy_pid=$!
wait_port "$lb_port" haproxy "$haproxy_pid"

echo "Mizan cluster: http://127.0.0.1:$lb_port/ ($count instances, PostgreSQL, Redis, HAProxy)"
# Instances may die and come back (HAProxy routes around them); the cluster
# ends with HAProxy or Ctrl-C.
wait "$haproxy_pid" || true
