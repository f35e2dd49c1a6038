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

/// The knowledge base file, parsed by the browser (its syntax errors name line and column) and
/// checked by the shared crate's rules (which name the article and field).
pub fn parse_kb(text: &str) -> Result<KnowledgeBase, String> {
    if text.len() > tandem_shared::faq::kb::MAX_KB_BYTES {
        return Err(KbError::TooLarge { bytes: text.len() }.to_string());
    }
    let value = json::parse(text).map_err(|e| e.to_string())?;
    match KnowledgeBase::from_deserializer(serde_wasm_bindgen::Deserializer::from(value.clone())) {
        Ok(kb) => Ok(kb),
        Err(KbError::Malformed { message, .. }) => {
            Err(locate_shape_error(&value).unwrap_or_else(|| format!("knowledge base: {}", json::shape_message(message))))
        }
        Err(e) => Err(e.to_string()),
    }
}

/// A parsed object has no lines, so a wrong shape (missing field, wrong type) is placed by
/// article instead: the first article that fails on its own is named with its index and id.
fn locate_shape_error(value: &JsValue) -> Option<String> {
    let articles: js_sys::Array = js_sys::Reflect::get(value, &"articles".into()).ok()?.dyn_into().ok()?;
    for (index, article) in articles.iter().enumerate() {
        let one = js_sys::Object::new();
        js_sys::Reflect::set(&one, &"articles".into(), &js_sys::Array::of1(&article)).ok()?;
        if let Err(KbError::Malformed { message, .. }) = KnowledgeBase::from_deserializer(serde_wasm_bindgen::Deserializer::from(JsValue::from(one))) {
            let id = js_sys::Reflect::get(&article, &"id".into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
            return Some(format!("knowledge base: article \"{id}\" (index {index}): {}", json::shape_message(message)));
        }
    }
    None
}
