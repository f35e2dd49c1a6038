//! Tandem's edge worker: the HTTP API between the widget, the store (D1) and the human inbox.
//!
//! One `#[event(fetch)]` wraps one `Router` table of named handlers with the cross-cutting
//! rules: CORS, the error mapping (error.rs), opportunistic outbox delivery. One
//! `#[event(scheduled)]` runs retention and delivery retries.
use std::rc::Rc;

use tandem_shared::{policy::POLICY_VERSION, wire::HealthResponse};
use worker::{event, Context, Date, Env, Method, Request, Response, RouteContext, Router, ScheduleContext, ScheduledEvent};

mod config;
mod conv_cache;
mod conversations;
mod cors;
mod delivery;
mod error;
mod escalation;
mod http;
mod inbox;
mod inbox_page;
mod access;
mod kpi;
mod ratelimit;
pub mod redact;
mod retention;
mod store;
mod suggest;
pub mod summary;

use config::Config;
use error::{EdgeError, EdgeResult};

/// Per-request data handed to every handler.
pub struct App {
    pub ctx: Context,
    pub cfg: Config,
    /// Request time, milliseconds since the Unix epoch.
    pub now: i64,
    pub origin: Option<String>,
}

pub type Ctx = RouteContext<Rc<App>>;

/// Adapts a handler returning `EdgeResult` to the router's signature; errors become responses
/// in exactly one place (`EdgeError::into_response`).
macro_rules! route {
    ($f:path) => {
        |req: Request, rc: Ctx| async move { Ok($f(req, rc).await.unwrap_or_else(EdgeError::into_response)) }
    };
}

async fn health(_req: Request, _rc: Ctx) -> EdgeResult<Response> {
    http::json(
        &HealthResponse { ok: true, api: tandem_shared::wire::API_VERSION.into(), policy_version: POLICY_VERSION.into() },
        200,
    )
}

fn router(app: Rc<App>) -> Router<'static, Rc<App>> {
    Router::with_data(app)
        .get_async("/v1/health", route!(health))
        // Uptime monitors probe with HEAD; the runtime sends the headers without the body.
        .head_async("/v1/health", route!(health))
        // the customer's conversation (widget)
        .post_async("/v1/conversations", route!(conversations::start))
        .get_async("/v1/conversations/:id", route!(conversations::get))
        .delete_async("/v1/conversations/:id", route!(conversations::delete))
        .post_async("/v1/conversations/:id/messages", route!(conversations::post_message))
        .get_async("/v1/conversations/:id/messages", route!(conversations::poll))
        .post_async("/v1/conversations/:id/handoff", route!(conversations::handoff))
        .post_async("/v1/conversations/:id/feedback", route!(conversations::feedback))
        // the agents' inbox
        .get_async("/v1/inbox/conversations", route!(inbox::list))
        .get_async("/v1/inbox/conversations/:id", route!(inbox::detail))
        .post_async("/v1/inbox/conversations/:id/claim", route!(inbox::claim))
        .post_async("/v1/inbox/conversations/:id/reply", route!(inbox::reply))
        .post_async("/v1/inbox/conversations/:id/resolve", route!(inbox::resolve))
        .get_async("/v1/inbox/decisions", route!(inbox::decisions))
        .get_async("/v1/inbox/decisions.jsonl", route!(inbox::decisions_jsonl))
        .post_async("/v1/inbox/events", route!(inbox::receive_event))
        .get_async("/v1/inbox/dead-letters", route!(inbox::dead_letters))
        // the agents' inbox page, suggestions, specialist handoff, KPIs
        .get_async("/inbox", route!(inbox_page::index))
        .get_async("/inbox/app.js", route!(inbox_page::app_js))
        .get_async("/inbox/app.css", route!(inbox_page::app_css))
        .get_async("/v1/inbox/me", route!(inbox_page::me))
        .post_async("/v1/inbox/conversations/:id/transfer", route!(inbox_page::transfer))
        .get_async("/v1/inbox/conversations/:id/suggestions", route!(suggest::suggestions))
        .get_async("/v1/inbox/kpis", route!(kpi::kpis))
        .get_async("/v1/inbox/kpis.csv", route!(kpi::kpis_csv))
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> worker::Result<Response> {
    let origin = req.headers().get("origin").ok().flatten();
    let cfg = match Config::from_env(&env) {
        Ok(cfg) => cfg,
        Err(e) => return Ok(cors::apply(e.into_response(), None, origin.as_deref(), false)),
    };
    if req.method() == Method::Options {
        return Ok(cors::preflight(Some(&cfg), origin.as_deref()));
    }
    if let Ok(db) = store::db(&env) {
        if let Err(e) = store::ensure_schema(&db).await {
            return Ok(cors::apply(e.into_response(), Some(&cfg), origin.as_deref(), false));
        }
        if let Err(e) = inbox_page::ensure_schema(&db).await {
            return Ok(cors::apply(e.into_response(), Some(&cfg), origin.as_deref(), false));
        }
    }
    let app = Rc::new(App { ctx, cfg, now: Date::now().as_millis() as i64, origin: origin.clone() });
    delivery::maybe_pump(&app, &env);
    let resp = match router(app.clone()).run(req, env).await {
        Ok(resp) => normalize(resp),
        Err(e) => EdgeError::Internal(e.to_string()).into_response(),
    };
    Ok(cors::apply(resp, Some(&app.cfg), origin.as_deref(), false))
}

/// The router's own 404/405 answers are plain text; give them the JSON error shape.
fn normalize(resp: Response) -> Response {
    let json = resp
        .headers()
        .get("content-type")
        .ok()
        .flatten()
        .is_some_and(|ct| ct.starts_with("application/json") || ct.starts_with("application/x-ndjson"));
    match resp.status_code() {
        404 if !json => EdgeError::RouteNotFound.into_response(),
        405 if !json => EdgeError::MethodNotAllowed.into_response(),
        _ => resp,
    }
}

#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    let cfg = match Config::from_env(&env) {
        Ok(cfg) => cfg,
        Err(e) => return worker::console_error!("scheduled: {e:?}"),
    };
    let db = match store::db(&env) {
        Ok(db) => db,
        Err(e) => return worker::console_error!("scheduled: {e:?}"),
    };
    if let Err(e) = store::ensure_schema(&db).await {
        return worker::console_error!("scheduled: {e:?}");
    }
    let now = Date::now().as_millis() as i64;
    match retention::sweep(&db, now, cfg.retention_days).await {
        Ok(n) => worker::console_log!("retention: erased {n} conversations"),
        Err(e) => worker::console_error!("retention: {e:?}"),
    }
    if let Err(e) = delivery::pump(&env, &cfg).await {
        worker::console_error!("delivery: {e:?}");
    }
}
