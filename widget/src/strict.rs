//! Strict reading of a browser-parsed JSON value (the site's configuration, the knowledge base).
//!
//! serde-wasm-bindgen reads a struct by looking up only the fields it knows, so
//! `#[serde(deny_unknown_fields)]` never sees a stray key (`"colour"`, `"answr"`), and it reads a
//! sequence through the JS iterator protocol, so a string where a list belongs (`"tags":"x"`)
//! fails inside `Reflect.get` with no field named. Here the value is first copied into a plain
//! tree and then deserialized as serde_json would: every key is visited, types are checked, and
//! each error carries the path of the key it is about (`persona.nam`, `articles[1].tags`).
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use wasm_bindgen::{JsCast, JsValue};

/// A JSON value, as the browser parsed it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Value>),
    /// Keys in the object's order; keys whose value is `undefined` are left out (absent).
    Obj(Vec<(String, Value)>),
}

impl Value {
    /// What kind of JSON value this is, for messages ("null", "a list", …).
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Num(_) => "a number",
            Value::Str(_) => "a string",
            Value::Arr(_) => "a list",
            Value::Obj(_) => "an object",
        }
    }

    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Obj(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// The same tree from serde_json's (native tests and tools).
#[cfg(not(target_arch = "wasm32"))]
impl From<serde_json::Value> for Value {
    fn from(v: serde_json::Value) -> Value {
        use serde_json::Value as J;
        match v {
            J::Null => Value::Null,
            J::Bool(b) => Value::Bool(b),
            J::Number(n) => Value::Num(n.as_f64().unwrap_or(f64::NAN)),
            J::String(s) => Value::Str(s),
            J::Array(a) => Value::Arr(a.into_iter().map(Value::from).collect()),
            J::Object(m) => Value::Obj(m.into_iter().map(|(k, v)| (k, Value::from(v))).collect()),
        }
    }
}

/// Copies a JS value (from `JSON.parse` or a plain object) into a [`Value`].
pub fn from_js(v: &JsValue) -> Result<Value, Error> {
    if v.is_null() || v.is_undefined() {
        return Ok(Value::Null);
    }
    if let Some(b) = v.as_bool() {
        return Ok(Value::Bool(b));
    }
    if let Some(n) = v.as_f64() {
        return Ok(Value::Num(n));
    }
    if let Some(s) = v.as_string() {
        return Ok(Value::Str(s));
    }
    if js_sys::Array::is_array(v) {
        let arr: &js_sys::Array = v.unchecked_ref();
        let mut out = Vec::with_capacity(arr.length() as usize);
        for (i, item) in arr.iter().enumerate() {
            out.push(from_js(&item).map_err(|e| e.at(format!("[{i}]")))?);
        }
        return Ok(Value::Arr(out));
    }
    if v.is_object() && !v.is_function() {
        let obj: &js_sys::Object = v.unchecked_ref();
        let mut out = Vec::new();
        for key in js_sys::Object::keys(obj).iter() {
            let name = key.as_string().unwrap_or_default();
            let item = js_sys::Reflect::get(obj, &key).unwrap_or(JsValue::UNDEFINED);
            if item.is_undefined() {
                continue;
            }
            out.push((name.clone(), from_js(&item).map_err(|e| e.at(name))?));
        }
        return Ok(Value::Obj(out));
    }
    Err(Error::other("is not a JSON value (string, number, boolean, list or object)"))
}

/// A deserialization error and the path of the key it is about.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    /// Outermost first: `["articles", "[1]", "tags"]`.
    pub path: Vec<String>,
    pub kind: ErrorKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A key the format does not have; the message lists the known ones.
    Unknown,
    /// A required key is absent.
    Missing,
    /// A wrong type or value.
    Other,
}

impl Error {
    fn other(m: impl Into<String>) -> Error {
        Error { path: vec![], kind: ErrorKind::Other, message: m.into() }
    }

    /// The same error, one level further out.
    #[inline(never)]
    fn at(mut self, segment: String) -> Error {
        self.path.insert(0, segment);
        self
    }

    /// `persona.nam`, `articles[1].tags`; empty for the top level.
    pub fn path_text(&self) -> String {
        path_text(&self.path)
    }
}

pub fn path_text(path: &[String]) -> String {
    let mut out = String::new();
    for s in path {
        if !s.starts_with('[') && !out.is_empty() {
            out.push('.');
        }
        out.push_str(s);
    }
    out
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.path.is_empty() {
            true => f.write_str(&self.message),
            false => write!(f, "`{}` {}", self.path_text(), self.message),
        }
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Error::other(msg.to_string())
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        let known = expected.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
        Error { path: vec![field.to_string()], kind: ErrorKind::Unknown, message: format!("is not a known key (known here: {known})") }
    }

    fn missing_field(field: &'static str) -> Self {
        Error { path: vec![field.to_string()], kind: ErrorKind::Missing, message: "is required".into() }
    }
}

impl<'de> IntoDeserializer<'de, Error> for Value {
    type Deserializer = Value;
    fn into_deserializer(self) -> Value {
        self
    }
}

impl Value {
    fn unexpected(&self) -> de::Unexpected<'_> {
        match self {
            Value::Null => de::Unexpected::Unit,
            Value::Bool(b) => de::Unexpected::Bool(*b),
            Value::Num(n) if n.fract() == 0.0 && (0.0..1.8e19).contains(n) => de::Unexpected::Unsigned(*n as u64),
            Value::Num(n) if n.fract() == 0.0 && *n < 0.0 && *n > -9.2e18 => de::Unexpected::Signed(*n as i64),
            Value::Num(n) => de::Unexpected::Float(*n),
            Value::Str(s) => de::Unexpected::Str(s),
            Value::Arr(_) => de::Unexpected::Seq,
            Value::Obj(_) => de::Unexpected::Map,
        }
    }

    fn wrong<'de, V: Visitor<'de>>(&self, visitor: &V) -> Error {
        de::Error::invalid_type(self.unexpected(), visitor)
    }

    fn integer<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Value::Num(n) if n.fract() == 0.0 && (0.0..1.8e19).contains(&n) => visitor.visit_u64(n as u64),
            Value::Num(n) if n.fract() == 0.0 && n < 0.0 && n > -9.2e18 => visitor.visit_i64(n as i64),
            other => Err(other.wrong(&visitor)),
        }
    }
}

// Each `deserialize_*` visits only the one matching kind (as serde_json does) rather than going
// through `deserialize_any`: every visitor then needs only that one method, which keeps the
// generated code (and the wasm) small.
impl<'de> de::Deserializer<'de> for Value {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(b),
            n @ Value::Num(_) if !matches!(n.unexpected(), de::Unexpected::Float(_)) => n.integer(visitor),
            Value::Num(n) => visitor.visit_f64(n),
            Value::Str(s) => visitor.visit_string(s),
            Value::Arr(items) => visitor.visit_seq(Seq { items: items.into_iter(), index: 0 }),
            Value::Obj(members) => visitor.visit_map(Map { members: members.into_iter(), value: None }),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Value::Bool(b) => visitor.visit_bool(b),
            other => Err(other.wrong(&visitor)),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Value::Str(s) => visitor.visit_string(s),
            other => Err(other.wrong(&visitor)),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Value::Num(n) => visitor.visit_f64(n),
            other => Err(other.wrong(&visitor)),
        }
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.integer(visitor)
    }
    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.integer(visitor)
    }
    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.integer(visitor)
    }
    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.integer(visitor)
    }
    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.integer(visitor)
    }
    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.integer(visitor)
    }
    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.integer(visitor)
    }
    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.integer(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Value::Null => visitor.visit_none(),
            v => visitor.visit_some(v),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Value::Null => visitor.visit_unit(),
            other => Err(other.wrong(&visitor)),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Value::Arr(items) => visitor.visit_seq(Seq { items: items.into_iter(), index: 0 }),
            other => Err(other.wrong(&visitor)),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Value::Obj(members) => visitor.visit_map(Map { members: members.into_iter(), value: None }),
            other => Err(other.wrong(&visitor)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(self, _name: &'static str, _fields: &'static [&'static str], visitor: V) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    /// Unit variants, as serde_json writes them: `"agent"`.
    fn deserialize_enum<V: Visitor<'de>>(self, _name: &'static str, _variants: &'static [&'static str], visitor: V) -> Result<V::Value, Error> {
        match self {
            Value::Str(s) => visitor.visit_enum(s.into_deserializer()),
            other => Err(other.wrong(&visitor)),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    serde::forward_to_deserialize_any! {
        i128 u128 char bytes byte_buf unit_struct tuple_struct
    }
}

#[inline(never)]
fn at_index(e: Error, i: usize) -> Error {
    e.at(format!("[{i}]"))
}

struct Seq {
    items: std::vec::IntoIter<Value>,
    index: usize,
}

impl<'de> SeqAccess<'de> for Seq {
    type Error = Error;
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        let Some(v) = self.items.next() else { return Ok(None) };
        let i = self.index;
        self.index += 1;
        seed.deserialize(v).map(Some).map_err(|e| at_index(e, i))
    }
}

struct Map {
    members: std::vec::IntoIter<(String, Value)>,
    value: Option<(String, Value)>,
}

impl<'de> MapAccess<'de> for Map {
    type Error = Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        let Some((k, v)) = self.members.next() else { return Ok(None) };
        self.value = Some((k.clone(), v));
        seed.deserialize(k.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let (k, v) = self.value.take().ok_or_else(|| Error::other("value without a key"))?;
        seed.deserialize(v).map_err(|e| e.at(k))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        name: String,
        #[serde(default)]
        tags: Vec<String>,
        #[serde(default)]
        n: Option<u8>,
    }
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        items: Vec<Inner>,
    }

    fn obj(m: &[(&str, Value)]) -> Value {
        Value::Obj(m.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }
    fn s(x: &str) -> Value {
        Value::Str(x.into())
    }

    #[test]
    fn errors_name_the_key_path() {
        let ok = obj(&[("items", Value::Arr(vec![obj(&[("name", s("a")), ("n", Value::Num(3.0))])]))]);
        assert!(Outer::deserialize(ok).is_ok());
        let unknown = obj(&[("items", Value::Arr(vec![obj(&[("name", s("a"))]), obj(&[("name", s("b")), ("nam", s("x"))])]))]);
        let e = Outer::deserialize(unknown).unwrap_err();
        assert_eq!((e.path_text(), e.kind), ("items[1].nam".to_string(), ErrorKind::Unknown), "{e}");
        let wrong = obj(&[("items", Value::Arr(vec![obj(&[("name", s("a")), ("tags", s("bezorgen"))])]))]);
        let e = Outer::deserialize(wrong).unwrap_err();
        assert_eq!(e.path_text(), "items[0].tags");
        assert!(e.to_string().contains("invalid type: string \"bezorgen\", expected a sequence"), "{e}");
        let missing = obj(&[("items", Value::Arr(vec![obj(&[])]))]);
        let e = Outer::deserialize(missing).unwrap_err();
        assert_eq!((e.path_text(), e.kind), ("items[0].name".to_string(), ErrorKind::Missing));
        let range = obj(&[("items", Value::Arr(vec![obj(&[("name", s("a")), ("n", Value::Num(300.0))])]))]);
        assert_eq!(Outer::deserialize(range).unwrap_err().path_text(), "items[0].n");
    }
}
