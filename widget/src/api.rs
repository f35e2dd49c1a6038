//! The edge worker's HTTP API, as the widget uses it. Only `wire` types cross; bodies are
//! read and written with the browser's JSON (see `json`).
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;
use tandem_shared::wire::{ConvStatus, ConversationView, ErrorBody, MessagesPage, PostMessageRequest, PostMessageResponse, StartRequest};
use tandem_shared::Lang;

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// No answer at all (offline, DNS, CORS): worth retrying later.
    Network(String),
    /// The edge answered with an error.
    Http { status: u16, code: String, message: String },
}

impl ApiError {
    pub fn is_retryable(&self) -> bool {
        match self {
            ApiError::Network(_) => true,
            ApiError::Http { status, .. } => *status == 429 || *status >= 500,
        }
    }
    /// Catalogue key of the visitor-facing reason a message was refused for good.
    pub fn rejection_reason(&self) -> &'static str {
        match self {
            ApiError::Http { status: 413, .. } => "not_sent_too_long",
            ApiError::Http { code, .. } if code == "payload_too_large" => "not_sent_too_long",
            ApiError::Http { status: 403, .. } => "not_sent_refused",
            ApiError::Http { status: 401 | 404 | 410, .. } => "not_sent_gone",
            _ => "not_sent_invalid",
        }
    }
    pub fn is_gone(&self) -> bool {
        matches!(self, ApiError::Http { status: 404 | 401 | 403, .. })
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Network(m) => write!(f, "could not reach the chat service: {m}"),
            ApiError::Http { status, code, message } => write!(f, "{status} {code}: {message}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Api {
    base: String,
    site: String,
}

#[derive(Serialize)]
struct Feedback<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    csat: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nps: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<&'a str>,
}

/// The edge's estimate of the wait for a person, in seconds, where it gives one: an optional
/// `expected_wait_s` next to the usual fields of the handoff, post-message and messages answers.
#[derive(Deserialize)]
struct WaitHint {
    #[serde(default)]
    expected_wait_s: Option<u32>,
}

/// `expected_wait_s` of an edge answer, if present and a number of seconds.
pub fn wait_hint(body: &JsValue) -> Option<u32> {
    crate::json::from_value::<WaitHint>(body.clone()).ok().and_then(|h| h.expected_wait_s)
}

/// An edge answer and its wait estimate.
pub struct WithWait<T> {
    pub body: T,
    pub expected_wait_s: Option<u32>,
}

impl Api {
    pub fn new(base: &str, site: &str) -> Api {
        Api { base: format!("{}/v1", base.trim_end_matches('/')), site: site.into() }
    }

    fn conv_url(&self, id: &str, tail: &str) -> String {
        format!("{}/conversations/{}{}", self.base, js_sys::encode_uri_component(id), tail)
    }

    pub async fn start(&self, lang: Lang, resume: Option<(&str, &str)>) -> Result<ConversationView, ApiError> {
        let body = StartRequest {
            site: self.site.clone(),
            lang: Some(lang),
            conversation_id: resume.map(|r| r.0.to_string()),
            token: resume.map(|r| r.1.to_string()),
        };
        let req = Request::post(&format!("{}/conversations", self.base));
        read(send_json(req, &body).await?).await
    }

    pub async fn post_message(&self, id: &str, token: &str, msg: &PostMessageRequest) -> Result<WithWait<PostMessageResponse>, ApiError> {
        let req = Request::post(&self.conv_url(id, "/messages")).header("Authorization", &format!("Bearer {token}"));
        read_with_wait(send_json(req, msg).await?).await
    }

    /// Long-polls for messages after `after`; the edge also answers as soon as the conversation's
    /// status differs from `shown` (a person joined, it was resolved), so the widget says so at once.
    pub async fn messages(&self, id: &str, token: &str, after: u64, wait: u32, shown: ConvStatus) -> Result<WithWait<MessagesPage>, ApiError> {
        let url = self.conv_url(id, &format!("/messages?after={after}&wait={wait}&status={}", shown.code()));
        let resp = Request::get(&url).header("Authorization", &format!("Bearer {token}")).send().await.map_err(net)?;
        read_with_wait(resp).await
    }

    /// Asks for a person; the answer's wait estimate, if the edge gives one.
    pub async fn handoff(&self, id: &str, token: &str) -> Result<Option<u32>, ApiError> {
        let req = Request::post(&self.conv_url(id, "/handoff")).header("Authorization", &format!("Bearer {token}"));
        let resp = send_body(req, "{}".into()).await?;
        if !resp.ok() {
            return Err(error_of(resp).await);
        }
        // The handoff already happened; an unreadable body only costs the estimate.
        Ok(body_of(resp).await.ok().as_ref().and_then(wait_hint))
    }

    pub async fn feedback(&self, id: &str, token: &str, csat: Option<u8>, nps: Option<u8>, comment: Option<&str>) -> Result<(), ApiError> {
        let req = Request::post(&self.conv_url(id, "/feedback")).header("Authorization", &format!("Bearer {token}"));
        empty(send_json(req, &Feedback { csat, nps, comment }).await?).await
    }

    pub async fn delete(&self, id: &str, token: &str) -> Result<(), ApiError> {
        let resp = Request::delete(&self.conv_url(id, "")).header("Authorization", &format!("Bearer {token}")).send().await.map_err(net)?;
        empty(resp).await
    }
}

fn net(e: gloo_net::Error) -> ApiError {
    ApiError::Network(e.to_string())
}

async fn send_body(req: RequestBuilder, body: String) -> Result<Response, ApiError> {
    req.header("Content-Type", "application/json").body(body).map_err(net)?.send().await.map_err(net)
}

async fn send_json<T: Serialize>(req: RequestBuilder, body: &T) -> Result<Response, ApiError> {
    // Only our own wire types are written here, so this cannot fail in practice; if it did,
    // retrying would not help (status 0 is neither retryable nor "gone").
    let text = crate::json::to_string(body).map_err(|e| ApiError::Http { status: 0, code: "encode".into(), message: e.to_string() })?;
    send_body(req, text).await
}

fn bad_response(e: impl std::fmt::Display) -> ApiError {
    ApiError::Http { status: 502, code: "bad_response".into(), message: e.to_string() }
}

async fn body_of(resp: Response) -> Result<JsValue, ApiError> {
    let text = resp.text().await.map_err(bad_response)?;
    crate::json::parse(&text).map_err(bad_response)
}

async fn error_of(resp: Response) -> ApiError {
    let status = resp.status();
    let status_text = resp.status_text();
    match body_of(resp).await.and_then(|v| crate::json::from_value::<ErrorBody>(v).map_err(bad_response)) {
        Ok(b) => ApiError::Http { status, code: b.code, message: b.message },
        Err(_) => ApiError::Http { status, code: "http_error".into(), message: status_text },
    }
}

async fn read<T: DeserializeOwned>(resp: Response) -> Result<T, ApiError> {
    Ok(read_with_wait(resp).await?.body)
}

async fn read_with_wait<T: DeserializeOwned>(resp: Response) -> Result<WithWait<T>, ApiError> {
    if !resp.ok() {
        return Err(error_of(resp).await);
    }
    let value = body_of(resp).await?;
    let expected_wait_s = wait_hint(&value);
    Ok(WithWait { body: crate::json::from_value(value).map_err(bad_response)?, expected_wait_s })
}

async fn empty(resp: Response) -> Result<(), ApiError> {
    if resp.ok() {
        Ok(())
    } else {
        Err(error_of(resp).await)
    }
}
