//! The engine compiled to wasm and run in headless Chromium (wasm-bindgen-test), so what runs
//! in the browser and at the edge is tested where it runs. Native tests cover the same rules in
//! depth; these check that the wasm build gives the same answers.
#![cfg(target_arch = "wasm32")]

use tandem_shared::faq::{FaqIndex, KnowledgeBase};
use tandem_shared::policy::{Action, ConversationState, PolicyConfig, Tier};
use tandem_shared::{analyze, Intent, Lang};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn c10_negated_negatives_are_not_negative_in_wasm() {
    for text in ["not bad at all", "no problem, thanks!", "niet slecht", "geen probleem hoor"] {
        assert!(analyze(text).valence >= 0.0, "{text}");
    }
}

#[wasm_bindgen_test]
fn c11_exclamations_intensify_in_wasm() {
    for (loud, plain) in [("This is so bad!!!!!", "This is so bad"), ("Dit is echt slecht!!!!!", "Dit is echt slecht")] {
        let (l, p) = (analyze(loud).valence, analyze(plain).valence);
        assert!(l < 0.0 && l <= p, "{loud}: {l} vs {p}");
    }
}

#[wasm_bindgen_test]
fn c12_curly_and_straight_apostrophes_score_the_same_in_wasm() {
    let (a, b) = (analyze("I don\u{2019}t like this"), analyze("I don't like this"));
    assert!(a.valence < 0.0);
    assert_eq!(a.valence, b.valence);
}

#[wasm_bindgen_test]
fn languages_and_intents_in_wasm() {
    let nl = analyze("ik wil mijn abonnement opzeggen, mag ik een medewerker spreken?");
    assert_eq!(nl.lang, Lang::Nl);
    assert!(nl.has_intent(Intent::HumanRequest));
    let en = analyze("My husband passed away last week and I need to close his account");
    assert_eq!(en.lang, Lang::En);
    assert!(en.has_intent(Intent::Vulnerable));
}

#[wasm_bindgen_test]
fn explicit_request_escalates_in_wasm() {
    let mut state = ConversationState::default();
    let text = "I want to talk to a real person";
    let d = state.observe_customer(text, &analyze(text), &PolicyConfig::default());
    assert!(matches!(d.action, Action::Escalate(Tier::Agent) | Action::Escalate(Tier::Specialist)), "{d:?}");
}

#[wasm_bindgen_test]
fn hostile_input_is_bounded_and_neutral_in_wasm() {
    let big = "\u{1F600}".repeat(250_000);
    let a = analyze(&big);
    assert!((-1.0..=1.0).contains(&a.valence));
    for text in ["", "   ", "\u{0}\u{1}\u{fffd}", "这是一个测试"] {
        let a = analyze(text);
        assert!((-1.0..=1.0).contains(&a.valence), "{text:?}");
    }
}

#[wasm_bindgen_test]
fn faq_answers_the_demo_knowledge_base_in_wasm() {
    let kb = KnowledgeBase::from_json(include_str!("../../kb/demo-shop.json")).expect("demo kb parses");
    let index = FaqIndex::new(&kb);
    let hits = index.search("hoe lang duurt de bezorging", Lang::Nl, 3);
    assert!(!hits.is_empty());
    assert!(hits[0].confidence > 0.0);
}
