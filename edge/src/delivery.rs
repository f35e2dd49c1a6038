//! Escalation delivery: a D1 outbox with exponential backoff and a dead-letter table.
//!
//! Why an outbox and not a Cloudflare Queue: the event must be stored durably *before* any
//! delivery anyway (same transaction as the state change), so D1 already holds everything a
//! queue message would; an outbox needs no extra binding (Queues need a paid plan and behave
//! differently in local dev), survives restarts of `wrangler dev` (miniflare keeps queue
//! messages in memory), and makes retries observable and testable (`deliveries` rows).
//!
//! Who drives it: (1) the request that escalates, right after responding (`wait_until`);
//! (2) any later request, at most once a second per isolate (`maybe_pump`); (3) the cron
//! trigger (`scheduled`). Each row is claimed with a lease (`UPDATE … WHERE lease_until < now`,
//! one winner), so concurrent pumps never send the same row twice at once. Every attempt of an
//! event carries the same `webhook-id` (= event id), so a receiver that de-duplicates on it sees
//! each escalation exactly once even if an acknowledgement was lost. After
//! DELIVERY_MAX_ATTEMPTS the row is marked dead and copied to `dead_letters`.
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use base64::{engine::general_purpose::STANDARD, Engine as _};
use futures_util::future::{join_all, select, Either};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;
use tandem_shared::wire::EscalationEvent;
use worker::{AbortController, Date, Delay, Env, Fetch, Headers, Request};

use crate::config::{Config, Webhook, WebhookKind};
use crate::error::EdgeResult;
use crate::store::{self, n, s};
use crate::App;

/// How long a claimed delivery is reserved for the pump that claimed it.
const LEASE_MS: i64 = 60_000;
/// One HTTP attempt's time limit.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// Rows handled by one pump run (sent concurrently).
const PUMP_BATCH: i64 = 25;
/// Longest wait between two attempts.
const MAX_BACKOFF_MS: u64 = 3_600_000;

/// Standard Webhooks signature: `v1,` + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")),
/// where a `whsec_` secret is base64-decoded into the key.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> String {
    let key = match secret.strip_prefix("whsec_") {
        Some(b64) => STANDARD.decode(b64).unwrap_or_else(|_| b64.as_bytes().to_vec()),
        None => secret.as_bytes().to_vec(),
    };
    let mut mac = match Hmac::<Sha256>::new_from_slice(&key) {
        Ok(m) => m,
        Err(_) => return String::new(), // unreachable: HMAC takes keys of any length
    };
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// Wait before attempt `attempt + 1`, after `attempt` failures: base · 2^(attempt-1), capped.
pub fn backoff_ms(base: u64, attempt: u32) -> u64 {
    base.saturating_mul(1u64 << attempt.saturating_sub(1).min(30)).min(MAX_BACKOFF_MS)
}

/// A Slack-style incoming-webhook body: one readable text block.
fn slack_body(ev: &EscalationEvent) -> String {
    let mut text = format!(
        "*Tandem escalation* ({tier}) — site `{site}`, conversation `{id}`\nRule: {rule}\n",
        tier = crate::store::name(&ev.tier),
        site = ev.site,
        id = ev.conversation_id,
        rule = ev.rule
    );
    for line in &ev.summary {
        text.push_str(&format!("> {line}\n"));
    }
    text.push_str(&format!("Open: {}", ev.link));
    #[derive(serde::Serialize)]
    struct Slack {
        text: String,
    }
    serde_json::to_string(&Slack { text }).unwrap_or_default()
}

async fn send(w: &Webhook, event_id: &str, payload: &str) -> Result<(), String> {
    let body = match w.kind {
        WebhookKind::Standard => payload.to_string(),
        WebhookKind::Slack => {
            let ev: EscalationEvent = serde_json::from_str(payload).map_err(|e| format!("payload: {e}"))?;
            slack_body(&ev)
        }
    };
    let ts = (Date::now().as_millis() / 1000) as i64;
    let headers = Headers::new();
    let set = |k: &str, v: &str| headers.set(k, v).map_err(|e| e.to_string());
    set("content-type", "application/json")?;
    set("user-agent", "tandem-edge/1")?;
    set("webhook-id", event_id)?;
    set("webhook-timestamp", &ts.to_string())?;
    if !w.secret.is_empty() {
        set("webhook-signature", &sign(&w.secret, event_id, ts, &body))?;
    }
    // web_sys's RequestInit itself: worker's converts its Cloudflare `cf` options (none here)
    // through serde_wasm_bindgen, kilobytes of wasm. Redirects are followed, fetch's default.
    let init = worker::web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_headers(headers.as_ref());
    init.set_body(&body.into());
    let req: Request = worker::web_sys::Request::new_with_str_and_init(&w.url, &init)
        .map_err(|e| format!("request: {}", worker::Error::from(e)))?
        .into();
    let controller = AbortController::default();
    let signal = controller.signal();
    let fetch = Fetch::Request(req);
    let sending = Box::pin(fetch.send_with_signal(&signal));
    let outcome = match select(sending, Box::pin(Delay::from(ATTEMPT_TIMEOUT))).await {
        Either::Left((Ok(resp), _)) => {
            let code = resp.status_code();
            if (200..300).contains(&code) {
                Ok(())
            } else {
                Err(format!("HTTP {code}"))
            }
        }
        Either::Left((Err(e), _)) => Err(format!("fetch: {e}")),
        Either::Right(_) => {
            controller.abort();
            Err("timeout".into())
        }
    };
    outcome
}

#[derive(Deserialize)]
struct Due {
    event_id: String,
    url: String,
    attempts: u32,
}

#[derive(Deserialize)]
struct Payload {
    payload: String,
}

/// Sends every due delivery once (claimed under a lease); returns how many were attempted.
pub async fn pump(env: &Env, cfg: &Config) -> EdgeResult<usize> {
    let db = store::db(env)?;
    let now = Date::now().as_millis() as i64;
    let due: Vec<Due> = store::all(
        &db,
        "SELECT event_id, url, attempts FROM deliveries WHERE status = 'pending' AND next_at <= ? AND lease_until < ? ORDER BY next_at LIMIT ?",
        &[n(now), n(now), n(PUMP_BATCH)],
    )
    .await?;
    let attempts = due.iter().map(|d| deliver_one(&db, cfg, d, now));
    let results = join_all(attempts).await;
    Ok(results.into_iter().filter(|r| matches!(r, Ok(true))).count())
}

async fn deliver_one(db: &worker::D1Database, cfg: &Config, d: &Due, now: i64) -> EdgeResult<bool> {
    let claimed = store::run(
        db,
        "UPDATE deliveries SET lease_until = ?, attempts = attempts + 1 WHERE event_id = ? AND url = ? AND status = 'pending' AND lease_until < ? AND attempts = ?",
        &[n(now + LEASE_MS), s(&d.event_id), s(&d.url), n(now), n(d.attempts as i64)],
    )
    .await?;
    if claimed != 1 {
        return Ok(false);
    }
    let attempt = d.attempts + 1;
    let payload: Option<Payload> =
        store::first(db, "SELECT payload FROM escalations WHERE id = ?", &[s(&d.event_id)]).await?;
    let result = match (cfg.webhook(&d.url), payload) {
        (None, _) => Err("webhook no longer configured".to_string()),
        (_, None) => Err("escalation event missing".to_string()),
        (Some(w), Some(p)) => send(w, &d.event_id, &p.payload).await,
    };
    let after = Date::now().as_millis() as i64;
    match result {
        Ok(()) => {
            store::run(
                db,
                "UPDATE deliveries SET status = 'delivered', delivered_at = ?, lease_until = 0, last_error = NULL WHERE event_id = ? AND url = ?",
                &[n(after), s(&d.event_id), s(&d.url)],
            )
            .await?;
        }
        Err(e) if attempt >= cfg.delivery_max_attempts => {
            worker::console_warn!("delivery {} → {} dead after {attempt} attempts: {e}", d.event_id, d.url);
            store::batch(
                db,
                vec![
                    store::stmt(
                        db,
                        "UPDATE deliveries SET status = 'dead', lease_until = 0, last_error = ? WHERE event_id = ? AND url = ?",
                        &[s(&e), s(&d.event_id), s(&d.url)],
                    )?,
                    store::stmt(
                        db,
                        "INSERT OR REPLACE INTO dead_letters (event_id, url, attempts, last_error, at) VALUES (?, ?, ?, ?, ?)",
                        &[s(&d.event_id), s(&d.url), n(attempt as i64), s(&e), n(after)],
                    )?,
                ],
            )
            .await?;
        }
        Err(e) => {
            let next = after + backoff_ms(cfg.delivery_backoff_ms, attempt) as i64;
            store::run(
                db,
                "UPDATE deliveries SET next_at = ?, lease_until = 0, last_error = ? WHERE event_id = ? AND url = ? AND status = 'pending'",
                &[n(next), s(&e), s(&d.event_id), s(&d.url)],
            )
            .await?;
        }
    }
    Ok(true)
}

/// Runs a pump after the response is sent. Without webhooks there is nothing new to send (rows
/// left from an earlier configuration are still retried by the cron trigger), so no round trip.
pub fn spawn_pump(app: &Rc<App>, env: &Env) {
    if app.cfg.webhooks.is_empty() {
        return;
    }
    let (env, cfg) = (env.clone(), app.cfg.clone());
    LAST_PUMP.with(|c| c.set(app.now));
    app.ctx.wait_until(async move {
        if let Err(e) = pump(&env, &cfg).await {
            worker::console_error!("delivery pump: {e:?}");
        }
    });
}

thread_local! {
    static LAST_PUMP: Cell<i64> = const { Cell::new(0) };
}

/// Opportunistic retries: any request may drive the outbox, at most once a second per isolate.
pub fn maybe_pump(app: &Rc<App>, env: &Env) {
    if app.cfg.webhooks.is_empty() {
        return;
    }
    if app.now - LAST_PUMP.with(|c| c.get()) >= 1000 {
        spawn_pump(app, env);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_like_the_standard_webhooks_reference() {
        // Test vector from the Standard Webhooks specification's reference libraries.
        let sig = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff_ms(1000, 1), 1000);
        assert_eq!(backoff_ms(1000, 2), 2000);
        assert_eq!(backoff_ms(1000, 4), 8000);
        assert_eq!(backoff_ms(1000, 40), MAX_BACKOFF_MS);
    }
}
