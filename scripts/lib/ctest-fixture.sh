# Shared by the ctest fixtures of services (pg-test-fixture.sh,
# redis-test-fixture.sh): each ctest run gets its own directory, named by a
# pattern whose `{ctest}` is the ctest process id, so concurrent runs never
# stop each other's service.
# shellcheck shell=bash

# stop_orphans PATTERN STOP_FN: runs STOP_FN on the directories of PATTERN
# whose ctest is no longer running (an interrupted run).
stop_orphans() {
  local pattern=$1 stop_fn=$2
  [[ $pattern == *'{ctest}'* ]] || return 0
  local prefix=${pattern%%'{ctest}'*} suffix=${pattern#*'{ctest}'} old pid
  for old in "$prefix"*"$suffix"; do
    [[ -d $old ]] || continue
    pid=${old#"$prefix"}
    pid=${pid%"$suffix"}
    [[ $pid =~ ^[0-9]+$ ]] && ! kill -0 "$pid" 2>/dev/null && "$stop_fn" "$old"
  done
  return 0
}
