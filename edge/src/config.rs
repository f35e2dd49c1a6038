//! Binding names (mirroring wrangler.toml) and the configuration read from vars/secrets.
use std::collections::BTreeMap;

use serde::Deserialize;
use tandem_shared::policy::PolicyConfig;
use worker::Env;

use crate::error::EdgeError;

/// `[[d1_databases]] binding` in wrangler.toml.
pub const DB: &str = "DB";
/// `[assets] binding` in wrangler.toml: the inbox page (`/inbox/…`) and the knowledge bases
/// (`/kb/<name>.json`), reachable only through this worker (`run_worker_first`).
pub const ASSETS: &str = "ASSETS";
/// JSON: `{"site-id": {"origins": ["https://shop.example"], "policy": {…PolicyConfig…}}}`.
pub const VAR_SITES: &str = "SITES";
/// JSON list: `[{"url": "https://…", "secret": "whsec_…", "kind": "standard"|"slack"}]`.
pub const VAR_WEBHOOKS: &str = "WEBHOOKS";
/// Bearer token of the agent inbox API (a secret in production).
pub const VAR_AGENT_TOKEN: &str = "AGENT_TOKEN";
pub const VAR_RETENTION_DAYS: &str = "RETENTION_DAYS";
pub const VAR_RATE_CONVERSATION_PER_MIN: &str = "RATE_CONVERSATION_PER_MIN";
pub const VAR_RATE_CLIENT_PER_MIN: &str = "RATE_CLIENT_PER_MIN";
pub const VAR_DELIVERY_MAX_ATTEMPTS: &str = "DELIVERY_MAX_ATTEMPTS";
pub const VAR_DELIVERY_BACKOFF_MS: &str = "DELIVERY_BACKOFF_MS";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    #[serde(default)]
    pub origins: Vec<String>,
    #[serde(default)]
    pub policy: PolicyConfig,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WebhookKind {
    Standard,
    Slack,
}

impl WebhookKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookKind::Standard => "standard",
            WebhookKind::Slack => "slack",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Webhook {
    pub url: String,
    #[serde(default)]
    pub secret: String,
    #[serde(default = "default_kind")]
    pub kind: WebhookKind,
}
fn default_kind() -> WebhookKind {
    WebhookKind::Standard
}

#[derive(Debug, Clone)]
pub struct Config {
    /// By id, in order (the sign-in lists an agent's sites sorted without sorting).
    pub sites: BTreeMap<String, SiteConfig>,
    pub webhooks: Vec<Webhook>,
    pub agent_token: Option<String>,
    pub retention_days: u32,
    pub rate_conversation_per_min: u32,
    pub rate_client_per_min: u32,
    pub delivery_max_attempts: u32,
    pub delivery_backoff_ms: u64,
}

impl Config {
    pub fn from_env(env: &Env) -> Result<Config, EdgeError> {
        Ok(Config {
            sites: json_var(env, VAR_SITES)?.unwrap_or_default(),
            webhooks: json_var(env, VAR_WEBHOOKS)?.unwrap_or_default(),
            agent_token: string_var(env, VAR_AGENT_TOKEN).filter(|t| !t.is_empty()),
            retention_days: num_var(env, VAR_RETENTION_DAYS, 30),
            rate_conversation_per_min: num_var(env, VAR_RATE_CONVERSATION_PER_MIN, 30),
            rate_client_per_min: num_var(env, VAR_RATE_CLIENT_PER_MIN, 100_000),
            delivery_max_attempts: num_var(env, VAR_DELIVERY_MAX_ATTEMPTS, 10).max(1),
            delivery_backoff_ms: num_var(env, VAR_DELIVERY_BACKOFF_MS, 10_000),
        })
    }

    pub fn site(&self, site: &str) -> Option<&SiteConfig> {
        self.sites.get(site)
    }

    /// CORS: an origin is allowed when some site lists it (preflights do not name the site).
    pub fn origin_allowed(&self, origin: &str) -> bool {
        self.sites.values().any(|s| s.origins.iter().any(|o| o == origin))
    }

    pub fn webhook(&self, url: &str) -> Option<&Webhook> {
        self.webhooks.iter().find(|w| w.url == url)
    }
}

fn string_var(env: &Env, name: &str) -> Option<String> {
    env.var(name).ok().map(|v| v.to_string())
}

fn num_var<T: std::str::FromStr>(env: &Env, name: &str, default: T) -> T {
    string_var(env, name).and_then(|v| v.trim().parse().ok()).unwrap_or(default)
}

/// A var holding JSON, either as a string (`--var`, secrets) or as a TOML table (an object;
/// one that does not fit is ignored, as before). The table is read as its JSON text, so both
/// go through serde_json (`env.object_var` would add serde_wasm_bindgen's deserializer of
/// every config type to the wasm).
fn json_var<T: serde::de::DeserializeOwned>(env: &Env, name: &str) -> Result<Option<T>, EdgeError> {
    if let Some(text) = string_var(env, name) {
        if text.trim().is_empty() {
            return Ok(None);
        }
        return serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| EdgeError::Config(format!("{name}: {e}")));
    }
    let table = worker::js_sys::Reflect::get(env, &name.into())
        .ok()
        .filter(|v| v.is_object())
        .and_then(|v| worker::js_sys::JSON::stringify(&v).ok())
        .and_then(|s| s.as_string());
    Ok(table.and_then(|text| serde_json::from_str(&text).ok()))
}
