//! One named table per rule: each rule provably fires (and stays quiet where it should).
mod common;
use common::E::*;
use tandem_shared::Lang;

// negation with scope
cases! {
    negation_not_bad: "this is not bad" => [Pos],
    negation_dont_like: "I don't like this product" => [Neg, Rule("negation")],
    negation_niet_blij: "ik ben niet blij met de levering" => [Neg, Rule("negation")],
    negation_helemaal_niet_blij: "helemaal niet blij" => [Neg, Rule("negation")],
    negation_never_disappointed: "never disappointed by this shop" => [Pos, Rule("negation")],
    negation_geen_goede: "geen goede ervaring" => [Neg, Rule("negation")],
    negation_scope_ends_at_comma: "not today, great service" => [Pos, NoRule("negation")],
    negation_niet_leuk_verder_weg: "ik vind het niet zo heel leuk" => [Neg, Rule("negation")],
}

// boosters and dampers
cases! {
    booster_heel_slecht: "heel slecht" => [Neg, Rule("booster")],
    booster_ontzettend: "ontzettend teleurgesteld" => [Neg, Rule("booster")],
    booster_very_good: "very good" => [Pos, Rule("booster")],
    booster_caps: "this is VERY bad" => [Neg, Rule("booster")],
    damper_een_beetje: "een beetje teleurgesteld" => [Neg, Rule("damper")],
    damper_slightly: "slightly annoying" => [Neg, Rule("damper")],
    damper_kinda: "kinda good" => [Pos, Rule("damper")],
    booster_as_word_super: "super!" => [Pos, NoRule("booster_not_word")],
    booster_as_word_before_word: "super slecht" => [Neg, Rule("booster_not_word")],
    booster_never_outside_range: "extremely very really totally absolutely incredibly awful awful awful awful horrible terrible!!!!!!!!" => [Neg],
}

// contrast
cases! {
    contrast_maar: "het product is mooi maar de levering was slecht" => [Neg, Rule("contrast")],
    contrast_but: "the food was good but the service was terrible" => [Neg, Rule("contrast")],
    contrast_but_positive_after: "it was late but the staff were lovely" => [Pos, Rule("contrast")],
    contrast_echter: "de prijs is hoog, echter de kwaliteit is uitstekend" => [Pos, Rule("contrast")],
    contrast_zeg_het_maar: "zeg het maar!" => [NoRule("contrast")],
}

// capitals: emphasis, not acronyms
cases! {
    caps_emphasis: "this is BAD" => [Neg, Rule("caps")],
    caps_acronym_dhl: "DHL heeft mijn pakket bezorgd" => [NoRule("caps")],
    caps_acronym_kpn_slecht: "KPN is slecht" => [Neg, NoRule("caps")],
    caps_digits: "error E404 again" => [NoRule("caps")],
    caps_all_caps_message_is_not_emphasis: "THIS IS BAD" => [Neg, NoRule("caps")],
    shouting_whole_message: "WAAR IS MIJN PAKKET NOU" => [Rule("shouting")],
}

// exclamation and question marks
cases! {
    exclamation_intensifies: "This is so bad!!!!!" => [Neg, Rule("exclamation"), Frustrated],
    exclamation_positive: "great service!!" => [Pos, Rule("exclamation")],
    question_single: "waar is mijn pakket?" => [Rule("question")],
    question_triple_uncertain: "waar is mijn pakket???" => [Uncertain, Rule("question")],
    question_mixed_run: "what?!?" => [Rule("question")],
}

// elongation
cases! {
    elongation_sooo: "sooo bad" => [Neg, Rule("booster")],
    elongation_goooood: "goooood" => [Pos, Rule("elongation")],
    elongation_echt_waaaar: "echt waaaardeloos" => [Neg, Rule("elongation")],
    elongation_niceee: "niceee" => [Pos, Rule("elongation")],
}

// emoji and emoticons, glued or spaced
cases! {
    emoji_angry: "😡" => [Neg, Rule("emoji"), Frustrated],
    emoji_glued: "top🙂" => [Pos, Rule("emoji")],
    emoji_glued_negative: "waar blijft het😡😡" => [Neg, Rule("emoji")],
    emoticon_sad_glued: "slecht:(" => [Neg, Rule("emoticon")],
    emoticon_smile_spaced: "thanks :-)" => [Pos, Rule("emoticon")],
    emoticon_not_in_time: "de bezorging is om 10:30" => [NoRule("emoticon")],
    emoticon_heart: "<3 jullie" => [Pos, Rule("emoticon")],
    emoji_with_variation_selector: "❤️" => [Pos, Rule("emoji")],
}

// apostrophes
cases! {
    apostrophe_curly: "I don’t like this" => [Neg, Rule("negation")],
    apostrophe_straight: "I don't like this" => [Neg, Rule("negation")],
    apostrophe_none: "I dont like this" => [Neg, Rule("negation")],
}

// Dutch inflection and compounds
cases! {
    inflection_teleurgesteld: "ik ben teleurgesteld" => [Neg, Lang(Lang::Nl)],
    inflection_teleurstellend: "wat teleurstellend" => [Neg],
    inflection_slechte: "slechte service" => [Neg],
    inflection_waardeloze: "waardeloze app" => [Neg],
    compound_hyphen: "weer een klantenservice-drama" => [Neg],
    compound_closed_head: "wat een klantenservicedrama" => [Neg, Rule("compound")],
    compound_booster_prefix: "superslechte ervaring" => [Neg, Rule("compound")],
    compound_curse_prefix: "kutservice" => [Neg, Rule("profanity")],
}

// sarcasm
cases! {
    sarcasm_lekker_dan: "lekker dan" => [Neg, Rule("sarcasm")],
    sarcasm_yeah_right: "yeah right" => [Neg, Rule("sarcasm")],
    sarcasm_geweldig_alweer: "geweldig, alweer te laat" => [Neg, Rule("sarcasm"), Frustrated],
    sarcasm_great_another_delay: "great, another delay" => [Neg, Rule("sarcasm")],
    sarcasm_thanks_for_nothing: "thanks for nothing" => [Neg, Rule("sarcasm")],
    sarcasm_bedankt_voor_niks: "bedankt voor niks" => [Neg, Rule("sarcasm")],
    sarcasm_not_sincere_thanks: "great, thanks for the quick help" => [Pos, NoRule("sarcasm")],
}

// profanity
cases! {
    profanity_en: "wtf is this shit" => [Neg, Rule("profanity"), Frustrated],
    profanity_nl: "godverdomme, alweer kapot" => [Neg, Rule("profanity"), Frustrated],
}

// uncertainty
cases! {
    uncertainty_snap_niet: "ik snap het niet" => [Uncertain, Rule("uncertainty")],
    uncertainty_hoe_bedoel_je: "hoe bedoel je" => [Uncertain],
    uncertainty_dont_get_it: "I don't get it" => [Uncertain],
    uncertainty_wat_moet_ik_doen: "wat moet ik doen" => [Uncertain],
    uncertainty_confused: "I'm confused" => [Uncertain],
}

// urgency
cases! {
    urgency_dringend: "dringend, mijn bestelling" => [Urgent, Rule("urgency")],
    urgency_asap: "need this asap" => [Urgent],
    urgency_urgent: "urgent please" => [Urgent],
    urgency_nu_meteen: "ik wil het nu meteen" => [Urgent],
    urgency_vandaag_nog: "kan het vandaag nog?" => [Urgent],
    urgency_spoed: "spoed!" => [Urgent],
}

// frustration from tone phrases and negativity
cases! {
    frustration_phrase: "ik ben woedend" => [Neg, Frustrated, Rule("frustration")],
    frustration_negativity: "dit is echt waardeloos" => [Rule("negativity")],
    calm_question: "wat zijn jullie openingstijden" => [Calm, Neutral],
}

// truncation of huge input
#[test]
fn truncated_rule_fires_on_huge_input() {
    common::check(&"slecht ".repeat(10_000), &[Rule("truncated")]);
}
