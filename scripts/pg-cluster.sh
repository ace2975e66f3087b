#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests, benchmarks and trying Mizan on
# PostgreSQL: its data, socket and log in one directory, gone when stopped.
#
#   scripts/pg-cluster.sh start DIR [PORT]   initdb + start; prints the URL
#   scripts/pg-cluster.sh stop DIR           stop (immediate: the data goes) and remove DIR
#   scripts/pg-cluster.sh kill DIR           SIGKILL the server (fault tests)
#   scripts/pg-cluster.sh restart DIR        stop (immediate) and start again
#
# The cluster has a role and database `mizan` (password `mizan`): TCP on
# 127.0.0.1:PORT asks for the password (scram-sha-256), the Unix socket in
# DIR trusts. `start` prints the TCP URL; the socket URL is
# postgresql:///mizan?host=DIR&port=PORT&user=mizan. initdb and postgres
# refuse to run as root, so as root they run as the `postgres` user.
set -euo pipefail

bin=/usr/lib/postgresql/15/bin
[[ -x $bin/postgres ]] || { echo "pg-cluster: PostgreSQL 15 is not installed (scripts/bootstrap.sh --test)" >&2; exit 1; }

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 - <<'EOF'
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
EOF
}

start_server() {
  local dir=$1
  local port
  port=$(cat "$dir/port")
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 30 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null
}

cmd=${1:-}
dir=${2:-}
[[ -n $cmd && -n $dir ]] || { sed -n 2,15p "$0" >&2; exit 2; }

case $cmd in
  start)
    port=${3:-$(free_port)}
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
    echo "$port" >"$dir/port"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$dir/port"
    echo mizan >"$dir/.pw"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$dir/.pw"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust \
      --auth-host=scram-sha-256 --pwfile="$dir/.pw" -E UTF8 --locale=C.UTF-8 >/dev/null
    cat >>"$dir/data/postgresql.conf" <<EOF
max_connections = 200
shared_buffers = 64MB
fsync = on
synchronous_commit = on
log_min_messages = warning
log_line_prefix = '%m [%p] '
EOF
    start_server "$dir"
    as_owner "$bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -qAt \
      -c "CREATE ROLE mizan LOGIN SUPERUSER PASSWORD 'mizan'" \
      -c "CREATE DATABASE mizan OWNER mizan" >/dev/null
    echo "postgresql://mizan:mizan@127.0.0.1:$port/mizan"
    ;;
  stop)
    if [[ -f $dir/data/postmaster.pid ]]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  kill)
    pid=$(head -1 "$dir/data/postmaster.pid")
    kill -KILL "$pid"
    # Its backends notice the postmaster is gone and exit; wait for the port.
    for _ in $(seq 100); do
      pgrep -f -- "-D $dir/data" >/dev/null || break
      sleep 0.1
    done
    # A killed postmaster leaves its lock files; a zombie (when nothing reaps
    # it) would still own their PID, so the next start would refuse.
    rm -f "$dir/data/postmaster.pid" "$dir"/.s.PGSQL.*.lock
    ;;
  restart)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null || true
    start_server "$dir"
    ;;
  *)
    sed -n 2,15p "$0" >&2
    exit 2
    ;;
esac
