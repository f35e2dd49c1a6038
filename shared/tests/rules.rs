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

// wider negation scope, clause boundaries, expectation verbs, Dutch post-positive "niet"
cases! {
    negation_wide_scope: "I didn't think the instructions were helpful" => [Neg, Rule("negation")],
    negation_determiner_keeps_short_scope: "geen reactie op mijn vervelende vraag" => [Neg],
    negation_stops_at_boundary: "I don't know if this is good" => [Pos, NoRule("negation")],
    negated_expectation_wont_load: "the page won't load" => [Neg, Rule("negated_expectation")],
    negated_expectation_not_fixed: "they still have not fixed the heater" => [Neg, Rule("negation")],
    negated_expectation_alone_is_not_negative: "de app werkt op mijn telefoon" => [NonNeg, NoRule("negated_expectation")],
    postpositive_lukt_niet: "betalen lukt niet" => [Neg, Rule("negated_expectation")],
    postpositive_niet_ontvangen: "de bestelling heb ik nooit ontvangen" => [Neg, Rule("negated_expectation")],
    postpositive_leuk_niet: "ik vind het leuk niet" => [Neg, Rule("negation")],
    postpositive_bevalt_me_niet: "de jas bevalt me niet" => [Neg],
    postpositive_not_across_dat: "blij dat ik niet hoef te wachten" => [Pos],
    postpositive_prenegation_wins: "ik vind het niet leuk" => [Neg, Rule("negation")],
}

// Dutch compounds: a doubled letter at the seam is no compound
cases! {
    compound_not_rotterdam: "is er een winkel in rotterdam" => [NoRule("profanity"), Calm, Neutral],
    compound_rotbedrijf: "wat een rotbedrijf" => [Neg, Rule("profanity")],
}

// sarcastic forms are contiguous
cases! {
    sarcasm_contiguous_only: "this is just a great movie" => [Pos, NoRule("sarcasm")],
    sarcasm_just_great: "just great, late again" => [Neg, Rule("sarcasm")],
}

// deadlines raise urgency; one phrase counts once
cases! {
    deadline_need_tomorrow: "I need it tomorrow" => [Urgent, Rule("deadline")],
    deadline_nodig_vrijdag: "ik heb het vrijdag echt nodig" => [Urgent, Rule("deadline")],
    deadline_needs_both: "tomorrow is fine" => [NoRule("deadline")],
    urgency_dringend_with_colon: "dringend: mijn bestelling" => [Urgent],
    urgency_spoed_graag: "spoed graag" => [Urgent],
    urgency_right_now: "fix it right now" => [Urgent],
}

#[test]
fn urgency_phrase_in_both_languages_counts_once() {
    let a = tandem_shared::analyze("urgent");
    assert!((a.tone.urgency - 0.6).abs() < 0.01, "{a:?}");
    let a = tandem_shared::analyze("I need this asap");
    assert!((a.tone.urgency - 0.6).abs() < 0.01, "{a:?}");
}

// frustration calibration: calm stays calm, anger with a signal reaches the spike level
#[test]
fn frustration_calibration_keeps_order_and_range() {
    use tandem_shared::sentiment::rules::calibrate_frustration as cal;
    assert_eq!(cal(0.0), 0.0);
    assert_eq!(cal(0.25), 0.25);
    assert!(cal(0.62) >= 0.85);
    assert_eq!(cal(5.0), 1.0);
    assert_eq!(cal(f32::NAN), 0.0);
    assert!(cal(0.4) > cal(0.35) && cal(0.35) > cal(0.3));
}

// regressions from the engine-quality benchmark (BENCHMARKS.md "Engine quality")
cases! {
    bench_url_is_not_a_sad_face: "check this http://t.co/abc:/ out" => [Neutral, NoRule("emoticon")],
    bench_www_url_is_opaque: "see www.example.com/x:( now" => [Neutral],
    bench_html_entity_is_not_a_word: "you &gt; me &amp; them" => [Neutral],
    bench_html_heart_is_a_heart: "love you &lt;3" => [Pos, Rule("emoticon")],
    bench_like_comparison_its_like: "it's like a dream" => [Rule("like_comparison")],
    bench_like_comparison_feels_like: "feels like rain" => [Neutral, Rule("like_comparison")],
    bench_like_verb_stays: "I like this phone" => [Pos, NoRule("like_comparison")],
    bench_kind_of_is_a_damper: "kind of boring" => [Neg, Rule("kind_of_damper")],
    bench_kind_of_alone_neutral: "it is kind of a movie" => [Neutral],
    bench_no_dutch_slim_in_english: "the slim phone arrived" => [Neutral],
    bench_no_dutch_boos_in_english: "my boss called" => [Neutral],
    bench_no_dutch_urgency_in_english: "directing the movie" => [NoRule("urgency")],
    bench_no_english_in_dutch_ideal: "ik wil met ideal betalen" => [Neutral],
    bench_ideaal_still_positive: "dit is ideaal voor mij" => [Pos],
    bench_sarcasm_needs_a_cue: "A smart, provocative drama" => [NoRule("sarcasm")],
    bench_sarcasm_interjection_cue: "oh great, the package is broken and damaged" => [Neg, Rule("sarcasm")],
    bench_praise_is_praise: "YES! WOOT!! LOL." => [Pos, NoRule("sarcasm")],
    bench_too_leans_negative: "too many close ups" => [Neg, Rule("too")],
    bench_too_boosts_negative: "too pretentious" => [Neg],
    bench_too_good_not_negative: "too good" => [Pos],
    bench_me_too_neutral: "me too" => [Neutral],
    bench_well_after_verb: "it holds up very well" => [Pos, Rule("well_done")],
    bench_well_made: "well made and cheap" => [Pos, Rule("well_done")],
    bench_as_well_neutral: "I bought the case as well" => [Neutral],
    bench_stuk_binnengekomen: "mijn bestelling was stuk" => [Neg],
    bench_complaint_without_notice: "geannuleerd zonder dat iemand me iets liet weten" => [Neg],
    bench_exasperation_repeat: "steeds geld afgeschreven?? ik heb opgezegd!!" => [Neg, Rule("exasperation")],
    bench_how_to_question_damped: "wat moet ik doen als het pakket beschadigd is?" => [Rule("hypothetical")],
    bench_if_damped: "if it arrives damaged, can I return it?" => [Rule("hypothetical")],
    bench_best_is_english_too: "the best phone" => [Pos],
    bench_is_is_dutch_too: "KPN is slecht" => [Neg, Lang(Lang::Nl)],
}

/// The per-form cache (`sentiment::vocab`) never changes a result: cold and warm agree.
#[test]
fn vocab_cache_is_transparent() {
    let msgs = ["Dit is echt superslecht!!", "great, another delay", "ik wil een medewerker", "the best phone :)", "kutservice"];
    let warm: Vec<_> = msgs.iter().map(|m| tandem_shared::analyze(m)).collect();
    tandem_shared::sentiment::vocab::clear_cache();
    let cold: Vec<_> = msgs.iter().map(|m| tandem_shared::analyze(m)).collect();
    assert_eq!(warm, cold);
}
