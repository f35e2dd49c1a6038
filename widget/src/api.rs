//! The edge worker's HTTP API, as the widget uses it. Only `wire` types cross.
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tandem_shared::wire::{ConversationView, ErrorBody, MessagesPage, PostMessageRequest, PostMessageResponse, StartRequest};
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

    pub async fn post_message(&self, id: &str, token: &str, msg: &PostMessageRequest) -> Result<PostMessageResponse, ApiError> {
        let req = Request::post(&self.conv_url(id, "/messages")).header("Authorization", &format!("Bearer {token}"));
        read(send_json(req, msg).await?).await
    }

    pub async fn messages(&self, id: &str, token: &str, after: u64, wait: u32) -> Result<MessagesPage, ApiError> {
        let url = self.conv_url(id, &format!("/messages?after={after}&wait={wait}"));
        let resp = Request::get(&url).header("Authorization", &format!("Bearer {token}")).send().await.map_err(net)?;
        read(resp).await
    }

    pub async fn handoff(&self, id: &str, token: &str) -> Result<(), ApiError> {
        let req = Request::post(&self.conv_url(id, "/handoff")).header("Authorization", &format!("Bearer {token}"));
        empty(send_json(req, &serde_json::json!({})).await?).await
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

async fn send_json<T: Serialize>(req: RequestBuilder, body: &T) -> Result<Response, ApiError> {
    req.json(body).map_err(net)?.send().await.map_err(net)
}

async fn error_of(resp: Response) -> ApiError {
    let status = resp.status();
    match resp.json::<ErrorBody>().await {
        Ok(b) => ApiError::Http { status, code: b.code, message: b.message },
        Err(_) => ApiError::Http { status, code: "http_error".into(), message: resp.status_text() },
    }
}

async fn read<T: DeserializeOwned>(resp: Response) -> Result<T, ApiError> {
    if !resp.ok() {
        return Err(error_of(resp).await);
    }
    resp.json::<T>().await.map_err(|e| ApiError::Http { status: 502, code: "bad_response".into(), message: e.to_string() })
}

async fn empty(resp: Response) -> Result<(), ApiError> {
    if resp.ok() {
        Ok(())
    } else {
        Err(error_of(resp).await)
    }
}
