//! Side effects, in one place: network, storage, timers, focus. Everything here reads and
//! writes the `Session` signal; the rules themselves live in `session`.
use std::cell::{Cell, RefCell};

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tandem_shared::policy::Tier;
use wasm_bindgen::JsCast;

use crate::api::ApiError;
use crate::app::Ctx;
use crate::session::Session;
use crate::store;

thread_local! {
    static BUBBLE: RefCell<Option<web_sys::HtmlElement>> = const { RefCell::new(None) };
    static FLUSHING: Cell<bool> = const { Cell::new(false) };
    static POLLING: Cell<bool> = const { Cell::new(false) };
}

pub fn set_bubble(el: web_sys::HtmlElement) {
    BUBBLE.with(|b| *b.borrow_mut() = Some(el));
}

fn next_id() -> String {
    let mut bytes = [0u8; 12];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes).ok())
        .is_some();
    if !filled {
        for b in bytes.iter_mut() {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn looks_like_email(s: &str) -> bool {
    let s = s.trim();
    match s.split_once('@') {
        Some((user, host)) => !user.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.') && !s.contains(char::is_whitespace) && s.len() <= 254,
        None => false,
    }
}

/// Opens or closes the panel. Opening is the visitor's consent to keep the conversation in
/// browser storage; closing returns focus to the bubble.
pub fn set_open(ctx: &Ctx, open: bool) {
    ctx.open.set(open);
    BUBBLE.with(|b| {
        if let Some(b) = b.borrow().as_ref() {
            let _ = b.set_attribute("aria-expanded", if open { "true" } else { "false" });
            if !open {
                let _ = b.focus();
            }
        }
    });
    if open {
        if !ctx.consented_storage.get_untracked() {
            ctx.consented_storage.set(true);
            // Listeners on the host's window only from the first open: until the visitor
            // uses the chat, the widget adds nothing to the page but its host element.
            watch_online(ctx);
            resume(ctx);
        }
        let input = ctx.input;
        request_animation_frame(move || {
            if let Some(el) = input.get_untracked() {
                let _ = el.focus();
            }
        });
        ensure_polling(ctx);
        flush(ctx);
    }
}

/// Saves the session whenever it changes, but only after the visitor opened the widget.
pub fn persist(ctx: &Ctx) {
    let (session, consented, site) = (ctx.session, ctx.consented_storage, ctx.cfg.site.clone());
    Effect::new(move |_| {
        let s = session.get();
        if consented.get() {
            store::save(&site, &s);
        }
    });
}

/// Listens for the browser going on- and offline, to flush queued messages.
pub fn watch_online(ctx: &Ctx) {
    let Some(w) = web_sys::window() else { return };
    ctx.online.set(w.navigator().on_line());
    for (event, state) in [("online", true), ("offline", false)] {
        let c = ctx.clone();
        let cb = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
            c.online.set(state);
            if state {
                flush(&c);
            }
        });
        let _ = w.add_event_listener_with_callback(event, cb.as_ref().unchecked_ref());
        cb.forget();
    }
}

/// A returning visitor: fetch the conversation from the edge and continue where they left off.
fn resume(ctx: &Ctx) {
    let Some((id, token)) = ctx.session.with_untracked(|s| s.conversation.clone()) else { return };
    let c = ctx.clone();
    spawn_local(async move {
        match c.api.start(c.cat.lang(), Some((&id, &token))).await {
            Ok(view) => c.session.update(|s| {
                s.merge(&view.messages, &c.cat);
                s.tier = view.tier.or(s.tier);
                s.set_status(view.status, &c.cat);
            }),
            Err(e) if e.is_gone() => c.session.update(|s| {
                // The conversation expired or was deleted elsewhere: start afresh, keep nothing.
                *s = Session::default();
            }),
            Err(_) => {}
        }
    });
}

/// The visitor sends a message: answered locally at once, then confirmed by the edge.
pub fn send(ctx: &Ctx, text: String) {
    let id = next_id();
    let (faq, cat, name) = (ctx.faq.get_untracked(), ctx.cat.clone(), ctx.cfg.persona.name.clone());
    ctx.session.update(|s| {
        s.customer_message(&id, &text, faq.as_deref(), &cat, &name);
    });
    flush(ctx);
}

async fn ensure_conversation(ctx: &Ctx) -> Result<(String, String), ApiError> {
    if let Some(c) = ctx.session.with_untracked(|s| s.conversation.clone()) {
        return Ok(c);
    }
    let view = ctx.api.start(ctx.cat.lang(), None).await?;
    let pair = (view.id.clone(), view.token.clone());
    ctx.session.update(|s| s.conversation = Some(pair.clone()));
    Ok(pair)
}

/// Sends queued messages in order, one flush at a time; retries with backoff while offline.
pub fn flush(ctx: &Ctx) {
    if FLUSHING.with(|f| f.replace(true)) {
        return;
    }
    let c = ctx.clone();
    spawn_local(async move {
        let mut delay = 1000u32;
        loop {
            let Some(next) = c.session.with_untracked(|s| s.outbox.first().cloned()) else { break };
            let result = async {
                let (id, token) = ensure_conversation(&c).await?;
                c.api.post_message(&id, &token, &next).await
            }
            .await;
            match result {
                Ok(answer) => {
                    c.online.set(true);
                    delay = 1000;
                    let resp = answer.body;
                    c.session.update(|s| {
                        s.acknowledge(&resp.message, resp.status, &resp.decision, &c.cat);
                        s.note_wait(answer.expected_wait_s);
                    });
                    ensure_polling(&c);
                }
                Err(e) if e.is_retryable() => {
                    if matches!(e, ApiError::Network(_)) {
                        c.online.set(false);
                    }
                    TimeoutFuture::new(delay).await;
                    delay = (delay * 2).min(30_000);
                }
                Err(e) => {
                    // Refused for good (unknown site, origin not allowed, too long, malformed):
                    // out of the queue so later messages go, shown to the visitor as not sent.
                    // A handoff that rode on it did not reach anyone either.
                    web_sys::console::error_1(&format!("[tandem] message not accepted: {e}").into());
                    c.session.update(|s| {
                        s.reject(&next.client_id, e.rejection_reason());
                        s.handoff_failed(&c.cat, c.cfg.contact_email.as_deref());
                    });
                }
            }
        }
        FLUSHING.with(|f| f.set(false));
    });
}

/// While a person is involved, long-polls the edge for their replies.
fn ensure_polling(ctx: &Ctx) {
    if POLLING.with(|p| p.get()) || !ctx.session.with_untracked(|s| s.is_with_humans() && s.conversation.is_some()) {
        return;
    }
    POLLING.with(|p| p.set(true));
    let c = ctx.clone();
    spawn_local(async move {
        loop {
            let Some((id, token)) = c.session.with_untracked(|s| s.conversation.clone().filter(|_| s.is_with_humans())) else { break };
            let (after, shown) = c.session.with_untracked(|s| (s.last_seq, s.status));
            match c.api.messages(&id, &token, after, 20, shown).await {
                Ok(answer) => c.session.update(|s| {
                    s.merge(&answer.body.messages, &c.cat);
                    s.set_status(answer.body.status, &c.cat);
                    s.note_wait(answer.expected_wait_s);
                }),
                Err(e) if e.is_gone() => break,
                Err(_) => TimeoutFuture::new(2000).await,
            }
        }
        POLLING.with(|p| p.set(false));
    });
}

/// "Talk to a person": always available, always wins.
pub fn request_human(ctx: &Ctx, tier: Tier) {
    if ctx.session.with_untracked(|s| s.is_with_humans()) {
        return;
    }
    let cat = ctx.cat.clone();
    ctx.session.update(|s| s.escalate_locally(tier, &cat));
    let c = ctx.clone();
    spawn_local(async move {
        for attempt in 0..5u32 {
            let r = async {
                let (id, token) = ensure_conversation(&c).await?;
                c.api.handoff(&id, &token).await
            }
            .await;
            match r {
                Ok(wait) => {
                    c.session.update(|s| {
                        s.handoff_pending = None;
                        s.note_wait(wait);
                    });
                    break;
                }
                Err(e) if e.is_retryable() => TimeoutFuture::new(1000 << attempt).await,
                Err(e) => {
                    // Nobody was reached: the visitor is told so, not promised a person.
                    web_sys::console::error_1(&format!("[tandem] handoff failed: {e}").into());
                    c.session.update(|s| s.handoff_failed(&c.cat, c.cfg.contact_email.as_deref()));
                    break;
                }
            }
        }
        ensure_polling(&c);
    });
}

/// The visitor tries a refused message again.
pub fn retry(ctx: &Ctx, client_id: &str) {
    ctx.session.update(|s| s.retry(client_id));
    flush(ctx);
}

/// The visitor removes a refused message from the log.
pub fn remove_rejected(ctx: &Ctx, client_id: &str) {
    ctx.session.update(|s| s.remove_rejected(client_id));
}

pub fn feedback(ctx: &Ctx, csat: Option<u8>, nps: Option<u8>, comment: String) {
    let Some((id, token)) = ctx.session.with_untracked(|s| s.conversation.clone()) else { return };
    let c = ctx.clone();
    spawn_local(async move {
        let comment = comment.trim();
        let comment = (!comment.is_empty()).then_some(comment);
        if c.api.feedback(&id, &token, csat, nps, comment).await.is_ok() {
            c.session.update(|s| s.feedback_sent = true);
        }
    });
}

/// Deletes the conversation at the edge and in this browser.
pub fn delete(ctx: &Ctx) {
    let conv = ctx.session.with_untracked(|s| s.conversation.clone());
    let c = ctx.clone();
    spawn_local(async move {
        if let Some((id, token)) = conv {
            if let Err(e) = c.api.delete(&id, &token).await {
                if !e.is_gone() {
                    web_sys::console::warn_1(&format!("[tandem] delete failed: {e}").into());
                    return;
                }
            }
        }
        store::clear(&c.cfg.site);
        let text = c.cat.t("deleted");
        c.session.update(|s| {
            *s = Session::default();
            s.notice("deleted", text);
        });
    });
}
