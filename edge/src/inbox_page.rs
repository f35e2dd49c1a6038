//! The agent inbox page (GET /inbox, /inbox/app.js, /inbox/app.css), embedded in the worker at
//! build time; agent sign-in (token or Cloudflare Access); GET /v1/inbox/me; the handoff to a
//! specialist (POST /v1/inbox/conversations/{id}/transfer); the inbox's own schema (0002).
//!
//! Why include_str! and not wrangler `[assets]`: the page is three small files (~40 KB) that
//! must match the API of the worker they ship with; embedding makes one artifact, one version,
//! the same under `wrangler dev`, the tests and production, and lets this module set the
//! security headers (a strict CSP: no inline script or style, same-origin only) in one place.
use tandem_shared::{
    policy::Tier,
    wire::{AgentIdentity, ConvStatus, EscalationEvent, TransferRequest},
};
use worker::{D1Database, D1PreparedStatement, Env, Request, Response};

use crate::conversations::param;
use crate::error::{EdgeError, EdgeResult};
use crate::http::{bearer, json, random_hex, read_json, secret_eq, MAX_BODY_BYTES};
use crate::store::{self, n, name, os, s, Guard, MessageRow};
use crate::{escalation, Ctx};

const INDEX_HTML: &str = include_str!("../../inbox/index.html");
const APP_JS: &str = include_str!("../../inbox/app.js");
const APP_CSS: &str = include_str!("../../inbox/app.css");

/// `ACCESS_MODE=cloudflare`: also accept the identity Cloudflare Access puts in front of the
/// worker (see the README); anything else: the agent token only.
pub const VAR_ACCESS_MODE: &str = "ACCESS_MODE";
pub const ACCESS_EMAIL_HEADER: &str = "cf-access-authenticated-user-email";
pub const ACCESS_JWT_HEADER: &str = "cf-access-jwt-assertion";

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; \
                   base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

fn page(body: &'static str, content_type: &str) -> EdgeResult<Response> {
    let mut resp = Response::ok(body)?;
    let h = resp.headers_mut();
    let _ = h.set("content-type", content_type);
    let _ = h.set("content-security-policy", CSP);
    let _ = h.set("x-content-type-options", "nosniff");
    let _ = h.set("referrer-policy", "no-referrer");
    let _ = h.set("cache-control", "no-cache");
    Ok(resp)
}

/// GET /inbox
pub async fn index(_req: Request, _rc: Ctx) -> EdgeResult<Response> {
    page(INDEX_HTML, "text/html; charset=utf-8")
}
/// GET /inbox/app.js
pub async fn app_js(_req: Request, _rc: Ctx) -> EdgeResult<Response> {
    page(APP_JS, "text/javascript; charset=utf-8")
}
/// GET /inbox/app.css
pub async fn app_css(_req: Request, _rc: Ctx) -> EdgeResult<Response> {
    page(APP_CSS, "text/css; charset=utf-8")
}

// ----------------------------------------------------------------------------- sign-in
/// The e-mail Cloudflare Access authenticated, when ACCESS_MODE=cloudflare. Access sets both
/// headers on every request it lets through; the worker must only be reachable through Access
/// (no workers.dev route), see the README.
pub fn access_email(req: &Request, env: &Env) -> Option<String> {
    let mode = env.var(VAR_ACCESS_MODE).ok()?.to_string();
    if !mode.trim().eq_ignore_ascii_case("cloudflare") {
        return None;
    }
    let h = |k: &str| req.headers().get(k).ok().flatten().map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    h(ACCESS_JWT_HEADER)?;
    h(ACCESS_EMAIL_HEADER).filter(|e| e.len() <= 120 && e.contains('@'))
}

/// Who is calling: the agent token (the name is chosen on the page) or Cloudflare Access.
pub fn agent(req: &Request, rc: &Ctx) -> EdgeResult<AgentIdentity> {
    let sites = {
        let mut v: Vec<String> = rc.data.cfg.sites.keys().cloned().collect();
        v.sort();
        v
    };
    if let (Some(expected), Some(t)) = (rc.data.cfg.agent_token.as_deref(), bearer(req)) {
        if secret_eq(&t, expected) {
            return Ok(AgentIdentity { agent: None, mode: "token".into(), sites });
        }
    }
    if let Some(email) = access_email(req, &rc.env) {
        return Ok(AgentIdentity { agent: Some(email), mode: "cloudflare_access".into(), sites });
    }
    Err(EdgeError::Unauthorized)
}

/// The inbox only shows sites this edge serves.
pub fn check_site(rc: &Ctx, site: &str) -> EdgeResult<()> {
    rc.data.cfg.site(site).map(|_| ()).ok_or_else(|| EdgeError::UnknownSite(site.to_string()))
}

/// GET /v1/inbox/me
pub async fn me(req: Request, rc: Ctx) -> EdgeResult<Response> {
    json(&agent(&req, &rc)?, 200)
}

// ----------------------------------------------------------------------------- schema 0002
/// Applies migrations/0002 once per isolate (like `store::ensure_schema` does for 0001), so a
/// worker whose migrations were not applied still logs resolutions for the KPIs.
pub async fn ensure_schema(db: &D1Database) -> EdgeResult<()> {
    thread_local! { static DONE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) }; }
    if DONE.with(|d| d.get()) {
        return Ok(());
    }
    let stmts: Vec<D1PreparedStatement> =
        statements(include_str!("../migrations/0002_inbox_events.sql")).iter().map(|s| db.prepare(s)).collect();
    store::batch(db, stmts).await?;
    DONE.with(|d| d.set(true));
    Ok(())
}

/// Splits a migration into statements: `;` at a line's end closes one, except inside a
/// trigger's `BEGIN` … `END;`.
pub fn statements(sql: &str) -> Vec<String> {
    let (mut out, mut cur, mut in_body) = (Vec::new(), String::new(), false);
    for line in sql.lines().filter(|l| !l.trim_start().starts_with("--")) {
        let t = line.trim();
        cur.push_str(line);
        cur.push('\n');
        if t.eq_ignore_ascii_case("begin") {
            in_body = true;
        } else if in_body && t.to_ascii_uppercase().starts_with("END") {
            in_body = false;
        }
        if !in_body && t.ends_with(';') {
            out.push(std::mem::take(&mut cur).trim().to_string());
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

// ----------------------------------------------------------------------------- transfer
const MAX_NOTE_BYTES: usize = 2000;

#[derive(serde::Deserialize)]
struct PayloadRow {
    payload: String,
}

/// POST /v1/inbox/conversations/{id}/transfer {agent, note} — hands the conversation to the
/// specialist queue: a new inbox item (tier specialist, the note first among the reasons),
/// waiting and unclaimed again. Only the agent who holds it (or anyone, while unclaimed).
pub async fn transfer(mut req: Request, rc: Ctx) -> EdgeResult<Response> {
    agent(&req, &rc)?;
    let id = param(&rc, "id")?;
    let body: TransferRequest = read_json(&mut req, MAX_BODY_BYTES).await?;
    if body.agent.trim().is_empty() || body.agent.len() > 120 {
        return Err(EdgeError::BadRequest("`agent` must be 1..=120 bytes".into()));
    }
    if body.note.trim().is_empty() || body.note.len() > MAX_NOTE_BYTES {
        return Err(EdgeError::BadRequest(format!("`note` must be 1..={MAX_NOTE_BYTES} bytes")));
    }
    let db = store::db(&rc.env)?;
    ensure_schema(&db).await?;
    let now = rc.data.now;
    for _ in 0..8 {
        let conv = store::load_conv(&db, &id).await?.ok_or(EdgeError::NotFound)?;
        if !matches!(conv.status, ConvStatus::Waiting | ConvStatus::WithAgent) {
            return Err(EdgeError::Conflict(format!("the conversation is `{}`, not with a person", name(&conv.status))));
        }
        if conv.status == ConvStatus::WithAgent && conv.agent.as_deref().is_some_and(|a| a != body.agent) {
            return Err(EdgeError::Conflict("another agent holds this conversation".into()));
        }
        let last: Option<PayloadRow> = store::first(
            &db,
            "SELECT payload FROM inbox_items WHERE conversation_id = ? ORDER BY received_at DESC, rowid DESC LIMIT 1",
            &[s(&id)],
        )
        .await?;
        let mut ev: EscalationEvent = last
            .and_then(|r| serde_json::from_str(&r.payload).ok())
            .ok_or_else(|| EdgeError::Conflict("the conversation has no escalation to hand on".into()))?;
        let rows = store::messages_after(&db, &id, 0, 10_000).await?;
        let mut reasons = vec![format!("handed to a specialist by {}: {}", body.agent.trim(), body.note.trim())];
        reasons.extend(serde_json::from_str::<Vec<String>>(&conv.reasons).unwrap_or_default());
        ev.id = format!("evt_{}", random_hex(12)?);
        ev.tier = Tier::Specialist;
        ev.rule = "agent_transfer".into();
        ev.reasons = reasons.clone();
        ev.transcript = rows.iter().map(MessageRow::wire).collect();
        ev.trajectory = escalation::trajectory(&rows);
        ev.summary = escalation::summary(&ev.transcript);
        ev.created_at = now;
        let g = Guard { id: id.clone(), old_rev: conv.rev.clone(), new_rev: random_hex(8)? };
        let update = store::stmt(
            &db,
            "UPDATE conversations SET status = 'waiting', tier = 'specialist', agent = NULL, reasons = ?, updated_at = ?, rev = ? WHERE id = ? AND rev = ?",
            &[s(&serde_json::to_string(&reasons)?), n(now), s(&g.new_rev), s(&id), s(&g.old_rev)],
        )?;
        let item = g.insert(
            &db,
            "INSERT INTO inbox_items (event_id, conversation_id, site, tier, received_at, payload)",
            vec![s(&ev.id), s(&id), s(&conv.site), s("specialist"), n(now), s(&serde_json::to_string(&ev)?)],
        )?;
        let log = g.insert(
            &db,
            "INSERT INTO conversation_events (conversation_id, site, kind, at, agent, note)",
            vec![s(&id), s(&conv.site), s("transferred"), n(now), s(body.agent.trim()), os(Some(body.note.trim()))],
        )?;
        let results = store::batch(&db, vec![update, item, log]).await?;
        if results.first().map(store::changes) == Some(1) {
            // The stored row now carries the transfer note among its reasons.
            let conv = store::load_conv(&db, &id).await?.ok_or(EdgeError::NotFound)?;
            return json(&crate::inbox::detail_of(&db, &conv).await?, 200);
        }
    }
    Err(EdgeError::Conflict("the conversation is busy; retry".into()))
}

#[cfg(test)]
mod tests {
    use super::statements;

    #[test]
    fn the_0002_migration_splits_into_its_statements_with_the_trigger_whole() {
        let s = statements(include_str!("../migrations/0002_inbox_events.sql"));
        assert_eq!(s.len(), 5, "{s:#?}");
        assert!(s[2].starts_with("CREATE TRIGGER") && s[2].ends_with("END;"), "{}", s[2]);
        assert!(s.iter().all(|x| x.ends_with(';')));
    }
}
