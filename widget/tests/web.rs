//! Component tests of the widget in headless Chromium: mounted into a shadow root exactly as the
//! loader does, checked through the `data-testid` hooks a user-facing test would use.
#![cfg(target_arch = "wasm32")]

use gloo_timers::future::TimeoutFuture;
use tandem_widget::mount;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, ShadowRoot, ShadowRootInit, ShadowRootMode};

wasm_bindgen_test_configure!(run_in_browser);

struct Mounted {
    root: ShadowRoot,
    bubble: HtmlElement,
    handle: tandem_widget::Handle,
}

fn doc() -> web_sys::Document {
    web_sys::window().expect("window").document().expect("document")
}

/// Mounts a widget whose edge is unreachable (port 9 refuses): the browser-side behaviour
/// must not depend on the network.
fn mount_widget(site: &str, config: &str) -> Mounted {
    let doc = doc();
    let host: HtmlElement = doc.create_element("div").expect("div").unchecked_into();
    doc.body().expect("body").append_child(&host).expect("append");
    let init = ShadowRootInit::new(ShadowRootMode::Open);
    let root = host.attach_shadow(&init).expect("shadow");
    let bubble: HtmlElement = doc.create_element("button").expect("button").unchecked_into();
    root.append_child(&bubble).expect("bubble");
    let json = config.replace("SITE", site);
    let cfg = js_sys::JSON::parse(&json).expect("test config is JSON");
    let handle = mount(root.clone(), bubble.clone(), cfg);
    Mounted { root, bubble, handle }
}

const CONFIG: &str = r#"{"endpoint":"http://127.0.0.1:9","site":"SITE","lang":"en","persona":{"name":"Sam"}}"#;

async fn tick() {
    TimeoutFuture::new(30).await;
}

fn q(root: &ShadowRoot, sel: &str) -> Option<HtmlElement> {
    root.query_selector(sel).ok().flatten().map(|e| e.unchecked_into())
}

fn storage_has(site: &str) -> bool {
    let s = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    s.get_item(&format!("tandem:v1:{site}")).unwrap().is_some()
}

#[wasm_bindgen_test]
async fn disclosure_and_ai_label_before_the_first_message() {
    let m = mount_widget("t-disclosure", CONFIG);
    tick().await;
    let panel = q(&m.root, "[data-testid=panel]").expect("panel");
    assert!(panel.hidden(), "closed until the visitor opens it");
    assert!(!storage_has("t-disclosure"), "nothing stored before the widget is opened");
    m.handle.open();
    tick().await;
    assert!(!panel.hidden());
    let disclosure = q(&m.root, "[data-testid=disclosure]").expect("disclosure").inner_text();
    assert!(disclosure.contains("AI assistant"), "{disclosure}");
    assert!(disclosure.contains("person"), "{disclosure}");
    assert!(q(&m.root, "[data-testid=talk-to-person]").is_some());
    assert!(storage_has("t-disclosure"), "stored once opened");
}

#[wasm_bindgen_test]
async fn c01_hostile_markup_is_shown_as_text() {
    let m = mount_widget("t-c01", CONFIG);
    m.handle.open();
    tick().await;
    let input: web_sys::HtmlTextAreaElement = m.root.query_selector("[data-testid=input]").unwrap().unwrap().unchecked_into();
    input.set_value("<img src=x onerror=alert(1)>");
    q(&m.root, "[data-testid=send]").expect("send").click();
    tick().await;
    let log = q(&m.root, "[data-testid=log]").expect("log");
    assert!(log.query_selector("img").unwrap().is_none(), "no element created from message text");
    assert!(log.inner_text().contains("<img src=x onerror=alert(1)>"));
    // Later messages still work.
    input.set_value("hello");
    q(&m.root, "[data-testid=send]").expect("send").click();
    tick().await;
    let customer = m.root.query_selector_all("[data-author=customer]").unwrap().length();
    assert_eq!(customer, 2);
}

#[wasm_bindgen_test]
async fn escape_closes_and_focus_returns_to_the_bubble() {
    let m = mount_widget("t-focus", CONFIG);
    m.handle.open();
    tick().await;
    assert_eq!(m.bubble.get_attribute("aria-expanded").as_deref(), Some("true"));
    q(&m.root, "[data-testid=close]").expect("close").click();
    tick().await;
    assert!(q(&m.root, "[data-testid=panel]").unwrap().hidden());
    assert_eq!(m.bubble.get_attribute("aria-expanded").as_deref(), Some("false"));
    let active = m.root.active_element().expect("focus inside the shadow root");
    assert!(active.is_same_node(Some(&m.bubble)));
}

#[wasm_bindgen_test]
async fn a_bad_config_names_the_field() {
    let m = mount_widget("t-bad", r#"{"endpoint":"javascript:alert(1)","site":"SITE"}"#);
    tick().await;
    let err = q(&m.root, "[data-testid=config-error]").expect("error shown").inner_text();
    assert!(err.contains("endpoint"), "{err}");
}

#[wasm_bindgen_test]
async fn unknown_keys_and_unknown_colours_are_named() {
    for (config, named) in [
        (r#"{"endpoint":"http://127.0.0.1:9","site":"SITE","colour":"red"}"#, "`colour`"),
        (r#"{"endpoint":"http://127.0.0.1:9","site":"SITE","persona":{"nam":"Sam"}}"#, "`persona.nam`"),
        (r#"{"endpoint":"http://127.0.0.1:9","site":"SITE","colors":{"accent":"blurple"}}"#, "`colors.accent`"),
    ] {
        let m = mount_widget("t-keys", config);
        tick().await;
        let err = q(&m.root, "[data-testid=config-error]").expect("error shown").inner_text();
        assert!(err.contains(named), "{err}");
    }
}

#[wasm_bindgen_test]
async fn talk_to_a_person_is_always_reachable_and_hands_off_once() {
    let m = mount_widget("t-human", CONFIG);
    m.handle.open();
    tick().await;
    let button = q(&m.root, "[data-testid=talk-to-person]").expect("button");
    button.click();
    tick().await;
    let log = q(&m.root, "[data-testid=log]").unwrap().inner_text();
    assert!(log.contains("handing you over") || log.contains("handing your conversation"), "{log}");
    assert!(button.has_attribute("disabled"));
}

#[wasm_bindgen_test]
fn the_wait_estimate_is_read_from_the_edge_answer() {
    let parse = |s: &str| js_sys::JSON::parse(s).expect("test JSON");
    assert_eq!(tandem_widget::api::wait_hint(&parse(r#"{"status":"waiting","tier":"agent","expected_wait_s":240}"#)), Some(240));
    assert_eq!(tandem_widget::api::wait_hint(&parse(r#"{"status":"waiting","tier":"agent"}"#)), None, "the edge may not know");
    assert_eq!(tandem_widget::api::wait_hint(&parse(r#"{"expected_wait_s":"soon"}"#)), None, "only a number of seconds counts");
}

#[wasm_bindgen_test]
async fn handoff_shows_the_expected_wait_when_the_edge_gives_one() {
    use tandem_shared::{policy::Tier, Lang};
    use tandem_widget::{i18n::Catalog, session::Session};
    // A returning visitor waiting for a person, with the edge's last estimate (4 minutes).
    let mut s = Session::default();
    s.escalate_locally(Tier::Agent, &Catalog::new(Lang::En, true));
    s.note_wait(Some(240));
    tandem_widget::store::save("t-wait", &s);
    let m = mount_widget("t-wait", CONFIG);
    m.handle.open();
    tick().await;
    let wait = q(&m.root, "[data-testid=expected-wait]").expect("expected wait shown").inner_text();
    assert!(wait.contains("about 4 minutes"), "{wait}");
    let log = q(&m.root, "[data-testid=log]").unwrap().inner_text();
    assert!(log.contains("A person will reply"), "{log}");
}

#[wasm_bindgen_test]
fn c06_the_session_survives_a_round_trip_through_browser_storage() {
    use tandem_shared::{policy::Tier, wire::Author, wire::WireMessage, Lang};
    use tandem_widget::{i18n::Catalog, session::Session};
    let cat = Catalog::new(Lang::Nl, false);
    let mut s = Session { conversation: Some(("c1".into(), "tok".into())), ..Session::default() };
    s.customer_message("m1", "waar is mijn pakket??", None, &cat, "Sam");
    s.escalate_locally(Tier::Specialist, &cat);
    let agent = WireMessage { seq: 9_007_199_254, client_id: "r1".into(), author: Author::Agent, author_name: Some("Sanne".into()), text: "Ik kijk even".into(), at: 1_796_290_200_000, article_id: None };
    s.merge(&[agent], &cat);
    tandem_widget::store::save("t-roundtrip", &s);
    assert_eq!(tandem_widget::store::load("t-roundtrip"), Some(s));
    tandem_widget::store::clear("t-roundtrip");
    assert_eq!(tandem_widget::store::load("t-roundtrip"), None);
}

#[wasm_bindgen_test]
fn a_malformed_knowledge_base_is_rejected_with_the_place_named() {
    let kb = tandem_widget::parse_kb(include_str!("../../kb/demo-shop.json")).expect("the demo knowledge base parses");
    assert!(kb.articles.len() >= 40);
    let syntax = tandem_widget::parse_kb("{\"articles\": [\n  {\"id\": \"a\",}\n]}").expect_err("trailing comma");
    assert!(syntax.contains("line 2"), "the browser's parser names the line: {syntax}");
    let shape = tandem_widget::parse_kb(r#"{"articles":[{"id":"ok","lang":"en","question":"q?","answer":"a"},{"id":"b","lang":"en","question":"q?"}]}"#)
        .expect_err("no answer");
    assert_eq!(shape, r#"article "b" (index 1): field "answer" is required"#);
    let top = tandem_widget::parse_kb(r#"{"artikelen":[]}"#).expect_err("wrong top-level field");
    assert!(top.contains("`artikelen` is not a known key") && top.contains("`articles`") && !top.contains("Error:"), "{top}");
    // What serde-wasm-bindgen let through or reported without a field: named like the native parser.
    let unknown = tandem_widget::parse_kb(r#"{"articles":[{"id":"a","lang":"en","question":"q?","answer":"a","answr":"b"}]}"#).expect_err("unknown field");
    assert!(unknown.starts_with(r#"article "a" (index 0): field "answr" is not a known key"#), "{unknown}");
    let tags = tandem_widget::parse_kb(r#"{"articles":[{"id":"a","lang":"nl","question":"q?","answer":"a","tags":"bezorgen"}]}"#).expect_err("tags is a string");
    assert!(tags.starts_with(r#"article "a" (index 0): field "tags": invalid type: string "bezorgen""#), "{tags}");
    // A javascript: link inside an answer does not take the base offline: it is shown as text (C01).
    let kb = tandem_widget::parse_kb(r#"{"articles":[{"id":"a","lang":"nl","question":"q?","answer":"Zie [hier](javascript:alert(1))"}]}"#).expect("a risky answer link is not a reason to reject the base");
    assert_eq!(kb.articles.len(), 1);
    let rule = tandem_widget::parse_kb(r#"{"articles":[{"id":"a","lang":"xx","question":"q?","answer":"a"}]}"#).expect_err("bad lang");
    assert!(rule.contains("\"lang\""), "the article and field are named: {rule}");
}
