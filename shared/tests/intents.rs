//! Moments of truth, per intent, with false-positive guards.
mod common;
use common::E::*;
use tandem_shared::Intent::*;

cases! {
    human_mag_ik_een_medewerker: "mag ik een medewerker spreken" => [Intent(HumanRequest)],
    human_mag_ik_alsjeblieft: "mag ik alsjeblieft een medewerker" => [Intent(HumanRequest)],
    human_echt_persoon: "ik wil een echt persoon" => [Intent(HumanRequest)],
    human_een_mens: "kan ik een mens spreken?" => [Intent(HumanRequest)],
    human_iemand_spreken: "ik wil iemand spreken" => [Intent(HumanRequest)],
    human_bellen_met_iemand: "kan ik bellen met iemand" => [Intent(HumanRequest)],
    human_agent_please: "agent please" => [Intent(HumanRequest)],
    human_real_person: "I want a real person" => [Intent(HumanRequest)],
    human_talk_to_a_human: "let me talk to a human" => [Intent(HumanRequest)],
    human_speak_to_someone: "can I speak to someone" => [Intent(HumanRequest)],
    human_representative: "representative" => [Intent(HumanRequest)],
    human_bare_medewerker: "medewerker!" => [Intent(HumanRequest)],
    human_not_travel_agent: "my travel agent booked this" => [NoIntent(HumanRequest)],
    complaint_klacht: "ik wil een klacht indienen" => [Intent(Complaint)],
    complaint_en: "I want to file a complaint" => [Intent(Complaint)],
    complaint_negated: "geen klacht hoor, alleen een vraag" => [NoIntent(Complaint)],
    cancellation_opzeggen: "ik wil mijn abonnement opzeggen" => [Intent(Cancellation)],
    cancellation_annuleren: "kan ik mijn bestelling annuleren" => [Intent(Cancellation)],
    cancellation_cancel: "please cancel my order" => [Intent(Cancellation)],
    cancellation_unsubscribe: "unsubscribe" => [Intent(Cancellation)],
    cancellation_negated: "I don't want to cancel" => [NoIntent(Cancellation)],
    refund_geld_terug: "ik wil mijn geld terug" => [Intent(Refund)],
    refund_terugbetaling: "wanneer krijg ik de terugbetaling" => [Intent(Refund)],
    refund_en: "I want a refund" => [Intent(Refund)],
    refund_money_back: "give me my money back" => [Intent(Refund)],
    complex_bulk: "ik wil een bulkbestelling plaatsen" => [Intent(ComplexOrder)],
    complex_zakelijk: "zakelijke bestelling op factuur" => [Intent(ComplexOrder)],
    complex_multiple_addresses: "can you ship to multiple addresses" => [Intent(ComplexOrder)],
    complex_custom_order: "I'd like a custom order" => [Intent(ComplexOrder)],
    legal_advocaat: "ik schakel mijn advocaat in" => [Intent(LegalThreat)],
    legal_juridische_stappen: "ik ga juridische stappen ondernemen" => [Intent(LegalThreat)],
    legal_consumentenbond: "ik stap naar de consumentenbond" => [Intent(LegalThreat)],
    legal_geschillencommissie: "dan naar de geschillencommissie" => [Intent(LegalThreat)],
    legal_sue: "I will sue you" => [Intent(LegalThreat)],
    legal_not_name_sue: "Sue from support helped me" => [NoIntent(LegalThreat)],
    legal_acm: "ik meld dit bij de ACM" => [Intent(LegalThreat)],
    vulnerable_overleden: "mijn man is overleden" => [Intent(Vulnerable)],
    vulnerable_weduwe: "ik ben weduwe en snap dit niet" => [Intent(Vulnerable)],
    vulnerable_begrafenis: "het is voor de begrafenis" => [Intent(Vulnerable)],
    vulnerable_ziekenhuis: "ik lig in het ziekenhuis" => [Intent(Vulnerable)],
    vulnerable_kanker: "ik heb kanker" => [Intent(Vulnerable)],
    vulnerable_kan_niet_meer: "ik kan niet meer" => [Intent(Vulnerable)],
    vulnerable_husband_died: "my husband died last month" => [Intent(Vulnerable)],
    vulnerable_not_phone_died: "my phone died" => [NoIntent(Vulnerable)],
    vulnerable_not_sick_of: "I'm sick of this" => [NoIntent(Vulnerable), Neg],
    vulnerable_depressed: "I feel depressed" => [Intent(Vulnerable)],
    tone_complaint: "dit is echt schandalig en waardeloos!!!" => [Intent(Complaint)],
}

// more ways to ask for a person, close an account, hardship; negation and ability
cases! {
    human_someone_call: "can someone call me back tomorrow" => [Intent(HumanRequest)],
    human_met_iemand_overleggen: "kan ik met iemand overleggen" => [Intent(HumanRequest)],
    human_manager: "I want to speak to your manager" => [Intent(HumanRequest)],
    human_negated: "I don't need to talk to a person" => [NoIntent(HumanRequest)],
    cancellation_account_opheffen: "graag mijn account opheffen" => [Intent(Cancellation)],
    cancellation_cant_cancel_still_wants: "I can't cancel my subscription" => [Intent(Cancellation)],
    cancellation_kan_niet_opzeggen: "ik kan mijn abonnement niet opzeggen" => [Intent(Cancellation)],
    cancellation_not_noise_cancelling: "do these have noise cancelling" => [NoIntent(Cancellation)],
    refund_charged_twice: "you charged me twice" => [Intent(Refund)],
    refund_return_question_is_routine: "hoe kan ik iets retourneren" => [NoIntent(Refund)],
    vulnerable_lost_job: "I lost my job last week" => [Intent(Vulnerable)],
    vulnerable_baan_kwijt: "ik ben mijn baan kwijt" => [Intent(Vulnerable)],
}

#[test]
fn negated_intent_is_not_reported_at_all() {
    let a = tandem_shared::analyze("I don't want to cancel");
    assert!(!a.has_intent(Cancellation), "{a:?}");
    let a = tandem_shared::analyze("geen klacht hoor");
    assert!(!a.has_intent(Complaint), "{a:?}");
}
