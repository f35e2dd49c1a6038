//! The one place where failures become HTTP: each `EdgeError` maps to a status and a stable
//! `ErrorBody {code, message}`. Internal details are logged, never sent.
use tandem_shared::wire::ErrorBody;
use worker::{console_error, Response};

#[derive(Debug)]
pub enum EdgeError {
    /// A field or value is wrong; the message names it.
    BadRequest(String),
    /// The body is not valid JSON for this route (serde's message, which names the field).
    InvalidJson(String),
    InvalidUtf8,
    PayloadTooLarge { limit: usize },
    UnsupportedMediaType,
    Unauthorized,
    /// A sign-in was presented but refused (a Cloudflare Access token that does not verify,
    /// an agent without access to a site); the message says why.
    AccessDenied(String),
    UnknownSite(String),
    OriginNotAllowed,
    /// Unknown conversation, or a token that does not match (indistinguishable on purpose).
    NotFound,
    RouteNotFound,
    MethodNotAllowed,
    Conflict(String),
    RateLimited { retry_after_s: u32 },
    /// Misconfigured vars (SITES, WEBHOOKS): logged, reported as a 500 without details.
    Config(String),
    /// Anything else (D1, runtime): logged, reported as a 500 without details.
    Internal(String),
}

impl EdgeError {
    pub fn status(&self) -> u16 {
        match self {
            EdgeError::BadRequest(_) | EdgeError::InvalidJson(_) | EdgeError::InvalidUtf8 => 400,
            EdgeError::PayloadTooLarge { .. } => 413,
            EdgeError::UnsupportedMediaType => 415,
            EdgeError::Unauthorized => 401,
            EdgeError::AccessDenied(_) => 403,
            EdgeError::UnknownSite(_) | EdgeError::OriginNotAllowed => 403,
            EdgeError::NotFound | EdgeError::RouteNotFound => 404,
            EdgeError::MethodNotAllowed => 405,
            EdgeError::Conflict(_) => 409,
            EdgeError::RateLimited { .. } => 429,
            EdgeError::Config(_) | EdgeError::Internal(_) => 500,
        }
    }

    pub fn body(&self) -> ErrorBody {
        let (code, message) = match self {
            EdgeError::BadRequest(m) => ("bad_request", m.clone()),
            EdgeError::InvalidJson(m) => ("invalid_json", format!("invalid JSON body: {m}")),
            EdgeError::InvalidUtf8 => ("invalid_utf8", "the request body is not valid UTF-8".into()),
            EdgeError::PayloadTooLarge { limit } => {
                ("payload_too_large", format!("the request body is larger than {limit} bytes"))
            }
            EdgeError::UnsupportedMediaType => {
                ("unsupported_media_type", "send the body as Content-Type: application/json".into())
            }
            EdgeError::Unauthorized => {
                ("unauthorized", "missing or wrong Authorization: Bearer token".into())
            }
            EdgeError::AccessDenied(m) => ("access_denied", m.clone()),
            EdgeError::UnknownSite(s) => ("unknown_site", format!("site `{}` is not configured on this edge", clip(s, 64))),
            EdgeError::OriginNotAllowed => {
                ("origin_not_allowed", "this origin is not allowed for the site".into())
            }
            EdgeError::NotFound => ("not_found", "no such conversation".into()),
            EdgeError::RouteNotFound => ("route_not_found", "no such route".into()),
            EdgeError::MethodNotAllowed => ("method_not_allowed", "method not allowed on this route".into()),
            EdgeError::Conflict(m) => ("conflict", m.clone()),
            EdgeError::RateLimited { retry_after_s } => {
                ("rate_limited", format!("too many requests; retry after {retry_after_s} s"))
            }
            EdgeError::Config(_) => ("config_error", "the edge is misconfigured; see its logs".into()),
            EdgeError::Internal(_) => ("internal", "internal error; it has been logged".into()),
        };
        ErrorBody { code: code.into(), message }
    }

    pub fn into_response(self) -> Response {
        match &self {
            EdgeError::Config(m) => console_error!("config error: {m}"),
            EdgeError::Internal(m) => console_error!("internal error: {m}"),
            _ => {}
        }
        let body = serde_json::to_string(&self.body()).unwrap_or_else(|_| "{}".into());
        let mut resp = Response::ok(body).unwrap_or_else(|_| Response::empty().expect("empty response"));
        resp = resp.with_status(self.status());
        let h = resp.headers_mut();
        let _ = h.set("content-type", "application/json");
        if let EdgeError::RateLimited { retry_after_s } = self {
            let _ = h.set("retry-after", &retry_after_s.to_string());
        }
        resp
    }
}

impl From<worker::Error> for EdgeError {
    fn from(e: worker::Error) -> Self {
        EdgeError::Internal(e.to_string())
    }
}

impl From<serde_json::Error> for EdgeError {
    fn from(e: serde_json::Error) -> Self {
        EdgeError::Internal(format!("serde: {e}"))
    }
}

pub type EdgeResult<T> = Result<T, EdgeError>;

/// At most `max` characters of a client's value, for echoing it in an error message (a 16 KB
/// site id must not come back whole).
fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}
