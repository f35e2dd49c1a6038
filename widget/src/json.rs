//! JSON through the browser's own `JSON.parse`/`JSON.stringify` and serde-wasm-bindgen, for the
//! API, browser storage and the knowledge base. The widget then ships no JSON parser of its own
//! (serde_json's was ~60 KB of wasm; see BENCHMARKS.md "Widget and edge size").
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

/// Why a value could not be read from or written as JSON.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonError {
    /// Not JSON at all; the browser's message names the position.
    Syntax(String),
    /// JSON, but not the expected shape (missing or unknown field, wrong type).
    Shape(String),
}

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JsonError::Syntax(m) => write!(f, "not valid JSON: {m}"),
            JsonError::Shape(m) => f.write_str(m),
        }
    }
}

/// serde-wasm-bindgen's errors are JS `Error`s whose text starts with "Error: ": the visitor or
/// site owner needs only the message.
pub fn shape_message(e: impl std::fmt::Display) -> String {
    let m = e.to_string();
    m.strip_prefix("Error: ").map(str::to_string).unwrap_or(m)
}

fn js_message(e: JsValue) -> String {
    js_sys::Error::from(e).message().into()
}

/// Plain JSON objects, not JS `Map`s, so the result round-trips through `JSON.stringify`.
fn serializer() -> serde_wasm_bindgen::Serializer {
    serde_wasm_bindgen::Serializer::json_compatible()
}

pub fn to_value<T: Serialize>(v: &T) -> Result<JsValue, JsonError> {
    v.serialize(&serializer()).map_err(|e| JsonError::Shape(shape_message(e)))
}

pub fn to_string<T: Serialize>(v: &T) -> Result<String, JsonError> {
    let value = to_value(v)?;
    js_sys::JSON::stringify(&value).map(String::from).map_err(|e| JsonError::Syntax(js_message(e)))
}

pub fn parse(text: &str) -> Result<JsValue, JsonError> {
    js_sys::JSON::parse(text).map_err(|e| JsonError::Syntax(js_message(e)))
}

pub fn from_value<T: DeserializeOwned>(v: JsValue) -> Result<T, JsonError> {
    serde_wasm_bindgen::from_value(v).map_err(|e| JsonError::Shape(shape_message(e)))
}

pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, JsonError> {
    from_value(parse(text)?)
}
