//! Request/response plumbing shared by the handlers: bounded body reading, strict JSON,
//! bearer tokens, JSON responses.
use futures_util::StreamExt;
use serde::{de::DeserializeOwned, Serialize};
use sha2::{Digest, Sha256};
use worker::{Request, Response};

use crate::error::{EdgeError, EdgeResult};

/// Largest body of a customer-facing request: a 16 KiB message plus a 4 KiB JSON envelope.
pub const MAX_BODY_BYTES: usize = tandem_shared::wire::MAX_MESSAGE_BYTES + 4 * 1024;
/// How much of an oversized body is still read (and dropped) before answering 413.
const DRAIN_BYTES: usize = 4 * 1024 * 1024;
/// Largest body of an inbox event (it carries a whole transcript).
pub const MAX_EVENT_BYTES: usize = 512 * 1024;

/// Reads the body, refusing more than `limit` bytes (by Content-Length and by bytes read).
pub async fn read_body(req: &mut Request, limit: usize) -> EdgeResult<Vec<u8>> {
    let declared = req.headers().get("content-length").ok().flatten().and_then(|l| l.trim().parse::<u64>().ok());
    match declared {
        Some(n) if n > limit as u64 => return Err(EdgeError::PayloadTooLarge { limit }),
        // HTTP framing delivers exactly Content-Length bytes, so the limit already holds: one
        // read of the whole body is far cheaper than pulling a stream chunk by chunk.
        Some(_) => {
            return req.bytes().await.map_err(|_| EdgeError::BadRequest("the request body could not be read".into()))
        }
        // Chunked (no length declared): count the bytes actually read.
        None => {}
    }
    let mut stream = match req.stream() {
        Ok(s) => s,
        Err(_) => return Ok(Vec::new()), // no body
    };
    let mut buf = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| EdgeError::BadRequest("the request body could not be read".into()))?;
        if buf.len() + chunk.len() > limit {
            // Drain (and drop) a bounded rest, so the connection stays usable for the next
            // request (local dev's proxy reuses it); beyond DRAIN_BYTES we stop reading.
            let mut drained = buf.len() + chunk.len();
            while drained < DRAIN_BYTES {
                match stream.next().await {
                    Some(Ok(c)) => drained += c.len(),
                    _ => break,
                }
            }
            return Err(EdgeError::PayloadTooLarge { limit });
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf)
}

/// Reads a strict JSON body: `application/json`, bounded, valid UTF-8, unknown fields refused
/// (by the wire types), serde's message (naming the field) on errors.
pub async fn read_json<T: DeserializeOwned>(req: &mut Request, limit: usize) -> EdgeResult<T> {
    let ct = req.headers().get("content-type").ok().flatten().unwrap_or_default();
    let body = read_body(req, limit).await?;
    // No body at all is the more useful thing to say than its missing content type.
    if !body.iter().all(u8::is_ascii_whitespace) && !is_json_content_type(&ct) {
        return Err(EdgeError::UnsupportedMediaType);
    }
    parse_json(&body)
}

pub fn is_json_content_type(ct: &str) -> bool {
    ct.split(';').next().map(|m| m.trim().eq_ignore_ascii_case("application/json")).unwrap_or(false)
}

pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> EdgeResult<T> {
    let text = std::str::from_utf8(body).map_err(|_| EdgeError::InvalidUtf8)?;
    // RFC 8259 lets a parser ignore a byte order mark; editors and some HTTP clients send one.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match text.trim_start().chars().next() {
        None => return Err(EdgeError::InvalidJson("the body is empty".into())),
        // serde would also read a struct from an array of its fields in order; a client that
        // sends one has a bug, and "expected struct … with 4 elements" would not tell it so.
        Some('{') => {}
        Some(_) => return Err(EdgeError::InvalidJson("the body must be a JSON object ({…})".into())),
    }
    serde_json::from_str(text).map_err(|e| EdgeError::InvalidJson(json_error(&e)))
}

/// serde_json's message, said in terms a client developer can act on where serde's own is cryptic.
fn json_error(e: &serde_json::Error) -> String {
    let m = e.to_string();
    if m.starts_with("unexpected end of hex escape") || m.starts_with("lone leading surrogate") {
        // A `\ud800` with no low half: JavaScript strings can hold one, UTF-8 cannot.
        return format!("a string holds a lone UTF-16 surrogate escape (such as \\ud800), which is not text ({m})");
    }
    m
}

/// The token of `Authorization: Bearer TOKEN`.
pub fn bearer(req: &Request) -> Option<String> {
    let h = req.headers().get("authorization").ok().flatten()?;
    let (scheme, token) = h.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let token = token.trim();
    (!token.is_empty()).then(|| token.to_string())
}

/// Hex SHA-256, used to store conversation tokens (only the hash is kept).
pub fn sha256_hex(s: &str) -> String {
    let digest = Sha256::digest(s.as_bytes());
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Constant-time equality of two secrets: compares their SHA-256 digests byte by byte without
/// an early exit, so neither length nor content leaks through timing.
pub fn secret_eq(a: &str, b: &str) -> bool {
    let (da, db) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    da.iter().zip(db.iter()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn json<T: Serialize>(value: &T, status: u16) -> EdgeResult<Response> {
    Ok(Response::from_json(value)?.with_status(status))
}

pub fn no_content() -> EdgeResult<Response> {
    Ok(Response::empty()?.with_status(204))
}

/// Random bytes from the platform's CSPRNG (crypto.getRandomValues in workerd).
pub fn random_hex(n: usize) -> EdgeResult<String> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| EdgeError::Internal(format!("getrandom: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The client's address for rate limiting: CF-Connecting-IP, or one fixed key locally.
pub fn client_key(req: &Request) -> String {
    req.headers()
        .get("cf-connecting-ip")
        .ok()
        .flatten()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "local".into())
}

/// Validates an id chosen by the client (message client ids).
pub fn check_client_id(field: &str, id: &str) -> EdgeResult<()> {
    if id.is_empty() || id.len() > tandem_shared::wire::MAX_ID_BYTES {
        return Err(EdgeError::BadRequest(format!(
            "`{field}` must be 1..={} bytes",
            tandem_shared::wire::MAX_ID_BYTES
        )));
    }
    if id.chars().any(|c| c.is_control()) {
        return Err(EdgeError::BadRequest(format!("`{field}` must not contain control characters")));
    }
    Ok(())
}

pub fn check_text(field: &str, text: &str) -> EdgeResult<()> {
    if text.trim().is_empty() {
        return Err(EdgeError::BadRequest(format!("`{field}` must not be empty")));
    }
    if text.len() > tandem_shared::wire::MAX_MESSAGE_BYTES {
        return Err(EdgeError::BadRequest(format!(
            "`{field}` is longer than {} bytes",
            tandem_shared::wire::MAX_MESSAGE_BYTES
        )));
    }
    Ok(())
}
