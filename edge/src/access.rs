//! Cloudflare Access sign-in for the inbox (`ACCESS_MODE=cloudflare`): the worker verifies the
//! `Cf-Access-Jwt-Assertion` token itself and takes the agent's e-mail from its verified claims.
//! The `Cf-Access-Authenticated-User-Email` header is only cross-checked, never trusted: anyone
//! who can reach the worker outside Access (a workers.dev route, a misconfigured proxy) could
//! set it.
//!
//! Split in two on purpose: parsing and claim checks are pure Rust (unit-tested below); the
//! RS256 signature is verified by WebCrypto (`crypto.subtle`, RSASSA-PKCS1-v1_5 + SHA-256),
//! which the Workers runtime provides natively, so no RSA crate is compiled into the wasm.
//!
//! Vars: ACCESS_TEAM_DOMAIN (`https://<team>.cloudflareaccess.com`, also the expected `iss`),
//! ACCESS_AUD (the Access application's AUD tag), ACCESS_CERTS_URL (optional; default
//! `<team domain>/cdn-cgi/access/certs` — the tests point it at a local JWKS server).
use std::cell::RefCell;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use serde::Deserialize;
use worker::js_sys::{self, Array, Function, Object, Reflect, Uint8Array};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::Env;

pub const VAR_ACCESS_TEAM_DOMAIN: &str = "ACCESS_TEAM_DOMAIN";
pub const VAR_ACCESS_AUD: &str = "ACCESS_AUD";
pub const VAR_ACCESS_CERTS_URL: &str = "ACCESS_CERTS_URL";

/// Clock skew tolerated on `exp`/`nbf`/`iat`, in seconds.
pub const LEEWAY_S: i64 = 60;
/// How long a fetched JWKS is used before it is fetched again (Access rotates keys every six
/// weeks and publishes the next key in advance, so minutes are plenty).
const JWKS_TTL_MS: i64 = 10 * 60 * 1000;
/// An unknown `kid` refetches the JWKS early, but at most this often (no fetch amplification
/// from forged tokens).
const JWKS_MIN_REFETCH_MS: i64 = 30 * 1000;
const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// Why an Access token was refused; the message is shown to the caller (nothing secret in it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessError {
    /// ACCESS_TEAM_DOMAIN / ACCESS_AUD are not set: Access mode cannot verify anything.
    NotConfigured(&'static str),
    Malformed(&'static str),
    UnsupportedAlg(String),
    UnknownKey(String),
    BadSignature,
    WrongAudience,
    WrongIssuer(String),
    Expired,
    NotYetValid,
    NoEmail,
    /// The e-mail header names someone else than the verified token.
    EmailMismatch,
    /// The JWKS could not be fetched or read.
    Certs(String),
}

impl std::fmt::Display for AccessError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AccessError::NotConfigured(v) => write!(f, "Cloudflare Access is on (ACCESS_MODE=cloudflare) but {v} is not set"),
            AccessError::Malformed(what) => write!(f, "the Cf-Access-Jwt-Assertion token is malformed: {what}"),
            AccessError::UnsupportedAlg(a) => write!(f, "the Access token is signed with `{a}`; only RS256 is accepted"),
            AccessError::UnknownKey(k) => write!(f, "the Access token's key `{k}` is not in the team's certs"),
            AccessError::BadSignature => write!(f, "the Access token's signature does not verify"),
            AccessError::WrongAudience => write!(f, "the Access token is for another application (aud does not match ACCESS_AUD)"),
            AccessError::WrongIssuer(i) => write!(f, "the Access token was issued by `{i}`, not this team"),
            AccessError::Expired => write!(f, "the Access token has expired; reload the page to sign in again"),
            AccessError::NotYetValid => write!(f, "the Access token is not valid yet (nbf); check the clock"),
            AccessError::NoEmail => write!(f, "the Access token carries no e-mail (service tokens cannot use the inbox)"),
            AccessError::EmailMismatch => {
                write!(f, "Cf-Access-Authenticated-User-Email does not match the e-mail in the verified Access token")
            }
            AccessError::Certs(m) => write!(f, "the Access certs could not be loaded: {m}"),
        }
    }
}

#[derive(Debug, Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Claims {
    /// A string or a list of strings (RFC 7519 §4.1.3), read by a small visitor: an untagged
    /// enum or a `serde_json::Value` would pull kilobytes of generic serde code into the wasm.
    #[serde(deserialize_with = "audience")]
    pub aud: Vec<String>,
    pub iss: String,
    pub exp: i64,
    #[serde(default)]
    pub nbf: Option<i64>,
    #[serde(default)]
    pub email: Option<String>,
}

fn audience<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct V;
    impl<'de> serde::de::Visitor<'de> for V {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a string or a list of strings")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(vec![v.to_string()])
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(s) = seq.next_element::<String>()? {
                out.push(s);
            }
            Ok(out)
        }
    }
    d.deserialize_any(V)
}

/// A token split and decoded, not yet verified.
#[derive(Debug)]
pub struct Jwt<'a> {
    pub kid: String,
    pub claims: Claims,
    /// `header.payload` as sent: the bytes the signature covers.
    pub signed: &'a str,
    pub signature: Vec<u8>,
}

fn b64(part: &str, what: &'static str) -> Result<Vec<u8>, AccessError> {
    URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).map_err(|_| AccessError::Malformed(what))
}

/// Splits and decodes a compact JWS; refuses anything but RS256 with a `kid`.
pub fn parse(token: &str) -> Result<Jwt<'_>, AccessError> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(AccessError::Malformed("longer than 16 KiB"));
    }
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(sig), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(AccessError::Malformed("not three dot-separated parts"));
    };
    let header: Header =
        serde_json::from_slice(&b64(h, "header is not base64url")?).map_err(|_| AccessError::Malformed("header is not JSON"))?;
    if header.alg != "RS256" {
        return Err(AccessError::UnsupportedAlg(header.alg));
    }
    let kid = header.kid.filter(|k| !k.is_empty()).ok_or(AccessError::Malformed("no `kid` in the header"))?;
    let claims: Claims = serde_json::from_slice(&b64(p, "payload is not base64url")?)
        .map_err(|_| AccessError::Malformed("payload lacks aud/iss/exp"))?;
    let signature = b64(sig, "signature is not base64url")?;
    Ok(Jwt { kid, claims, signed: &token[..h.len() + 1 + p.len()], signature })
}

/// `https://team.cloudflareaccess.com` from `team.cloudflareaccess.com` or a URL with a slash.
pub fn issuer(team_domain: &str) -> String {
    let t = team_domain.trim().trim_end_matches('/');
    if t.starts_with("https://") || t.starts_with("http://") {
        t.to_string()
    } else {
        format!("https://{t}")
    }
}

/// Checks audience, issuer and validity window (`now_s` in seconds); returns the e-mail.
pub fn check_claims(c: &Claims, aud: &str, iss: &str, now_s: i64) -> Result<String, AccessError> {
    if !c.aud.iter().any(|a| a == aud) {
        return Err(AccessError::WrongAudience);
    }
    if c.iss.trim_end_matches('/') != iss {
        return Err(AccessError::WrongIssuer(c.iss.clone()));
    }
    if now_s > c.exp + LEEWAY_S {
        return Err(AccessError::Expired);
    }
    if c.nbf.is_some_and(|nbf| now_s + LEEWAY_S < nbf) {
        return Err(AccessError::NotYetValid);
    }
    c.email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty() && e.len() <= 120 && e.contains('@'))
        .map(str::to_string)
        .ok_or(AccessError::NoEmail)
}

/// The header e-mail, when present, must name the same person (case-insensitively).
pub fn check_header_email(verified: &str, header: Option<&str>) -> Result<(), AccessError> {
    match header.map(str::trim).filter(|h| !h.is_empty()) {
        Some(h) if !h.eq_ignore_ascii_case(verified) => Err(AccessError::EmailMismatch),
        _ => Ok(()),
    }
}

/// One key of a JWKS, as published at /cdn-cgi/access/certs.
#[derive(Debug, Clone, Deserialize)]
pub struct Jwk {
    pub kid: String,
    pub kty: String,
    #[serde(default)]
    pub n: String,
    #[serde(default)]
    pub e: String,
}

#[derive(Deserialize)]
struct Jwks {
    keys: Vec<Jwk>,
}

pub fn parse_jwks(text: &str) -> Result<Vec<Jwk>, AccessError> {
    let j: Jwks = serde_json::from_str(text).map_err(|e| AccessError::Certs(format!("not a JWKS: {e}")))?;
    Ok(j.keys.into_iter().filter(|k| k.kty == "RSA").collect())
}

// ----------------------------------------------------------------------------- per isolate
struct Cached {
    url: String,
    fetched_at: i64,
    /// The team's keys (two or three), each with its WebCrypto key once imported (importKey is
    /// not free; tokens reuse few kids). A Vec, not a map: a linear search over three keys, and
    /// no hash-map code in the wasm for it.
    keys: Vec<(Jwk, Option<JsValue>)>,
}

thread_local! {
    static JWKS: RefCell<Option<Cached>> = const { RefCell::new(None) };
}

async fn fetch_jwks(url: &str) -> Result<Vec<Jwk>, AccessError> {
    // The runtime parses the URL (`new Request`): the `url` crate's parser stays out of the wasm.
    let req = worker::Request::new(url, worker::Method::Get).map_err(|_| AccessError::Certs(format!("`{url}` is not a URL")))?;
    let mut resp = worker::Fetch::Request(req).send().await.map_err(|e| AccessError::Certs(e.to_string()))?;
    if resp.status_code() != 200 {
        return Err(AccessError::Certs(format!("{url} answered {}", resp.status_code())));
    }
    parse_jwks(&resp.text().await.map_err(|e| AccessError::Certs(e.to_string()))?)
}

/// The key for `kid`, from the per-isolate cache or a (re)fetch of the JWKS.
async fn key_for(url: &str, kid: &str, now_ms: i64) -> Result<JsValue, AccessError> {
    let (fresh, has_kid, may_refetch) = JWKS.with(|c| match &*c.borrow() {
        Some(c) if c.url == url => {
            (now_ms - c.fetched_at < JWKS_TTL_MS, c.keys.iter().any(|(k, _)| k.kid == kid), now_ms - c.fetched_at >= JWKS_MIN_REFETCH_MS)
        }
        _ => (false, false, true),
    });
    if !fresh || (!has_kid && may_refetch) {
        let keys = fetch_jwks(url).await?;
        JWKS.with(|c| {
            *c.borrow_mut() = Some(Cached {
                url: url.to_string(),
                fetched_at: now_ms,
                keys: keys.into_iter().map(|k| (k, None)).collect(),
            })
        });
    }
    let (jwk, imported) = JWKS.with(|c| {
        let c = c.borrow();
        let c = c.as_ref();
        c.and_then(|c| c.keys.iter().find(|(k, _)| k.kid == kid).cloned()).map_or((None, None), |(k, i)| (Some(k), i))
    });
    if let Some(k) = imported {
        return Ok(k);
    }
    let jwk = jwk.ok_or_else(|| AccessError::UnknownKey(kid.to_string()))?;
    let key = import_key(&jwk).await.map_err(|e| AccessError::Certs(format!("importKey: {e:?}")))?;
    JWKS.with(|c| {
        if let Some((_, slot)) = c.borrow_mut().as_mut().and_then(|c| c.keys.iter_mut().find(|(k, _)| k.kid == kid)) {
            *slot = Some(key.clone());
        }
    });
    Ok(key)
}

fn subtle() -> Result<JsValue, JsValue> {
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into())?;
    Reflect::get(&crypto, &"subtle".into())
}

fn rs256() -> Result<Object, JsValue> {
    let alg = Object::new();
    Reflect::set(&alg, &"name".into(), &"RSASSA-PKCS1-v1_5".into())?;
    Reflect::set(&alg, &"hash".into(), &"SHA-256".into())?;
    Ok(alg)
}

async fn call_subtle(method: &str, args: Array) -> Result<JsValue, JsValue> {
    let subtle = subtle()?;
    let f: Function = Reflect::get(&subtle, &method.into())?.dyn_into()?;
    let p: js_sys::Promise = f.apply(&subtle, &args)?.dyn_into()?;
    JsFuture::from(p).await
}

async fn import_key(k: &Jwk) -> Result<JsValue, JsValue> {
    let jwk = Object::new();
    for (name, v) in [("kty", "RSA"), ("n", k.n.as_str()), ("e", k.e.as_str()), ("alg", "RS256")] {
        Reflect::set(&jwk, &name.into(), &v.into())?;
    }
    let usages = Array::new();
    usages.push(&JsValue::from_str("verify"));
    let args = Array::new();
    for a in [JsValue::from_str("jwk"), jwk.into(), rs256()?.into(), JsValue::FALSE, usages.into()] {
        args.push(&a);
    }
    call_subtle("importKey", args).await
}

async fn verify_signature(key: &JsValue, jwt: &Jwt<'_>) -> Result<bool, AccessError> {
    let sig = Uint8Array::from(jwt.signature.as_slice());
    let data = Uint8Array::from(jwt.signed.as_bytes());
    let alg = rs256().map_err(|e| AccessError::Certs(format!("{e:?}")))?;
    let args = Array::new();
    for a in [alg.into(), key.clone(), sig.into(), data.into()] {
        args.push(&a);
    }
    let ok = call_subtle("verify", args)
        .await
        .map_err(|e| AccessError::Certs(format!("verify: {e:?}")))?;
    Ok(ok.as_bool() == Some(true))
}

/// Verifies an Access token (signature, audience, issuer, validity) and returns the e-mail in
/// its claims; `header_email` is the e-mail header, which must agree when present.
pub async fn verify(env: &Env, token: &str, header_email: Option<&str>, now_ms: i64) -> Result<String, AccessError> {
    let var = |k: &str| env.var(k).ok().map(|v| v.to_string()).filter(|v| !v.trim().is_empty());
    let team = var(VAR_ACCESS_TEAM_DOMAIN).ok_or(AccessError::NotConfigured(VAR_ACCESS_TEAM_DOMAIN))?;
    let aud = var(VAR_ACCESS_AUD).ok_or(AccessError::NotConfigured(VAR_ACCESS_AUD))?;
    let iss = issuer(&team);
    let certs = var(VAR_ACCESS_CERTS_URL).unwrap_or_else(|| format!("{iss}/cdn-cgi/access/certs"));
    let jwt = parse(token)?;
    // Claims first: cheap, and an expired or foreign token never costs a JWKS fetch.
    let email = check_claims(&jwt.claims, aud.trim(), &iss, now_ms.div_euclid(1000))?;
    check_header_email(&email, header_email)?;
    let key = key_for(&certs, &jwt.kid, now_ms).await?;
    if !verify_signature(&key, &jwt).await? {
        return Err(AccessError::BadSignature);
    }
    Ok(email)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(v: &serde_json::Value) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
    }

    fn token(header: serde_json::Value, claims: serde_json::Value) -> String {
        format!("{}.{}.{}", enc(&header), enc(&claims), URL_SAFE_NO_PAD.encode(b"sig"))
    }

    fn claims(aud: serde_json::Value, exp: i64, nbf: Option<i64>) -> Claims {
        serde_json::from_value(serde_json::json!({
            "aud": aud, "iss": "https://team.cloudflareaccess.com", "exp": exp, "nbf": nbf, "email": "sanne@example.com"
        }))
        .unwrap()
    }

    const ISS: &str = "https://team.cloudflareaccess.com";

    #[test]
    fn a_well_formed_rs256_token_parses_and_keeps_the_signed_bytes() {
        let t = token(
            serde_json::json!({"alg": "RS256", "kid": "k1"}),
            serde_json::json!({"aud": ["app"], "iss": ISS, "exp": 10, "email": "a@b.c"}),
        );
        let j = parse(&t).unwrap();
        assert_eq!(j.kid, "k1");
        assert_eq!(j.signature, b"sig");
        assert_eq!(j.signed, &t[..t.rfind('.').unwrap()]);
        assert_eq!(j.claims.aud, vec!["app".to_string()]);
    }

    #[test]
    fn other_algorithms_and_broken_tokens_are_refused() {
        let none = token(serde_json::json!({"alg": "none", "kid": "k"}), serde_json::json!({"aud": "a", "iss": ISS, "exp": 1}));
        assert_eq!(parse(&none).unwrap_err(), AccessError::UnsupportedAlg("none".into()));
        let hs = token(serde_json::json!({"alg": "HS256", "kid": "k"}), serde_json::json!({"aud": "a", "iss": ISS, "exp": 1}));
        assert!(matches!(parse(&hs), Err(AccessError::UnsupportedAlg(_))));
        let nokid = token(serde_json::json!({"alg": "RS256"}), serde_json::json!({"aud": "a", "iss": ISS, "exp": 1}));
        assert!(matches!(parse(&nokid), Err(AccessError::Malformed(_))));
        let noexp = token(serde_json::json!({"alg": "RS256", "kid": "k"}), serde_json::json!({"aud": "a", "iss": ISS}));
        assert!(matches!(parse(&noexp), Err(AccessError::Malformed(_))));
        assert!(matches!(parse("a.b"), Err(AccessError::Malformed(_))));
        assert!(matches!(parse("a.b.c.d"), Err(AccessError::Malformed(_))));
        assert!(matches!(parse("!!.??.**"), Err(AccessError::Malformed(_))));
    }

    #[test]
    fn audience_issuer_and_validity_window_are_checked_with_leeway() {
        let now = 1_000_000;
        let ok = claims(serde_json::json!("app"), now + 10, Some(now - 10));
        assert_eq!(check_claims(&ok, "app", ISS, now).unwrap(), "sanne@example.com");
        let many = claims(serde_json::json!(["other", "app"]), now + 10, None);
        assert!(check_claims(&many, "app", ISS, now).is_ok());
        let one = claims(serde_json::json!("app"), now + 10, None);
        assert_eq!(one.aud, vec!["app".to_string()]);
        let number = serde_json::from_value::<Claims>(serde_json::json!({"aud": 7, "iss": ISS, "exp": now}));
        assert!(number.is_err(), "a number is not an audience");
        assert_eq!(check_claims(&ok, "another-app", ISS, now), Err(AccessError::WrongAudience));
        assert!(matches!(check_claims(&ok, "app", "https://evil.cloudflareaccess.com", now), Err(AccessError::WrongIssuer(_))));
        // Within the leeway still valid, beyond it expired / not yet valid.
        let just = claims(serde_json::json!("app"), now - LEEWAY_S + 1, None);
        assert!(check_claims(&just, "app", ISS, now).is_ok());
        let expired = claims(serde_json::json!("app"), now - LEEWAY_S - 1, None);
        assert_eq!(check_claims(&expired, "app", ISS, now), Err(AccessError::Expired));
        let early = claims(serde_json::json!("app"), now + 1000, Some(now + LEEWAY_S + 1));
        assert_eq!(check_claims(&early, "app", ISS, now), Err(AccessError::NotYetValid));
        let mut no_mail = ok.clone();
        no_mail.email = None;
        assert_eq!(check_claims(&no_mail, "app", ISS, now), Err(AccessError::NoEmail));
    }

    #[test]
    fn the_email_header_must_agree_with_the_verified_claim() {
        assert!(check_header_email("sanne@example.com", None).is_ok());
        assert!(check_header_email("sanne@example.com", Some("Sanne@Example.com")).is_ok());
        assert_eq!(check_header_email("sanne@example.com", Some("boss@example.com")), Err(AccessError::EmailMismatch));
    }

    #[test]
    fn the_issuer_is_the_team_domain_as_an_https_origin() {
        assert_eq!(issuer("team.cloudflareaccess.com"), ISS);
        assert_eq!(issuer("https://team.cloudflareaccess.com/"), ISS);
        assert_eq!(issuer("http://127.0.0.1:9999"), "http://127.0.0.1:9999");
    }

    #[test]
    fn a_jwks_keeps_its_rsa_keys() {
        let keys = parse_jwks(r#"{"keys":[{"kid":"a","kty":"RSA","n":"xx","e":"AQAB","alg":"RS256"},{"kid":"b","kty":"EC","crv":"P-256","x":"x","y":"y"}]}"#).unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].kid, "a");
        assert!(parse_jwks("{}").is_err());
    }
}
