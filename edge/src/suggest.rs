//! AI-assisted replies: GET /v1/inbox/conversations/{id}/suggestions[?q=draft&formal=true|false]
//! → the best-matching knowledge-base articles and two or three replies in the site's tone and
//! the customer's language, each with the reasons it was suggested.
//!
//! Deterministic and explainable: the feeling comes from `tandem_shared::analyze` over the
//! customer's latest messages and the conversation's intents, the articles from
//! `tandem_shared::faq::FaqIndex`, the words from the phrase catalogue `edge/data/replies.json`
//! (data, not code). Nothing is sent: the agent edits and sends.
use std::{collections::BTreeMap, collections::HashMap, rc::Rc};

use serde::Deserialize;
use tandem_shared::{
    analyze,
    faq::{FaqIndex, KnowledgeBase},
    wire::{Author, SuggestedArticle, SuggestedReply, Suggestions},
    Intent, Lang,
};
use worker::{Env, Request, Response};

use crate::conversations::param;
use crate::error::{EdgeError, EdgeResult};
use crate::http::json;
use crate::store::{self, ConvRow, MessageRow};
use crate::Ctx;

/// `data/replies.json`, compacted by build.rs.
const CATALOGUE_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/replies.json"));
/// How many customer messages (the latest) the feeling and the article search look at.
const RECENT_MESSAGES: usize = 3;
const MAX_ARTICLES: usize = 3;
const MAX_QUERY_BYTES: usize = 2000;

#[derive(Debug, Deserialize)]
pub struct Catalogue {
    pub sites: HashMap<String, SiteTone>,
    pub thresholds: Thresholds,
    /// lang → "formal" | "informal" → phrases.
    pub phrases: HashMap<String, HashMap<String, Phrases>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SiteTone {
    pub formal: bool,
    #[serde(default)]
    pub kb: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Thresholds {
    pub frustration: f32,
    pub uncertainty: f32,
    pub urgency: f32,
    pub article: f32,
}

#[derive(Debug, Deserialize)]
pub struct Phrases {
    pub acknowledge: BTreeMap<String, String>,
    pub next_step: BTreeMap<String, String>,
    pub close: String,
}

impl Catalogue {
    pub fn parse(text: &str) -> Result<Catalogue, String> {
        serde_json::from_str(text).map_err(|e| format!("edge/data/replies.json: {e}"))
    }
    fn phrases(&self, lang: Lang, formal: bool) -> Option<&Phrases> {
        let lang = if lang == Lang::Nl { "nl" } else { "en" };
        self.phrases.get(lang)?.get(if formal { "formal" } else { "informal" })
    }
}

/// What the suggestions are built from.
#[derive(Debug, Clone, Default)]
pub struct Signals {
    pub lang: Lang,
    pub formal: bool,
    pub query: String,
    pub frustration: f32,
    pub uncertainty: f32,
    pub urgency: f32,
    pub intents: Vec<Intent>,
}

/// The acknowledgement for the strongest feeling or moment, and why it was chosen.
fn acknowledgement(sig: &Signals, t: &Thresholds) -> (&'static str, String) {
    let has = |i: Intent| sig.intents.contains(&i);
    if has(Intent::Vulnerable) {
        return ("vulnerable", "acknowledges a vulnerable moment (intent `vulnerable`)".into());
    }
    if has(Intent::LegalThreat) {
        return ("legal_threat", "acknowledges the legal threat (intent `legal_threat`)".into());
    }
    if sig.frustration >= t.frustration {
        return ("frustration", format!("acknowledges frustration ({:.2} ≥ {:.2})", sig.frustration, t.frustration));
    }
    if has(Intent::Complaint) {
        return ("complaint", "acknowledges the complaint (intent `complaint`)".into());
    }
    if sig.urgency >= t.urgency {
        return ("urgency", format!("acknowledges urgency ({:.2} ≥ {:.2})", sig.urgency, t.urgency));
    }
    if sig.uncertainty >= t.uncertainty {
        return ("uncertainty", format!("acknowledges uncertainty ({:.2} ≥ {:.2})", sig.uncertainty, t.uncertainty));
    }
    for (i, key) in [(Intent::Refund, "refund"), (Intent::Cancellation, "cancellation"), (Intent::ComplexOrder, "complex_order")] {
        if has(i) {
            return (key, format!("acknowledges the request (intent `{key}`)"));
        }
    }
    if has(Intent::HumanRequest) {
        return ("human_request", "introduces a person: the customer asked for one".into());
    }
    ("neutral", "no strong feeling detected: a neutral introduction".into())
}

/// The next step that fits the conversation's moment.
fn moment_step(sig: &Signals) -> (&'static str, String) {
    let has = |i: Intent| sig.intents.contains(&i);
    for (i, key) in [
        (Intent::Vulnerable, "specialist"),
        (Intent::LegalThreat, "legal_threat"),
        (Intent::Refund, "refund"),
        (Intent::Cancellation, "cancellation"),
        (Intent::ComplexOrder, "complex_order"),
    ] {
        if has(i) {
            return (key, format!("next step for intent `{}`", store::name(&i)));
        }
    }
    ("lookup", "next step: look it up for the customer (no specific moment detected)".into())
}

fn join(parts: &[&str]) -> String {
    parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ")
}

/// The articles and replies for `sig` (pure; the route gathers the signals).
pub fn suggest(cat: &Catalogue, index: Option<&FaqIndex>, sig: &Signals) -> Suggestions {
    let mut articles = Vec::new();
    if let (Some(index), false) = (index, sig.query.trim().is_empty()) {
        for m in index.search(&sig.query, sig.lang, MAX_ARTICLES * 3) {
            let Some(a) = index.article(&m.article_id) else { continue };
            if (sig.lang == Lang::Unknown || a.lang == sig.lang) && m.confidence >= 0.05 && articles.len() < MAX_ARTICLES {
                articles.push(SuggestedArticle {
                    article_id: a.id.clone(),
                    question: a.question.clone(),
                    answer: a.answer.clone(),
                    link: a.link.clone(),
                    confidence: m.confidence,
                });
            }
        }
    }
    let mut replies = Vec::new();
    let Some(p) = cat.phrases(sig.lang, sig.formal) else {
        return Suggestions { lang: sig.lang, formal: sig.formal, query: sig.query.clone(), articles, replies };
    };
    let (ack_key, ack_reason) = acknowledgement(sig, &cat.thresholds);
    let ack = p.acknowledge.get(ack_key).map(String::as_str).unwrap_or_default();
    let step = |k: &str| p.next_step.get(k).map(String::as_str).unwrap_or_default();
    let tone = format!(
        "{} address, {}",
        if sig.formal { "formal (u/you)" } else { "informal (je/you)" },
        if sig.lang == Lang::Nl { "Dutch" } else { "English" }
    );
    if let Some(a) = articles.first().filter(|a| a.confidence >= cat.thresholds.article) {
        let answer = step("article").replace("{answer}", &a.answer);
        let link = a
            .link
            .as_deref()
            .filter(|l| l.starts_with("https://"))
            .map(|l| step("link").replace("{link}", l))
            .unwrap_or_default();
        replies.push(SuggestedReply {
            text: join(&[ack, &answer, &link, &p.close]),
            reasons: vec![
                ack_reason.clone(),
                format!("next step from article `{}` (confidence {:.2} ≥ {:.2})", a.article_id, a.confidence, cat.thresholds.article),
                tone.clone(),
            ],
            article_id: Some(a.article_id.clone()),
        });
    }
    let (step_key, step_reason) = moment_step(sig);
    replies.push(SuggestedReply {
        text: join(&[ack, step(step_key), &p.close]),
        reasons: vec![ack_reason.clone(), step_reason, tone.clone()],
        article_id: None,
    });
    if step_key != "details" {
        replies.push(SuggestedReply {
            text: join(&[ack, step("details")]),
            reasons: vec![ack_reason, "next step: ask for the order number to look it up".into(), tone],
            article_id: None,
        });
    }
    replies.truncate(3);
    Suggestions { lang: sig.lang, formal: sig.formal, query: sig.query.clone(), articles, replies }
}

// ----------------------------------------------------------------------------- per isolate
thread_local! {
    static CATALOGUE: Rc<Result<Catalogue, String>> = Rc::new(Catalogue::parse(CATALOGUE_JSON));
    static INDEXES: std::cell::RefCell<HashMap<String, Option<Rc<FaqIndex>>>> = Default::default();
}

fn index_of(name: &str, text: &str) -> Option<Rc<FaqIndex>> {
    match KnowledgeBase::from_json(text) {
        Ok(kb) => Some(Rc::new(FaqIndex::new(&kb))),
        Err(e) => {
            // Suggestions go on without articles (replies still come from the catalogue); the
            // operator finds the reason in the worker's log (`wrangler tail`), once per isolate.
            worker::console_error!("knowledge base kb/{name}.json is not usable, suggestions have no articles: {e}");
            None
        }
    }
}

/// The index of knowledge base `kb` (the name `replies.json` gives a site), built on first use
/// from the static asset `/kb/<kb>.json` (`kb/` copied by scripts/build.sh; not in the wasm). A base
/// that is missing or does not parse is remembered as none; a failed read is tried again.
async fn index_for(env: &Env, kb: &str) -> Option<Rc<FaqIndex>> {
    if let Some(cached) = INDEXES.with(|m| m.borrow().get(kb).cloned()) {
        return cached;
    }
    let resp = env.assets(crate::config::ASSETS).ok()?.fetch(format!("https://assets.invalid/kb/{kb}.json"), None).await;
    let index = match resp {
        Ok(mut r) if r.status_code() == 200 => index_of(kb, &r.text().await.ok()?),
        Ok(r) => {
            worker::console_error!("knowledge base kb/{kb}.json: the assets answered {}; suggestions have no articles", r.status_code());
            None
        }
        Err(_) => return None,
    };
    INDEXES.with(|m| m.borrow_mut().insert(kb.to_string(), index.clone()));
    index
}

/// GET /v1/inbox/conversations/{id}/suggestions[?q=&formal=] — while the agent types (the
/// first suggestions come with the detail, `?with=suggestions`, in the same round trip).
pub async fn suggestions(req: Request, rc: Ctx) -> EdgeResult<Response> {
    let who = crate::inbox_page::agent(&req, &rc).await?;
    let id = param(&rc, "id")?;
    let [draft, formal] = crate::inbox::query_params(&req, ["q", "formal"])?;
    let db = store::db(&rc.env)?;
    let conv = crate::inbox_page::load_conv_for(&db, &who, &id).await?;
    let rows: Vec<MessageRow> = store::all(
        &db,
        "SELECT * FROM messages WHERE conversation_id = ? AND author = 'customer' ORDER BY seq DESC LIMIT ?",
        &[store::s(&id), store::n(RECENT_MESSAGES as i64)],
    )
    .await?;
    let formal = match formal.as_deref() {
        None | Some("") => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => return Err(EdgeError::BadRequest("`formal` must be true or false (or left out: the site's setting)".into())),
    };
    json(&for_conversation(&rc.env, &conv, &rows, draft.as_deref(), formal).await?, 200)
}

/// The suggestions for a conversation from its stored messages (any order, any authors: the
/// latest RECENT_MESSAGES customer messages are used); `draft` replaces them as the article
/// query when the agent has typed something. The catalogue and the knowledge-base index are
/// built once per isolate (the first use reads the base from the assets).
pub async fn for_conversation(
    env: &Env,
    conv: &ConvRow,
    rows: &[MessageRow],
    draft: Option<&str>,
    formal: Option<bool>,
) -> EdgeResult<Suggestions> {
    let cat = CATALOGUE.with(Rc::clone);
    let cat = cat.as_ref().as_ref().map_err(|e| EdgeError::Config(e.clone()))?;
    let site = cat.sites.get(&conv.site).cloned().unwrap_or(SiteTone { formal: true, kb: None });
    let mut sig = Signals {
        lang: conv.lang,
        formal: formal.unwrap_or(site.formal),
        intents: serde_json::from_str(&conv.intents).unwrap_or_default(),
        ..Signals::default()
    };
    // The latest RECENT_MESSAGES customer messages, oldest first (kept in order as they are
    // found: no sort, whose every instantiation costs kilobytes of wasm).
    let mut recent: Vec<&MessageRow> = Vec::with_capacity(RECENT_MESSAGES + 1);
    for m in rows.iter().filter(|m| m.author == Author::Customer) {
        let at = recent.iter().position(|r| r.seq > m.seq).unwrap_or(recent.len());
        recent.insert(at, m);
        if recent.len() > RECENT_MESSAGES {
            recent.remove(0);
        }
    }
    let mut texts: Vec<&str> = Vec::new();
    for m in recent {
        let a = analyze(&m.text);
        sig.frustration = sig.frustration.max(a.tone.frustration);
        sig.uncertainty = sig.uncertainty.max(a.tone.uncertainty);
        sig.urgency = sig.urgency.max(a.tone.urgency);
        if sig.lang == Lang::Unknown {
            sig.lang = a.lang;
        }
        for h in a.intents {
            if !sig.intents.contains(&h.intent) {
                sig.intents.push(h.intent);
            }
        }
        texts.push(&m.text);
    }
    let draft = draft.unwrap_or_default();
    sig.query = if draft.trim().is_empty() { texts.join(" ") } else { draft.to_string() };
    if sig.query.len() > MAX_QUERY_BYTES {
        let mut cut = MAX_QUERY_BYTES;
        while !sig.query.is_char_boundary(cut) {
            cut -= 1;
        }
        sig.query.truncate(cut);
    }
    let index = match site.kb.as_deref() {
        Some(kb) => index_for(env, kb).await,
        None => None,
    };
    Ok(suggest(cat, index.as_deref(), &sig))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cat() -> Catalogue {
        Catalogue::parse(CATALOGUE_JSON).expect("the catalogue parses")
    }

    /// A site's knowledge base as scripts/build.sh ships it: `kb/<name>.json`.
    fn kb_index(name: &str) -> Option<Rc<FaqIndex>> {
        let path = format!("{}/../kb/{name}.json", env!("CARGO_MANIFEST_DIR"));
        // Not `index_of`: its error path logs through the worker's console, absent natively.
        let kb = KnowledgeBase::from_json(&std::fs::read_to_string(path).ok()?).ok()?;
        Some(Rc::new(FaqIndex::new(&kb)))
    }

    fn sig(lang: Lang, formal: bool, query: &str) -> Signals {
        Signals { lang, formal, query: query.into(), ..Signals::default() }
    }

    #[test]
    fn every_language_and_address_has_every_phrase() {
        let c = cat();
        let ack_keys = ["vulnerable", "legal_threat", "frustration", "complaint", "urgency", "uncertainty", "refund",
            "cancellation", "complex_order", "human_request", "neutral"];
        let step_keys = ["article", "link", "lookup", "details", "refund", "cancellation", "complex_order", "specialist", "legal_threat"];
        for lang in ["nl", "en"] {
            for addr in ["formal", "informal"] {
                let p = &c.phrases[lang][addr];
                let ack: Vec<&str> = p.acknowledge.keys().map(String::as_str).collect();
                let step: Vec<&str> = p.next_step.keys().map(String::as_str).collect();
                let (mut a, mut s) = (ack_keys.to_vec(), step_keys.to_vec());
                a.sort();
                s.sort();
                assert_eq!(ack, a, "{lang}/{addr} acknowledge keys");
                assert_eq!(step, s, "{lang}/{addr} next_step keys");
                assert!(p.acknowledge.values().chain(p.next_step.values()).all(|v| !v.trim().is_empty()));
                assert!(!p.close.trim().is_empty());
                assert_eq!(p.next_step["article"], "{answer}");
                assert!(p.next_step["link"].contains("{link}"));
            }
        }
        // Informal Dutch never says "u", formal Dutch never says "je".
        let words = |t: &str| t.split(|c: char| !c.is_alphabetic()).map(str::to_lowercase).collect::<Vec<_>>();
        for v in c.phrases["nl"]["informal"].acknowledge.values().chain(c.phrases["nl"]["informal"].next_step.values()) {
            assert!(!words(v).iter().any(|w| w == "u" || w == "uw"), "informal: {v}");
        }
        for v in c.phrases["nl"]["formal"].acknowledge.values().chain(c.phrases["nl"]["formal"].next_step.values()) {
            assert!(!words(v).iter().any(|w| w == "je" || w == "jij" || w == "jouw"), "formal: {v}");
        }
        for s in c.sites.values() {
            if let Some(kb) = &s.kb {
                assert!(kb_index(kb).is_some(), "site kb `{kb}` is kb/{kb}.json and parses");
            }
        }
    }

    #[test]
    fn a_frustrated_dutch_customer_gets_an_article_and_a_next_step_informally() {
        let c = cat();
        let idx = kb_index("demo-shop").expect("kb");
        let mut s = sig(Lang::Nl, false, "ik wil mijn bestelling retourneren, hoe werkt dat");
        s.frustration = 0.7;
        s.intents = vec![Intent::Refund];
        let out = suggest(&c, Some(&idx), &s);
        assert!(!out.articles.is_empty());
        assert!(out.articles[0].article_id.starts_with("returns-"), "{:?}", out.articles);
        assert!(out.articles.iter().all(|a| a.article_id.ends_with("-nl")));
        assert_eq!(out.replies.len(), 3);
        let first = &out.replies[0];
        assert!(first.text.starts_with("Ik snap dat dit frustrerend is"), "{}", first.text);
        assert!(first.reasons[0].contains("frustration (0.70 ≥ 0.40)"));
        assert!(first.article_id.is_some());
        assert!(out.replies[1].text.contains("terugbetaling nu voor je in gang"), "{}", out.replies[1].text);
        assert!(out.replies[1].reasons[1].contains("`refund`"));
        assert!(out.replies[2].text.contains("bestelnummer"));
    }

    #[test]
    fn formal_english_without_feelings_is_neutral() {
        let c = cat();
        let out = suggest(&c, None, &sig(Lang::En, true, ""));
        assert!(out.articles.is_empty());
        assert_eq!(out.replies.len(), 2, "no article: the moment's step and the details question");
        assert!(out.replies[0].text.starts_with("Good day"));
        assert!(out.replies[0].reasons[0].starts_with("no strong feeling"));
        assert!(out.replies[0].reasons[2].starts_with("formal"));
    }

    #[test]
    fn sensitive_moments_win_over_frustration() {
        let c = cat();
        let mut s = sig(Lang::Nl, true, "");
        s.frustration = 0.9;
        s.intents = vec![Intent::Complaint, Intent::Vulnerable];
        let out = suggest(&c, None, &s);
        assert!(out.replies[0].text.contains("gecondoleerd"));
        assert!(out.replies[0].text.contains("specialist"));
        assert!(out.replies[0].reasons[0].contains("vulnerable"));
    }

    #[test]
    fn the_same_signals_give_the_same_suggestions() {
        let c = cat();
        let idx = kb_index("demo-shop").expect("kb");
        let s = sig(Lang::En, false, "where is my parcel, it has not arrived");
        assert_eq!(suggest(&c, Some(&idx), &s), suggest(&c, Some(&idx), &s));
    }
}
