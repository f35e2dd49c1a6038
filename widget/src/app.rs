//! The widget's components. Domain rules live in `session`; side effects (network, storage,
//! timers) live in `effects`; these components only show state and forward intents.
use std::sync::Arc;

use leptos::prelude::*;
use tandem_shared::faq::FaqIndex;
use tandem_shared::policy::Tier;
use tandem_shared::wire::{Author, ConvStatus};

use crate::config::WidgetConfig;
use crate::effects;
use crate::i18n::Catalog;
use crate::markup::{segments, Segment};
use crate::session::{Entry, Kind, Session};

/// Everything the components share. Signals are `Copy`; the rest is behind `Arc`.
#[derive(Clone)]
pub struct Ctx {
    pub cfg: Arc<WidgetConfig>,
    pub cat: Arc<Catalog>,
    pub api: Arc<crate::api::Api>,
    pub session: RwSignal<Session>,
    pub faq: RwSignal<Option<Arc<FaqIndex>>>,
    pub open: RwSignal<bool>,
    pub online: RwSignal<bool>,
    /// Set once the visitor opened the widget: only then may anything be stored.
    pub consented_storage: RwSignal<bool>,
    pub input: NodeRef<leptos::html::Textarea>,
}

/// The whole panel.
#[component]
pub fn Widget(
    /// Shared state and services.
    ctx: Ctx,
) -> impl IntoView {
    provide_context(ctx.clone());
    let cat = ctx.cat.clone();
    let name = ctx.cfg.persona.name.clone();
    let open = ctx.open;
    let c2 = ctx.clone();
    let on_key = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Escape" {
            effects::set_open(&c2, false);
        }
    };
    view! {
        <div class="panel" role="dialog" aria-modal="false" aria-label=cat.tf("title", &[("name", &name)])
            data-testid="panel" hidden=move || !open.get() on:keydown=on_key>
            <Header/>
            <Disclosure/>
            <Log/>
            <ExpectedWait/>
            <Offline/>
            <EmailForm/>
            <Feedback/>
            <Composer/>
            <footer class="footer">
                <DeleteControl/>
            </footer>
        </div>
    }
}

#[component]
fn Header() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let cat = ctx.cat.clone();
    let name = ctx.cfg.persona.name.clone();
    let avatar = ctx.cfg.persona.avatar.clone();
    let (c1, c2) = (ctx.clone(), ctx.clone());
    let session = ctx.session;
    view! {
        <header class="header">
            {avatar.map(|src| view! { <img class="avatar" src=src alt="" width="32" height="32"/> })}
            <div class="who">
                <strong class="name">{name}</strong>
                <span class="ai-tag" data-testid="ai-tag">{cat.t("ai_label")}</span>
            </div>
            <button type="button" class="human" data-testid="talk-to-person"
                disabled=move || session.with(|s| s.is_with_humans())
                on:click=move |_| effects::request_human(&c1, Tier::Agent)>
                {cat.t("talk_to_person")}
            </button>
            <button type="button" class="close" data-testid="close" aria-label=cat.t("close")
                on:click=move |_| effects::set_open(&c2, false)>"×"</button>
        </header>
    }
}

#[component]
fn Disclosure() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let cat = &ctx.cat;
    let name = ctx.cfg.persona.name.clone();
    let privacy = ctx.cfg.privacy_url.clone();
    view! {
        <section class="disclosure" data-testid="disclosure">
            <p>{cat.tf("disclosure", &[("name", &name)])}" "
                {privacy.map(|href| view! { <a href=href target="_blank" rel="noopener noreferrer">{cat.t("privacy")}</a> })}
            </p>
            <p>{cat.t("human_available")}</p>
        </section>
    }
}

fn label_for(ctx: &Ctx, e: &Entry) -> String {
    match e.author {
        Author::Customer => ctx.cat.t("you"),
        Author::Bot => ctx.cat.tf("bot_label", &[("name", &ctx.cfg.persona.name)]),
        Author::Agent => {
            let name = e.author_name.clone().unwrap_or_default();
            ctx.cat.tf("agent_label", &[("name", &name), ("role", &ctx.cat.t("role_agent"))])
        }
        Author::System => String::new(),
    }
}

#[component]
fn Log() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let session = ctx.session;
    // The catalogue's greeting introduces the assistant by the owner's persona name.
    let greeting = match &ctx.cfg.persona.greeting {
        Some(own) => crate::markup::without_emoji_unless(own, ctx.cfg.persona.emoji),
        None => ctx.cat.tf("greeting", &[("name", &ctx.cfg.persona.name)]),
    };
    let bot_label = ctx.cat.tf("bot_label", &[("name", &ctx.cfg.persona.name)]);
    let log = NodeRef::<leptos::html::Div>::new();
    // Keep the newest message in view as messages arrive and when the panel opens.
    let open = ctx.open;
    Effect::new(move |_| {
        session.with(|s| s.entries.len());
        open.track();
        request_animation_frame(move || {
            if let Some(el) = log.get_untracked() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    });
    view! {
        <div class="log" node_ref=log role="log" aria-live="polite" aria-relevant="additions" data-testid="log">
            <ol class="messages">
                <li class="msg bot greeting" data-author="bot">
                    <span class="label">{bot_label}</span>
                    <p class="text" dir="auto">{greeting}</p>
                </li>
                <For each=move || session.with(|s| s.entries.clone()) key=|e| e.client_id.clone() let:entry>
                    <Message entry=entry/>
                </For>
            </ol>
        </div>
    }
}

#[component]
fn Message(
    /// The message to show.
    entry: Entry,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let author = match entry.author {
        Author::Customer => "customer",
        Author::Bot => "bot",
        Author::Agent => "agent",
        Author::System => "system",
    };
    let label = label_for(&ctx, &entry);
    let session = ctx.session;
    let cid = entry.client_id.clone();
    let pending = move || session.with(|s| s.outbox.iter().any(|o| o.client_id == cid));
    let body = segments(&entry.text)
        .into_iter()
        .map(|seg| match seg {
            Segment::Text(t) => t.into_any(),
            Segment::Link { text, href } => view! { <a href=href target="_blank" rel="noopener noreferrer">{text}</a> }.into_any(),
        })
        .collect_view();
    let source = entry.link.clone().filter(|l| crate::markup::is_safe_href(l)).map(|href| {
        view! { <a class="source" href=href target="_blank" rel="noopener noreferrer">{ctx.cat.t("source")}</a> }
    });
    let offer = (entry.kind == Kind::OfferHuman).then(|| {
        let c = ctx.clone();
        view! {
            <button type="button" class="offer" data-testid="offer-human"
                disabled=move || session.with(|s| s.is_with_humans())
                on:click=move |_| effects::request_human(&c, Tier::Agent)>{ctx.cat.t("talk_to_person")}</button>
        }
    });
    let class = if entry.kind == Kind::Notice { "msg notice".to_string() } else { format!("msg {author}") };
    let cid = entry.client_id.clone();
    let rejection = Memo::new(move |_| session.with(|s| s.rejection(&cid).map(str::to_string)));
    let not_sent = {
        let (c, cid) = (ctx.clone(), entry.client_id.clone());
        move || {
            rejection.get().map(|key| {
                let (c1, c2, id1, id2) = (c.clone(), c.clone(), cid.clone(), cid.clone());
                view! {
                    <p class="not-sent" role="alert" data-testid="not-sent">{c.cat.t(&key)}</p>
                    <p class="not-sent-actions">
                        <button type="button" class="link" data-testid="retry" on:click=move |_| effects::retry(&c1, &id1)>{c.cat.t("retry")}</button>" "
                        <button type="button" class="link" data-testid="remove" on:click=move |_| effects::remove_rejected(&c2, &id2)>{c.cat.t("remove")}</button>
                    </p>
                }
            })
        }
    };
    view! {
        <li class=class data-testid="msg" data-author=author class:pending=pending class:failed=move || rejection.get().is_some()>
            {(!label.is_empty()).then(|| view! { <span class="label">{label}</span> })}
            <p class="text" dir="auto">{body}</p>
            {source}
            {offer}
            {not_sent}
        </li>
    }
}

/// While waiting for a person: the edge's estimate of the wait, when it gives one.
#[component]
fn ExpectedWait() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let (session, cat) = (ctx.session, ctx.cat.clone());
    let text = Memo::new(move |_| session.with(|s| s.wait_text(&cat)));
    move || text.get().map(|t| view! { <p class="wait" role="status" data-testid="expected-wait">{t}</p> })
}

#[component]
fn Offline() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let online = ctx.online;
    let text = ctx.cat.t("offline");
    view! {
        <Show when=move || !online.get()>
            <p class="offline" role="status" data-testid="offline">{text.clone()}</p>
        </Show>
    }
}

#[component]
fn Composer() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let input = ctx.input;
    let c1 = ctx.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(el) = input.get() {
            let text = el.value();
            if !text.trim().is_empty() {
                el.set_value("");
                effects::send(&c1, text.trim().to_string());
            }
        }
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        // Enter sends, Shift+Enter makes a new line.
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            if let Some(form) = input.get().and_then(|el| el.form()) {
                let _ = form.request_submit();
            }
        }
    };
    view! {
        <form class="composer" data-testid="composer" on:submit=submit>
            <label class="visually-hidden" for="tandem-input">{ctx.cat.t("placeholder")}</label>
            <textarea id="tandem-input" node_ref=input data-testid="input" rows="1" maxlength="4000"
                placeholder=ctx.cat.t("placeholder") on:keydown=on_key></textarea>
            <button type="submit" class="send" data-testid="send">{ctx.cat.t("send")}</button>
        </form>
    }
}

#[component]
fn DeleteControl() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let confirming = RwSignal::new(false);
    let c1 = ctx.clone();
    let (t_delete, t_confirm) = (ctx.cat.t("delete"), ctx.cat.t("delete_confirm"));
    let yes = if ctx.cat.lang() == tandem_shared::Lang::Nl { "Ja, verwijderen" } else { "Yes, delete" };
    let no = if ctx.cat.lang() == tandem_shared::Lang::Nl { "Annuleren" } else { "Cancel" };
    view! {
        <Show when=move || confirming.get()
            fallback=move || view! { <button type="button" class="link" data-testid="delete" on:click=move |_| confirming.set(true)>{t_delete.clone()}</button> }>
            <span role="alert">{t_confirm.clone()}</span>" "
            <button type="button" class="link" data-testid="delete-confirm"
                on:click={ let c = c1.clone(); move |_| { confirming.set(false); effects::delete(&c); } }>{yes}</button>" "
            <button type="button" class="link" data-testid="delete-cancel" on:click=move |_| confirming.set(false)>{no}</button>
        </Show>
    }
}

#[component]
fn EmailForm() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let show = RwSignal::new(false);
    let done = RwSignal::new(None::<String>);
    let error = RwSignal::new(false);
    let email = NodeRef::<leptos::html::Input>::new();
    let consent = NodeRef::<leptos::html::Input>::new();
    let session = ctx.session;
    let cfg = ctx.cfg.clone();
    // Offer e-mail only when escalated outside business hours.
    Effect::new(move |_| {
        let waiting = session.with(|s| s.status == ConvStatus::Waiting);
        let closed = cfg.business_hours.as_ref().is_some_and(|h| !h.is_open(js_sys::Date::now()));
        show.set(waiting && closed);
    });
    let hours = ctx.cfg.business_hours.as_ref().map(|h| h.describe()).unwrap_or_default();
    let cat = ctx.cat.clone();
    let c1 = ctx.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let addr = email.get().map(|e| e.value()).unwrap_or_default();
        let ok = consent.get().is_some_and(|c| c.checked()) && effects::looks_like_email(&addr);
        error.set(!ok);
        if ok {
            effects::send(&c1, format!("E-mail for a reply / e-mail voor antwoord: {addr}"));
            done.set(Some(addr));
        }
    };
    let texts = Arc::new([
        cat.t("email_thanks"),
        cat.tf("unavailable", &[("hours", &hours)]),
        cat.t("email_label"),
        cat.t("email_consent"),
        cat.t("email_invalid"),
        cat.t("email_send"),
    ]);
    view! {
        <Show when=move || show.get()>
            {
                let texts = texts.clone();
                let submit = submit.clone();
                move || {
                    let t = texts.clone();
                    let invalid = t[4].clone();
                    match done.get() {
                        Some(addr) => view! { <p class="notice" role="status" data-testid="email-thanks">{t[0].replace("{email}", &addr)}</p> }.into_any(),
                        None => view! {
                            <form class="email" data-testid="email-form" on:submit=submit.clone()>
                                <p>{t[1].clone()}</p>
                                <label>{t[2].clone()}" "<input type="email" node_ref=email data-testid="email" autocomplete="email"/></label>
                                <label class="consent"><input type="checkbox" node_ref=consent data-testid="email-consent"/>" "{t[3].clone()}</label>
                                <Show when=move || error.get()><p class="error" role="alert">{invalid.clone()}</p></Show>
                                <button type="submit" data-testid="email-send">{t[5].clone()}</button>
                            </form>
                        }.into_any(),
                    }
                }
            }
        </Show>
    }
}

#[component]
fn Feedback() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let session = ctx.session;
    let rating = RwSignal::new(0u8);
    let nps = RwSignal::new(None::<u8>);
    let comment = NodeRef::<leptos::html::Textarea>::new();
    let show = move || session.with(|s| s.status == ConvStatus::Resolved);
    let sent = move || session.with(|s| s.feedback_sent);
    let c1 = ctx.clone();
    let cat = ctx.cat.clone();
    let ask_nps = ctx.cfg.nps;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = comment.get().map(|c| c.value()).unwrap_or_default();
        let r = rating.get_untracked();
        effects::feedback(&c1, (r > 0).then_some(r), nps.get_untracked(), text);
    };
    view! {
        <Show when=show>
            {
                let cat = cat.clone();
                let submit = submit.clone();
                move || if sent() {
                    view! { <p class="notice" role="status" data-testid="csat-thanks">{cat.t("csat_thanks")}</p> }.into_any()
                } else {
                    let cat2 = cat.clone();
                    view! {
                        <form class="csat" data-testid="csat" on:submit=submit.clone()>
                            <fieldset>
                                <legend>{cat.t("csat_question")}</legend>
                                {(1u8..=5).map(|n| {
                                    let label = cat2.tf("rating_label", &[("n", &n.to_string())]);
                                    view! {
                                        <label class="star"><input type="radio" name="csat" value=n.to_string()
                                            data-testid=format!("csat-{n}") on:change=move |_| rating.set(n)/>
                                            <span aria-hidden="true">{n.to_string()}</span><span class="visually-hidden">{label}</span></label>
                                    }
                                }).collect_view()}
                            </fieldset>
                            {ask_nps.then(|| view! {
                                <label>{cat.t("nps_question")}" "
                                    <input type="number" min="0" max="10" data-testid="nps"
                                        on:input=move |ev| nps.set(event_target_value(&ev).parse().ok().filter(|v: &u8| *v <= 10))/></label>
                            })}
                            <label>{cat.t("csat_comment")}<textarea node_ref=comment data-testid="csat-comment" maxlength="1000"></textarea></label>
                            <button type="submit" data-testid="csat-send">{cat.t("csat_send")}</button>
                        </form>
                    }.into_any()
                }
            }
        </Show>
    }
}
