#!/usr/bin/env bash
# The PostgreSQL cluster of one ctest run (the `postgres` fixture of
# src/db/CMakeLists.txt), kept with scripts/pg-cluster.sh.
#
#   scripts/pg-test-fixture.sh start DIR   a fresh cluster in DIR
#   scripts/pg-test-fixture.sh stop DIR    immediate shutdown, then removal
#
# `{ctest}` in DIR stands for the id of the ctest process, the parent of this
# script and of the tests (src/db/test_support.hpp reads it the same way): two
# runs of one build tree at once, by two people sharing it, get a cluster
# each. `start` first removes the clusters of runs whose ctest has gone.
#
# The stop is immediate (SIGQUIT, as `pg_ctl -m immediate`): a fast one ends
# with a checkpoint that writes every test's database to disk, a minute for
# a full run, of a cluster about to be deleted.
set -euo pipefail

cluster=$(dirname "$0")/pg-cluster.sh
cmd=${1:-}
pattern=${2:-}
[[ -n $cmd && -n $pattern ]] || { sed -n 2,15p "$0" >&2; exit 2; }
dir=${pattern//'{ctest}'/$PPID}

stop_now() {  # dir
  local pid_file=$1/data/postmaster.pid
  if [[ -f $pid_file ]]; then
    local pid
    pid=$(head -1 "$pid_file")
    if kill -QUIT "$pid" 2>/dev/null; then
      # The postmaster removes its pid file once its children are gone.
      for _ in $(seq 300); do
        [[ -f $pid_file ]] && kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
    fi
  fi
  "$cluster" stop "$1"
}

# shellcheck source=scripts/lib/ctest-fixture.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/ctest-fixture.sh"

case $cmd in
  start)
    stop_orphans "$pattern" stop_now
    stop_now "$dir"
    "$cluster" start "$dir"
    # No autovacuum: its ANALYZE is a transaction like any other, and the
    # snapshot tests need a cluster where none runs but theirs.
    psql -h "$dir" -p "$(cat "$dir/port")" -U mizan -d mizan -qAt \
      -c "ALTER SYSTEM SET autovacuum = off" -c "SELECT pg_reload_conf()" >/dev/null
    ;;
  stop) stop_now "$dir" ;;
  *)
    sed -n 2,15p "$0" >&2
    exit 2
    ;;
esac
