//! The product rule "an explicit request for a human always escalates": a request for a
//! person is found wherever it sits in the message (after a greeting, after a complaint
//! clause, mid-sentence, typos, no capitals, code-switched), and the analysed message then
//! escalates; talk *about* staff or bots is no request. Other moments of truth likewise
//! survive words in front of them.
mod common;
use common::E::*;
use tandem_shared::policy::{ConversationState, PolicyConfig};
use tandem_shared::Intent::*;

// the request after a greeting, a complaint clause, or mid-sentence
cases! {
    nl_bare: "ik wil een medewerker" => [Intent(HumanRequest)],
    nl_after_greeting: "hallo, ik wil een medewerker" => [Intent(HumanRequest)],
    nl_after_greeting_no_comma: "hoi ik wil graag een medewerker" => [Intent(HumanRequest)],
    nl_after_complaint: "mijn fiets is kapot, ik wil een medewerker" => [Intent(HumanRequest)],
    nl_after_complaint_no_comma: "de levering is mislukt en ik wil nu een mens" => [Intent(HumanRequest)],
    nl_sentence_then_request: "Mijn pakket is zoek. Ik wil een medewerker spreken." => [Intent(HumanRequest)],
    nl_verb_last: "kan ik alsjeblieft een medewerker krijgen" => [Intent(HumanRequest)],
    nl_nodig: "ik heb echt een medewerker nodig" => [Intent(HumanRequest)],
    nl_typo: "mijn fiets is kapot ik wil een medwerker" => [Intent(HumanRequest)],
    nl_caps: "IK WIL EEN MEDEWERKER" => [Intent(HumanRequest)],
    nl_plural: "ik wil medewerkers spreken" => [Intent(HumanRequest)],
    nl_bare_after_complaint: "dit werkt niet, medewerker graag" => [Intent(HumanRequest)],
    en_bare: "I want a human" => [Intent(HumanRequest)],
    en_after_complaint: "my bike is broken, I want a human" => [Intent(HumanRequest)],
    en_after_greeting: "hi there, can i get a person please" => [Intent(HumanRequest)],
    en_mid_sentence: "the app keeps crashing and i need an operator to fix my account" => [Intent(HumanRequest)],
    en_two_sentences: "Order 123 never came. I want to speak with a representative." => [Intent(HumanRequest)],
    en_lowercase_no_punct: "hello my order is late i want an agent" => [Intent(HumanRequest)],
    en_typo: "my bike is broken i want a huamn" => [Intent(HumanRequest)],
    en_bare_clause: "still broken, human please" => [Intent(HumanRequest)],
    mixed_human_spreken: "kan ik please een human spreken" => [Intent(HumanRequest)],
    mixed_want_medewerker: "this is broken, I want a medewerker" => [Intent(HumanRequest)],
    mixed_wil_agent: "hallo, ik wil een agent" => [Intent(HumanRequest)],
}

// not requests: talk about staff, about a third party, a negated wish, a question about the bot
cases! {
    nl_about_staff: "de medewerker was vriendelijk" => [NoIntent(HumanRequest)],
    nl_about_staff_past: "de medewerker die ik sprak was onbeleefd" => [NoIntent(HumanRequest)],
    nl_negated: "ik wil geen medewerker, alleen de status" => [NoIntent(HumanRequest)],
    nl_third_party: "mijn collega wil de bestelling ophalen" => [NoIntent(HumanRequest)],
    en_about_staff: "your agent was helpful" => [NoIntent(HumanRequest)],
    en_about_staff_please: "your agent was helpful please pass on my thanks" => [NoIntent(HumanRequest)],
    en_bot_question: "is this a human or a bot?" => [NoIntent(HumanRequest)],
    en_are_you_human: "are you a human?" => [NoIntent(HumanRequest)],
    en_negated: "I don't want a human, just tell me the status" => [NoIntent(HumanRequest)],
    en_travel_agent: "i need my travel agent to call" => [NoIntent(HumanRequest)],
}

// the other moments of truth after a greeting or a complaint clause
cases! {
    cancel_after_greeting_nl: "hallo, ik wil mijn abonnement opzeggen" => [Intent(Cancellation)],
    cancel_after_complaint_en: "this is broken, I want to cancel my order" => [Intent(Cancellation)],
    refund_after_complaint_nl: "mijn fiets is kapot, ik wil mijn geld terug" => [Intent(Refund)],
    refund_after_greeting_en: "hi, refund please" => [Intent(Refund)],
    complaint_after_greeting_nl: "hoi, ik wil een klacht indienen" => [Intent(Complaint)],
    complaint_after_greeting_en: "Hello, I want to complain" => [Intent(Complaint)],
    legal_after_greeting_nl: "hallo, mijn advocaat neemt contact op" => [Intent(LegalThreat)],
    legal_after_greeting_en: "hi, I will sue you" => [Intent(LegalThreat)],
    vulnerable_after_greeting_nl: "hoi, mijn man is overleden" => [Intent(Vulnerable)],
    vulnerable_after_complaint_en: "the order is late, my husband died last month" => [Intent(Vulnerable)],
}

/// The analysed request escalates to an agent as the explicit request, from the first turn,
/// wherever in the message it sits.
#[test]
fn human_request_anywhere_escalates() {
    let cfg = PolicyConfig::default();
    for text in [
        "hallo, ik wil een medewerker",
        "mijn fiets is kapot, ik wil een medewerker",
        "my bike is broken, I want a human",
        "kan ik please een human spreken",
        "hello my order is late i want an agent",
    ] {
        let a = tandem_shared::analyze(text);
        let d = ConversationState::default().observe_customer(text, &a, &cfg);
        assert_eq!(d.action.label(), "escalate_agent", "{text}: {d:?}");
        assert_eq!(d.rule, "explicit_human_request", "{text}: {d:?}");
    }
}
