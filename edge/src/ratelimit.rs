//! Fixed-window rate limits kept in D1 (one counter row per key per minute). Limits come from
//! vars (RATE_CONVERSATION_PER_MIN, RATE_CLIENT_PER_MIN) so tests can make them tiny.
//!
//! A `Gate` rides along in the request's own write batch instead of costing a round trip of its
//! own: its counter upserts go first, and `condition()` makes the batch's first write depend on
//! every counter still being within its limit, so a limited request changes nothing but the
//! counters. `verdict()` then reads the counts the batch returned and answers 429.
use serde::Deserialize;
use worker::{wasm_bindgen::JsValue, D1Database, D1PreparedStatement, D1Result};

use crate::error::{EdgeError, EdgeResult};
use crate::store::{self, n, s};

pub const WINDOW_MS: i64 = 60_000;

#[derive(Deserialize)]
struct Count {
    count: u32,
}

/// The counters one request is charged against: (key, limit per window).
pub struct Gate {
    now: i64,
    limits: Vec<(String, u32)>,
    /// (conversation id, client id): count only when that message is not stored yet.
    unless: Option<(String, String)>,
}

impl Gate {
    pub fn new(now: i64, limits: Vec<(String, u32)>) -> Gate {
        Gate { now, limits, unless: None }
    }

    /// Counts nothing when the message `client_id` of `conversation` is already stored: a
    /// retry of it is answered from storage and is not traffic.
    pub fn unless_stored(mut self, conversation: &str, client_id: &str) -> Gate {
        self.unless = Some((conversation.to_string(), client_id.to_string()));
        self
    }

    fn window(&self) -> i64 {
        self.now / WINDOW_MS
    }

    /// How many statements `statements()` yields (the results to hand to `verdict`).
    pub fn count(&self) -> usize {
        self.limits.len()
    }

    /// One upsert per counter (`RETURNING count`); they go first in the batch.
    pub fn statements(&self, db: &D1Database) -> EdgeResult<Vec<D1PreparedStatement>> {
        self.limits
            .iter()
            .map(|(key, _)| match &self.unless {
                None => store::stmt(
                    db,
                    "INSERT INTO rate_counters (key, window, count) VALUES (?, ?, 1) \
                     ON CONFLICT (key, window) DO UPDATE SET count = count + 1 RETURNING count",
                    &[s(key), n(self.window())],
                ),
                // No row selected, nothing counted, nothing returned (`verdict` reads 0).
                Some((conv, client_id)) => store::stmt(
                    db,
                    "INSERT INTO rate_counters (key, window, count) SELECT ?, ?, 1 \
                     WHERE NOT EXISTS (SELECT 1 FROM messages WHERE conversation_id = ? AND client_id = ?) \
                     ON CONFLICT (key, window) DO UPDATE SET count = count + 1 RETURNING count",
                    &[s(key), n(self.window()), s(conv), s(client_id)],
                ),
            })
            .collect()
    }

    /// SQL (each term starting with ` AND `) that holds while every counter is within its limit,
    /// with its bind values; evaluated after the upserts in the same transaction.
    pub fn condition(&self) -> (String, Vec<JsValue>) {
        let mut sql = String::new();
        let mut args = Vec::new();
        for (key, limit) in &self.limits {
            sql.push_str(" AND (SELECT count FROM rate_counters WHERE key = ? AND window = ?) <= ?");
            args.extend([s(key), n(self.window()), n(*limit as i64)]);
        }
        (sql, args)
    }

    /// 429 with Retry-After when any counter is over its limit; `results` start with the results
    /// of `statements()`.
    pub fn verdict(&self, results: &[D1Result]) -> EdgeResult<()> {
        for ((_, limit), r) in self.limits.iter().zip(results.iter()) {
            let count = r.results::<Count>()?.first().map(|c| c.count).unwrap_or(0);
            if count > *limit {
                let retry_after_ms = (self.window() + 1) * WINDOW_MS - self.now;
                return Err(EdgeError::RateLimited { retry_after_s: ((retry_after_ms + 999) / 1000).max(1) as u32 });
            }
        }
        Ok(())
    }
}

/// Counts one request against each (key, limit) in a round trip of its own; 429 with
/// Retry-After when any is exceeded. For routes whose write cannot carry a `Gate`.
pub async fn check(db: &D1Database, now: i64, keys: &[(String, u32)]) -> EdgeResult<()> {
    let gate = Gate::new(now, keys.to_vec());
    let results = store::batch(db, gate.statements(db)?).await?;
    gate.verdict(&results)
}
