#!/usr/bin/env bash
# The redis-server of one ctest run (the `redis` fixture of
# src/redis/CMakeLists.txt): Redis 7.0 from Debian (scripts/bootstrap.sh --test).
#
#   scripts/redis-test-fixture.sh start DIR   a fresh server: TCP on a free
#                                             127.0.0.1 port (DIR/port) and
#                                             the Unix socket DIR/redis.sock
#   scripts/redis-test-fixture.sh stop DIR    stop it and remove DIR
#
# `{ctest}` in DIR stands for the id of the ctest process, the parent of this
# script and of the tests (src/redis/test_server.hpp reads it the same way):
# two runs of one build tree at once get a server each. `start` first stops
# the servers of runs whose ctest has gone. Nothing is saved to disk.
set -euo pipefail

cmd=${1:-}
pattern=${2:-}
[[ -n $cmd && -n $pattern ]] || { sed -n 2,14p "$0" >&2; exit 2; }
dir=${pattern//'{ctest}'/$PPID}
command -v redis-server >/dev/null ||
  { echo "redis-test-fixture: redis-server is not installed (scripts/bootstrap.sh --test)" >&2; exit 1; }

free_port() {
  python3 - <<'PY'
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

stop_now() {  # dir
  local pid_file=$1/redis.pid
  if [[ -f $pid_file ]]; then
    local pid
    pid=$(cat "$pid_file")
    kill -CONT "$pid" 2>/dev/null || true
    if kill -KILL "$pid" 2>/dev/null; then
      for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
    fi
  fi
  rm -rf "$1"
}

# shellcheck source=scripts/lib/ctest-fixture.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/ctest-fixture.sh"

case $cmd in
  start)
    stop_orphans "$pattern" stop_now
    stop_now "$dir"
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    port=$(free_port)
    echo "$port" >"$dir/port"
    redis-server --port "$port" --bind 127.0.0.1 --unixsocket "$dir/redis.sock" \
      --unixsocketperm 700 --save '' --appendonly no --dir "$dir" --daemonize yes \
      --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
    for _ in $(seq 100); do
      redis-cli -s "$dir/redis.sock" ping 2>/dev/null | grep -q PONG && exit 0
      sleep 0.05
    done
    echo "redis-test-fixture: redis-server did not answer; see $dir/redis.log" >&2
    exit 1
    ;;
  stop) stop_now "$dir" ;;
  *)
    sed -n 2,14p "$0" >&2
    exit 2
    ;;
esac
