#!/usr/bin/env bash
# Builds everything into dist/: the widget (loader + wasm + glue), the demo knowledge base,
# the edge worker bundle (edge/build/), and the native CLI. Assumes scripts/setup.sh ran.
# Usage: scripts/build.sh [widget|edge|cli]...   (default: all)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck disable=SC1091
source "$CACHE/env.sh"
cd "$ROOT"

DIST="$ROOT/dist"
mkdir -p "$DIST/widget" "$DIST/logs"

# The knowledge bases are checked with the same parser the widget and the edge use before they
# are shipped: a broken article fails the build with its file, article and field named.
check_kb() {
  [ -n "${KB_CHECKED:-}" ] && return
  step "check the knowledge bases (tandem kb-check kb/*.json)" "$DIST/logs/kb-check.log" \
    cargo run -q --profile fast -p tandem-cli -- kb-check "$ROOT"/kb/*.json
  KB_CHECKED=1
}
build_widget() {
check_kb
step "build the widget (wasm32, release)" "$DIST/logs/widget.log" \
  cargo build --release -p tandem-widget --target wasm32-unknown-unknown
step "wasm-bindgen the widget" "$DIST/logs/wasm-bindgen.log" \
  wasm-bindgen --target web --no-typescript --out-dir "$DIST/widget" \
    "$ROOT/target/wasm32-unknown-unknown/release/tandem_widget.wasm"
# wasm-opt: size first; strip debug info and producers here rather than in the profile
# (a stripped module hides its feature section from wasm-bindgen). `--converge` repeats -Oz
# until nothing shrinks (−1.2 KB gzip); `--low-memory-unused` lets it fold constant addresses
# into loads and stores (−1.7 KB gzip): safe for Rust's wasm32 layout, where the stack sits
# below the data and only an overflowing stack would ever reach the lowest 1 KiB.
step "wasm-opt -Oz the widget" "$DIST/logs/wasm-opt.log" \
  wasm-opt --low-memory-unused -Oz --converge \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
    --strip-debug --strip-producers -o "$DIST/widget/tandem_widget_bg.wasm" "$DIST/widget/tandem_widget_bg.wasm"
step "minify the loader" "$DIST/logs/loader.log" \
  esbuild "$ROOT/widget/loader/tandem.js" --minify --target=es2020 --outfile="$DIST/widget/tandem.js"
step "minify the widget glue" "$DIST/logs/glue.log" \
  esbuild "$DIST/widget/tandem_widget.js" --minify --format=esm --target=es2020 --allow-overwrite --outfile="$DIST/widget/tandem_widget.js"
mkdir -p "$DIST/kb"
cp "$ROOT"/kb/*.json "$DIST/kb/"
}
build_edge() {
check_kb

step "build the edge worker (worker-build --release)" "$DIST/logs/edge.log" \
  env -C "$ROOT/edge" worker-build --release
# worker-build runs wasm-opt with its default `-O` (speed; see worker-build's manifest.rs).
# The edge bundle has a size budget too: -Oz on top cuts ~13% (1,347 → 1,150 KB raw). Features
# come from the module's target_features section (which wasm-opt keeps).
# `--low-memory-unused --converge` as for the widget (−1.8 KB gzip here; same Rust wasm32 layout).
step "wasm-opt -Oz the edge worker" "$DIST/logs/edge-wasm-opt.log" \
  wasm-opt --low-memory-unused -Oz --converge --strip-debug --strip-producers \
    -o "$ROOT/edge/build/index_bg.wasm" "$ROOT/edge/build/index_bg.wasm"
# The worker's static assets ([assets] in edge/wrangler.toml, read through the ASSETS binding):
# the inbox page and the knowledge bases for suggestions, kept out of the wasm.
rm -rf "$ROOT/edge/build/assets"
mkdir -p "$ROOT/edge/build/assets/inbox" "$ROOT/edge/build/assets/kb"
cp "$ROOT"/inbox/index.html "$ROOT"/inbox/app.js "$ROOT"/inbox/app.css "$ROOT/edge/build/assets/inbox/"
cp "$ROOT"/kb/*.json "$ROOT/edge/build/assets/kb/"
}
build_cli() {
step "build the CLI" "$DIST/logs/cli.log" cargo build --profile fast -p tandem-cli
}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(widget edge cli)
for t in "${targets[@]}"; do
  case "$t" in
    widget|edge|cli) "build_$t" ;;
    *) die "unknown build target '$t' (use widget, edge or cli)" ;;
  esac
done
info "built: ${targets[*]}"
