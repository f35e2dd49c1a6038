#!/usr/bin/env bash
# Builds everything and runs the demo on loopback: the edge worker under workerd (wrangler dev,
# storage on disk in .wrangler/demo) and the demo shop page with the widget.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
EDGE_PORT=${TANDEM_EDGE_PORT:-8787}
PAGE_PORT=${TANDEM_PAGE_PORT:-8080}
require_free_port "$EDGE_PORT" "the edge worker" TANDEM_EDGE_PORT
require_free_port "$PAGE_PORT" "the demo page" TANDEM_PAGE_PORT
"$ROOT/scripts/setup.sh"
# shellcheck disable=SC1091
source "$CACHE/env.sh"
"$ROOT/scripts/build.sh"
cd "$ROOT"

PERSIST="$ROOT/.wrangler/demo"
mkdir -p "$PERSIST"
step "apply D1 migrations (local)" "$ROOT/dist/logs/migrations.log" \
  env -C "$ROOT/edge" wrangler d1 migrations apply DB --local --persist-to "$PERSIST"

pids=()
cleanup() { for p in "${pids[@]}"; do kill -- -"$p" 2>/dev/null || kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM
set -m
( cd "$ROOT/edge" && exec wrangler dev --ip 127.0.0.1 --port "$EDGE_PORT" --persist-to "$PERSIST" \
    --var "SITES:{\"demo\":{\"origins\":[\"http://127.0.0.1:$PAGE_PORT\",\"http://localhost:$PAGE_PORT\"]}}" \
    >"$ROOT/dist/logs/wrangler-dev.log" 2>&1 ) &
pids+=($!)
wait_for_url "http://127.0.0.1:$EDGE_PORT/v1/health" "the edge worker (log: dist/logs/wrangler-dev.log)"
node "$ROOT/tests/support/static-server.mjs" --port "$PAGE_PORT" --endpoint "http://127.0.0.1:$EDGE_PORT" &
pids+=($!)
wait_for_url "http://127.0.0.1:$PAGE_PORT/" "the demo page"
set +m
cat <<MSG

  Tandem demo is running on loopback:
    demo shop with the widget   http://127.0.0.1:$PAGE_PORT/
    agent inbox                 http://127.0.0.1:$EDGE_PORT/inbox   (agent token: demo-agent-token)
    edge API health             http://127.0.0.1:$EDGE_PORT/v1/health
  Logs: dist/logs/wrangler-dev.log. Press Ctrl+C to stop.

MSG
# Half a demo is worse than none: when either server exits, say which and stop the other.
wait -n "${pids[@]}" || true
for p in "${pids[@]}"; do
  if ! kill -0 "$p" 2>/dev/null; then
    [ "$p" = "${pids[0]}" ] && die "the edge worker stopped (log: dist/logs/wrangler-dev.log)"
    die "the demo page server stopped"
  fi
done
