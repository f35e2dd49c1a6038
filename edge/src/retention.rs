//! Erasure (the customer's delete) and retention (the scheduled clean-up after RETENTION_DAYS).
use serde::Deserialize;
use worker::D1Database;

use crate::error::EdgeResult;
use crate::store::{self, n, s};

/// Removes a conversation's content from every table of edge/migrations/*.sql; keeps
/// decision-log stubs (scores, rule; no text/reasons). Table by table:
/// conversations (state, reasons) and messages, inbox_items (event payloads), the
/// inbox's conversation_events (transfer notes) — deleted; escalations — payload blanked (the
/// row stays while a delivery may still reference it); decisions — text and reasons cleared;
/// feedback — comment cleared (the scores stay for the KPIs); rate_counters — the
/// conversation's counter deleted; deliveries, dead_letters — hold no conversation text
/// (event ids, URLs, errors). A test checks that no
/// row of any table still holds the conversation's text afterwards.
pub async fn erase_conversation(db: &D1Database, id: &str) -> EdgeResult<()> {
    crate::inbox_page::ensure_schema(db).await?;
    let q = |sql: &str| store::stmt(db, sql, &[s(id)]);
    store::batch(
        db,
        vec![
            q("DELETE FROM messages WHERE conversation_id = ?")?,
            q("DELETE FROM inbox_items WHERE conversation_id = ?")?,
            q("DELETE FROM conversation_events WHERE conversation_id = ?")?,
            // The per-conversation rate counter names the id (conversations.rs, `conv:{id}`).
            q("DELETE FROM rate_counters WHERE key = 'conv:' || ?")?,
            q("UPDATE deliveries SET status = 'cancelled', lease_until = 0 WHERE status = 'pending' AND event_id IN (SELECT id FROM escalations WHERE conversation_id = ?)")?,
            q("UPDATE escalations SET payload = '{\"deleted\":true}' WHERE conversation_id = ?")?,
            q("UPDATE decisions SET text = NULL, stub = 1, decision = json_set(decision, '$.reasons', json('[]')) WHERE conversation_id = ?")?,
            q("UPDATE feedback SET comment = NULL WHERE conversation_id = ?")?,
            q("DELETE FROM conversations WHERE id = ?")?,
        ],
    )
    .await?;
    Ok(())
}

#[derive(Deserialize)]
struct Id {
    id: String,
}

/// Deletes conversations idle for longer than the retention period, and log rows, delivered
/// outbox rows and rate counters older than it. Returns the number of conversations erased.
pub async fn sweep(db: &D1Database, now: i64, retention_days: u32) -> EdgeResult<usize> {
    let cutoff = now - retention_days as i64 * 86_400_000;
    crate::inbox_page::ensure_schema(db).await?;
    let expired: Vec<Id> =
        store::all(db, "SELECT id FROM conversations WHERE updated_at < ? LIMIT 500", &[n(cutoff)]).await?;
    for c in &expired {
        erase_conversation(db, &c.id).await?;
    }
    let q = |sql: &str| store::stmt(db, sql, &[n(cutoff)]);
    store::batch(
        db,
        vec![
            q("DELETE FROM decisions WHERE at < ?")?,
            q("DELETE FROM deliveries WHERE status <> 'pending' AND created_at < ?")?,
            q("DELETE FROM escalations WHERE created_at < ? AND id NOT IN (SELECT event_id FROM deliveries WHERE status = 'pending')")?,
            q("DELETE FROM inbox_items WHERE received_at < ?")?,
            q("DELETE FROM dead_letters WHERE at < ?")?,
            q("DELETE FROM feedback WHERE at < ?")?,
            q("DELETE FROM conversation_events WHERE at < ?")?,
            store::stmt(
                db,
                "DELETE FROM rate_counters WHERE window < ?",
                &[n(now / crate::ratelimit::WINDOW_MS - 2)],
            )?,
        ],
    )
    .await?;
    Ok(expired.len())
}
