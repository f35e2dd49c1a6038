#!/usr/bin/env bash
# The size report: the widget's transfer size and the edge bundle, next to other chat widgets'
# shipped scripts from npm. Builds first unless dist/ is there (`--no-build` skips the build).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
"$ROOT/scripts/setup.sh" >/dev/null
# shellcheck disable=SC1091
source "$CACHE/env.sh"
[ "${1:-}" = "--no-build" ] || "$ROOT/scripts/build.sh" widget edge
HASH=$(cat "$ROOT/scripts/peers/package.json" "$ROOT/scripts/peers/package-lock.json" | sha256sum | cut -c1-16)
PEERS="$CACHE/size-peers-$HASH"
if [ ! -f "$PEERS/.done" ]; then
  rm -rf "$PEERS"; mkdir -p "$PEERS"
  cp "$ROOT/scripts/peers/package.json" "$ROOT/scripts/peers/package-lock.json" "$PEERS/"
  step "npm ci (peer chat widgets, for comparison only)" "$CACHE/logs/size-peers.log" \
    env -C "$PEERS" npm ci --no-audit --no-fund --legacy-peer-deps --ignore-scripts
  touch "$PEERS/.done"
fi
node "$ROOT/scripts/size.mjs" "$ROOT" "$PEERS"
