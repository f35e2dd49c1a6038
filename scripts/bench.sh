#!/usr/bin/env bash
# Engine benchmarks against the peers (vaderSentiment, npm sentiment, wink-sentiment):
#   quality  bench/quality.py: the labelled sets (UCI, VADER ground truth, Dutch) → table
#   speed    criterion (shared/benches/analyze.rs), vaderSentiment in Python, Tandem as wasm
#            (shipped opt-level "z" build and an opt-level 3 build) in Node next to the npm
#            peers (bench/speed.py + bench/speed.mjs) → table
# and writes the "## Engine quality" / "## Engine speed" sections of BENCHMARKS.md
# (other sections are left alone). Needs scripts/setup.sh to have run (npm peers, wasm
# tools); installs vaderSentiment into a venv in the cache, once.
# usage: scripts/bench.sh [quality|speed|all]    (default all)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

WHAT=${1:-all}
case "$WHAT" in quality | speed | all) ;; *) die "usage: scripts/bench.sh [quality|speed|all]" ;; esac

[ -f "$CACHE/env.sh" ] || die "no $CACHE/env.sh: run scripts/setup.sh first"
# shellcheck disable=SC1091
source "$CACHE/env.sh"
[ -d "$ROOT/tests/node_modules/sentiment" ] && [ -d "$ROOT/tests/node_modules/wink-sentiment" ] ||
  die "the npm peers (sentiment, wink-sentiment) are missing from tests/node_modules: run scripts/setup.sh"
DATA="${TANDEM_DATA:-$ROOT/../shared/data}"
[ -d "$DATA/eval/uci_sentences" ] && [ -d "$DATA/eval/vader_groundtruth" ] ||
  die "labelled data not found in $DATA/eval (set TANDEM_DATA to the shared data folder)"
export TANDEM_DATA="$DATA"

# ---------------------------------------------------------------- Python peer, once
VADER_VER=3.3.2
VENV="$CACHE/venv-bench"
if ! "$VENV/bin/python" -c "import vaderSentiment, importlib.metadata as m; assert m.version('vaderSentiment') == '$VADER_VER'" 2>/dev/null; then
  python3 -c 'import venv, ensurepip' 2>/dev/null || die "python3 with venv and ensurepip is needed (Debian: apt-get install python3-venv)"
  rm -rf "$VENV"
  step "python venv + vaderSentiment $VADER_VER" "$CACHE/logs/venv-bench.log" \
    bash -c "python3 -m venv '$VENV' && '$VENV/bin/pip' install --disable-pip-version-check 'vaderSentiment==$VADER_VER'"
fi
PY="$VENV/bin/python"

# ---------------------------------------------------------------- builds
mkdir -p "$ROOT/target/bench"
step "cargo build --release -p tandem-cli" "$CACHE/logs/bench-cli.log" \
  cargo build --release -p tandem-cli --manifest-path "$ROOT/Cargo.toml"

MD="$ROOT/BENCHMARKS.md"
cd "$ROOT"

if [ "$WHAT" != speed ]; then
  info "engine quality (bench/quality.py)"
  "$PY" bench/quality.py --md "$MD"
fi

if [ "$WHAT" != quality ]; then
  PKG="$ROOT/target/bench/engine-wasm-pkg"
  step "cargo build --release --target wasm32-unknown-unknown -p tandem-engine-wasm" "$CACHE/logs/bench-wasm.log" \
    cargo build --release --target wasm32-unknown-unknown -p tandem-engine-wasm --lib
  step "wasm-bindgen --target nodejs" "$CACHE/logs/bench-wasm-bindgen.log" \
    wasm-bindgen --target nodejs --out-dir "$PKG" "$ROOT/target/wasm32-unknown-unknown/release/tandem_engine_wasm.wasm"
  # The same engine at opt-level 3 (the profile native tools use), to show what the
  # size-first profile costs in speed.
  FAST_PKG="$ROOT/target/bench/engine-wasm-fast-pkg"
  step "cargo build --profile fast --target wasm32-unknown-unknown -p tandem-engine-wasm" "$CACHE/logs/bench-wasm-fast.log" \
    cargo build --profile fast --target wasm32-unknown-unknown -p tandem-engine-wasm --lib
  step "wasm-bindgen --target nodejs (fast)" "$CACHE/logs/bench-wasm-bindgen-fast.log" \
    wasm-bindgen --target nodejs --out-dir "$FAST_PKG" "$ROOT/target/wasm32-unknown-unknown/fast/tandem_engine_wasm.wasm"
  # Short criterion runs: 2 cores shared with other work.
  step "cargo bench -p tandem-shared --bench analyze (about 2 minutes)" "$CACHE/logs/bench-criterion.log" \
    cargo bench -p tandem-shared --bench analyze -- --warm-up-time 1 --measurement-time 3
  grep -E '^(analyze|message_size|faq)/|time:|thrpt:' "$CACHE/logs/bench-criterion.log" >&2 || true
  info "engine speed (bench/speed.py)"
  "$PY" bench/speed.py --pkg "$PKG" --fast-pkg "$FAST_PKG" --md "$MD"
fi
info "results written to $MD"
