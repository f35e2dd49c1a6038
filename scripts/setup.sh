#!/usr/bin/env bash
# Installs every tool the project needs, idempotently (a second run skips what is done):
# Debian packages (chromium, chromedriver, and, where rustup cannot fetch the wasm32 std,
# Debian's rustc-web), the wasm32 standard library, wasm-bindgen-cli at the version in
# Cargo.lock, worker-build, and the npm tools pinned by tests/package-lock.json.
# Writes $CACHE/env.sh, which the other scripts source.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

WORKER_BUILD_VER=0.8.7
WB_VER=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' "$ROOT/Cargo.lock")
[ -n "$WB_VER" ] || die "could not read the wasm-bindgen version from Cargo.lock"

have_cmd() { command -v "$1" >/dev/null 2>&1; }
apt_missing() {
  local p out=""
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || out="$out $p"; done
  echo "$out"
}
apt_install() {
  local missing; missing=$(apt_missing "$@")
  [ -z "$missing" ] && return 0
  have_cmd apt-get || die "missing Debian packages:$missing (and no apt-get to install them)"
  local SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  if [ ! -f "$CACHE/.apt-updated" ] || [ -n "$(find "$CACHE/.apt-updated" -mmin +1440 2>/dev/null)" ]; then
    step "apt-get update" "$CACHE/logs/apt-update.log" $SUDO apt-get update && touch "$CACHE/.apt-updated"
  fi
  step "apt-get install$missing" "$CACHE/logs/apt-install.log" \
    env DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends $missing
}

# ---------------------------------------------------------------- system packages
have_cmd node || apt_install nodejs npm
have_cmd curl || apt_install curl
apt_install chromium chromium-driver brotli

# ---------------------------------------------------------------- Rust with a wasm32 std
# The normal route first: rustup with the wasm32 target (a user's machine with internet).
# TANDEM_RUST_ROUTE=debian forces the fallback (to test it on a machine where rustup works).
RUST_ROUTE=""
wasm_std_present() { # $1 = rustc
  local dir; dir=$("$1" --print target-libdir --target wasm32-unknown-unknown 2>/dev/null) || return 1
  ls "$dir"/libstd-*.rlib >/dev/null 2>&1
}
if [ "${TANDEM_RUST_ROUTE:-}" != debian ] && have_cmd rustup && have_cmd rustc; then
  if wasm_std_present rustc; then
    RUST_ROUTE=rustup
  elif timeout 60 rustup target add wasm32-unknown-unknown >"$CACHE/logs/rustup-target.log" 2>&1 && wasm_std_present rustc; then
    info "installed the wasm32 target with rustup"
    RUST_ROUTE=rustup
  fi
fi

TOOLCHAIN_BIN="$CACHE/toolchain/bin"
if [ -z "$RUST_ROUTE" ]; then
  # Fallback (see ../shared/toolchain.md): Debian's rustc-web plus a wasm32 std we build once.
  info "rustup cannot provide the wasm32 std here; using Debian's rustc-web and a locally built std"
  apt_install rustc-web cargo-web rust-web-src libstd-rust-web-dev rust-web-llvm lld-22
  [ -d /usr/lib/rustlib/src/rust/library/std ] || die "rust-web-src is installed but /usr/lib/rustlib/src/rust/library/std is missing"
  STAMP="$(/usr/bin/rustc -vV | sha256sum | cut -c1-16)"
  SYSROOT="$CACHE/sysroot-$STAMP"
  if [ ! -f "$SYSROOT/.done" ]; then
    B="$CACHE/sysroot-build"
    rm -rf "$B"; mkdir -p "$B/src"
    printf '[package]\nname = "sysroot-build"\nversion = "0.0.0"\nedition = "2021"\n[profile.release]\nopt-level = 3\ncodegen-units = 1\ndebug = 0\n' > "$B/Cargo.toml"
    echo '#![no_std]' > "$B/src/lib.rs"
    # embed-bitcode: like rustup's std, so our crates can use lto = true.
    # `test` lets `cargo test --target wasm32-unknown-unknown` (wasm-bindgen-test) work.
    step "build the wasm32 standard library (about a minute)" "$CACHE/logs/sysroot.log" \
      env -C "$B" RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 RUSTFLAGS=-Cembed-bitcode=yes \
      /usr/bin/cargo build --release -Z build-std=std,panic_abort,test --target wasm32-unknown-unknown
    rm -rf "$SYSROOT"
    mkdir -p "$SYSROOT/lib/rustlib/wasm32-unknown-unknown/lib" "$SYSROOT/lib/rustlib/src"
    ln -s /usr/lib/rustlib/x86_64-unknown-linux-gnu "$SYSROOT/lib/rustlib/x86_64-unknown-linux-gnu"
    ln -s /usr/lib/rustlib/etc "$SYSROOT/lib/rustlib/etc"
    ln -s /usr/lib/rustlib/src/rust "$SYSROOT/lib/rustlib/src/rust"
    for f in "$B"/target/wasm32-unknown-unknown/release/deps/lib*.rlib; do
      case "$(basename "$f")" in libsysroot_build-*) ;; *) cp "$f" "$SYSROOT/lib/rustlib/wasm32-unknown-unknown/lib/";; esac
    done
    touch "$SYSROOT/.done"
    rm -rf "$B"
  fi
  mkdir -p "$TOOLCHAIN_BIN"
  printf '#!/bin/sh\nexec /usr/bin/rustc --sysroot %s "$@"\n' "$SYSROOT" > "$TOOLCHAIN_BIN/rustc"
  printf '#!/bin/sh\nexec /usr/bin/rustdoc --sysroot %s "$@"\n' "$SYSROOT" > "$TOOLCHAIN_BIN/rustdoc"
  chmod +x "$TOOLCHAIN_BIN/rustc" "$TOOLCHAIN_BIN/rustdoc"
  ln -sf /usr/bin/cargo "$TOOLCHAIN_BIN/cargo"
  ln -sf /usr/bin/rust-lld "$TOOLCHAIN_BIN/rust-lld"
  RUST_ROUTE=debian
fi

# ---------------------------------------------------------------- npm tools (pinned by lockfile)
npm_cached "$ROOT/tests" npm "wrangler, workerd, playwright-core, axe-core, esbuild, binaryen"
NPM_DIR=$NPM_CACHED_DIR
ln -sfn "$NPM_DIR/node_modules" "$ROOT/tests/node_modules"

# ---------------------------------------------------------------- env for the other scripts
ENV_FILE="$CACHE/env.sh"
{
  echo "# written by scripts/setup.sh ($RUST_ROUTE route)"
  if [ "$RUST_ROUTE" = debian ]; then
    echo "export PATH=\"$TOOLCHAIN_BIN:\$PATH\""
    echo "export RUSTC=\"$TOOLCHAIN_BIN/rustc\" RUSTDOC=\"$TOOLCHAIN_BIN/rustdoc\""
    echo "unset RUSTUP_TOOLCHAIN RUSTC_BOOTSTRAP"
  fi
  echo "export PATH=\"$CACHE/tools/wasm-bindgen-$WB_VER/bin:$CACHE/tools/worker-build-$WORKER_BUILD_VER/bin:$NPM_DIR/node_modules/.bin:\$PATH\""
  echo "export WASM_BINDGEN_BIN=\"$CACHE/tools/wasm-bindgen-$WB_VER/bin/wasm-bindgen\""
  echo "export WASM_OPT_BIN=\"$NPM_DIR/node_modules/.bin/wasm-opt\""
  echo "export ESBUILD_BIN=\"$NPM_DIR/node_modules/.bin/esbuild\""
  echo "export WRANGLER_SEND_METRICS=false WRANGLER_SEND_ERROR_REPORTS=false CLOUDFLARE_CF_FETCH_ENABLED=false"
  echo "export XDG_CONFIG_HOME=\"$CACHE/xdg-config\" WRANGLER_LOG_PATH=\"$CACHE/logs/wrangler\""
  echo "export CHROMEDRIVER=/usr/bin/chromedriver CHROME_BIN=/usr/bin/chromium"
  echo "export TANDEM_CACHE=\"$CACHE\""
} > "$ENV_FILE"
# shellcheck disable=SC1090
source "$ENV_FILE"

# ---------------------------------------------------------------- host tools via cargo install
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WB_VER" ]; then
  # --locked first; where the registry lacks a crate its lockfile pins, resolve afresh (same version).
  D="$CACHE/tools/wasm-bindgen-$WB_VER"
  step "cargo install wasm-bindgen-cli $WB_VER (about 6 minutes)" "$CACHE/logs/install-wasm-bindgen.log" \
    bash -c "cargo install wasm-bindgen-cli --version '$WB_VER' --locked --root '$D' || cargo install wasm-bindgen-cli --version '$WB_VER' --root '$D'"
fi
if [ "$(worker-build --version 2>/dev/null)" != "$WORKER_BUILD_VER" ] && [ "$(worker-build --version 2>/dev/null)" != "worker-build $WORKER_BUILD_VER" ]; then
  step "cargo install worker-build $WORKER_BUILD_VER (about 8 minutes)" "$CACHE/logs/install-worker-build.log" \
    cargo install worker-build --version "$WORKER_BUILD_VER" --locked --root "$CACHE/tools/worker-build-$WORKER_BUILD_VER"
fi

# ---------------------------------------------------------------- sanity
wasm_std_present rustc || die "the wasm32 standard library is still missing after setup"
have_cmd wasm-bindgen || die "wasm-bindgen not found after setup"
have_cmd worker-build || die "worker-build not found after setup"
[ -x /usr/bin/chromium ] || die "chromium not found at /usr/bin/chromium after setup"
wrangler --version >/dev/null 2>&1 || die "wrangler from npm does not run (see $CACHE/logs/npm.log)"
info "setup complete ($RUST_ROUTE route); tools in $CACHE"
