//! The knowledge base: articles, their JSON format and its validation.
//!
//! `KnowledgeBase::from_json` is the only way a site owner's file enters the
//! engine. It never panics; every rejection names the line (syntax) or the
//! article and field (content) and says what to change.
use serde::{Deserialize, Serialize};

use crate::lang::Lang;

/// Most articles a knowledge base may hold.
pub const MAX_ARTICLES: usize = 2000;
/// Longest answer, in characters.
pub const MAX_ANSWER_CHARS: usize = 4000;
/// Longest question, paraphrase or tag, in characters.
pub const MAX_QUESTION_CHARS: usize = 300;
/// Most paraphrases per article.
pub const MAX_PARAPHRASES: usize = 30;
/// Most tags per article.
pub const MAX_TAGS: usize = 20;
/// Longest link, in characters.
pub const MAX_LINK_CHARS: usize = 2000;
/// Largest knowledge-base file, in bytes (checked before parsing).
pub const MAX_KB_BYTES: usize = 16 * 1024 * 1024;
/// Longest article id, in characters (`[a-z0-9-]{1,64}`).
pub const MAX_ID_CHARS: usize = 64;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Article {
    pub id: String,
    pub lang: Lang,
    pub question: String,
    #[serde(default)]
    pub paraphrases: Vec<String>,
    pub answer: String,
    #[serde(default)]
    pub link: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnowledgeBase {
    pub articles: Vec<Article>,
}

/// Why a knowledge base was rejected. `Display` is written for the site owner.
#[derive(Debug, Clone, PartialEq)]
pub enum KbError {
    /// Not valid JSON, or the wrong shape (unknown field, wrong type, missing field).
    Malformed { line: usize, column: usize, message: String },
    /// The file is larger than [`MAX_KB_BYTES`].
    TooLarge { bytes: usize },
    /// More than [`MAX_ARTICLES`] articles.
    TooManyArticles { count: usize },
    /// One article breaks a rule; `field` is the JSON field name.
    Invalid { index: usize, id: String, field: &'static str, problem: String },
    /// Two articles share an id.
    DuplicateId { id: String, first: usize, second: usize },
}

impl std::fmt::Display for KbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KbError::Malformed { line: 0, message, .. } => write!(f, "knowledge base: {message}"),
            KbError::Malformed { line, column, message } => {
                write!(f, "knowledge base, line {line} column {column}: {message}")
            }
            KbError::TooLarge { bytes } => {
                write!(f, "knowledge base is {bytes} bytes; the limit is {MAX_KB_BYTES} bytes — split it or shorten the answers")
            }
            KbError::TooManyArticles { count } => {
                write!(f, "knowledge base has {count} articles; the limit is {MAX_ARTICLES}")
            }
            KbError::Invalid { index, id, field, problem } => {
                write!(f, "article \"{id}\" (index {index}): field \"{field}\" {problem}")
            }
            KbError::DuplicateId { id, first, second } => {
                write!(f, "article \"{id}\" (index {second}): field \"id\" repeats the id of the article at index {first}; ids must be unique")
            }
        }
    }
}
impl std::error::Error for KbError {}

/// Mirror of [`Article`] with `lang` as free text, so a wrong language gets
/// our message instead of serde's.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArticle {
    id: String,
    lang: String,
    question: String,
    #[serde(default)]
    paraphrases: Vec<String>,
    answer: String,
    #[serde(default)]
    link: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKb {
    articles: Vec<RawArticle>,
}

impl KnowledgeBase {
    /// Parse and validate a knowledge base (format: `kb/README.md`).
    pub fn from_json(text: &str) -> Result<Self, KbError> {
        if text.len() > MAX_KB_BYTES {
            return Err(KbError::TooLarge { bytes: text.len() });
        }
        let raw: RawKb = serde_json::from_str(text).map_err(|e| KbError::Malformed {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        Self::from_raw(raw)
    }

    /// `from_json` for a file parsed elsewhere: the widget parses with the browser's
    /// `JSON.parse` and reads the result with serde-wasm-bindgen, so it ships no JSON parser.
    /// The same rules; a wrong shape is `Malformed` with line 0 (the source has no lines).
    pub fn from_deserializer<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Self, KbError> {
        let raw = RawKb::deserialize(d).map_err(|e| KbError::Malformed { line: 0, column: 0, message: e.to_string() })?;
        Self::from_raw(raw)
    }

    fn from_raw(raw: RawKb) -> Result<Self, KbError> {
        if raw.articles.len() > MAX_ARTICLES {
            return Err(KbError::TooManyArticles { count: raw.articles.len() });
        }
        let mut articles = Vec::with_capacity(raw.articles.len());
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for (index, a) in raw.articles.into_iter().enumerate() {
            let article = validate_article(index, a)?;
            if let Some(&first) = seen.get(&article.id) {
                return Err(KbError::DuplicateId { id: article.id, first, second: index });
            }
            seen.insert(article.id.clone(), index);
            articles.push(article);
        }
        Ok(KnowledgeBase { articles })
    }

    /// Check a knowledge base built in code against the same rules as `from_json`.
    pub fn validate(&self) -> Result<(), KbError> {
        let json = serde_json::to_string(self).map_err(|e| KbError::Malformed { line: 0, column: 0, message: e.to_string() })?;
        KnowledgeBase::from_json(&json).map(|_| ())
    }
}

fn validate_article(index: usize, a: RawArticle) -> Result<Article, KbError> {
    let shown_id = if a.id.is_empty() { format!("#{index}") } else { a.id.chars().take(MAX_ID_CHARS + 8).collect() };
    let bad = |field: &'static str, problem: String| KbError::Invalid { index, id: shown_id.clone(), field, problem };

    if a.id.is_empty() {
        return Err(bad("id", "is empty; use lowercase letters, digits and '-', e.g. \"returns-nl\"".into()));
    }
    if a.id.chars().count() > MAX_ID_CHARS {
        return Err(bad("id", format!("is longer than {MAX_ID_CHARS} characters")));
    }
    if !a.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        return Err(bad("id", "may only contain lowercase letters a-z, digits 0-9 and '-'".into()));
    }
    let lang = match a.lang.as_str() {
        "nl" => Lang::Nl,
        "en" => Lang::En,
        other => {
            let other: String = other.chars().take(20).collect();
            return Err(bad("lang", format!("is \"{other}\"; it must be \"nl\" or \"en\"")));
        }
    };
    check_text(&a.question, MAX_QUESTION_CHARS).map_err(|p| bad("question", p))?;
    if a.paraphrases.len() > MAX_PARAPHRASES {
        return Err(bad("paraphrases", format!("has {} entries; at most {MAX_PARAPHRASES} are allowed", a.paraphrases.len())));
    }
    for (i, p) in a.paraphrases.iter().enumerate() {
        check_text(p, MAX_QUESTION_CHARS).map_err(|e| bad("paraphrases", format!("entry {i} {e}")))?;
    }
    check_text(&a.answer, MAX_ANSWER_CHARS).map_err(|p| bad("answer", p))?;
    // Markdown links in answers are not rejected: the widget turns only http(s), mailto, tel and
    // relative targets into links and shows any other link as literal text (case C01), so one
    // careless link does not take the whole knowledge base offline. `unsafe_answer_links` lets
    // an authoring tool warn about them.
    if let Some(link) = &a.link {
        check_link(link).map_err(|p| bad("link", p))?;
    }
    if a.tags.len() > MAX_TAGS {
        return Err(bad("tags", format!("has {} entries; at most {MAX_TAGS} are allowed", a.tags.len())));
    }
    for (i, t) in a.tags.iter().enumerate() {
        check_text(t, MAX_QUESTION_CHARS).map_err(|e| bad("tags", format!("entry {i} {e}")))?;
    }
    Ok(Article {
        id: a.id,
        lang,
        question: a.question,
        paraphrases: a.paraphrases,
        answer: a.answer,
        link: a.link,
        tags: a.tags,
    })
}

fn check_text(s: &str, max: usize) -> Result<(), String> {
    if s.trim().is_empty() {
        return Err("is empty".into());
    }
    let n = s.chars().count();
    if n > max {
        return Err(format!("is {n} characters long; the limit is {max}"));
    }
    Ok(())
}

/// Schemes a link may use. Links without a scheme (`/delivery.html`,
/// `faq.html#returns`) are relative to the host site and allowed.
pub const ALLOWED_LINK_SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

/// `Ok` when `url` is safe to put in an `href`: no whitespace or control
/// characters, and either relative or one of [`ALLOWED_LINK_SCHEMES`].
pub fn check_link(url: &str) -> Result<(), String> {
    if url.trim().is_empty() {
        return Err("is empty".into());
    }
    if url.chars().count() > MAX_LINK_CHARS {
        return Err(format!("is longer than {MAX_LINK_CHARS} characters"));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control() || c == '\\' || c == '<' || c == '>' || c == '"') {
        return Err("contains spaces, control characters, quotes, '<', '>' or '\\'; percent-encode them".into());
    }
    // A scheme is whatever precedes the first ':' that comes before any '/', '?' or '#'.
    let head_end = url.find(['/', '?', '#']).unwrap_or(url.len());
    if let Some(colon) = url[..head_end].find(':') {
        let scheme = url[..colon].to_ascii_lowercase();
        if !ALLOWED_LINK_SCHEMES.contains(&scheme.as_str()) {
            let shown: String = scheme.chars().take(20).collect();
            return Err(format!("uses the scheme \"{shown}:\"; only http, https, mailto, tel or a relative path like /delivery.html are allowed"));
        }
    }
    Ok(())
}

/// Markdown link targets in an answer that the widget will show as text instead of a link.
pub fn unsafe_answer_links(answer: &str) -> Vec<&str> {
    markdown_link_targets(answer).into_iter().filter(|u| check_link(u).is_err()).collect()
}

/// `scheme:rest` with a URL-like scheme and no whitespace (CommonMark autolink).
fn looks_like_autolink(s: &str) -> bool {
    let Some((scheme, _)) = s.split_once(':') else { return false };
    let mut cs = scheme.chars();
    cs.next().is_some_and(|c| c.is_ascii_alphabetic())
        && cs.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
        && scheme.len() <= 32
        && !s.contains(char::is_whitespace)
}

/// Targets of markdown links `[text](target)` and autolinks `<scheme:...>` in `md`.
pub fn markdown_link_targets(md: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = md;
    while let Some(pos) = rest.find("](") {
        let after = &rest[pos + 2..];
        let end = after.find(')').unwrap_or(after.len());
        let inner = after[..end].trim();
        // `[t](url "title")`: the target is the first word.
        let target = inner.split_whitespace().next().unwrap_or("");
        let target = target.trim_start_matches('<').trim_end_matches('>');
        out.push(if target.is_empty() { inner } else { target });
        rest = &after[end.min(after.len())..];
    }
    let mut rest = md;
    while let Some(pos) = rest.find('<') {
        let after = &rest[pos + 1..];
        let end = after.find('>').unwrap_or(after.len());
        let inner = &after[..end];
        if looks_like_autolink(inner) {
            out.push(inner);
        }
        rest = &after[end.min(after.len())..];
    }
    out
}
