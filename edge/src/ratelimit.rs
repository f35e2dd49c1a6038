//! Fixed-window rate limits kept in D1 (one counter row per key per minute). Limits come from
//! vars (RATE_CONVERSATION_PER_MIN, RATE_CLIENT_PER_MIN) so tests can make them tiny.
use serde::Deserialize;
use worker::D1Database;

use crate::error::{EdgeError, EdgeResult};
use crate::store::{self, n, s};

pub const WINDOW_MS: i64 = 60_000;

#[derive(Deserialize)]
struct Count {
    count: u32,
}

/// Counts one request against each (key, limit); 429 with Retry-After when any is exceeded.
pub async fn check(db: &D1Database, now: i64, keys: &[(String, u32)]) -> EdgeResult<()> {
    let window = now / WINDOW_MS;
    let stmts = keys
        .iter()
        .map(|(key, _)| {
            store::stmt(
                db,
                "INSERT INTO rate_counters (key, window, count) VALUES (?, ?, 1) \
                 ON CONFLICT (key, window) DO UPDATE SET count = count + 1 RETURNING count",
                &[s(key), n(window)],
            )
        })
        .collect::<EdgeResult<Vec<_>>>()?;
    let results = store::batch(db, stmts).await?;
    for ((_, limit), r) in keys.iter().zip(results.iter()) {
        let count = r.results::<Count>()?.first().map(|c| c.count).unwrap_or(0);
        if count > *limit {
            let retry_after_ms = (window + 1) * WINDOW_MS - now;
            return Err(EdgeError::RateLimited { retry_after_s: ((retry_after_ms + 999) / 1000).max(1) as u32 });
        }
    }
    Ok(())
}
