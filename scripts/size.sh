#!/usr/bin/env bash
# The size report: the widget's transfer size and the edge bundle, next to other chat widgets'
# shipped scripts from npm. Builds first unless dist/ is there (`--no-build` skips the build).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
"$ROOT/scripts/setup.sh" >/dev/null
# shellcheck disable=SC1091
source "$CACHE/env.sh"
[ "${1:-}" = "--no-build" ] || "$ROOT/scripts/build.sh" widget edge
npm_cached "$ROOT/scripts/peers" size-peers "peer chat widgets, for comparison only" --legacy-peer-deps --ignore-scripts
node "$ROOT/scripts/size.mjs" "$ROOT" "$NPM_CACHED_DIR"
