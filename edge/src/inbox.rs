//! The built-in agent inbox API (Authorization: Bearer AGENT_TOKEN): escalated conversations
//! with full context, claim/reply/resolve, the decision log and its JSON-lines export, and the
//! idempotent receiver of escalation events.
use serde::Deserialize;
use tandem_shared::{
    policy::{ConversationState, Decision, Tier},
    wire::{
        AgentReplyRequest, AgentReplyResponse, Author, ClaimRequest, ConvStatus, DecisionList, DecisionRecord,
        EscalationEvent, EventReceipt, InboxConversation, InboxItem, InboxList, WireMessage,
    },
    Intent, Lang,
};
use worker::{Request, Response};

use crate::conversations::param;
use crate::error::{EdgeError, EdgeResult};
use crate::http::{bearer, check_client_id, check_text, json, random_hex, read_body, secret_eq, MAX_BODY_BYTES, MAX_EVENT_BYTES};
use crate::store::{self, n, name, s, ConvRow, Guard, MessageRow};
use crate::{escalation, Ctx};

const MAX_WRITE_ATTEMPTS: usize = 8;

/// The inbox is closed unless AGENT_TOKEN is set; the token is compared in constant time.
fn auth(req: &Request, rc: &Ctx) -> EdgeResult<()> {
    // ACCESS_MODE=cloudflare: an identity from Cloudflare Access is enough (inbox_page.rs).
    if crate::inbox_page::access_email(req, &rc.env).is_some() {
        return Ok(());
    }
    let expected = rc.data.cfg.agent_token.as_deref().ok_or(EdgeError::Unauthorized)?;
    match bearer(req) {
        Some(t) if secret_eq(&t, expected) => Ok(()),
        _ => Err(EdgeError::Unauthorized),
    }
}

#[derive(Deserialize)]
struct ListRow {
    event_id: String,
    conversation_id: String,
    site: String,
    tier: Tier,
    received_at: i64,
    payload: String,
    status: Option<ConvStatus>,
    urgency: Option<f64>,
    agent: Option<String>,
    lang: Option<Lang>,
}

#[derive(Deserialize)]
struct SiteQuery {
    #[serde(default)]
    site: Option<String>,
}

/// GET /v1/inbox/conversations?site=… — open escalations, specialists first, then by urgency.
pub async fn list(req: Request, rc: Ctx) -> EdgeResult<Response> {
    auth(&req, &rc)?;
    let q: SiteQuery = req.query().map_err(|_| EdgeError::BadRequest("bad query string".into()))?;
    let db = store::db(&rc.env)?;
    let rows: Vec<ListRow> = store::all(
        &db,
        "SELECT i.event_id, i.conversation_id, i.site, i.tier, i.received_at, i.payload, c.status, c.urgency, c.agent, c.lang \
         FROM inbox_items i LEFT JOIN conversations c ON c.id = i.conversation_id \
         WHERE (?1 IS NULL OR i.site = ?1) ORDER BY i.received_at DESC, i.event_id LIMIT 2000",
        &[store::os(q.site.as_deref())],
    )
    .await?;
    let mut seen = std::collections::HashSet::new();
    let mut items: Vec<InboxItem> = Vec::new();
    for r in rows {
        if !seen.insert(r.conversation_id.clone()) {
            continue; // an older escalation of the same conversation
        }
        let status = r.status.unwrap_or(ConvStatus::Waiting);
        if !matches!(status, ConvStatus::Waiting | ConvStatus::WithAgent) {
            continue;
        }
        let ev: Option<EscalationEvent> = serde_json::from_str(&r.payload).ok();
        items.push(InboxItem {
            conversation_id: r.conversation_id,
            event_id: r.event_id,
            site: r.site,
            status,
            tier: r.tier,
            urgency: r.urgency.unwrap_or(0.0) as f32,
            lang: r.lang.or(ev.as_ref().map(|e| e.lang)).unwrap_or_default(),
            agent: r.agent,
            escalated_at: r.received_at,
            summary: ev.map(|e| e.summary).unwrap_or_default(),
        });
    }
    items.sort_by(|a, b| {
        (b.tier == Tier::Specialist)
            .cmp(&(a.tier == Tier::Specialist))
            .then(b.urgency.partial_cmp(&a.urgency).unwrap_or(std::cmp::Ordering::Equal))
            .then(a.escalated_at.cmp(&b.escalated_at))
    });
    json(&InboxList { items }, 200)
}

pub(crate) async fn detail_of(db: &worker::D1Database, conv: &ConvRow) -> EdgeResult<InboxConversation> {
    let rows = store::messages_after(db, &conv.id, 0, 10_000).await?;
    let transcript: Vec<WireMessage> = rows.iter().map(MessageRow::wire).collect();
    Ok(InboxConversation {
        id: conv.id.clone(),
        site: conv.site.clone(),
        status: conv.status,
        tier: conv.tier,
        lang: conv.lang,
        agent: conv.agent.clone(),
        trajectory: escalation::trajectory(&rows),
        intents: serde_json::from_str::<Vec<Intent>>(&conv.intents).unwrap_or_default(),
        reasons: serde_json::from_str::<Vec<String>>(&conv.reasons).unwrap_or_default(),
        summary: escalation::summary(&transcript),
        transcript,
    })
}

/// GET /v1/inbox/conversations/{id}
pub async fn detail(req: Request, rc: Ctx) -> EdgeResult<Response> {
    auth(&req, &rc)?;
    let id = param(&rc, "id")?;
    let db = store::db(&rc.env)?;
    let conv = store::load_conv(&db, &id).await?.ok_or(EdgeError::NotFound)?;
    json(&detail_of(&db, &conv).await?, 200)
}

fn require_escalated(conv: &ConvRow) -> EdgeResult<()> {
    if matches!(conv.status, ConvStatus::Waiting | ConvStatus::WithAgent) {
        Ok(())
    } else {
        Err(EdgeError::Conflict(format!("the conversation is `{}`, not waiting for a person", name(&conv.status))))
    }
}

fn check_agent(agent: &str) -> EdgeResult<()> {
    if agent.trim().is_empty() || agent.len() > 120 {
        return Err(EdgeError::BadRequest("`agent` must be 1..=120 bytes".into()));
    }
    Ok(())
}

/// POST /v1/inbox/conversations/{id}/claim {agent}
pub async fn claim(mut req: Request, rc: Ctx) -> EdgeResult<Response> {
    auth(&req, &rc)?;
    let id = param(&rc, "id")?;
    let body: ClaimRequest = crate::http::read_json(&mut req, MAX_BODY_BYTES).await?;
    check_agent(&body.agent)?;
    let db = store::db(&rc.env)?;
    let conv = store::load_conv(&db, &id).await?.ok_or(EdgeError::NotFound)?;
    require_escalated(&conv)?;
    let changed = store::run(
        &db,
        // Atomic: a waiting conversation goes to the first claimant; a claimed one only to
        // the agent who holds it (a second agent gets 409).
        "UPDATE conversations SET status = 'with_agent', agent = ?, rev = ?, updated_at = ? WHERE id = ? AND (status = 'waiting' OR (status = 'with_agent' AND agent = ?))",
        &[s(&body.agent), s(&random_hex(8)?), n(rc.data.now), s(&id), s(&body.agent)],
    )
    .await?;
    if changed != 1 {
        return Err(EdgeError::Conflict("the conversation changed; reload it".into()));
    }
    let conv = store::load_conv(&db, &id).await?.ok_or(EdgeError::NotFound)?;
    json(&detail_of(&db, &conv).await?, 200)
}

/// POST /v1/inbox/conversations/{id}/reply {client_id, text, agent} — shown to the customer
/// through GET …/messages?after=.
pub async fn reply(mut req: Request, rc: Ctx) -> EdgeResult<Response> {
    auth(&req, &rc)?;
    let id = param(&rc, "id")?;
    let body: AgentReplyRequest = crate::http::read_json(&mut req, MAX_BODY_BYTES).await?;
    check_client_id("client_id", &body.client_id)?;
    check_text("text", &body.text)?;
    check_agent(&body.agent)?;
    let db = store::db(&rc.env)?;
    let now = rc.data.now;
    for _ in 0..MAX_WRITE_ATTEMPTS {
        let conv = store::load_conv(&db, &id).await?.ok_or(EdgeError::NotFound)?;
        if let Some(row) = store::message_by_client_id(&db, &id, &body.client_id).await? {
            return json(&AgentReplyResponse { message: row.wire(), status: conv.status, duplicate: true }, 200);
        }
        require_escalated(&conv)?;
        let g = Guard { id: id.clone(), old_rev: conv.rev.clone(), new_rev: random_hex(8)? };
        let m = WireMessage {
            seq: conv.next_seq,
            client_id: body.client_id.clone(),
            author: Author::Agent,
            author_name: Some(body.agent.clone()),
            text: body.text.clone(),
            at: now,
            article_id: None,
        };
        let update = store::stmt(
            &db,
            "UPDATE conversations SET status = 'with_agent', agent = ?, next_seq = ?, updated_at = ?, rev = ? WHERE id = ? AND rev = ?",
            &[s(&body.agent), n(conv.next_seq as i64 + 1), n(now), s(&g.new_rev), s(&id), s(&g.old_rev)],
        )?;
        let results = store::batch(&db, vec![update, store::insert_message(&db, &g, &m, None, None, None)?]).await?;
        if results.first().map(store::changes) == Some(1) {
            return json(&AgentReplyResponse { message: m, status: ConvStatus::WithAgent, duplicate: false }, 201);
        }
    }
    Err(EdgeError::Conflict("the conversation is busy; retry".into()))
}

/// POST /v1/inbox/conversations/{id}/resolve — closes the episode; the policy starts afresh.
pub async fn resolve(req: Request, rc: Ctx) -> EdgeResult<Response> {
    auth(&req, &rc)?;
    let id = param(&rc, "id")?;
    let db = store::db(&rc.env)?;
    for _ in 0..MAX_WRITE_ATTEMPTS {
        let conv = store::load_conv(&db, &id).await?.ok_or(EdgeError::NotFound)?;
        if conv.status == ConvStatus::Resolved {
            return json(&detail_of(&db, &conv).await?, 200);
        }
        let mut state: ConversationState = serde_json::from_str(&conv.state).unwrap_or_default();
        state.start_new_episode();
        let changed = store::run(
            &db,
            "UPDATE conversations SET status = 'resolved', state = ?, updated_at = ?, rev = ? WHERE id = ? AND rev = ?",
            &[s(&serde_json::to_string(&state)?), n(rc.data.now), s(&random_hex(8)?), s(&id), s(&conv.rev)],
        )
        .await?;
        if changed == 1 {
            let conv = store::load_conv(&db, &id).await?.ok_or(EdgeError::NotFound)?;
            return json(&detail_of(&db, &conv).await?, 200);
        }
    }
    Err(EdgeError::Conflict("the conversation is busy; retry".into()))
}

#[derive(Deserialize)]
struct DecisionRow {
    id: i64,
    conversation_id: String,
    site: String,
    seq: Option<u64>,
    at: i64,
    lang: Lang,
    text: Option<String>,
    intents: String,
    decision: String,
    stub: i64,
}

impl DecisionRow {
    fn record(self) -> Option<DecisionRecord> {
        Some(DecisionRecord {
            conversation_id: self.conversation_id,
            site: self.site,
            seq: self.seq,
            at: self.at,
            lang: self.lang,
            text: self.text,
            intents: serde_json::from_str(&self.intents).unwrap_or_default(),
            decision: serde_json::from_str::<Decision>(&self.decision).ok()?,
            redacted_stub: self.stub != 0,
        })
    }
}

#[derive(Deserialize)]
struct DecisionQuery {
    #[serde(default)]
    conversation: Option<String>,
    #[serde(default)]
    site: Option<String>,
}

const DECISIONS_SQL: &str = "SELECT * FROM decisions WHERE (?1 IS NULL OR conversation_id = ?1) AND (?2 IS NULL OR site = ?2) AND id > ?3 ORDER BY id LIMIT ?4";

/// GET /v1/inbox/decisions?conversation=ID&site=… (the latest 1000 without a filter)
pub async fn decisions(req: Request, rc: Ctx) -> EdgeResult<Response> {
    auth(&req, &rc)?;
    let q: DecisionQuery = req.query().map_err(|_| EdgeError::BadRequest("bad query string".into()))?;
    let db = store::db(&rc.env)?;
    let rows: Vec<DecisionRow> = store::all(
        &db,
        DECISIONS_SQL,
        &[store::os(q.conversation.as_deref()), store::os(q.site.as_deref()), n(0), n(1000)],
    )
    .await?;
    json(&DecisionList { decisions: rows.into_iter().filter_map(DecisionRow::record).collect() }, 200)
}

/// GET /v1/inbox/decisions.jsonl — the whole (redacted) decision log, one JSON record a line.
pub async fn decisions_jsonl(req: Request, rc: Ctx) -> EdgeResult<Response> {
    auth(&req, &rc)?;
    let q: DecisionQuery = req.query().map_err(|_| EdgeError::BadRequest("bad query string".into()))?;
    let db = store::db(&rc.env)?;
    let mut out = String::new();
    let mut after = 0i64;
    loop {
        let rows: Vec<DecisionRow> = store::all(
            &db,
            DECISIONS_SQL,
            &[store::os(q.conversation.as_deref()), store::os(q.site.as_deref()), n(after), n(1000)],
        )
        .await?;
        let done = rows.len() < 1000;
        for r in rows {
            after = r.id;
            if let Some(rec) = r.record() {
                out.push_str(&serde_json::to_string(&rec)?);
                out.push('\n');
            }
        }
        if done || out.len() > 64 * 1024 * 1024 {
            break;
        }
    }
    let mut resp = Response::ok(out)?;
    let _ = resp.headers_mut().set("content-type", "application/x-ndjson; charset=utf-8");
    Ok(resp)
}

/// Accepts either the agent token or a Standard Webhooks signature made with one of the
/// configured webhook secrets (so another Tandem edge can point its webhook here).
fn auth_event(req: &Request, rc: &Ctx, body: &str) -> EdgeResult<()> {
    if auth(req, rc).is_ok() {
        return Ok(());
    }
    let h = |k: &str| req.headers().get(k).ok().flatten();
    if let (Some(id), Some(ts), Some(sigs)) = (h("webhook-id"), h("webhook-timestamp"), h("webhook-signature")) {
        let ts: i64 = ts.parse().map_err(|_| EdgeError::Unauthorized)?;
        if (rc.data.now / 1000 - ts).abs() > 300 {
            return Err(EdgeError::Unauthorized);
        }
        for w in rc.data.cfg.webhooks.iter().filter(|w| !w.secret.is_empty()) {
            let expected = crate::delivery::sign(&w.secret, &id, ts, body);
            if sigs.split(' ').any(|sig| secret_eq(sig, &expected)) {
                return Ok(());
            }
        }
    }
    Err(EdgeError::Unauthorized)
}

/// POST /v1/inbox/events — idempotent by event id (C08): a repeat, sequential or concurrent,
/// is answered 200 with `duplicate: true` and changes nothing.
pub async fn receive_event(mut req: Request, rc: Ctx) -> EdgeResult<Response> {
    let ct = req.headers().get("content-type").ok().flatten().unwrap_or_default();
    let bytes = read_body(&mut req, MAX_EVENT_BYTES).await?;
    let text = std::str::from_utf8(&bytes).map_err(|_| EdgeError::InvalidUtf8)?;
    auth_event(&req, &rc, text)?;
    if !crate::http::is_json_content_type(&ct) {
        return Err(EdgeError::UnsupportedMediaType);
    }
    let ev: EscalationEvent = crate::http::parse_json(&bytes)?;
    if ev.id.is_empty() || ev.id.len() > 128 {
        return Err(EdgeError::BadRequest("`id` must be 1..=128 bytes".into()));
    }
    let db = store::db(&rc.env)?;
    let inserted = store::run(
        &db,
        "INSERT OR IGNORE INTO inbox_items (event_id, conversation_id, site, tier, received_at, payload) VALUES (?, ?, ?, ?, ?, ?)",
        &[s(&ev.id), s(&ev.conversation_id), s(&ev.site), s(&name(&ev.tier)), n(rc.data.now), s(text)],
    )
    .await?;
    let duplicate = inserted == 0;
    json(&EventReceipt { id: ev.id, duplicate }, if duplicate { 200 } else { 201 })
}

/// GET /v1/inbox/dead-letters — deliveries that used up every attempt, newest first.
pub async fn dead_letters(req: Request, rc: Ctx) -> EdgeResult<Response> {
    auth(&req, &rc)?;
    let db = store::db(&rc.env)?;
    let rows: Vec<tandem_shared::wire::DeadLetter> =
        store::all(&db, "SELECT event_id, url, attempts, last_error, at FROM dead_letters ORDER BY at DESC LIMIT 1000", &[])
            .await?;
    json(&tandem_shared::wire::DeadLetterList { dead_letters: rows }, 200)
}
