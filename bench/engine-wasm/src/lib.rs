//! The engine for Node, for the speed benchmark only (bench/speed.mjs).
//!
//! Built by scripts/bench.sh twice — with the shipped size-first profile
//! (`cargo build --release --target wasm32-unknown-unknown -p tandem-engine-wasm`, opt-level
//! "z") and with the speed profile (`--profile fast`, opt-level 3) — then
//! `wasm-bindgen --target nodejs`. Not shipped: the widget and the edge call
//! `tandem_shared::analyze` directly.
//!
//! Three ways across the JS↔wasm boundary, so the cost of the boundary can be told apart
//! from the cost of the analysis (BENCHMARKS.md, "Engine speed"):
//! * `valence`: a JS string in, the score out — what the npm peers' `.score` gives, the
//!   like-for-like comparison;
//! * `analyze_json`: the full analysis (language, tone, intents, evidence) as one JSON
//!   string, which a caller parses only when it needs the details;
//! * `analyze`: the full analysis built as a JS object, field by field.
use wasm_bindgen::prelude::*;

/// The full analysis of one message as a JS object (built field by field across the boundary).
#[wasm_bindgen]
pub fn analyze(text: &str) -> Result<JsValue, JsError> {
    let a = tandem_shared::analyze(text);
    serde_wasm_bindgen::to_value(&a).map_err(|e| JsError::new(&e.to_string()))
}

/// The full analysis of one message as a JSON string (one copy across the boundary).
#[wasm_bindgen]
pub fn analyze_json(text: &str) -> Result<String, JsError> {
    serde_json::to_string(&tandem_shared::analyze(text)).map_err(|e| JsError::new(&e.to_string()))
}

/// Only the valence (`tandem_shared::score`: the same number `analyze` gives, without
/// building evidence or intents).
#[wasm_bindgen]
pub fn valence(text: &str) -> f32 {
    tandem_shared::score(text).valence
}

/// No analysis at all: the UTF-8 length of the text, so the benchmark can show what passing
/// the string into wasm costs by itself.
#[wasm_bindgen]
pub fn utf8_len(text: &str) -> u32 {
    text.len() as u32
}
