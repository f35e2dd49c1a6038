//! The agent inbox page (GET /inbox, /inbox/app.js, /inbox/app.css), served from the worker's
//! static assets; agent sign-in (token or Cloudflare Access); GET /v1/inbox/me; the handoff to a
//! specialist (POST /v1/inbox/conversations/{id}/transfer); the inbox's own schema (0002).
//!
//! The page's three files (`inbox/`) are Workers static assets (`[assets]` in wrangler.toml,
//! binding ASSETS, `run_worker_first`: nothing is served without this worker), copied into
//! `build/assets/inbox/` by scripts/build.sh, so they ship with the worker they belong to and
//! stay out of the wasm. This module reads them through the binding and sets the security
//! headers (a strict CSP: no inline script or style, same-origin only) in one place.
use tandem_shared::{
    policy::Tier,
    wire::{AgentIdentity, ConvStatus, EscalationEvent, TransferRequest},
};
use worker::{D1Database, D1PreparedStatement, Env, Request, Response};

use crate::conversations::param;
use crate::error::{EdgeError, EdgeResult};
use crate::http::{bearer, json, random_hex, read_json, secret_eq, MAX_BODY_BYTES};
use crate::store::{self, n, name, os, s, ConvRow, Guard, MessageRow};
use crate::{escalation, Ctx};

/// `ACCESS_MODE=cloudflare`: also accept a verified Cloudflare Access token (access.rs, see the
/// README); anything else: the agent tokens only.
pub const VAR_ACCESS_MODE: &str = "ACCESS_MODE";
pub const ACCESS_EMAIL_HEADER: &str = "cf-access-authenticated-user-email";
pub const ACCESS_JWT_HEADER: &str = "cf-access-jwt-assertion";

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; \
                   base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The asset `file` of the inbox page, with this module's headers (none of the asset's own).
async fn page(rc: &Ctx, file: &str, content_type: &str) -> EdgeResult<Response> {
    let mut asset = rc.env.assets(crate::config::ASSETS)?.fetch(format!("https://assets.invalid/inbox/{file}"), None).await?;
    if asset.status_code() != 200 {
        return Err(EdgeError::Internal(format!("asset inbox/{file}: HTTP {}", asset.status_code())));
    }
    let mut resp = Response::from_bytes(asset.bytes().await?)?;
    let h = resp.headers_mut();
    let _ = h.set("content-type", content_type);
    let _ = h.set("content-security-policy", CSP);
    let _ = h.set("x-content-type-options", "nosniff");
    let _ = h.set("referrer-policy", "no-referrer");
    let _ = h.set("cache-control", "no-cache");
    Ok(resp)
}

/// GET /inbox
pub async fn index(_req: Request, rc: Ctx) -> EdgeResult<Response> {
    page(&rc, "index.html", "text/html; charset=utf-8").await
}
/// GET /inbox/app.js
pub async fn app_js(_req: Request, rc: Ctx) -> EdgeResult<Response> {
    page(&rc, "app.js", "text/javascript; charset=utf-8").await
}
/// GET /inbox/app.css
pub async fn app_css(_req: Request, rc: Ctx) -> EdgeResult<Response> {
    page(&rc, "app.css", "text/css; charset=utf-8").await
}

// ----------------------------------------------------------------------------- sign-in
/// JSON `{"site-id": "token"}`: agent tokens that open one site only (a secret in production).
/// AGENT_TOKEN opens every site this edge serves.
pub const VAR_SITE_AGENT_TOKENS: &str = "SITE_AGENT_TOKENS";
/// JSON `{"agent@example.com": ["site-id", …]}`: with Cloudflare Access, the sites each e-mail
/// may see. Unset: every configured site; set: an e-mail that is not listed is refused.
pub const VAR_ACCESS_SITES: &str = "ACCESS_SITES";

fn json_var<T: serde::de::DeserializeOwned>(env: &Env, var: &str) -> EdgeResult<Option<T>> {
    match env.var(var).ok().map(|v| v.to_string()).filter(|v| !v.trim().is_empty()) {
        None => Ok(None),
        Some(text) => serde_json::from_str(&text).map(Some).map_err(|e| EdgeError::Config(format!("{var}: {e}"))),
    }
}

fn access_mode(env: &Env) -> bool {
    env.var(VAR_ACCESS_MODE).map(|v| v.to_string().trim().eq_ignore_ascii_case("cloudflare")).unwrap_or(false)
}

/// Who is calling, and which sites they may see: the agent token (all sites; the name is
/// chosen on the page), a per-site token (that site), or Cloudflare Access (a verified token,
/// see access.rs; the sites from ACCESS_SITES). A wrong bearer token is refused even when
/// Access is on: it is never silently ignored.
///
/// Boxed on purpose: a dozen routes await it, and an inlined copy of the sign-in future (JWT,
/// WebCrypto, JWKS fetch) in each of their state machines cost kilobytes of wasm.
pub fn agent<'a>(req: &'a Request, rc: &'a Ctx) -> futures_util::future::LocalBoxFuture<'a, EdgeResult<AgentIdentity>> {
    Box::pin(sign_in(req, rc))
}

async fn sign_in(req: &Request, rc: &Ctx) -> EdgeResult<AgentIdentity> {
    let cfg = &rc.data.cfg;
    let all: Vec<String> = cfg.sites.keys().cloned().collect(); // sorted: a BTreeMap
    if let Some(t) = bearer(req) {
        if cfg.agent_token.as_deref().is_some_and(|expected| secret_eq(&t, expected)) {
            return Ok(AgentIdentity { agent: None, mode: "token".into(), sites: all });
        }
        let per_site: std::collections::BTreeMap<String, String> =
            json_var(&rc.env, VAR_SITE_AGENT_TOKENS)?.unwrap_or_default();
        let sites: Vec<String> = per_site
            .into_iter()
            .filter(|(site, tok)| !tok.is_empty() && secret_eq(&t, tok) && cfg.site(site).is_some())
            .map(|(site, _)| site)
            .collect();
        if !sites.is_empty() {
            return Ok(AgentIdentity { agent: None, mode: "site_token".into(), sites });
        }
        return Err(EdgeError::Unauthorized);
    }
    if !access_mode(&rc.env) {
        return Err(EdgeError::Unauthorized);
    }
    let h = |k: &str| req.headers().get(k).ok().flatten().map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let Some(jwt) = h(ACCESS_JWT_HEADER) else {
        return Err(EdgeError::Unauthorized);
    };
    let email = crate::access::verify(&rc.env, &jwt, h(ACCESS_EMAIL_HEADER).as_deref(), rc.data.now)
        .await
        .map_err(|e| match e {
            // The edge's own fault (vars, the certs endpoint): a logged 500, not the agent's.
            crate::access::AccessError::NotConfigured(_) | crate::access::AccessError::Certs(_) => EdgeError::Config(e.to_string()),
            _ => EdgeError::AccessDenied(e.to_string()),
        })?;
    let sites = match json_var::<std::collections::HashMap<String, Vec<String>>>(&rc.env, VAR_ACCESS_SITES)? {
        None => all,
        Some(map) => {
            let mine = map
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(&email))
                .map(|(_, v)| v.clone())
                .ok_or_else(|| EdgeError::AccessDenied(format!("{email} is signed in but has no sites in ACCESS_SITES")))?;
            all.into_iter().filter(|s| mine.contains(s)).collect()
        }
    };
    Ok(AgentIdentity { agent: Some(email), mode: "cloudflare_access".into(), sites })
}

/// The site must be configured on this edge and one the caller may see.
pub fn check_site(rc: &Ctx, who: &AgentIdentity, site: &str) -> EdgeResult<()> {
    rc.data.cfg.site(site).ok_or_else(|| EdgeError::UnknownSite(site.to_string()))?;
    if who.sites.iter().any(|s| s == site) {
        Ok(())
    } else {
        Err(EdgeError::AccessDenied(format!("you are not signed in for site `{site}`")))
    }
}

/// A conversation the caller may see: one of another site answers 404 like an unknown id, so
/// the inbox never tells whether another site's conversation exists.
pub async fn load_conv_for(db: &D1Database, who: &AgentIdentity, id: &str) -> EdgeResult<ConvRow> {
    let conv = store::load_conv(db, id).await?.ok_or(EdgeError::NotFound)?;
    if who.sites.iter().any(|s| *s == conv.site) {
        Ok(conv)
    } else {
        Err(EdgeError::NotFound)
    }
}

/// The caller's sites as a JSON array, for `site IN (SELECT value FROM json_each(?))`.
pub fn sites_json(who: &AgentIdentity) -> String {
    serde_json::to_string(&who.sites).unwrap_or_else(|_| "[]".into())
}

/// GET /v1/inbox/me
pub async fn me(req: Request, rc: Ctx) -> EdgeResult<Response> {
    json(&agent(&req, &rc).await?, 200)
}

// ----------------------------------------------------------------------------- schema 0002
/// Applies migrations/0002 and 0003 once per isolate (like `store::ensure_schema` does for 0001), so a
/// worker whose migrations were not applied still logs resolutions for the KPIs.
pub async fn ensure_schema(db: &D1Database) -> EdgeResult<()> {
    thread_local! { static DONE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) }; }
    if DONE.with(|d| d.get()) {
        return Ok(());
    }
    // build.rs copies them without their comments.
    let migrations =
        [include_str!(concat!(env!("OUT_DIR"), "/0002_inbox_events.sql")), include_str!(concat!(env!("OUT_DIR"), "/0003_inbox_queue.sql"))];
    let stmts: Vec<D1PreparedStatement> = migrations.iter().flat_map(|m| statements(m)).map(|s| db.prepare(&s)).collect();
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
    let who = agent(&req, &rc).await?;
    let id = param(&rc, "id")?;
    let body: TransferRequest = read_json(&mut req, MAX_BODY_BYTES).await?;
    let by = crate::inbox::acting_agent(&who, Some(&body.agent))?;
    if body.note.trim().is_empty() || body.note.len() > MAX_NOTE_BYTES {
        return Err(EdgeError::BadRequest(format!("`note` must be 1..={MAX_NOTE_BYTES} bytes")));
    }
    let db = store::db(&rc.env)?;
    ensure_schema(&db).await?;
    let now = rc.data.now;
    for _ in 0..8 {
        let conv = load_conv_for(&db, &who, &id).await?;
        if !matches!(conv.status, ConvStatus::Waiting | ConvStatus::WithAgent) {
            return Err(EdgeError::Conflict(format!("the conversation is `{}`, not with a person", conv.status.code())));
        }
        // While it waits anyone may pass it on (the triage case); once claimed only the holder.
        if conv.status == ConvStatus::WithAgent {
            crate::inbox::require_holder(&conv, &by)?;
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
        let mut reasons = vec![format!("handed to a specialist by {by}: {}", body.note.trim())];
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
            vec![s(&id), s(&conv.site), s("transferred"), n(now), s(&by), os(Some(body.note.trim()))],
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

    #[test]
    fn the_0003_migration_is_three_indexes() {
        let s = statements(include_str!("../migrations/0003_inbox_queue.sql"));
        assert_eq!(s.len(), 3, "{s:#?}");
        assert!(s.iter().all(|x| x.starts_with("CREATE INDEX IF NOT EXISTS") && x.ends_with(';')));
    }
}
