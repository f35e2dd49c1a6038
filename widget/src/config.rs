//! The site owner's configuration: data attributes on the script tag, or a JSON object.
//! Everything is validated once, here; a bad value is reported by name, never half-applied.
use serde::Deserialize;
use tandem_shared::Lang;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Persona {
    /// Shown as the assistant's name.
    #[serde(default = "default_name")]
    pub name: String,
    /// Image URL for the avatar (http(s) or site-relative).
    #[serde(default)]
    pub avatar: Option<String>,
    /// Overrides the catalogue's greeting.
    #[serde(default)]
    pub greeting: Option<String>,
    /// Formal address ("u") instead of informal ("je").
    #[serde(default = "yes")]
    pub formal: bool,
    /// Whether the bot may use emoji.
    #[serde(default)]
    pub emoji: bool,
}

impl Default for Persona {
    fn default() -> Self {
        Persona { name: default_name(), avatar: None, greeting: None, formal: true, emoji: false }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Colors {
    #[serde(default = "default_accent")]
    pub accent: String,
    #[serde(default = "default_bg")]
    pub background: String,
    #[serde(default = "default_text")]
    pub text: String,
}

impl Default for Colors {
    fn default() -> Self {
        Colors { accent: default_accent(), background: default_bg(), text: default_text() }
    }
}

/// When people are there to answer, in the site's local time.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessHours {
    /// ISO weekdays that are open: 1 = Monday … 7 = Sunday.
    pub days: Vec<u8>,
    /// "09:00"
    pub open: String,
    /// "17:30"
    pub close: String,
    /// The site's offset from UTC in minutes (e.g. 60 for CET).
    #[serde(default)]
    pub utc_offset_minutes: i32,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WidgetConfig {
    /// Base URL of the edge worker, e.g. `https://tandem.example.workers.dev`.
    pub endpoint: String,
    /// The site id the edge knows (its CORS allow-list and policy).
    pub site: String,
    /// URL of the knowledge base JSON.
    #[serde(default)]
    pub kb: Option<String>,
    /// Preferred interface language ("nl", "en"); anything else falls back to English.
    #[serde(default)]
    pub lang: Option<String>,
    #[serde(default)]
    pub persona: Persona,
    #[serde(default)]
    pub colors: Colors,
    /// The site's privacy page, linked from the disclosure.
    #[serde(default)]
    pub privacy_url: Option<String>,
    /// Continue a returning visitor's conversation (default) or start fresh on every visit.
    #[serde(default = "yes")]
    pub resume: bool,
    /// Ask the NPS question after resolution.
    #[serde(default)]
    pub nps: bool,
    #[serde(default)]
    pub business_hours: Option<BusinessHours>,
    /// An address the visitor can write to when no person can be reached through the chat.
    #[serde(default)]
    pub contact_email: Option<String>,
}

fn default_name() -> String {
    "Tandem".into()
}
fn yes() -> bool {
    true
}
fn default_accent() -> String {
    "#1f5fbf".into()
}
fn default_bg() -> String {
    "#ffffff".into()
}
fn default_text() -> String {
    "#1a1a1a".into()
}

#[derive(Debug, Clone, PartialEq)]
pub enum ConfigError {
    Parse(String),
    Missing(&'static str),
    Invalid { field: &'static str, reason: String },
    /// A key the configuration does not have, or a wrong type, at `path` (`persona.nam`).
    Key { path: String, reason: String },
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::Parse(m) => write!(f, "configuration is not valid: {m}"),
            ConfigError::Missing(field) => write!(f, "`{field}` is required (set data-{field} on the script tag)"),
            ConfigError::Invalid { field, reason } => write!(f, "`{field}` {reason}"),
            ConfigError::Key { path, reason } => write!(f, "`{path}` {reason}"),
        }
    }
}

fn invalid(field: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid { field, reason: reason.into() }
}

fn is_http_url(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    (l.starts_with("https://") || l.starts_with("http://")) && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn is_url_or_path(s: &str) -> bool {
    is_http_url(s) || (s.starts_with('/') && !s.starts_with("//") && !s.chars().any(|c| c.is_whitespace() || c.is_control()))
}

/// Colours go into CSS custom properties, so only plain colour syntax is accepted: no way to
/// smuggle other declarations or `url()` into the widget's styles.
pub fn is_css_color(s: &str) -> bool {
    let s = s.trim();
    let hex = s.strip_prefix('#').is_some_and(|h| matches!(h.len(), 3 | 4 | 6 | 8) && h.chars().all(|c| c.is_ascii_hexdigit()));
    let func = ["rgb(", "rgba(", "hsl(", "hsla("].iter().any(|p| s.to_ascii_lowercase().starts_with(p))
        && s.ends_with(')')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || " ,.%()/".contains(c));
    let named = !s.is_empty() && s.len() <= 20 && s.chars().all(|c| c.is_ascii_alphabetic());
    hex || func || named
}

/// Whether the browser's CSS accepts `c` as a colour ("blurple" passes the syntax check above).
fn browser_knows_color(c: &str) -> bool {
    use wasm_bindgen::JsCast;
    let Ok(css) = js_sys::Reflect::get(&js_sys::global(), &"CSS".into()) else { return true };
    let Ok(supports) = js_sys::Reflect::get(&css, &"supports".into()) else { return true };
    match supports.dyn_ref::<js_sys::Function>() {
        Some(f) => f.call2(&css, &"color".into(), &c.into()).map(|v| v.is_truthy()).unwrap_or(true),
        None => true,
    }
}

/// Interface languages with a catalogue: `nl`, `en` (also as `nl-BE`, `en_GB`).
pub fn is_supported_lang(l: &str) -> bool {
    let l = l.to_ascii_lowercase();
    let base = l.split(['-', '_']).next().unwrap_or("");
    base == "nl" || base == "en"
}

/// A `[tandem]` warning on the browser console (nothing natively, where tests run).
pub(crate) fn warn(m: &str) {
    #[cfg(target_arch = "wasm32")]
    web_sys::console::warn_1(&format!("[tandem] {m}").into());
    #[cfg(not(target_arch = "wasm32"))]
    let _ = m;
}

fn parse_hhmm(s: &str) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

impl BusinessHours {
    /// Whether people are available at `utc_minutes` since the Unix epoch.
    pub fn is_open(&self, utc_ms: f64) -> bool {
        let local_min = (utc_ms / 60_000.0).floor() as i64 + self.utc_offset_minutes as i64;
        let day = local_min.div_euclid(1440);
        // 1970-01-01 was a Thursday (ISO weekday 4).
        let weekday = ((day + 3).rem_euclid(7) + 1) as u8;
        let minute = local_min.rem_euclid(1440) as u32;
        let (Some(open), Some(close)) = (parse_hhmm(&self.open), parse_hhmm(&self.close)) else { return true };
        self.days.contains(&weekday) && minute >= open && minute < close
    }

    pub fn describe(&self) -> String {
        format!("{}–{}", self.open, self.close)
    }
}

impl WidgetConfig {
    /// The configuration object the loader passes (data attributes merged with the site's JSON
    /// object), read strictly (see `strict`): an unknown key or a wrong type is named by its path.
    /// Colours are also checked by the browser itself (`CSS.supports`).
    pub fn from_js(value: wasm_bindgen::JsValue) -> Result<WidgetConfig, ConfigError> {
        let tree = crate::strict::from_js(&value).map_err(|e| ConfigError::Parse(e.to_string()))?;
        let cfg = Self::from_value(tree)?;
        for (field, c) in [("colors.accent", &cfg.colors.accent), ("colors.background", &cfg.colors.background), ("colors.text", &cfg.colors.text)] {
            if !browser_knows_color(c) {
                return Err(invalid(field, format!("\"{c}\" is not a colour the browser knows (use #rrggbb, rgb(), hsl() or a CSS colour name)")));
            }
        }
        Ok(cfg)
    }

    /// The same from JSON text (native tests and tools).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_json(text: &str) -> Result<WidgetConfig, ConfigError> {
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(v) => Self::from_value(crate::strict::Value::from(v)),
            Err(e) => Err(ConfigError::Parse(e.to_string())),
        }
    }

    /// Reads the whole configuration or none of it: the first problem is returned, by key path.
    pub fn from_value(tree: crate::strict::Value) -> Result<WidgetConfig, ConfigError> {
        use crate::strict::ErrorKind;
        if !matches!(tree, crate::strict::Value::Obj(_)) {
            return Err(ConfigError::Parse(format!("it must be an object ({{…}}), not {}", tree.kind())));
        }
        let cfg = WidgetConfig::deserialize(tree).map_err(|e| {
            let path = e.path_text();
            match (e.kind, path.as_str()) {
                (ErrorKind::Missing, "endpoint") => ConfigError::Missing("endpoint"),
                (ErrorKind::Missing, "site") => ConfigError::Missing("site"),
                (ErrorKind::Unknown, _) => ConfigError::Key { path, reason: format!("{}; the configuration was not applied", e.message) },
                _ if path.is_empty() => ConfigError::Parse(e.message),
                _ => ConfigError::Key { path, reason: e.message },
            }
        })?;
        cfg.validate()?;
        Ok(cfg)
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.endpoint.is_empty() {
            return Err(ConfigError::Missing("endpoint"));
        }
        if !is_http_url(&self.endpoint) {
            return Err(invalid("endpoint", "must be an http(s) URL"));
        }
        if self.site.is_empty() {
            return Err(ConfigError::Missing("site"));
        }
        if self.site.len() > 64 || !self.site.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(invalid("site", "must be 1–64 letters, digits, '-' or '_'"));
        }
        if let Some(kb) = &self.kb {
            if !is_url_or_path(kb) {
                return Err(invalid("kb", "must be an http(s) URL or a path starting with /"));
            }
        }
        if let Some(p) = &self.privacy_url {
            if !is_url_or_path(p) {
                return Err(invalid("privacy_url", "must be an http(s) URL or a path starting with /"));
            }
        }
        if self.persona.name.trim().is_empty() || self.persona.name.chars().count() > 40 {
            return Err(invalid("persona.name", "must be 1–40 characters"));
        }
        if let Some(a) = &self.persona.avatar {
            if !is_url_or_path(a) {
                return Err(invalid("persona.avatar", "must be an http(s) URL or a path starting with /"));
            }
        }
        for (field, c) in [("colors.accent", &self.colors.accent), ("colors.background", &self.colors.background), ("colors.text", &self.colors.text)] {
            if !is_css_color(c) {
                return Err(invalid(field, format!("\"{c}\" is not a colour (use #rrggbb, rgb(), hsl() or a colour name)")));
            }
        }
        if let Some(h) = &self.business_hours {
            if parse_hhmm(&h.open).is_none() || parse_hhmm(&h.close).is_none() {
                return Err(invalid("business_hours", "open and close must be HH:MM"));
            }
            if parse_hhmm(&h.close) <= parse_hhmm(&h.open) {
                return Err(invalid("business_hours.close", format!("\"{}\" must be later than open (\"{}\")", h.close, h.open)));
            }
            if h.days.iter().any(|d| !(1..=7).contains(d)) {
                return Err(invalid("business_hours.days", "must be weekdays 1 (Monday) to 7 (Sunday)"));
            }
        }
        if let Some(e) = &self.contact_email {
            if !crate::effects::looks_like_email(e) {
                return Err(invalid("contact_email", format!("\"{e}\" is not an e-mail address")));
            }
        }
        if let Some(l) = &self.lang {
            if !is_supported_lang(l) {
                // Not an error: the widget works in English. Named so the owner can fix it.
                warn(&format!("`lang` \"{l}\" is not supported (use \"nl\" or \"en\"); showing the widget in English"));
            }
        }
        Ok(())
    }

    pub fn lang(&self) -> Lang {
        match self.lang.as_deref().map(|l| l.get(..2).unwrap_or(l).to_ascii_lowercase()) {
            Some(l) if l == "nl" => Lang::Nl,
            _ => Lang::En,
        }
    }

    pub fn endpoint(&self) -> &str {
        self.endpoint.trim_end_matches('/')
    }
}

// Native only: `from_json` (serde_json) is not built for wasm32, where the config is a JS object
// (covered by tests/web.rs).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn err(json: &str) -> String {
        WidgetConfig::from_json(json).expect_err("should be rejected").to_string()
    }

    #[test]
    fn minimal_config_gets_defaults() {
        let c = WidgetConfig::from_json(r#"{"endpoint":"http://127.0.0.1:8787","site":"demo"}"#).expect("valid");
        assert_eq!(c.persona.name, "Tandem");
        assert!(c.persona.formal && c.resume && !c.nps);
        assert_eq!(c.lang(), Lang::En);
        let de = WidgetConfig::from_json(r#"{"endpoint":"http://127.0.0.1:8787","site":"demo","lang":"de"}"#).expect("an unsupported language is not an error");
        assert_eq!(de.lang(), Lang::En);
        assert!(is_supported_lang("nl-BE") && is_supported_lang("EN") && !is_supported_lang("de"));
    }

    #[test]
    fn bad_configs_name_the_field() {
        assert!(err(r#"{"site":"demo"}"#).contains("`endpoint` is required"));
        assert!(err(r#"{"endpoint":"javascript:alert(1)","site":"demo"}"#).contains("`endpoint` must be an http(s) URL"));
        assert!(err(r#"{"endpoint":"https://e.example","site":"a b"}"#).contains("`site`"));
        assert!(err(r#"{"endpoint":"https://e.example","site":"d","colors":{"accent":"red;background:url(x)"}}"#).contains("colors.accent"));
        assert!(err(r#"{"endpoint":"https://e.example","site":"d","privacy_url":"javascript:x"}"#).contains("privacy_url"));
        assert!(err(r#"{"endpoint":"https://e.example","site":"d","colour":"red"}"#).starts_with("`colour` is not a known key"));
        assert!(err(r#"{"endpoint":"https://e.example","site":"d","persona":{"nam":"Sam"}}"#).starts_with("`persona.nam` is not a known key"));
        assert!(err(r#"{"endpoint":"https://e.example","site":"d","persona":{"formal":"yes"}}"#).starts_with("`persona.formal` invalid type"));
        assert!(err(r#"{"endpoint":"https://e.example","site":"d","business_hours":{"days":[1],"open":"17:00","close":"09:00"}}"#).starts_with("`business_hours.close` \"09:00\" must be later"));
        assert!(err(r#"{"endpoint":"https://e.example","site":"d","contact_email":"nope"}"#).contains("contact_email"));
        assert!(err("null").contains("must be an object"));
        assert!(err("[1,2]").contains("must be an object"));
        assert!(err(r#"{"endpoint":"https://e.example","site":"d","business_hours":{"days":[8],"open":"09:00","close":"17:00"}}"#).contains("days"));
        assert!(err("not json").contains("not valid"));
    }

    #[test]
    fn css_colors() {
        for ok in ["#fff", "#1f5fbf", "rgb(10, 20, 30)", "hsl(200 50% 40%)", "rebeccapurple"] {
            assert!(is_css_color(ok), "{ok}");
        }
        for bad in ["", "#ggg", "red;x:y", "url(x)", "rgb(1,2,3);", "expression(alert(1))"] {
            assert!(!is_css_color(bad), "{bad}");
        }
    }

    #[test]
    fn business_hours_in_local_time() {
        let h = BusinessHours { days: vec![1, 2, 3, 4, 5], open: "09:00".into(), close: "17:00".into(), utc_offset_minutes: 60 };
        // 2026-12-03 is a Thursday. 09:30 UTC = 10:30 CET: open. 16:30 UTC = 17:30 CET: closed.
        let thu_0930_utc = 1_796_290_200_000.0;
        assert!(h.is_open(thu_0930_utc));
        assert!(!h.is_open(thu_0930_utc + 7.0 * 3_600_000.0));
        // Saturday
        assert!(!h.is_open(thu_0930_utc + 2.0 * 86_400_000.0));
    }
}
