//! D1 access: row types, statement helpers, and the queries the handlers share.
//!
//! Concurrency: every write to a conversation is one D1 batch (a transaction) whose first
//! statement is `UPDATE conversations … SET rev = ?new WHERE id = ? AND rev = ?old`; every
//! following statement is guarded by `WHERE EXISTS (… rev = ?new)`, so a batch that lost a race
//! changes nothing and the handler re-reads and retries.
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use tandem_shared::{
    policy::Tier,
    wire::{Author, ConvStatus, EscalationEvent, WireMessage},
    Lang,
};
use worker::{wasm_bindgen::JsValue, D1Database, D1PreparedStatement, D1Result, Env};

use crate::config::{Config, DB};
use crate::error::{EdgeError, EdgeResult};
use crate::http::{secret_eq, sha256_hex};

pub fn db(env: &Env) -> EdgeResult<D1Database> {
    Ok(env.d1(DB)?)
}

// ----------------------------------------------------------------------------- bind values
pub fn s(v: &str) -> JsValue {
    JsValue::from_str(v)
}
pub fn n(v: i64) -> JsValue {
    JsValue::from_f64(v as f64)
}
pub fn f(v: f64) -> JsValue {
    JsValue::from_f64(if v.is_finite() { v } else { 0.0 })
}
pub fn os(v: Option<&str>) -> JsValue {
    v.map(s).unwrap_or(JsValue::NULL)
}
pub fn on(v: Option<i64>) -> JsValue {
    v.map(n).unwrap_or(JsValue::NULL)
}
pub fn of(v: Option<f64>) -> JsValue {
    v.map(f).unwrap_or(JsValue::NULL)
}

/// The snake_case name serde gives an enum variant (`ConvStatus::WithAgent` → "with_agent").
/// (Through `to_string`, not `to_value`: `serde_json::Value`'s serializer is kilobytes of wasm.)
pub fn name<T: Serialize>(v: &T) -> String {
    match serde_json::to_string(v) {
        Ok(s) if s.len() >= 2 && s.starts_with('"') => s[1..s.len() - 1].to_string(),
        _ => String::new(),
    }
}

pub fn stmt(db: &D1Database, sql: &str, args: &[JsValue]) -> EdgeResult<D1PreparedStatement> {
    Ok(db.prepare(sql).bind(args)?)
}

pub async fn first<T: DeserializeOwned>(db: &D1Database, sql: &str, args: &[JsValue]) -> EdgeResult<Option<T>> {
    Ok(stmt(db, sql, args)?.first::<T>(None).await?)
}

pub async fn all<T: DeserializeOwned>(db: &D1Database, sql: &str, args: &[JsValue]) -> EdgeResult<Vec<T>> {
    Ok(stmt(db, sql, args)?.all().await?.results::<T>()?)
}

/// Runs one statement; returns the number of rows changed.
pub async fn run(db: &D1Database, sql: &str, args: &[JsValue]) -> EdgeResult<usize> {
    let r = stmt(db, sql, args)?.run().await?;
    Ok(changes(&r))
}

pub async fn batch(db: &D1Database, stmts: Vec<D1PreparedStatement>) -> EdgeResult<Vec<D1Result>> {
    Ok(db.batch(stmts).await?)
}

pub fn changes(r: &D1Result) -> usize {
    r.meta().ok().flatten().and_then(|m| m.changes).unwrap_or(0)
}

// ----------------------------------------------------------------------------- schema
/// Applies the (idempotent) schema once per isolate, so a worker whose migrations were not
/// applied still works. `wrangler d1 migrations apply` remains the normal route.
pub async fn ensure_schema(db: &D1Database) -> EdgeResult<()> {
    thread_local! { static DONE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) }; }
    if DONE.with(|d| d.get()) {
        return Ok(());
    }
    let sql = include_str!(concat!(env!("OUT_DIR"), "/0001_init.sql")); // build.rs: without comments
    let without_comments: String =
        sql.lines().filter(|l| !l.trim_start().starts_with("--")).collect::<Vec<_>>().join("\n");
    let stmts: Vec<D1PreparedStatement> = without_comments
        .split(';')
        .filter(|s| !s.trim().is_empty())
        .map(|s| db.prepare(s))
        .collect();
    batch(db, stmts).await?;
    DONE.with(|d| d.set(true));
    Ok(())
}

// ----------------------------------------------------------------------------- rows
#[derive(Debug, Clone, Deserialize)]
pub struct ConvRow {
    pub id: String,
    pub site: String,
    pub token_hash: String,
    pub lang: Lang,
    pub status: ConvStatus,
    pub tier: Option<Tier>,
    pub state: String,
    pub next_seq: u64,
    pub urgency: f64,
    pub agent: Option<String>,
    pub intents: String,
    pub reasons: String,
    pub event_id: Option<String>,
    pub rev: String,
    pub escalated_at: Option<i64>,
    /// Only in `auth_conv_dup`'s joined read: the seq of a stored message with the request's
    /// `client_id`, and of one with its bot reply's (absent from `SELECT *` of the table).
    /// Fields rather than a `#[serde(flatten)]` wrapper, whose buffering costs kilobytes of wasm.
    #[serde(default)]
    pub dup_seq: Option<u64>,
    #[serde(default)]
    pub bot_dup_seq: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MessageRow {
    pub seq: u64,
    pub client_id: String,
    pub author: Author,
    pub author_name: Option<String>,
    pub text: String,
    pub at: i64,
    pub article_id: Option<String>,
    pub valence: Option<f64>,
    pub frustration: Option<f64>,
    pub decision: Option<String>,
}

impl MessageRow {
    pub fn wire(&self) -> WireMessage {
        WireMessage {
            seq: self.seq,
            client_id: self.client_id.clone(),
            author: self.author,
            author_name: self.author_name.clone(),
            text: self.text.clone(),
            at: self.at,
            article_id: self.article_id.clone(),
        }
    }
}

pub async fn load_conv(db: &D1Database, id: &str) -> EdgeResult<Option<ConvRow>> {
    first(db, "SELECT * FROM conversations WHERE id = ?", &[s(id)]).await
}

/// The conversation if `token` proves ownership; otherwise NotFound (the same answer as for an
/// unknown id, so a guessed id reveals nothing).
pub async fn auth_conv(db: &D1Database, id: &str, token: Option<String>) -> EdgeResult<ConvRow> {
    let token = token.ok_or(EdgeError::Unauthorized)?;
    if id.len() > 80 {
        return Err(EdgeError::NotFound);
    }
    let conv = load_conv(db, id).await?.ok_or(EdgeError::NotFound)?;
    if !secret_eq(&sha256_hex(&token), &conv.token_hash) {
        return Err(EdgeError::NotFound);
    }
    Ok(conv)
}

/// What the hot path of POST …/messages needs to know before it decides, read in one round trip.
pub struct PostContext {
    pub conv: ConvRow,
    /// The message's `client_id` is already stored (a retry).
    pub seen: bool,
    /// The bot reply's `client_id` is already stored.
    pub bot_seen: bool,
}

/// `auth_conv` plus whether `client_id` (and the bot reply's id) are already stored, in one
/// round trip.
pub async fn auth_conv_dup(
    db: &D1Database,
    id: &str,
    token: Option<String>,
    client_id: &str,
    bot_client_id: Option<&str>,
) -> EdgeResult<PostContext> {
    let token = token.ok_or(EdgeError::Unauthorized)?;
    if id.len() > 80 {
        return Err(EdgeError::NotFound);
    }
    // Client ids are never empty (validated), so "" matches no bot reply when there is none.
    let conv: ConvRow = first(
        db,
        "SELECT c.*, m.seq AS dup_seq, b.seq AS bot_dup_seq FROM conversations c \
         LEFT JOIN messages m ON m.conversation_id = c.id AND m.client_id = ? \
         LEFT JOIN messages b ON b.conversation_id = c.id AND b.client_id = ? WHERE c.id = ?",
        &[s(client_id), s(bot_client_id.unwrap_or("")), s(id)],
    )
    .await?
    .ok_or(EdgeError::NotFound)?;
    if !secret_eq(&sha256_hex(&token), &conv.token_hash) {
        return Err(EdgeError::NotFound);
    }
    let (seen, bot_seen) = (conv.dup_seq.is_some(), conv.bot_dup_seq.is_some());
    Ok(PostContext { conv, seen, bot_seen })
}

pub async fn messages_after(db: &D1Database, id: &str, after: u64, limit: u32) -> EdgeResult<Vec<MessageRow>> {
    all(
        db,
        "SELECT * FROM messages WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?",
        &[s(id), n(after as i64), n(limit as i64)],
    )
    .await
}

pub async fn message_by_client_id(db: &D1Database, id: &str, client_id: &str) -> EdgeResult<Option<MessageRow>> {
    first(db, "SELECT * FROM messages WHERE conversation_id = ? AND client_id = ?", &[s(id), s(client_id)]).await
}

// ----------------------------------------------------------------------------- guarded writes
/// The optimistic-concurrency guard of one write batch.
pub struct Guard {
    pub id: String,
    pub old_rev: String,
    pub new_rev: String,
}

const GUARD: &str = " WHERE EXISTS (SELECT 1 FROM conversations WHERE id = ? AND rev = ?)";

impl Guard {
    fn args(&self) -> [JsValue; 2] {
        [s(&self.id), s(&self.new_rev)]
    }

    /// `INSERT … SELECT <values> WHERE EXISTS(guard)`.
    pub fn insert(&self, db: &D1Database, head: &str, mut args: Vec<JsValue>) -> EdgeResult<D1PreparedStatement> {
        let placeholders = vec!["?"; args.len()].join(", ");
        let sql = format!("{head} SELECT {placeholders}{GUARD}");
        args.extend(self.args());
        stmt(db, &sql, &args)
    }
}

pub fn insert_message(
    db: &D1Database,
    g: &Guard,
    m: &WireMessage,
    valence: Option<f64>,
    frustration: Option<f64>,
    decision: Option<&str>,
) -> EdgeResult<D1PreparedStatement> {
    g.insert(
        db,
        "INSERT OR IGNORE INTO messages (conversation_id, seq, client_id, author, author_name, text, at, article_id, valence, frustration, decision)",
        vec![
            s(&g.id),
            n(m.seq as i64),
            s(&m.client_id),
            s(&name(&m.author)),
            os(m.author_name.as_deref()),
            s(&m.text),
            n(m.at),
            os(m.article_id.as_deref()),
            of(valence),
            of(frustration),
            os(decision),
        ],
    )
}

#[allow(clippy::too_many_arguments)]
pub fn insert_decision(
    db: &D1Database,
    g: &Guard,
    site: &str,
    seq: Option<u64>,
    at: i64,
    lang: Lang,
    redacted_text: Option<&str>,
    intents_json: &str,
    decision_json: &str,
) -> EdgeResult<D1PreparedStatement> {
    g.insert(
        db,
        "INSERT INTO decisions (conversation_id, site, seq, at, lang, text, intents, decision)",
        vec![
            s(&g.id),
            s(site),
            on(seq.map(|v| v as i64)),
            n(at),
            s(lang.code()),
            os(redacted_text),
            s(intents_json),
            s(decision_json),
        ],
    )
}

/// The escalation event is stored in the same transaction as the state change that caused it,
/// together with its built-in inbox item and one outbox row per configured webhook.
pub fn escalation_statements(
    db: &D1Database,
    g: &Guard,
    ev: &EscalationEvent,
    cfg: &Config,
    now: i64,
) -> EdgeResult<Vec<D1PreparedStatement>> {
    let payload = serde_json::to_string(ev)?;
    let mut out = vec![
        g.insert(
            db,
            "INSERT INTO escalations (id, conversation_id, site, created_at, payload)",
            vec![s(&ev.id), s(&ev.conversation_id), s(&ev.site), n(now), s(&payload)],
        )?,
        g.insert(
            db,
            "INSERT OR IGNORE INTO inbox_items (event_id, conversation_id, site, tier, received_at, payload)",
            vec![s(&ev.id), s(&ev.conversation_id), s(&ev.site), s(&name(&ev.tier)), n(now), s(&payload)],
        )?,
    ];
    for w in &cfg.webhooks {
        out.push(g.insert(
            db,
            "INSERT OR IGNORE INTO deliveries (event_id, url, kind, status, attempts, next_at, created_at)",
            vec![s(&ev.id), s(&w.url), s(w.kind.as_str()), s("pending"), n(0), n(now), n(now)],
        )?);
    }
    Ok(out)
}
