//! The built-in agent inbox API (Authorization: Bearer AGENT_TOKEN): escalated conversations
//! with full context, claim/reply/resolve, the decision log and its JSON-lines export, and the
//! idempotent receiver of escalation events.
use serde::{Deserialize, Serialize};
use tandem_shared::{
    policy::{ConversationState, Decision, Tier},
    wire::{
        AgentIdentity, AgentReplyRequest, AgentReplyResponse, Author, ClaimRequest, ConvStatus, DecisionList, DecisionRecord,
        EscalationEvent, EventReceipt, InboxConversation, InboxItem, WireMessage,
    },
    Intent, Lang,
};
use std::time::Duration;
use worker::{Date, Delay, Request, Response};

use crate::conversations::param;
use crate::error::{EdgeError, EdgeResult};
use crate::http::{check_client_id, check_text, json, random_hex, read_body, secret_eq, MAX_BODY_BYTES, MAX_EVENT_BYTES};
use crate::store::{self, n, name, s, ConvRow, Guard, MessageRow};
use crate::{escalation, Ctx};

const MAX_WRITE_ATTEMPTS: usize = 8;

/// The inbox is closed unless an agent token is set or Cloudflare Access is on; every route
/// answers only for the caller's sites (inbox_page::agent).
async fn auth(req: &Request, rc: &Ctx) -> EdgeResult<AgentIdentity> {
    crate::inbox_page::agent(req, rc).await
}

/// The name the action is recorded under: the verified e-mail with Cloudflare Access (the body
/// cannot speak for someone else), the name the page sends with a token.
pub(crate) fn acting_agent(who: &AgentIdentity, body_agent: Option<&str>) -> EdgeResult<String> {
    if let Some(email) = &who.agent {
        return Ok(email.clone());
    }
    let a = body_agent.unwrap_or_default();
    check_agent(a)?;
    Ok(a.trim().to_string())
}

/// Only the agent who claimed a conversation answers or resolves it (no two agents answer the
/// same customer); the message names who holds it.
pub(crate) fn require_holder(conv: &ConvRow, agent: &str) -> EdgeResult<()> {
    match (conv.status, conv.agent.as_deref()) {
        (ConvStatus::WithAgent, Some(holder)) if holder == agent => Ok(()),
        (ConvStatus::WithAgent, Some(holder)) => {
            Err(EdgeError::Conflict(format!("{holder} holds this conversation; only they can answer or resolve it")))
        }
        (ConvStatus::Waiting, _) | (ConvStatus::WithAgent, None) => {
            Err(EdgeError::Conflict("nobody has claimed this conversation yet: claim it first".into()))
        }
        (other, _) => Err(EdgeError::Conflict(format!("the conversation is `{}`, not waiting for a person", name(&other)))),
    }
}

#[derive(Deserialize)]
struct ListRow {
    event_id: String,
    conversation_id: String,
    site: String,
    tier: Tier,
    received_at: i64,
    /// The escalation's summary, extracted in SQL (the payload itself never leaves D1).
    summary: Option<String>,
    status: ConvStatus,
    urgency: f64,
    agent: Option<String>,
    lang: Option<Lang>,
    n_spec: u64,
    w_spec: u64,
    n_agent: u64,
    w_agent: u64,
}

/// The request's query string. The runtime hands over the URL already parsed and serialised
/// (WHATWG), so this is the text after `?`; `req.url()` would link the `url` crate's parser.
fn query_string(req: &Request) -> String {
    let url = req.inner().url();
    url.split_once('?').map(|(_, q)| q.split('#').next().unwrap_or_default().to_string()).unwrap_or_default()
}

/// One query-string parameter, the first if repeated. (Not `req.query::<Struct>()`: every
/// struct read that way instantiates serde_urlencoded's deserializer again, kilobytes of wasm.)
pub(crate) fn query_param(req: &Request, name: &str) -> EdgeResult<Option<String>> {
    let q = query_string(req);
    Ok(form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v.into_owned()))
}

/// The query-string parameters `names`, as `req.query::<Struct>()` with `Option<String>` fields
/// read them (other keys ignored, a named key given twice refused) without serde_urlencoded.
pub(crate) fn query_params<const N: usize>(req: &Request, names: [&str; N]) -> EdgeResult<[Option<String>; N]> {
    let mut out = [const { None }; N];
    let q = query_string(req);
    for (k, v) in form_urlencoded::parse(q.as_bytes()) {
        if let Some(i) = names.iter().position(|n| *n == k) {
            if out[i].replace(v.into_owned()).is_some() {
                return Err(EdgeError::BadRequest(format!("query parameter `{}` is given more than once", names[i])));
            }
        }
    }
    Ok(out)
}

/// How many of one tier's queue are open, and how many of those nobody has claimed yet.
#[derive(Serialize, Default, Debug, PartialEq)]
pub struct TierCount {
    pub open: u64,
    pub waiting: u64,
}

#[derive(Serialize, Default, Debug, PartialEq)]
pub struct QueueCounts {
    pub specialist: TierCount,
    pub agent: TierCount,
}

/// GET /v1/inbox/conversations: `InboxList` plus the counts of the whole queue and the
/// per-tier limit used, so the page can show "12 more" without loading them.
#[derive(Serialize)]
struct QueuePage {
    /// Always true here; `false` only in the long-poll's "no change" answer (`Unchanged`).
    changed: bool,
    /// Pass back as `since` to wait for the next change.
    cursor: String,
    items: Vec<InboxItem>,
    counts: QueueCounts,
    limit: u32,
}

/// The long-poll's answer at its timeout: nothing the queue shows changed since `cursor`.
#[derive(Serialize)]
struct Unchanged<'a> {
    changed: bool,
    cursor: &'a str,
}

/// How often a queue long-poll re-checks D1, and its longest wait (as the customer's poll).
const QUEUE_POLL_INTERVAL_MS: u64 = 200;
pub const MAX_QUEUE_WAIT_S: u64 = 25;

/// The queue's cursor: a fingerprint of everything the queue shows, in one read. Not a
/// timestamp: `received_at`/`updated_at` are the writing request's start time, so a write that
/// commits after a later one carries a smaller value and a "newer than" cursor would miss it.
/// Instead the parts only ever move when something changes: the newest inbox item of the sites
/// (rowid: commit order) for escalations, and over the open conversations their number, how
/// many wait, and the sums of `updated_at` (claims, transfers, resolves, replies) and
/// `next_seq` (every new message). It is compared for equality only.
/// Cost: the open conversations of the sites are counted through the (site, created_at) index.
const CURSOR_SQL: &str = "SELECT printf('%x-%x-%x-%x-%x',
  (SELECT COALESCE(MAX(i.rowid), 0) FROM inbox_items i WHERE i.site IN (SELECT value FROM json_each(?1))),
  COUNT(*), COALESCE(SUM(c.status = 'waiting'), 0), COALESCE(SUM(c.updated_at), 0), COALESCE(SUM(c.next_seq), 0)) AS cursor
FROM conversations c WHERE c.site IN (SELECT value FROM json_each(?1)) AND c.status IN ('waiting', 'with_agent')";

#[derive(Deserialize)]
struct CursorRow {
    cursor: String,
}

async fn queue_cursor(db: &worker::D1Database, sites: &str) -> EdgeResult<String> {
    let row: Option<CursorRow> = store::first(db, CURSOR_SQL, &[s(sites)]).await?;
    Ok(row.map(|r| r.cursor).unwrap_or_default())
}

/// A `since` is a cursor this route handed out: five hex numbers joined by `-`.
pub fn check_cursor(v: &str) -> EdgeResult<()> {
    let parts: Vec<&str> = v.split('-').collect();
    if parts.len() == 5 && parts.iter().all(|p| (1..=16).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_hexdigit())) {
        Ok(())
    } else {
        Err(EdgeError::BadRequest("`since` must be the `cursor` of an earlier answer of this route".into()))
    }
}

/// `wait` in whole seconds, at most MAX_QUEUE_WAIT_S (a longer wait is shortened, as the
/// customer's long-poll does).
pub fn parse_wait(v: Option<&str>) -> EdgeResult<u64> {
    match v {
        None | Some("") => Ok(0),
        Some(v) => v
            .parse::<u64>()
            .map(|w| w.min(MAX_QUEUE_WAIT_S))
            .map_err(|_| EdgeError::BadRequest(format!("`wait` must be whole seconds, 0..={MAX_QUEUE_WAIT_S}"))),
    }
}

/// Without `limit` the whole queue (up to the maximum) as before paging existed, so API clients
/// keep working; the page asks for 50 at a time.
pub const DEFAULT_QUEUE_LIMIT: u32 = 1000;
pub const MAX_QUEUE_LIMIT: u32 = 1000;

/// One query for the page and the counts: the latest escalation per conversation (items
/// received from another edge have no `conversations` row and count as waiting), the open
/// ones, ranked per tier by urgency then age; the counts are window sums over all open ones.
const LIST_SQL: &str = "WITH latest AS (
  SELECT i.event_id, i.conversation_id, i.site, i.tier, i.received_at,
         json_extract(i.payload, '$.summary') AS summary, json_extract(i.payload, '$.lang') AS ev_lang,
         ROW_NUMBER() OVER (PARTITION BY i.conversation_id ORDER BY i.received_at DESC, i.event_id) AS rn
  FROM inbox_items i WHERE i.site IN (SELECT value FROM json_each(?1))
), open AS (
  SELECT l.event_id, l.conversation_id, l.site, l.tier, l.received_at, l.summary, COALESCE(c.lang, l.ev_lang) AS lang,
         COALESCE(c.status, 'waiting') AS status, COALESCE(c.urgency, 0) AS urgency, c.agent
  FROM latest l LEFT JOIN conversations c ON c.id = l.conversation_id
  WHERE l.rn = 1 AND COALESCE(c.status, 'waiting') IN ('waiting', 'with_agent')
), ranked AS (
  SELECT o.*, ROW_NUMBER() OVER (PARTITION BY o.tier = 'specialist' ORDER BY o.urgency DESC, o.received_at, o.conversation_id) AS pos,
         SUM(o.tier = 'specialist') OVER () AS n_spec, SUM(o.tier = 'specialist' AND o.status = 'waiting') OVER () AS w_spec,
         SUM(o.tier <> 'specialist') OVER () AS n_agent, SUM(o.tier <> 'specialist' AND o.status = 'waiting') OVER () AS w_agent
  FROM open o
)
SELECT * FROM ranked WHERE pos <= ?2 ORDER BY tier = 'specialist' DESC, pos";

/// GET /v1/inbox/conversations?site=…&limit=…[&since=CURSOR&wait=SECONDS] — open escalations
/// of the caller's sites: per tier the `limit` most urgent (specialists first, then by
/// urgency, oldest first), the counts of the whole queue, and a `cursor`.
///
/// With `since` (a cursor of an earlier answer) it is a long-poll, like the customer's
/// GET …/messages: the worker re-checks the cursor every 200 ms (one small read) and answers
/// the whole page as soon as it differs — a new escalation, a claim, transfer or resolve, a new
/// message in an open conversation — or `{"changed": false, "cursor": …}` after `wait` seconds.
/// The inbox page keeps one such request open, so an escalation shows within ~200 ms plus one
/// list read instead of up to a 1 s poll interval later.
pub async fn list(req: Request, rc: Ctx) -> EdgeResult<Response> {
    let who = auth(&req, &rc).await?;
    let limit = match query_param(&req, "limit")?.as_deref().filter(|l| !l.is_empty()) {
        None => DEFAULT_QUEUE_LIMIT,
        Some(l) => l
            .parse::<u32>()
            .ok()
            .filter(|l| (1..=MAX_QUEUE_LIMIT).contains(l))
            .ok_or_else(|| EdgeError::BadRequest(format!("`limit` must be 1..={MAX_QUEUE_LIMIT}")))?,
    };
    let sites = match query_param(&req, "site")?.as_deref().filter(|s| !s.is_empty()) {
        Some(site) => {
            crate::inbox_page::check_site(&rc, &who, site)?;
            serde_json::to_string(&[site])?
        }
        None => crate::inbox_page::sites_json(&who),
    };
    let since = query_param(&req, "since")?.filter(|v| !v.is_empty());
    if let Some(since) = since.as_deref() {
        check_cursor(since)?;
    }
    let wait = parse_wait(query_param(&req, "wait")?.as_deref())?;
    let db = store::db(&rc.env)?;
    // Read before the list: a change between the two shows up as a newer cursor next time
    // (one extra refresh), never as a change the page would not hear about.
    let mut cursor = queue_cursor(&db, &sites).await?;
    if let Some(since) = since.as_deref() {
        let deadline = Date::now().as_millis() + wait * 1000;
        while cursor == since {
            if Date::now().as_millis() + QUEUE_POLL_INTERVAL_MS > deadline {
                return json(&Unchanged { changed: false, cursor: &cursor }, 200);
            }
            Delay::from(Duration::from_millis(QUEUE_POLL_INTERVAL_MS)).await;
            cursor = queue_cursor(&db, &sites).await?;
        }
    }
    let rows: Vec<ListRow> = store::all(&db, LIST_SQL, &[s(&sites), n(limit as i64)]).await?;
    let counts = rows
        .first()
        .map(|r| QueueCounts {
            specialist: TierCount { open: r.n_spec, waiting: r.w_spec },
            agent: TierCount { open: r.n_agent, waiting: r.w_agent },
        })
        .unwrap_or_default();
    let items = rows
        .into_iter()
        .map(|r| InboxItem {
            conversation_id: r.conversation_id,
            event_id: r.event_id,
            site: r.site,
            status: r.status,
            tier: r.tier,
            urgency: r.urgency as f32,
            lang: r.lang.unwrap_or_default(),
            agent: r.agent,
            escalated_at: r.received_at,
            summary: r.summary.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default(),
        })
        .collect();
    json(&QueuePage { changed: true, cursor, items, counts, limit }, 200)
}

pub(crate) async fn detail_of(db: &worker::D1Database, conv: &ConvRow) -> EdgeResult<InboxConversation> {
    let rows = store::messages_after(db, &conv.id, 0, 10_000).await?;
    Ok(detail_from(conv, &rows))
}

fn detail_from(conv: &ConvRow, rows: &[MessageRow]) -> InboxConversation {
    let transcript: Vec<WireMessage> = rows.iter().map(MessageRow::wire).collect();
    InboxConversation {
        id: conv.id.clone(),
        site: conv.site.clone(),
        status: conv.status,
        tier: conv.tier,
        lang: conv.lang,
        agent: conv.agent.clone(),
        trajectory: escalation::trajectory(rows),
        intents: serde_json::from_str::<Vec<Intent>>(&conv.intents).unwrap_or_default(),
        reasons: serde_json::from_str::<Vec<String>>(&conv.reasons).unwrap_or_default(),
        summary: escalation::summary(&transcript),
        transcript,
    }
}

/// GET /v1/inbox/conversations/{id}[?with=suggestions]
pub async fn detail(req: Request, rc: Ctx) -> EdgeResult<Response> {
    let who = auth(&req, &rc).await?;
    let id = param(&rc, "id")?;
    let with = query_param(&req, "with")?;
    let db = store::db(&rc.env)?;
    let conv = crate::inbox_page::load_conv_for(&db, &who, &id).await?;
    let rows = store::messages_after(&db, &conv.id, 0, 10_000).await?;
    let conversation = detail_from(&conv, &rows);
    match with.as_deref() {
        None | Some("") => json(&conversation, 200),
        Some("suggestions") => {
            // The detail plus a `suggestions` field: what the page shows when an agent opens a
            // conversation, in one round trip. (Spliced rather than a #[serde(flatten)] struct
            // or a serde_json::Value: both cost kilobytes of wasm.)
            let suggestions = crate::suggest::for_conversation(&rc.env, &conv, &rows, None, None).await?;
            let mut body = serde_json::to_string(&conversation)?;
            body.pop(); // the object's closing brace
            body.push_str(",\"suggestions\":");
            body.push_str(&serde_json::to_string(&suggestions)?);
            body.push('}');
            let mut resp = Response::ok(body)?;
            let _ = resp.headers_mut().set("content-type", "application/json");
            Ok(resp)
        }
        Some(other) => Err(EdgeError::BadRequest(format!("`with` must be `suggestions`, not `{other}`"))),
    }
}

fn require_escalated(conv: &ConvRow) -> EdgeResult<()> {
    if matches!(conv.status, ConvStatus::Waiting | ConvStatus::WithAgent) {
        Ok(())
    } else {
        Err(EdgeError::Conflict(format!("the conversation is `{}`, not waiting for a person", conv.status.code())))
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
    let who = auth(&req, &rc).await?;
    let id = param(&rc, "id")?;
    let body: ClaimRequest = crate::http::read_json(&mut req, MAX_BODY_BYTES).await?;
    let agent = acting_agent(&who, Some(&body.agent))?;
    let db = store::db(&rc.env)?;
    let conv = crate::inbox_page::load_conv_for(&db, &who, &id).await?;
    require_escalated(&conv)?;
    let changed = store::run(
        &db,
        // Atomic: a waiting conversation goes to the first claimant; a claimed one only to
        // the agent who holds it (a second agent gets 409).
        "UPDATE conversations SET status = 'with_agent', agent = ?, rev = ?, updated_at = ? WHERE id = ? AND (status = 'waiting' OR (status = 'with_agent' AND agent = ?))",
        &[s(&agent), s(&random_hex(8)?), n(rc.data.now), s(&id), s(&agent)],
    )
    .await?;
    if changed != 1 {
        // Name the holder when that is why (the common case: someone was quicker).
        let now = crate::inbox_page::load_conv_for(&db, &who, &id).await?;
        require_holder(&now, &agent)?;
        return Err(EdgeError::Conflict("the conversation changed; reload it".into()));
    }
    let conv = store::load_conv(&db, &id).await?.ok_or(EdgeError::NotFound)?;
    json(&detail_of(&db, &conv).await?, 200)
}

/// POST /v1/inbox/conversations/{id}/reply {client_id, text, agent} — shown to the customer
/// through GET …/messages?after=.
pub async fn reply(mut req: Request, rc: Ctx) -> EdgeResult<Response> {
    let who = auth(&req, &rc).await?;
    let id = param(&rc, "id")?;
    let body: AgentReplyRequest = crate::http::read_json(&mut req, MAX_BODY_BYTES).await?;
    check_client_id("client_id", &body.client_id)?;
    check_text("text", &body.text)?;
    let agent = acting_agent(&who, Some(&body.agent))?;
    let db = store::db(&rc.env)?;
    let now = rc.data.now;
    for _ in 0..MAX_WRITE_ATTEMPTS {
        let conv = crate::inbox_page::load_conv_for(&db, &who, &id).await?;
        if let Some(row) = store::message_by_client_id(&db, &id, &body.client_id).await? {
            return json(&AgentReplyResponse { message: row.wire(), status: conv.status, duplicate: true }, 200);
        }
        require_escalated(&conv)?;
        require_holder(&conv, &agent)?;
        let g = Guard { id: id.clone(), old_rev: conv.rev.clone(), new_rev: random_hex(8)? };
        let m = WireMessage {
            seq: conv.next_seq,
            client_id: body.client_id.clone(),
            author: Author::Agent,
            author_name: Some(agent.clone()),
            text: body.text.clone(),
            at: now,
            article_id: None,
        };
        let update = store::stmt(
            &db,
            "UPDATE conversations SET status = 'with_agent', agent = ?, next_seq = ?, updated_at = ?, rev = ? WHERE id = ? AND rev = ?",
            &[s(&agent), n(conv.next_seq as i64 + 1), n(now), s(&g.new_rev), s(&id), s(&g.old_rev)],
        )?;
        let results = store::batch(&db, vec![update, store::insert_message(&db, &g, &m, None, None, None)?]).await?;
        if results.first().map(store::changes) == Some(1) {
            return json(&AgentReplyResponse { message: m, status: ConvStatus::WithAgent, duplicate: false }, 201);
        }
    }
    Err(EdgeError::Conflict("the conversation is busy; retry".into()))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ResolveRequest {
    #[serde(default)]
    agent: Option<String>,
}

/// POST /v1/inbox/conversations/{id}/resolve {agent} — closes the episode; the policy starts
/// afresh. Only the agent who holds the conversation; resolving twice answers the same.
pub async fn resolve(mut req: Request, rc: Ctx) -> EdgeResult<Response> {
    let who = auth(&req, &rc).await?;
    let id = param(&rc, "id")?;
    let bytes = read_body(&mut req, MAX_BODY_BYTES).await?;
    let body: ResolveRequest =
        if bytes.iter().all(u8::is_ascii_whitespace) { ResolveRequest::default() } else { crate::http::parse_json(&bytes)? };
    let agent = acting_agent(&who, body.agent.as_deref())?;
    let db = store::db(&rc.env)?;
    for _ in 0..MAX_WRITE_ATTEMPTS {
        let conv = crate::inbox_page::load_conv_for(&db, &who, &id).await?;
        if conv.status == ConvStatus::Resolved {
            return json(&detail_of(&db, &conv).await?, 200);
        }
        require_holder(&conv, &agent)?;
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

struct DecisionQuery {
    conversation: Option<String>,
    site: Option<String>,
}

fn decision_query(req: &Request) -> EdgeResult<DecisionQuery> {
    let [conversation, site] = query_params(req, ["conversation", "site"])?;
    Ok(DecisionQuery { conversation, site })
}

const DECISIONS_SQL: &str = "SELECT * FROM decisions WHERE (?1 IS NULL OR conversation_id = ?1) AND (?2 IS NULL OR site = ?2) AND id > ?3 \
     AND site IN (SELECT value FROM json_each(?5)) ORDER BY id LIMIT ?4";

/// The filters of a decision-log request, checked against the caller's sites: a conversation
/// of another site is "not found", another site is refused.
async fn decision_scope(rc: &Ctx, who: &AgentIdentity, q: &DecisionQuery, db: &worker::D1Database) -> EdgeResult<String> {
    if let Some(site) = q.site.as_deref() {
        crate::inbox_page::check_site(rc, who, site)?;
    }
    if let Some(id) = q.conversation.as_deref() {
        // Decisions outlive an erased conversation (as stubs); those are checked by their site.
        if store::load_conv(db, id).await?.is_some() {
            crate::inbox_page::load_conv_for(db, who, id).await?;
        }
    }
    Ok(crate::inbox_page::sites_json(who))
}

/// GET /v1/inbox/decisions?conversation=ID&site=… (the latest 1000 without a filter)
pub async fn decisions(req: Request, rc: Ctx) -> EdgeResult<Response> {
    let who = auth(&req, &rc).await?;
    let q = decision_query(&req)?;
    let db = store::db(&rc.env)?;
    let sites = decision_scope(&rc, &who, &q, &db).await?;
    let rows: Vec<DecisionRow> = store::all(
        &db,
        DECISIONS_SQL,
        &[store::os(q.conversation.as_deref()), store::os(q.site.as_deref()), n(0), n(1000), s(&sites)],
    )
    .await?;
    json(&DecisionList { decisions: rows.into_iter().filter_map(DecisionRow::record).collect() }, 200)
}

/// GET /v1/inbox/decisions.jsonl — the whole (redacted) decision log, one JSON record a line.
pub async fn decisions_jsonl(req: Request, rc: Ctx) -> EdgeResult<Response> {
    let who = auth(&req, &rc).await?;
    let q = decision_query(&req)?;
    let db = store::db(&rc.env)?;
    let sites = decision_scope(&rc, &who, &q, &db).await?;
    let mut out = String::new();
    let mut after = 0i64;
    loop {
        let rows: Vec<DecisionRow> = store::all(
            &db,
            DECISIONS_SQL,
            &[store::os(q.conversation.as_deref()), store::os(q.site.as_deref()), n(after), n(1000), s(&sites)],
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
async fn auth_event(req: &Request, rc: &Ctx, body: &str, site: Option<&str>) -> EdgeResult<()> {
    if let Ok(who) = auth(req, rc).await {
        // An agent may only post into the queue of a site they see.
        return match site {
            Some(site) if who.sites.iter().any(|s| s == site) => Ok(()),
            Some(site) => Err(EdgeError::AccessDenied(format!("you are not signed in for site `{site}`"))),
            // Not an event: the parse below says what is wrong with it.
            None => Ok(()),
        };
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

#[derive(Deserialize)]
struct SiteOnly {
    #[serde(default)]
    site: Option<String>,
}

/// POST /v1/inbox/events — idempotent by event id (C08): a repeat, sequential or concurrent,
/// is answered 200 with `duplicate: true` and changes nothing.
pub async fn receive_event(mut req: Request, rc: Ctx) -> EdgeResult<Response> {
    let ct = req.headers().get("content-type").ok().flatten().unwrap_or_default();
    let bytes = read_body(&mut req, MAX_EVENT_BYTES).await?;
    let text = std::str::from_utf8(&bytes).map_err(|_| EdgeError::InvalidUtf8)?;
    // The site is read before the full parse only to scope an agent's token; a malformed body
    // is reported by the parse below.
    let site = serde_json::from_str::<SiteOnly>(text).ok().and_then(|v| v.site);
    auth_event(&req, &rc, text, site.as_deref()).await?;
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
    let who = auth(&req, &rc).await?;
    // The outbox is shared by every site (rows name only the event and the URL): operators
    // who see every site only.
    if rc.data.cfg.sites.keys().any(|s| !who.sites.contains(s)) {
        return Err(EdgeError::AccessDenied("dead letters are for agents of every site on this edge".into()));
    }
    let db = store::db(&rc.env)?;
    let rows: Vec<tandem_shared::wire::DeadLetter> =
        store::all(&db, "SELECT event_id, url, attempts, last_error, at FROM dead_letters ORDER BY at DESC LIMIT 1000", &[])
            .await?;
    json(&tandem_shared::wire::DeadLetterList { dead_letters: rows }, 200)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_is_five_hex_numbers() {
        assert!(check_cursor("0-0-0-0-0").is_ok());
        assert!(check_cursor("1f4-3e8-2-3c6568f12e8000-9a").is_ok());
        for bad in ["", "1-2-3-4", "1-2-3-4-5-6", "1-2-3-4-g", "1--3-4-5", "12345678901234567-1-1-1-1", "1 -2-3-4-5"] {
            match check_cursor(bad) {
                Err(EdgeError::BadRequest(m)) => assert!(m.contains("`since`"), "{bad}: {m}"),
                _ => panic!("accepted {bad:?}"),
            }
        }
    }

    #[test]
    fn wait_is_whole_seconds_capped() {
        assert_eq!(parse_wait(None).unwrap(), 0);
        assert_eq!(parse_wait(Some("")).unwrap(), 0);
        assert_eq!(parse_wait(Some("10")).unwrap(), 10);
        assert_eq!(parse_wait(Some("600")).unwrap(), MAX_QUEUE_WAIT_S);
        for bad in ["-1", "1.5", "soon"] {
            match parse_wait(Some(bad)) {
                Err(EdgeError::BadRequest(m)) => assert!(m.contains("`wait`"), "{bad}: {m}"),
                _ => panic!("accepted {bad:?}"),
            }
        }
    }
}
