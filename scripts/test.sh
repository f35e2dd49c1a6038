#!/usr/bin/env bash
# Runs every test: native unit and property tests, the engine and the widget compiled to wasm in
# headless Chromium, and the end-to-end and worker specs (real Chromium, real workerd).
# Installs and builds what it needs first (idempotent).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
"$ROOT/scripts/setup.sh"
# shellcheck disable=SC1091
source "$CACHE/env.sh"
"$ROOT/scripts/build.sh"
cd "$ROOT"

info "native tests (cargo test --workspace)"
cargo test --workspace --exclude tandem-edge
cargo test -p tandem-edge --lib

export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export WASM_BINDGEN_TEST_TIMEOUT=120
info "engine compiled to wasm, in headless Chromium"
cargo test -p tandem-shared --target wasm32-unknown-unknown --test web
info "widget components in headless Chromium"
cargo test -p tandem-widget --target wasm32-unknown-unknown --test web

info "worker specs (workerd) and end-to-end tests (Chromium + workerd)"
node --test --test-concurrency=1 --test-timeout=600000 tests/edge/ tests/e2e/
