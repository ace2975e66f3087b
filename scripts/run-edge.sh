#!/usr/bin/env bash
# Runs the reference application (examples/todo, SQLite) behind an edge
# cache, as docs/edge.md deploys it: Varnish 7.1 with xkey (default) or the
# Cloudflare Worker on Cloudflare's runtime, workerd. The edge's
# configuration is written by the application itself from its manifest, and
# the application purges the edge after every mutation. Installs and builds
# what it needs first; Ctrl-C stops both.
#
#   scripts/run-edge.sh [varnish|worker]
#
# The edge listens on 127.0.0.1:8000 (MIZAN_EDGE_PORT), the application on
# 127.0.0.1:8100 (MIZAN_ORIGIN_PORT). Responses say X-Mizan-Edge: hit, miss
# or pass. MIZAN_WEB chooses the front end as in scripts/run-todo.sh;
# MIZAN_TODO_BIN runs that binary instead of building the release one.
set -euo pipefail
cd "$(dirname "$0")/.."

kind=${1:-varnish}
case $kind in
  varnish | worker) ;;
  *) echo "run-edge: the edge is varnish or worker, not '$kind'" >&2; exit 2 ;;
esac
edge_port=${MIZAN_EDGE_PORT:-8000}
origin_port=${MIZAN_ORIGIN_PORT:-8100}
web=${MIZAN_WEB:-react}

scripts/bootstrap.sh
if [[ $kind == varnish ]] && ! dpkg-query -W -f='${Status}' varnish-modules 2>/dev/null | grep -q "install ok installed"; then
  echo "run-edge: installing varnish and varnish-modules"
  sudo_cmd=(); [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends varnish varnish-modules >/dev/null
fi
scripts/npm-ci.sh --if-stale
if [[ $web == plain ]]; then
  export MIZAN_STATIC_DIR=$PWD/examples/todo/server/public
else
  npm run build --workspace "examples/todo/web-$web"
  export MIZAN_STATIC_DIR=$PWD/examples/todo/web-$web/dist
  export MIZAN_SSR_BUNDLE=${MIZAN_SSR_BUNDLE:-$PWD/examples/todo/web-$web/dist-server/entry-server.js}
fi
if [[ -n ${MIZAN_TODO_BIN:-} ]]; then
  todo=$MIZAN_TODO_BIN  # a build of your own (e.g. build/dev)
else
  cmake --preset release >/dev/null
  cmake --build --preset release --target todo
  todo=$PWD/build/release/examples/todo/server/todo
fi

export MIZAN_DATA_DIR=${MIZAN_DATA_DIR:-$PWD/data}
mkdir -p "$MIZAN_DATA_DIR"
# Browsers reach the application at the edge's address.
export MIZAN_ALLOWED_ORIGINS=${MIZAN_ALLOWED_ORIGINS:-http://127.0.0.1:$edge_port,http://localhost:$edge_port}
work=$(mktemp -d /tmp/mizan-edge.XXXXXX)
pids=()
stop_all() {
  trap - INT TERM EXIT
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  rm -rf "$work"
}
trap stop_all INT TERM EXIT

if [[ $kind == varnish ]]; then
  export MIZAN_EDGE_PURGE=varnish=http://127.0.0.1:$edge_port/
  "$todo" edge varnish --backend "127.0.0.1:$origin_port" >"$work/mizan.vcl"
  varnishd -F -j none -n "$work/varnish" -a "127.0.0.1:$edge_port" -f "$work/mizan.vcl" \
    -s malloc,256m -T none &
  pids+=($!)
else
  # The Worker verifies MWTs itself: it shares the application's MWT secret.
  if [[ -z ${MIZAN_MWT_SECRET:-} ]]; then
    # The one the application generates in its data directory, made now if
    # this is the first run.
    [[ -f $MIZAN_DATA_DIR/mwt_secret ]] ||
      (umask 077 && head -c 32 /dev/urandom | base64 | tr -d '/+=\n' >"$MIZAN_DATA_DIR/mwt_secret")
    MIZAN_MWT_SECRET=$(head -n1 "$MIZAN_DATA_DIR/mwt_secret")
    export MIZAN_MWT_SECRET
  fi
  MIZAN_EDGE_PURGE_TOKEN=${MIZAN_EDGE_PURGE_TOKEN:-$(head -c 24 /dev/urandom | base64 | tr -d '/+=\n')}
  export MIZAN_EDGE_PURGE_TOKEN
  export MIZAN_EDGE_PURGE=cloudflare=http://127.0.0.1:$edge_port/__mizan/purge
  "$todo" edge worker --out "$work/worker" --origin "127.0.0.1:$origin_port" \
    --listen "127.0.0.1:$edge_port" >&2
  node_modules/.bin/workerd serve "$work/worker/workerd.capnp" &
  pids+=($!)
fi
MIZAN_BIND=127.0.0.1:$origin_port "$todo" serve &
pids+=($!)
echo "run-edge: $kind on http://127.0.0.1:$edge_port/ in front of http://127.0.0.1:$origin_port/"
wait -n "${pids[@]}"
