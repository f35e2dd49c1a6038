# Shared helpers for the project's scripts. Sourced, never run.
# Everything the project installs lives in a per-user cache outside the clone, keyed by
# version, so a fresh clone on the same machine (as CI uses) finds it warm.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${TANDEM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tandem}"
mkdir -p "$CACHE/logs"

# One line saying what failed and where the log is; never a bare stack trace.
die() { printf '\n\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }
info() { printf '\033[36m==>\033[0m %s\n' "$*" >&2; }

# step NAME LOG CMD...: runs CMD with its output in LOG, prints progress dots every 15 s
# so long steps are visibly alive, and on failure prints the log's tail and a one-line error.
step() {
  local name=$1 log=$2; shift 2
  local t0=$SECONDS
  printf '\033[36m==>\033[0m %s ' "$name" >&2
  "$@" >"$log" 2>&1 &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if (( (SECONDS - t0) % 15 == 0 )); then printf '.' >&2; fi
  done
  if wait "$pid"; then
    printf ' done (%ds)\n' $((SECONDS - t0)) >&2
  else
    printf ' FAILED (%ds)\n' $((SECONDS - t0)) >&2
    tail -n 25 "$log" >&2 || true
    die "$name failed; full log: $log"
  fi
}

# Fails with a clear message naming the port if something already listens there.
require_free_port() {
  local port=$1 what=$2
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "port $port (for $what) is already in use on 127.0.0.1; stop that process or set ${3:-a different port}"
  fi
}

# Waits (polling, bounded) until URL answers; used instead of sleeping.
wait_for_url() {
  local url=$1 what=$2 tries=${3:-240}
  for _ in $(seq "$tries"); do
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  die "$what did not come up at $url"
}

# npm_cached SRC NAME LABEL [npm ci args...]: installs SRC/package.json + package-lock.json
# with `npm ci` into $CACHE/NAME-<hash of both files>, once; sets NPM_CACHED_DIR to that folder.
npm_cached() {
  local src=$1 name=$2 label=$3; shift 3
  local hash; hash=$(cat "$src/package.json" "$src/package-lock.json" | sha256sum | cut -c1-16)
  NPM_CACHED_DIR="$CACHE/$name-$hash"
  if [ ! -f "$NPM_CACHED_DIR/.done" ]; then
    rm -rf "$NPM_CACHED_DIR"; mkdir -p "$NPM_CACHED_DIR"
    cp "$src/package.json" "$src/package-lock.json" "$NPM_CACHED_DIR/"
    step "npm ci ($label)" "$CACHE/logs/$name.log" env -C "$NPM_CACHED_DIR" npm ci --no-audit --no-fund "$@"
    touch "$NPM_CACHED_DIR/.done"
  fi
}
