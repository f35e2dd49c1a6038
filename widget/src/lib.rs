//! Tandem's customer-facing widget (Leptos, client-side rendered, wasm32).
//! `loader/tandem.js` draws the bubble and calls [`mount`] when the widget is needed.

pub mod api;
pub mod app;
pub mod config;
pub mod effects;
pub mod i18n;
pub mod json;
pub mod markup;
pub mod session;
pub mod store;
pub mod strict;

use std::sync::Arc;

use leptos::prelude::*;
use tandem_shared::faq::{FaqIndex, KbError, KnowledgeBase};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::app::{Ctx, Widget};
use crate::config::WidgetConfig;
use crate::i18n::Catalog;

const CSS: &str = include_str!("widget.css");

/// What the loader holds on to: lets it open the panel.
#[wasm_bindgen]
pub struct Handle {
    ctx: Option<Ctx>,
}

#[wasm_bindgen]
impl Handle {
    pub fn open(&self) {
        if let Some(ctx) = &self.ctx {
            effects::set_open(ctx, true);
        }
    }
}

fn adopt_styles(root: &web_sys::ShadowRoot, css: &str) -> Result<(), JsValue> {
    // A constructed stylesheet works under a strict CSP (no 'unsafe-inline' for styles) and
    // stays inside the shadow root: nothing is added to the host document.
    let sheet = web_sys::CssStyleSheet::new()?;
    sheet.replace_sync(css)?;
    let existing = js_sys::Reflect::get(root, &"adoptedStyleSheets".into())?;
    let list = js_sys::Array::from(&existing);
    list.push(&sheet);
    js_sys::Reflect::set(root, &"adoptedStyleSheets".into(), &list)?;
    Ok(())
}

/// Mounts the widget into the loader's shadow root. A configuration error is shown in the
/// panel and on the console, naming the field; it never throws into the host page.
#[wasm_bindgen]
pub fn mount(root: web_sys::ShadowRoot, bubble: web_sys::HtmlElement, config: JsValue) -> Handle {
    let doc = match web_sys::window().and_then(|w| w.document()) {
        Some(d) => d,
        None => return Handle { ctx: None },
    };
    let Ok(container) = doc.create_element("div") else { return Handle { ctx: None } };
    let container: web_sys::HtmlElement = container.unchecked_into();
    let _ = container.set_attribute("class", "tandem");
    let _ = root.append_child(&container);
    let _ = adopt_styles(&root, CSS);

    let cfg = match WidgetConfig::from_js(config) {
        Ok(c) => c,
        Err(e) => {
            let msg = Catalog::new(tandem_shared::Lang::En, true).tf("error_config", &[("message", &e.to_string())]);
            web_sys::console::error_1(&format!("[tandem] {msg}").into());
            container.set_text_content(Some(&msg));
            let _ = container.set_attribute("data-testid", "config-error");
            let _ = container.set_attribute("role", "alert");
            return Handle { ctx: None };
        }
    };
    let style = container.style();
    for (var, value) in [("--tandem-accent", &cfg.colors.accent), ("--tandem-bg", &cfg.colors.background), ("--tandem-text", &cfg.colors.text)] {
        let _ = style.set_property(var, value);
    }
    let _ = bubble.style().set_property("--tandem-accent", &cfg.colors.accent);
    effects::set_bubble(bubble.clone());

    let cat = Catalog::new(cfg.lang(), cfg.persona.formal);
    let stored = if cfg.resume { store::load(&cfg.site) } else { None };
    let ctx = Ctx {
        api: Arc::new(api::Api::new(cfg.endpoint(), &cfg.site)),
        cat: Arc::new(cat),
        session: RwSignal::new(stored.unwrap_or_default()),
        faq: RwSignal::new(None),
        open: RwSignal::new(false),
        online: RwSignal::new(true),
        consented_storage: RwSignal::new(false),
        input: NodeRef::new(),
        cfg: Arc::new(cfg),
    };
    if !ctx.cfg.resume {
        store::clear(&ctx.cfg.site);
    }
    let c = ctx.clone();
    leptos::mount::mount_to(container, move || view! { <Widget ctx=c/> }).forget();
    effects::persist(&ctx);
    load_kb(&ctx);
    // The engine's per-word cache and stemmers are set up on first use; do that now, while the
    // browser is idle, so the visitor's first message is answered without that one-off cost.
    let _ = tandem_shared::analyze("hallo, hoe gaat het? hello, how are you?");

    let c = ctx.clone();
    let toggle = Closure::<dyn Fn()>::new(move || effects::set_open(&c, !c.open.get_untracked()));
    let _ = bubble.add_event_listener_with_callback("click", toggle.as_ref().unchecked_ref());
    toggle.forget();
    Handle { ctx: Some(ctx) }
}

/// Fetches and indexes the site's knowledge base; a malformed file is reported, the chat goes on.
fn load_kb(ctx: &Ctx) {
    let Some(url) = ctx.cfg.kb.clone() else { return };
    let faq = ctx.faq;
    let emoji = ctx.cfg.persona.emoji;
    leptos::task::spawn_local(async move {
        let text = match gloo_net::http::Request::get(&url).send().await {
            Ok(r) if r.ok() => r.text().await.unwrap_or_default(),
            Ok(r) => {
                web_sys::console::error_1(&format!("[tandem] knowledge base {url}: HTTP {}", r.status()).into());
                return;
            }
            Err(e) => {
                web_sys::console::error_1(&format!("[tandem] knowledge base {url}: {e}").into());
                return;
            }
        };
        match parse_kb(&text) {
            Ok(mut kb) => {
                // `persona.emoji: false` (the default) holds for answers too: a knowledge base
                // written for other channels may use emoji the owner does not want in the chat.
                for a in &mut kb.articles {
                    a.answer = markup::without_emoji_unless(&a.answer, emoji);
                }
                faq.set(Some(Arc::new(FaqIndex::new(&kb))))
            }
            Err(e) => web_sys::console::error_1(&format!("[tandem] knowledge base {url}: {e}").into()),
        }
    });
}

/// The knowledge base file, parsed by the browser (its syntax errors name line and column), read
/// strictly (`strict`: unknown fields and wrong types are caught, which serde-wasm-bindgen lets
/// through) and checked by the shared crate's rules (which name the article and field).
pub fn parse_kb(text: &str) -> Result<KnowledgeBase, String> {
    if text.len() > tandem_shared::faq::kb::MAX_KB_BYTES {
        return Err(KbError::TooLarge { bytes: text.len() }.to_string());
    }
    let value = json::parse(text).map_err(|e| e.to_string())?;
    let tree = strict::from_js(&value).map_err(|e| format!("knowledge base: {e}"))?;
    kb_from_tree(tree)
}

/// A parsed knowledge base, with the same rules and messages as the native `from_json`
/// (`article "x" (index 1): field "tags" …`). A link inside an answer that `check_link` refuses
/// (`javascript:` …) does not reject the file, as natively: the renderer shows it as literal
/// text (case C01, `markup.rs`), and one careless link must not take every answer offline. It
/// is named on the console so the owner can fix it (`tandem kb-check` lists them too).
pub fn kb_from_tree(tree: strict::Value) -> Result<KnowledgeBase, String> {
    if !matches!(tree, strict::Value::Obj(_)) {
        return Err(format!("knowledge base: the file must hold an object {{\"articles\": […]}}, not {}", tree.kind()));
    }
    // Only the articles' ids are needed to name a shape error, not a copy of the whole base.
    let ids = article_ids(&tree);
    let kb = match KnowledgeBase::from_deserializer(tree) {
        Ok(kb) => kb,
        Err(KbError::Malformed { message, .. }) => return Err(locate(&ids, &message)),
        Err(e) => return Err(e.to_string()),
    };
    for (index, a) in kb.articles.iter().enumerate() {
        if let Some(link) = tandem_shared::faq::kb::unsafe_answer_links(&a.answer).first() {
            let shown: String = link.chars().take(80).collect();
            config::warn(&format!("knowledge base: article \"{}\" (index {index}): the answer links to \"{shown}\", which is shown as text, not as a link (allowed: http, https, mailto, tel, relative)", a.id));
        }
    }
    Ok(kb)
}

/// Each article's id (if it has a usable one), for naming the article of a shape error.
fn article_ids(tree: &strict::Value) -> Vec<Option<String>> {
    match tree.get("articles") {
        Some(strict::Value::Arr(a)) => a
            .iter()
            .map(|x| match x.get("id") {
                Some(strict::Value::Str(id)) if !id.is_empty() => Some(id.chars().take(72).collect()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A shape error (`strict::Error` shown as "`articles[1].tags` invalid type: …") in the native
/// parser's words: the article by id and index, then the field.
fn locate(ids: &[Option<String>], message: &str) -> String {
    let Some((path, problem)) = message.strip_prefix('`').and_then(|m| m.split_once("` ")) else {
        return format!("knowledge base: {message}");
    };
    let mut parts = path.splitn(2, '.');
    let head = parts.next().unwrap_or("");
    let Some(index) = head.strip_prefix("articles[").and_then(|i| i.strip_suffix(']')).and_then(|i| i.parse::<usize>().ok()) else {
        return format!("knowledge base: `{path}` {problem}");
    };
    let id = ids.get(index).cloned().flatten().unwrap_or_else(|| format!("#{index}"));
    let Some(rest) = parts.next() else {
        return format!("article \"{id}\" (index {index}): {problem}");
    };
    // `tags[0]` → field "tags" entry 0
    let (field, entry) = match rest.split_once('[') {
        Some((f, e)) => (f, Some(e.trim_end_matches(']').replace("][", ", "))),
        None => (rest, None),
    };
    let entry = entry.map(|e| format!(" entry {e}")).unwrap_or_default();
    let sep = if problem.starts_with("is ") { " " } else { ": " };
    format!("article \"{id}\" (index {index}): field \"{field}\"{entry}{sep}{problem}")
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn err(json: &str) -> String {
        kb_from_tree(strict::Value::from(serde_json::from_str::<serde_json::Value>(json).unwrap())).expect_err("should be rejected")
    }
    const OK: &str = r#""id":"a","lang":"nl","question":"Wat?","answer":"Dit.""#;

    #[test]
    fn kb_errors_name_the_article_and_field_like_the_native_parser() {
        let one = |extra: &str| err(&format!(r#"{{"articles":[{{{OK}}},{{"id":"b","lang":"nl","question":"Wat?","answer":"Dit."{extra}}}]}}"#));
        assert!(one(r#","answr":"x""#).starts_with(r#"article "b" (index 1): field "answr" is not a known key"#), "{}", one(r#","answr":"x""#));
        assert_eq!(one(r#","tags":"bezorgen""#), r#"article "b" (index 1): field "tags": invalid type: string "bezorgen", expected a sequence"#);
        assert!(one(r#","tags":[1]"#).starts_with(r#"article "b" (index 1): field "tags" entry 0: invalid type"#), "{}", one(r#","tags":[1]"#));
        let missing = err(r#"{"articles":[{"id":"c","lang":"nl","question":"Wat?"}]}"#);
        assert_eq!(missing, r#"article "c" (index 0): field "answer" is required"#);
        assert!(err(r#"{"artikelen":[]}"#).starts_with("knowledge base: `artikelen` is not a known key"));
        assert!(err("[1]").contains("must hold an object"));
        // The shared crate's own rules keep their messages.
        assert_eq!(one(r#","lang2":1"#).contains("lang2"), true);
        assert!(err(&format!(r#"{{"articles":[{{"id":"a","lang":"de","question":"Wat?","answer":"Dit."}}]}}"#)).contains(r#"field "lang" is "de""#));
    }

    #[test]
    fn the_demo_kb_still_loads() {
        let text = include_str!("../../kb/demo-shop.json");
        let kb = kb_from_tree(strict::Value::from(serde_json::from_str::<serde_json::Value>(text).unwrap())).expect("demo kb");
        assert!(kb.articles.len() > 50);
    }
}
