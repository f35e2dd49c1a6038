//! The engine's `analyze` for Node, for the speed benchmark only (bench/speed.mjs).
//!
//! Built by scripts/bench.sh with
//! `cargo build --release --target wasm32-unknown-unknown -p tandem-engine-wasm` and
//! `wasm-bindgen --target nodejs`. Not shipped: the widget and the edge call
//! `tandem_shared::analyze` directly.
use wasm_bindgen::prelude::*;

/// The full analysis of one message as a JS object (what a caller would use; the npm
/// peers also return whole objects), so the conversion across the boundary is measured.
#[wasm_bindgen]
pub fn analyze(text: &str) -> Result<JsValue, JsError> {
    let a = tandem_shared::analyze(text);
    serde_wasm_bindgen::to_value(&a).map_err(|e| JsError::new(&e.to_string()))
}

/// Only the valence: the engine's own cost without building a JS object.
#[wasm_bindgen]
pub fn valence(text: &str) -> f32 {
    tandem_shared::analyze(text).valence
}
