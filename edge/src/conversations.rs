//! Customer-facing routes: start/resume, read, post messages (re-scored and decided here),
//! long-poll, handoff, feedback, delete.
use std::time::Duration;

use serde::Deserialize;
use tandem_shared::{
    analyze,
    policy::{Action, ConversationState, Decision, PolicyConfig, Tier, POLICY_VERSION},
    wire::{
        Author, ConvStatus, ConversationView, FeedbackRequest, HandoffResponse, MessagesPage,
        PostMessageRequest, PostMessageResponse, StartRequest, WireMessage,
    },
    wait::{expected_wait_s, WaitInputs},
    Analysis, Intent, Lang,
};
use worker::{D1Database, D1PreparedStatement, D1Result, Date, Delay, Request, Response};

use crate::error::{EdgeError, EdgeResult};
use crate::http::{
    bearer, check_client_id, check_text, client_key, json, no_content, random_hex, read_json, secret_eq,
    sha256_hex, MAX_BODY_BYTES,
};
use crate::store::{self, n, name, of, on, os, s, ConvRow, Guard, MessageRow};
use crate::{conv_cache, delivery, escalation, ratelimit, Ctx};

/// How often a long-poll re-reads D1, and its longest wait.
const POLL_INTERVAL_MS: u64 = 250;
const MAX_WAIT_S: u64 = 25;
/// A conversation write that lost a race is retried this many times.
const MAX_WRITE_ATTEMPTS: usize = 8;

pub fn param(rc: &Ctx, key: &str) -> EdgeResult<String> {
    rc.param(key).cloned().ok_or(EdgeError::RouteNotFound)
}

fn view(conv: &ConvRow, token: String, messages: Vec<WireMessage>) -> ConversationView {
    ConversationView { id: conv.id.clone(), token, status: conv.status, tier: conv.tier, messages }
}

/// POST /v1/conversations
pub async fn start(mut req: Request, rc: Ctx) -> EdgeResult<Response> {
    let app = rc.data.clone();
    let body: StartRequest = read_json(&mut req, MAX_BODY_BYTES).await?;
    let site = app.cfg.site(&body.site).ok_or_else(|| EdgeError::UnknownSite(body.site.clone()))?;
    if let Some(origin) = app.origin.as_deref() {
        if !site.origins.iter().any(|o| o == origin) {
            return Err(EdgeError::OriginNotAllowed);
        }
    }
    let db = store::db(&rc.env)?;
    // Resuming needs both; with one of them the client meant to resume and must not be handed a
    // new, empty conversation as if that had worked.
    match (&body.conversation_id, &body.token) {
        (Some(_), None) => return Err(EdgeError::BadRequest("`token` is required with `conversation_id` to resume".into())),
        (None, Some(_)) => return Err(EdgeError::BadRequest("`conversation_id` is required with `token` to resume".into())),
        _ => {}
    }
    if let (Some(id), Some(token)) = (&body.conversation_id, &body.token) {
        let conv = store::auth_conv(&db, id, Some(token.clone())).await?;
        if conv.site != body.site {
            return Err(EdgeError::NotFound);
        }
        let msgs = store::messages_after(&db, id, 0, 10_000).await?;
        return json(&view(&conv, token.clone(), msgs.iter().map(MessageRow::wire).collect()), 200);
    }
    // One round trip: the rate counter and the insert, which only happens within the limit.
    let gate = ratelimit::Gate::new(app.now, vec![(format!("start:{}", client_key(&req)), app.cfg.rate_client_per_min)]);
    let id = format!("c_{}", random_hex(16)?);
    let token = random_hex(32)?;
    let lang = body.lang.unwrap_or(Lang::Unknown);
    let (within, within_args) = gate.condition();
    let mut args = vec![
        s(&id),
        s(&body.site),
        s(&sha256_hex(&token)),
        s(lang.code()),
        s(&serde_json::to_string(&ConversationState::default())?),
        s(&random_hex(8)?),
        n(app.now),
        n(app.now),
    ];
    args.extend(within_args);
    let mut stmts = gate.statements(&db)?;
    stmts.push(store::stmt(
        &db,
        &format!(
            "INSERT INTO conversations (id, site, token_hash, lang, status, state, next_seq, rev, created_at, updated_at) \
             SELECT ?, ?, ?, ?, 'bot', ?, 1, ?, ?, ? WHERE 1{within}"
        ),
        &args,
    )?);
    let results = store::batch(&db, stmts).await?;
    gate.verdict(&results)?;
    if results.get(gate.count()).map(store::changes) != Some(1) {
        return Err(EdgeError::Internal("the new conversation was not stored".into()));
    }
    json(&ConversationView { id, token, status: ConvStatus::Bot, tier: None, messages: vec![] }, 201)
}

/// GET /v1/conversations/{id}
pub async fn get(req: Request, rc: Ctx) -> EdgeResult<Response> {
    let id = param(&rc, "id")?;
    let db = store::db(&rc.env)?;
    let token = bearer(&req);
    let conv = store::auth_conv(&db, &id, token.clone()).await?;
    let msgs = store::messages_after(&db, &id, 0, 10_000).await?;
    json(&view(&conv, token.unwrap_or_default(), msgs.iter().map(MessageRow::wire).collect()), 200)
}

fn duplicate_response(status: ConvStatus, row: &MessageRow) -> EdgeResult<Response> {
    let decision = row
        .decision
        .as_deref()
        .and_then(|d| serde_json::from_str::<Decision>(d).ok())
        .unwrap_or_else(|| continue_decision(0, "duplicate"));
    json(&PostMessageResponse { message: row.wire(), decision, status, duplicate: true, expected_wait_s: None }, 200)
}

fn continue_decision(turn: u32, rule: &str) -> Decision {
    Decision {
        turn,
        action: Action::Continue,
        rule: rule.into(),
        reasons: vec![],
        valence: 0.0,
        frustration: 0.0,
        uncertainty: 0.0,
        urgency: 0.0,
        policy_version: POLICY_VERSION.into(),
    }
}

enum Outcome {
    /// The answer, whether it escalated, and the conversation row as written (for conv_cache).
    Stored(PostMessageResponse, bool, Box<ConvRow>),
    Duplicate(MessageRow, ConvStatus),
    Conflict,
}

/// POST /v1/conversations/{id}/messages
pub async fn post_message(mut req: Request, rc: Ctx) -> EdgeResult<Response> {
    let app = rc.data.clone();
    let id = param(&rc, "id")?;
    let db = store::db(&rc.env)?;
    if bearer(&req).is_none() {
        return Err(EdgeError::Unauthorized);
    }
    let body: PostMessageRequest = read_json(&mut req, MAX_BODY_BYTES).await?;
    check_client_id("client_id", &body.client_id)?;
    check_text("text", &body.text)?;
    if let Some(b) = &body.bot_reply {
        check_client_id("bot_reply.client_id", &b.client_id)?;
        check_text("bot_reply.text", &b.text)?;
        if b.client_id == body.client_id {
            return Err(EdgeError::BadRequest("`bot_reply.client_id` must differ from `client_id`".into()));
        }
    }
    let bot_id = body.bot_reply.as_ref().map(|b| b.client_id.as_str());
    // The row this isolate wrote last for this conversation, when the token owns it: no read
    // (see conv_cache). The write batch below is guarded, so a stale row is only a retry.
    let token = bearer(&req).ok_or(EdgeError::Unauthorized)?;
    let cached = conv_cache::get(&id).filter(|c| secret_eq(&sha256_hex(&token), &c.token_hash));
    let (mut conv, mut bot_seen) = match cached {
        Some(c) => (c, false),
        None => {
            // Round trip 1: the conversation, its owner check and the duplicate checks.
            let ctx = store::auth_conv_dup(&db, &id, Some(token), &body.client_id, bot_id).await?;
            // A retry of a stored message is answered from storage and does not count as traffic.
            if ctx.seen {
                if let Some(row) = store::message_by_client_id(&db, &id, &body.client_id).await? {
                    return duplicate_response(ctx.conv.status, &row);
                }
            }
            (ctx.conv, ctx.bot_seen)
        }
    };
    let policy = app.cfg.site(&conv.site).map(|s| s.policy.clone()).unwrap_or_default();
    // The edge scores the text itself: whatever the client computed is never trusted.
    let analysis = analyze(&body.text);
    // Round trip 2: the rate counters ride in the first attempt's write batch; a retry after a
    // lost race is the same request and is not counted again.
    // Counted only when the message is new, so a retry answered from storage is not traffic
    // on the cached path either.
    let mut gate = Some(
        ratelimit::Gate::new(
            app.now,
            vec![
                (format!("conv:{id}"), app.cfg.rate_conversation_per_min),
                (format!("ip:{}", client_key(&req)), app.cfg.rate_client_per_min),
            ],
        )
        .unless_stored(&id, &body.client_id),
    );
    for _ in 0..MAX_WRITE_ATTEMPTS {
        let outcome = try_post(&rc, &db, &conv, bot_seen, &body, &analysis, &policy, gate.take().as_ref()).await;
        if !matches!(outcome, Ok(Outcome::Stored(..))) {
            conv_cache::forget(&id);
        }
        match outcome? {
            Outcome::Stored(resp, escalated, row) => {
                conv_cache::put(*row);
                if escalated {
                    delivery::spawn_pump(&app, &rc.env);
                }
                return json(&resp, 201);
            }
            Outcome::Duplicate(row, status) => return duplicate_response(status, &row),
            Outcome::Conflict => {
                conv = store::load_conv(&db, &id).await?.ok_or(EdgeError::NotFound)?;
                if let Some(b) = bot_id {
                    bot_seen = store::message_by_client_id(&db, &id, b).await?.is_some();
                }
            }
        }
    }
    Err(EdgeError::Conflict("the conversation is busy; retry the same request".into()))
}

/// One attempt at storing a customer message with everything it caused, in one D1 batch (one
/// transaction): [rate counters,] the guarded conversation update, the bot reply, the message,
/// its decision, and on escalation the event with its inbox item and outbox rows.
#[allow(clippy::too_many_arguments)]
async fn try_post(
    rc: &Ctx,
    db: &worker::D1Database,
    conv: &ConvRow,
    bot_seen: bool,
    body: &PostMessageRequest,
    analysis: &Analysis,
    policy: &PolicyConfig,
    gate: Option<&ratelimit::Gate>,
) -> EdgeResult<Outcome> {
    let app = &rc.data;
    let now = app.now;
    let g = Guard { id: conv.id.clone(), old_rev: conv.rev.clone(), new_rev: random_hex(8)? };
    let mut state: ConversationState = serde_json::from_str(&conv.state).unwrap_or_default();
    let mut status = if conv.status == ConvStatus::Resolved { ConvStatus::Bot } else { conv.status };
    let with_human = matches!(status, ConvStatus::Waiting | ConvStatus::WithAgent);
    let mut seq = conv.next_seq;
    let mut inserts = Vec::new();
    let mut new_msgs: Vec<WireMessage> = Vec::new();

    let mut decision = state.observe_customer(&body.text, analysis, policy);
    let customer = WireMessage {
        seq,
        client_id: body.client_id.clone(),
        author: Author::Customer,
        author_name: None,
        text: body.text.clone(),
        at: now,
        article_id: None,
    };
    seq += 1;

    // The widget's automated answer to THIS message (from the knowledge base, shown in the
    // browser at once), stored right after it. The policy sees the customer's turn first, then
    // how the bot answered it. After a handoff the bot is silent (C07): a bot reply sent then
    // is dropped.
    if let (Some(b), false) = (&body.bot_reply, with_human) {
        if !bot_seen {
            state.observe_bot(b.outcome);
            let m = WireMessage {
                seq,
                client_id: b.client_id.clone(),
                author: Author::Bot,
                author_name: None,
                text: b.text.clone(),
                at: now,
                article_id: b.article_id.clone(),
            };
            inserts.push(store::insert_message(db, &g, &m, None, None, None)?);
            new_msgs.push(m);
            seq += 1;
        }
    }

    let mut intents: Vec<Intent> = serde_json::from_str(&conv.intents).unwrap_or_default();
    for h in &analysis.intents {
        if !intents.contains(&h.intent) {
            intents.push(h.intent);
        }
    }
    let lang = conversation_lang(conv.lang, &body.text, analysis);
    let urgency = conv.urgency.max(analysis.tone.urgency as f64);
    let mut tier = conv.tier;
    let mut reasons = conv.reasons.clone();
    let mut event_id = conv.event_id.clone();
    let mut escalated_at = conv.escalated_at;
    let mut escalation = None;
    if let Action::Escalate(t) = decision.action {
        if with_human {
            // Already with a person (C07): the message goes to the inbox, no second escalation.
            decision.reasons.push("already escalated: message forwarded to the human inbox".into());
        } else {
            status = ConvStatus::Waiting;
            tier = Some(t);
            state.escalated = Some(t);
            reasons = serde_json::to_string(&decision.reasons)?;
            let ev_id = format!("evt_{}", random_hex(12)?);
            event_id = Some(ev_id.clone());
            escalated_at = Some(now);
            escalation = Some((ev_id, t));
        }
    }
    let decision_json = serde_json::to_string(&decision)?;
    inserts.push(store::insert_message(
        db,
        &g,
        &customer,
        Some(analysis.valence as f64),
        Some(analysis.tone.frustration as f64),
        Some(&decision_json),
    )?);
    let msg_intents: Vec<Intent> = analysis.intents.iter().map(|h| h.intent).collect();
    inserts.push(store::insert_decision(
        db,
        &g,
        &conv.site,
        Some(customer.seq),
        now,
        analysis.lang,
        Some(&crate::redact::redact(&body.text)),
        &serde_json::to_string(&msg_intents)?,
        &serde_json::to_string(&escalation::redacted(&decision))?,
    )?);

    if let Some((ev_id, t)) = &escalation {
        let mut pending = vec![customer.clone()];
        pending.extend(new_msgs.iter().cloned());
        let ev = escalation::build_event(
            db,
            conv,
            ev_id,
            *t,
            &decision,
            &intents,
            lang,
            &pending,
            Some((customer.seq, analysis)),
            now,
        )
        .await?;
        inserts.extend(store::escalation_statements(db, &g, &ev, &app.cfg, now)?);
    }

    let (within, within_args) = gate.map(|g| g.condition()).unwrap_or_default();
    let state_json = serde_json::to_string(&state)?;
    let intents_json = serde_json::to_string(&intents)?;
    let mut update_args = vec![
        s(&state_json),
        s(status.code()),
        os(tier.map(|t| name(&t)).as_deref()),
        n(seq as i64),
        of(Some(urgency)),
        s(lang.code()),
        s(&intents_json),
        s(&reasons),
        os(event_id.as_deref()),
        on(escalated_at),
        n(now),
        s(&g.new_rev),
        s(&conv.id),
        s(&g.old_rev),
        s(&conv.id),
        s(&body.client_id),
    ];
    update_args.extend(within_args);
    let update = store::stmt(
        db,
        &format!(
            "UPDATE conversations SET state = ?, status = ?, tier = ?, next_seq = ?, urgency = ?, lang = ?, intents = ?, reasons = ?, event_id = ?, escalated_at = ?, updated_at = ?, rev = ? \
             WHERE id = ? AND rev = ? AND NOT EXISTS (SELECT 1 FROM messages WHERE conversation_id = ? AND client_id = ?){within}"
        ),
        &update_args,
    )?;
    let mut stmts = match gate {
        Some(gate) => gate.statements(db)?,
        None => Vec::new(),
    };
    let update_at = stmts.len();
    stmts.push(update);
    stmts.extend(inserts);
    // The wait estimate rides in the same batch (no extra round trip), after the writes so it
    // sees this conversation in the queue; the normal bot path does not run it at all.
    let wait_at = if status == ConvStatus::Waiting {
        stmts.push(wait_stmt(db, &conv.site, &conv.id, now)?);
        Some(stmts.len() - 1)
    } else {
        None
    };
    let results = store::batch(db, stmts).await?;
    if let Some(gate) = gate {
        gate.verdict(&results)?;
    }
    if results.get(update_at).map(store::changes) != Some(1) {
        if let Some(row) = store::message_by_client_id(db, &conv.id, &body.client_id).await? {
            let current = store::load_conv(db, &conv.id).await?.map(|c| c.status).unwrap_or(status);
            return Ok(Outcome::Duplicate(row, current));
        }
        return Ok(Outcome::Conflict);
    }
    let expected_wait_s = match wait_at.and_then(|i| results.get(i)) {
        Some(r) => wait_from(r)?,
        None => None,
    };
    // Exactly what the UPDATE above wrote.
    let row = ConvRow {
        lang,
        status,
        tier,
        state: state_json,
        next_seq: seq,
        urgency,
        intents: intents_json,
        reasons,
        event_id,
        rev: g.new_rev.clone(),
        escalated_at,
        // Only meaningful in the read that produced `conv`; the cache must not carry them on.
        dup_seq: None,
        bot_dup_seq: None,
        ..conv.clone()
    };
    Ok(Outcome::Stored(
        PostMessageResponse { message: customer, decision, status, duplicate: false, expected_wait_s },
        escalation.is_some(),
        Box::new(row),
    ))
}

#[derive(Deserialize)]
struct PollRow {
    conv_status: ConvStatus,
    seq: Option<u64>,
    client_id: Option<String>,
    author: Option<Author>,
    author_name: Option<String>,
    text: Option<String>,
    at: Option<i64>,
    article_id: Option<String>,
}

/// GET /v1/conversations/{id}/messages?after=SEQ&wait=SECONDS
///
/// Long-poll rather than a WebSocket/Durable Object: it is plain HTTPS (passes every proxy and
/// corporate firewall, works with the same CORS and bearer token as the rest of the API), it
/// needs no Durable Object (D1 is the single source of truth and a reconnecting widget just asks
/// `after=<last seq>`, which is also how it de-duplicates), and agent replies are rare events
/// where ≤ 250 ms latency is invisible. One D1 read per 250 ms per waiting visitor is the cost;
/// at scale a Durable Object per conversation with hibernating WebSockets would replace it.
pub async fn poll(req: Request, rc: Ctx) -> EdgeResult<Response> {
    let id = param(&rc, "id")?;
    let db = store::db(&rc.env)?;
    let conv = store::auth_conv(&db, &id, bearer(&req)).await?;
    let [after, wait, seen] = crate::inbox::query_params(&req, ["after", "wait", "status"])?;
    let after: u64 = parse_num(after.as_deref(), "after")?.unwrap_or(0);
    // Sequence numbers are stored as SQLite integers (i64); a larger `after` would wrap around.
    let after = i64::try_from(after).map_err(|_| EdgeError::BadRequest(format!("`after` must be at most {}", i64::MAX)))?;
    let wait: u64 = parse_num(wait.as_deref(), "wait")?.unwrap_or(0).min(MAX_WAIT_S);
    // The status the client last showed (default: the status now). A change — claimed,
    // resolved, reopened — is news like a message, so the wait ends on it too.
    let seen = match seen.as_deref() {
        None | Some("") => conv.status,
        Some(v) => ConvStatus::from_code(v)
            .ok_or_else(|| EdgeError::BadRequest("`status` must be one of bot, waiting, with_agent, resolved".into()))?,
    };
    let deadline = Date::now().as_millis() + wait * 1000;
    loop {
        let rows: Vec<PollRow> = store::all(
            &db,
            "SELECT c.status AS conv_status, m.seq, m.client_id, m.author, m.author_name, m.text, m.at, m.article_id \
             FROM conversations c LEFT JOIN messages m ON m.conversation_id = c.id AND m.seq > ? \
             WHERE c.id = ? ORDER BY m.seq LIMIT 200",
            &[n(after), s(&id)],
        )
        .await?;
        let status = rows.first().map(|r| r.conv_status).ok_or(EdgeError::NotFound)?;
        let messages: Vec<WireMessage> = rows
            .into_iter()
            .filter_map(|r| {
                Some(WireMessage {
                    seq: r.seq?,
                    client_id: r.client_id?,
                    author: r.author?,
                    author_name: r.author_name,
                    text: r.text?,
                    at: r.at?,
                    article_id: r.article_id,
                })
            })
            .collect();
        if !messages.is_empty() || status != seen || Date::now().as_millis() + POLL_INTERVAL_MS > deadline {
            // Estimated once per answer (not per 250 ms re-read), and only while waiting.
            let expected_wait_s = match status {
                ConvStatus::Waiting => expected_wait(&db, &conv.site, &id, rc.data.now).await?,
                _ => None,
            };
            return json(&MessagesPage { status, messages, expected_wait_s }, 200);
        }
        Delay::from(Duration::from_millis(POLL_INTERVAL_MS)).await;
    }
}

/// The conversation's language after this message: the agent's suggestions and the summary are
/// written in it, so a short or mixed message ("ok thanks", "sorry, mijn fout") does not switch
/// a conversation that already has one; a message of a few words in another language does.
fn conversation_lang(current: Lang, text: &str, analysis: &Analysis) -> Lang {
    const SWITCH_AFTER_WORDS: usize = 4;
    match analysis.lang {
        Lang::Unknown => current,
        l if current == Lang::Unknown => l,
        l if !analysis.mixed && text.split_whitespace().nth(SWITCH_AFTER_WORDS - 1).is_some() => l,
        _ => current,
    }
}

fn parse_num(v: Option<&str>, field: &str) -> EdgeResult<Option<u64>> {
    match v {
        None | Some("") => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| EdgeError::BadRequest(format!("`{field}` must be a non-negative integer"))),
    }
}

/// POST /v1/conversations/{id}/handoff — the customer's explicit request for a person always
/// wins (rule `explicit_human_request`), unless a person is already on the way.
pub async fn handoff(req: Request, rc: Ctx) -> EdgeResult<Response> {
    let app = rc.data.clone();
    let id = param(&rc, "id")?;
    let db = store::db(&rc.env)?;
    let mut conv = store::auth_conv(&db, &id, bearer(&req)).await?;
    ratelimit::check(&db, app.now, &[(format!("ip:{}", client_key(&req)), app.cfg.rate_client_per_min)]).await?;
    for _ in 0..MAX_WRITE_ATTEMPTS {
        if matches!(conv.status, ConvStatus::Waiting | ConvStatus::WithAgent) {
            let expected_wait_s = match conv.status {
                ConvStatus::Waiting => expected_wait(&db, &conv.site, &id, app.now).await?,
                _ => None,
            };
            return json(&HandoffResponse { status: conv.status, tier: conv.tier, decision: None, expected_wait_s }, 200);
        }
        let now = app.now;
        let g = Guard { id: id.clone(), old_rev: conv.rev.clone(), new_rev: random_hex(8)? };
        let mut state: ConversationState = serde_json::from_str(&conv.state).unwrap_or_default();
        state.escalated = Some(Tier::Agent);
        let last: Option<MessageRow> = store::first(
            &db,
            "SELECT * FROM messages WHERE conversation_id = ? AND author = 'customer' ORDER BY seq DESC LIMIT 1",
            &[s(&id)],
        )
        .await?;
        let decision = Decision {
            turn: state.turns,
            action: Action::Escalate(Tier::Agent),
            rule: "explicit_human_request".into(),
            reasons: vec!["the customer asked for a person (handoff control)".into()],
            valence: last.as_ref().and_then(|m| m.valence).unwrap_or(0.0) as f32,
            frustration: last.as_ref().and_then(|m| m.frustration).unwrap_or(0.0) as f32,
            uncertainty: 0.0,
            urgency: conv.urgency as f32,
            policy_version: POLICY_VERSION.into(),
        };
        let intents: Vec<Intent> = serde_json::from_str(&conv.intents).unwrap_or_default();
        let ev_id = format!("evt_{}", random_hex(12)?);
        let ev = escalation::build_event(
            &db, &conv, &ev_id, Tier::Agent, &decision, &intents, conv.lang, &[], None, now,
        )
        .await?;
        let update = store::stmt(
            &db,
            "UPDATE conversations SET state = ?, status = 'waiting', tier = 'agent', reasons = ?, event_id = ?, escalated_at = ?, updated_at = ?, rev = ? WHERE id = ? AND rev = ?",
            &[
                s(&serde_json::to_string(&state)?),
                s(&serde_json::to_string(&decision.reasons)?),
                s(&ev_id),
                n(now),
                n(now),
                s(&g.new_rev),
                s(&id),
                s(&g.old_rev),
            ],
        )?;
        let mut stmts = vec![
            update,
            store::insert_decision(
                &db,
                &g,
                &conv.site,
                None,
                now,
                conv.lang,
                None,
                "[\"human_request\"]",
                &serde_json::to_string(&escalation::redacted(&decision))?,
            )?,
        ];
        stmts.extend(store::escalation_statements(&db, &g, &ev, &app.cfg, now)?);
        // The wait estimate rides in the same batch, after the writes (it sees this escalation).
        stmts.push(wait_stmt(&db, &conv.site, &id, now)?);
        let results = store::batch(&db, stmts).await?;
        if results.first().map(store::changes) == Some(1) {
            delivery::spawn_pump(&app, &rc.env);
            let expected_wait_s = match results.last() {
                Some(r) => wait_from(r)?,
                None => None,
            };
            return json(
                &HandoffResponse {
                    status: ConvStatus::Waiting,
                    tier: Some(Tier::Agent),
                    decision: Some(decision),
                    expected_wait_s,
                },
                200,
            );
        }
        conv = store::load_conv(&db, &id).await?.ok_or(EdgeError::NotFound)?;
    }
    Err(EdgeError::Conflict("the conversation is busy; retry".into()))
}

/// How far back escalations count for the wait estimate: their first-reply times (the median)
/// and the queue. A conversation waiting longer than this is stale and not counted ahead.
const WAIT_WINDOW_MS: i64 = 24 * 60 * 60 * 1000;
/// An agent who gave a first reply this recently, or holds an open conversation, is active.
const ACTIVE_WINDOW_MS: i64 = 60 * 60 * 1000;
/// The median is taken over at most this many of the most recent first replies.
const MAX_WAIT_SAMPLES: u32 = 50;

/// The inputs of the wait estimate in one read, driven by the index on `inbox_items
/// (received_at)` (one row per escalation, 0001/0003): the site's escalations of the window,
/// latest per conversation; their first agent reply through the messages primary key; the
/// queue ahead of `?3` ranked as the inbox ranks it (per tier group, urgency then age, see
/// inbox.rs `LIST_SQL`); the agents active now. `found` is 0 when `?3` is not waiting in the
/// window (then there is no estimate).
const WAIT_SQL: &str = "WITH recent AS (
  SELECT i.conversation_id, MAX(i.received_at) AS escalated_at, i.tier
  FROM inbox_items i WHERE i.received_at >= ?1 AND i.site = ?2 GROUP BY i.conversation_id
), facts AS (
  SELECT r.conversation_id AS id, r.escalated_at, r.tier, c.status, c.urgency, c.agent,
         MIN(m.at) AS first_reply_at, m.author_name AS replier
  FROM recent r JOIN conversations c ON c.id = r.conversation_id
  LEFT JOIN messages m ON m.conversation_id = r.conversation_id AND m.author = 'agent' AND m.at >= r.escalated_at
  GROUP BY r.conversation_id
), me AS (
  SELECT * FROM facts WHERE id = ?3 AND status = 'waiting'
)
SELECT (SELECT COUNT(*) FROM me) AS found,
  (SELECT COUNT(*) FROM facts f, me WHERE f.status = 'waiting' AND f.id <> me.id
     AND (f.tier = 'specialist') = (me.tier = 'specialist')
     AND (f.urgency > me.urgency OR (f.urgency = me.urgency AND (f.escalated_at < me.escalated_at
          OR (f.escalated_at = me.escalated_at AND f.id < me.id))))) AS ahead,
  (SELECT COUNT(DISTINCT a) FROM (SELECT replier AS a FROM facts WHERE first_reply_at >= ?4
     UNION SELECT agent FROM facts WHERE status = 'with_agent')) AS agents,
  (SELECT json_group_array(first_reply_at - escalated_at) FROM (SELECT first_reply_at, escalated_at FROM facts
     WHERE first_reply_at IS NOT NULL ORDER BY escalated_at DESC LIMIT ?5)) AS samples";

#[derive(Deserialize)]
struct WaitRow {
    found: u32,
    ahead: u32,
    agents: u32,
    /// JSON array of first-reply times in ms.
    samples: String,
}

fn wait_stmt(db: &D1Database, site: &str, id: &str, now: i64) -> EdgeResult<D1PreparedStatement> {
    store::stmt(
        db,
        WAIT_SQL,
        &[n(now - WAIT_WINDOW_MS), s(site), s(id), n(now - ACTIVE_WINDOW_MS), n(MAX_WAIT_SAMPLES as i64)],
    )
}

fn estimate(row: Option<WaitRow>) -> EdgeResult<Option<u32>> {
    let Some(row) = row.filter(|r| r.found > 0) else { return Ok(None) };
    let first_reply_ms: Vec<u64> = serde_json::from_str(&row.samples)?;
    Ok(expected_wait_s(&WaitInputs { ahead: row.ahead, first_reply_ms, active_agents: row.agents }))
}

fn wait_from(result: &D1Result) -> EdgeResult<Option<u32>> {
    estimate(result.results::<WaitRow>()?.into_iter().next())
}

/// The expected wait of a waiting conversation (one read), for answers outside a write batch.
async fn expected_wait(db: &D1Database, site: &str, id: &str, now: i64) -> EdgeResult<Option<u32>> {
    estimate(wait_stmt(db, site, id, now)?.first::<WaitRow>(None).await?)
}

/// POST /v1/conversations/{id}/feedback
pub async fn feedback(mut req: Request, rc: Ctx) -> EdgeResult<Response> {
    let app = rc.data.clone();
    let id = param(&rc, "id")?;
    let db = store::db(&rc.env)?;
    let conv = store::auth_conv(&db, &id, bearer(&req)).await?;
    let body: FeedbackRequest = read_json(&mut req, MAX_BODY_BYTES).await?;
    if body.csat.is_none() && body.nps.is_none() {
        return Err(EdgeError::BadRequest("send `csat` (1..=5) or `nps` (0..=10)".into()));
    }
    if body.csat.is_some_and(|v| !(1..=5).contains(&v)) {
        return Err(EdgeError::BadRequest("`csat` must be 1..=5".into()));
    }
    if body.nps.is_some_and(|v| v > 10) {
        return Err(EdgeError::BadRequest("`nps` must be 0..=10".into()));
    }
    if body.comment.as_ref().is_some_and(|c| c.len() > 4000) {
        return Err(EdgeError::BadRequest("`comment` is longer than 4000 bytes".into()));
    }
    // One round trip: the rate counter and the insert, which only happens within the limit.
    let gate = ratelimit::Gate::new(app.now, vec![(format!("conv:{id}"), app.cfg.rate_conversation_per_min)]);
    let (within, within_args) = gate.condition();
    let mut args = vec![
        s(&id),
        s(&conv.site),
        n(app.now),
        on(body.csat.map(|v| v as i64)),
        on(body.nps.map(|v| v as i64)),
        os(body.comment.as_deref()),
    ];
    args.extend(within_args);
    let mut stmts = gate.statements(&db)?;
    stmts.push(store::stmt(
        &db,
        &format!("INSERT INTO feedback (conversation_id, site, at, csat, nps, comment) SELECT ?, ?, ?, ?, ?, ? WHERE 1{within}"),
        &args,
    )?);
    let results = store::batch(&db, stmts).await?;
    gate.verdict(&results)?;
    no_content()
}

/// DELETE /v1/conversations/{id} — the customer's right to erasure: messages, state, inbox items
/// and the content of every escalation payload go; pending deliveries are cancelled; the
/// decision log keeps only a stub (scores and rule, no text, no reasons).
pub async fn delete(req: Request, rc: Ctx) -> EdgeResult<Response> {
    let id = param(&rc, "id")?;
    let db = store::db(&rc.env)?;
    store::auth_conv(&db, &id, bearer(&req)).await?;
    conv_cache::forget(&id);
    crate::retention::erase_conversation(&db, &id).await?;
    no_content()
}
