//! The rules: each a small function over the parsed message (`Scoring`).
//! Weights are named constants with their origin; VADER's are from Hutto &
//! Gilbert (2014), `vaderSentiment.py` 3.3.2 (MIT).

use super::{lookup_langs, Scoring};
use crate::lang::Lang;
use crate::lexicon::{self, Modifier, PhraseKind, EMOJI, EMOTICONS, PROFANITY, VALENCE_SCALE};
use crate::text::{Kind, Token};
use super::vocab::flag;

/// The rules in the order they run.
pub const RULES: &[fn(&mut Scoring<'_, '_>)] = &[
    phrase_rule,
    lexicon_rule,
    word_sense_rule,
    too_rule,
    booster_as_word_rule,
    caps_rule,
    elongation_rule,
    booster_rule,
    negation_rule,
    sarcasm_form_rule,
    thanks_for_harm_rule,
    contrast_rule,
    hypothetical_rule,
    exasperation_rule,
    question_rule,
    shouting_rule,
    deadline_rule,
];

/// Weight of a face or emoji that closes the message (own choice, see `lexicon_rule`).
pub const CLOSING_FACE: f32 = 1.5;
/// VADER `B_INCR` / `B_DECR`: a booster/damper adds/removes this much valence.
pub const B_INCR: f32 = 0.293;
/// Strong boosters ("ontzettend", "extremely"): own choice, ~2 × B_INCR.
pub const B_INCR_STRONG: f32 = 0.55;
/// VADER `C_INCR`: an ALL-CAPS sentiment word in mixed-case text gains this much.
pub const C_INCR: f32 = 0.733;
/// VADER `N_SCALAR`: a negated sentiment word is multiplied by this.
pub const N_SCALAR: f32 = -0.74;
/// VADER scans this many words back for negators and boosters.
pub const SCOPE: usize = 3;
/// Negators reach this many words back (VADER: 3), within the clause: "didn't
/// think the instructions were helpful". Own choice, tuned on the even half of the
/// UCI and VADER English sets.
pub const NEG_SCOPE: usize = 5;
/// A negative word is negated from nearer: "not bad", "isn't slow at all", but not
/// "haven't processed her death", "should not be allowed to get cancer" (the negator
/// belongs to another verb). Own choice, measured on the VADER and UCI sets.
pub const NEG_SCOPE_NEGATIVE: usize = 3;
/// Determiner negators negate their noun phrase only, so they keep VADER's `SCOPE`:
/// "geen reactie op mijn klacht" does not make "klacht" positive.
const DETERMINER_NEGATORS: &[&str] = &["geen", "no", "zonder", "without"];
/// A negated expectation verb ("doesn't work", "lukt niet"): own choice, a bit
/// milder than the phrase "werkt niet" (-2.0).
pub const EXPECT_NEGATED: f32 = -1.6;
/// Dutch negators that also follow the word they negate ("het werkt niet").
pub(crate) const POSTPOSITIVE_NL: &[&str] = &["niet"];
/// Dutch pronoun negators that follow an expectation verb as its object: "de chatbot
/// begrijpt er niks van", "het voldoet nergens aan". They negate only an expectation
/// verb, not a sentiment word ("prima, niks aan de hand" stays positive).
pub(crate) const POSTPOSITIVE_NL_OBJECT: &[&str] = &["niks", "niets", "nergens"];
/// VADER's booster decay with distance (1st, 2nd, 3rd word back).
pub const DECAY: [f32; 3] = [1.0, 0.95, 0.9];
/// Elongated sentiment words ("goooood") gain this much: own choice, ≈ one booster.
pub const ELONG_INCR: f32 = 0.3;
/// VADER "but" rule: before the contrast word × 0.5, after × 1.5.
pub const CONTRAST_BEFORE: f32 = 0.5;
pub const CONTRAST_AFTER: f32 = 1.5;
/// VADER `_amplify_ep`: each "!" (at most 4) adds 0.292 in the direction of the sum.
pub const EXCL_INCR: f32 = 0.292;
pub const EXCL_MAX: u16 = 4;
/// VADER `normalize` alpha: compound = s / sqrt(s² + alpha).
pub const ALPHA: f32 = 15.0;
/// A sarcastic "great, another delay": the positive word flips to this fraction of its size, negative.
pub const SARCASM_FLIP: f32 = 0.8;
/// Frustration signals (own choices, tuned on the Dutch set and the cases).
pub const FRUST_SARCASM: f32 = 0.35;
pub const FRUST_PROFANITY: f32 = 0.35;
pub const FRUST_CAPS: f32 = 0.15;
pub const FRUST_SHOUTING: f32 = 0.3;
pub const FRUST_EXCL: f32 = 0.1;
pub const FRUST_ANGRY_EMOJI: f32 = 0.3;
/// Frustration calibration (`calibrate_frustration`): own choice, tuned on the first,
/// third, … rows of `escalation_messages.tsv`, checked on the others.
pub const FRUST_KNEE: f32 = 0.3;
pub const FRUST_SLOPE: f32 = 1.8;
/// Emoji at or below this valence count as anger (😡 🤬 😠).
pub const ANGRY_EMOJI: f32 = -2.4;
/// Negative valence → frustration: frustration += -valence × this.
pub const NEG_TO_FRUSTRATION: f32 = 0.55;
/// Tone phrases count this fraction when the message is not negative ("again?").
pub const NONNEG_TONE_FACTOR: f32 = 0.5;
/// A deadline ("need it tomorrow"): about one urgency phrase (own choice).
pub const DEADLINE_URGENCY: f32 = 0.55;
pub(crate) const DEADLINE_NEED: &[&str] = &["need", "needed", "nodig"];
pub(crate) const DEADLINE_DAY: &[&str] = &[
    "today", "tonight", "tomorrow", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "weekend",
    "vandaag", "vanavond", "morgen", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag",
];
/// Question marks → uncertainty: one, two, three or more.
pub const QUESTION_UNCERTAINTY: [f32; 3] = [0.15, 0.3, 0.5];

fn sign(x: f32) -> f32 {
    if x < 0.0 {
        -1.0
    } else {
        1.0
    }
}

fn modifier_at(s: &Scoring<'_, '_>, i: usize) -> Option<Modifier> {
    s.modifier.get(i).copied().flatten()
}

/// Word tokens before `i` in the same clause, nearest first, at most `SCOPE`.
fn scope_before<'s>(s: &'s Scoring<'_, '_>, i: usize) -> impl Iterator<Item = (usize, usize)> + 's {
    let clause = s.p.tokens[i].clause;
    (0..i).rev().take_while(move |&j| s.p.tokens[j].clause == clause).filter(move |&j| s.p.tokens[j].is_word()).take(SCOPE).enumerate()
}

/// Phrases: valence/sarcasm phrases replace their words' valence; tone phrases add tone.
pub fn phrase_rule(s: &mut Scoring<'_, '_>) {
    let matches = std::mem::take(&mut s.matches);
    let tone_kept = strongest_tone_matches(&matches);
    let negative_text = matches.iter().any(|m| m.phrase.weight < 0 && matches!(m.phrase.kind, PhraseKind::Valence | PhraseKind::Sarcasm));
    for (n, m) in matches.iter().enumerate() {
        let w = m.phrase.weight as f32;
        let is_tone = matches!(m.phrase.kind, PhraseKind::Frustration | PhraseKind::Uncertainty | PhraseKind::Urgency);
        if is_tone && !tone_kept[n] {
            continue; // the same words already gave this signal ("urgent" in nl and en)
        }
        match m.phrase.kind {
            PhraseKind::Valence | PhraseKind::Sarcasm => {
                if (m.start..=m.end).any(|k| s.covered[k]) {
                    continue; // a longer phrase already took these words
                }
                for k in m.start..=m.end {
                    s.covered[k] = true;
                }
                let mut v = w / VALENCE_SCALE;
                // A negator between the words of a valence phrase negates it: the Dutch
                // separable verb "valt niet tegen" is "valt tegen" negated (the phrase
                // words cover it, so the negation rule would not see it).
                let ids = crate::phrases::word_ids().phrase(m.index);
                let gap_negator = (m.start..=m.end).any(|k| {
                    // not one of the phrase's own words (`stem_is`, compared as numbers)
                    modifier_at(s, k) == Some(Modifier::Negator)
                        && !ids.contains(&s.p.tokens[k].lex.phrase_word(m.phrase.lang))
                });
                // A verb negator before the phrase negates it as it would a word: "never
                // worked well", "wouldn't highly recommend" (not "no"/"geen": "no thank you").
                let negator_before = || {
                    negator_back(s, m.start, v < 0.0).is_some_and(|j| {
                        !DETERMINER_NEGATORS.contains(&s.p.norm(&s.p.tokens[j])) && !never_so(s, j, m.start)
                    })
                };
                if m.phrase.kind == PhraseKind::Valence && (gap_negator || negator_before()) {
                    v *= N_SCALAR;
                    s.negated[m.end] = true;
                    s.ev("negation", m.text(s.p), N_SCALAR);
                }
                s.val[m.end] = v;
                let text = m.text(s.p);
                if m.phrase.kind == PhraseKind::Sarcasm {
                    s.ev("sarcasm", text, v);
                    s.frustration += FRUST_SARCASM;
                    s.ev("frustration", text, FRUST_SARCASM);
                } else {
                    s.ev("phrase", text, v);
                }
            }
            PhraseKind::Frustration => {
                let f = w / 100.0 * if negative_text { 1.0 } else { NONNEG_TONE_FACTOR };
                s.frustration += f;
                s.ev("frustration", m.text(s.p), f);
            }
            PhraseKind::Uncertainty => {
                s.uncertainty += w / 100.0;
                s.ev("uncertainty", m.text(s.p), w / 100.0);
            }
            PhraseKind::Urgency => {
                s.urgency += w / 100.0;
                s.ev("urgency", m.text(s.p), w / 100.0);
            }
            PhraseKind::Intent(_) => {}
        }
    }
    s.matches = matches;
}

/// No phrase match spans more tokens than this (words plus `phrases::MAX_GAP` gaps).
const MAX_PHRASE_SPAN: usize = 32;

/// Per match: whether it is the strongest tone phrase of its kind over its words.
/// Overlapping phrases of one kind ("asap" listed in both languages, "vandaag nog" inside
/// "vandaag nog nodig") give the signal once, at the strongest weight.
fn strongest_tone_matches(matches: &[crate::phrases::Match]) -> Vec<bool> {
    let mut order: Vec<usize> = (0..matches.len()).collect();
    order.sort_by(|&a, &b| matches[b].phrase.weight.cmp(&matches[a].phrase.weight).then(a.cmp(&b)));
    let mut kept = vec![false; matches.len()];
    for &a in &order {
        let m = &matches[a];
        // matches are in token order and a phrase spans few tokens: only near ones can overlap
        let lo = matches.partition_point(|o| o.start + MAX_PHRASE_SPAN < m.start);
        let hi = matches.partition_point(|o| o.start <= m.end);
        let clash = (lo..hi).any(|b| {
            kept[b] && matches[b].phrase.kind == m.phrase.kind && matches[b].start <= m.end && m.start <= matches[b].end
        });
        kept[a] = !clash;
    }
    kept
}

/// Valence of one word token: profanity, lexicon (`lookup_langs`: the detected
/// language), elongation fallback, Dutch compounds. Returns (valence, rule name).
fn word_valence(s: &Scoring<'_, '_>, t: &Token) -> Option<(f32, &'static str)> {
    let lex = &t.lex;
    if let Some(v) = lex.profanity {
        return Some((v as f32 / VALENCE_SCALE, "profanity"));
    }
    let langs = lookup_langs(&s.det);
    for (n, &lang) in langs.iter().enumerate() {
        // The other language only for longer words that are not our own function words.
        if n == 1 && (t.norm.1 - t.norm.0 < 4 || t.stop != 0) {
            continue;
        }
        if let Some(v) = lex.valence(lang) {
            return (v != 0.0).then_some((v, "lexicon"));
        }
    }
    if t.elongated {
        if let Some(hit) = elongated_valence(s.p.norm(t), langs) {
            return Some(hit);
        }
    }
    if langs.contains(&Lang::Nl) {
        if let Some((v, curse)) = lex.compound {
            return Some((v as f32 / VALENCE_SCALE, if curse { "profanity" } else { "compound" }));
        }
    }
    None
}

/// "niceee" → "nicee" (kept 2) → "nice" (collapse pairs), then the lexicons (rare: uncached).
fn elongated_valence(norm: &str, langs: &[Lang]) -> Option<(f32, &'static str)> {
    let mut once = String::with_capacity(norm.len());
    for c in norm.chars() {
        if !once.ends_with(c) {
            once.push(c);
        }
    }
    if let Some(v) = PROFANITY.get(&once) {
        return Some((v as f32 / VALENCE_SCALE, "profanity"));
    }
    for &lang in langs {
        let stem = super::vocab::stem_uncached(&once, lang);
        for cand in [once.as_str(), stem.as_str()] {
            if let Some(v) = lexicon::word_valence(lang, cand) {
                if v != 0.0 {
                    return Some((v, "lexicon"));
                }
            }
        }
    }
    None
}

/// Base valence of every token that no phrase covers: words, emoji, emoticons.
pub fn lexicon_rule(s: &mut Scoring<'_, '_>) {
    // The last word with letters: faces after it close the message (only punctuation,
    // URLs, digits — "😡!!!1" — and more faces follow them).
    let last_text = s.p.tokens.iter().rposition(|n| n.kind == Kind::Word && (n.lex.has(flag::ASCII_LOWER) || n.caps));
    for i in 0..s.p.tokens.len() {
        if s.covered[i] {
            continue;
        }
        let p = s.p; // the parse is shared (not borrowed from `s`): read tokens in place
        let t = &p.tokens[i];
        let hit = match t.kind {
            Kind::Word => word_valence(s, &t),
            Kind::Emoji => EMOJI.get(s.p.norm(&t)).map(|v| (v as f32 / VALENCE_SCALE, "emoji")),
            Kind::Emoticon => EMOTICONS.get(s.p.norm(&t)).map(|v| (v as f32 / VALENCE_SCALE, "emoticon")),
            _ => None,
        };
        let Some((v, rule)) = hit else { continue };
        // A face or emoji closing the message is the writer's verdict on all of it
        // ("making a mess of the kitchen :)"): it counts `CLOSING_FACE` times.
        let closing = matches!(t.kind, Kind::Emoji | Kind::Emoticon) && last_text.is_none_or(|l| i > l);
        let v = if closing { v * CLOSING_FACE } else { v };
        s.val[i] = v;
        let orig = s.p.orig(&t);
        s.ev(rule, orig, v);
        if rule == "profanity" {
            s.profanity += 1;
            s.frustration += FRUST_PROFANITY;
            s.ev("frustration", orig, FRUST_PROFANITY);
        }
        if t.kind == Kind::Emoji && v <= ANGRY_EMOJI {
            s.frustration += FRUST_ANGRY_EMOJI;
            s.ev("frustration", orig, FRUST_ANGRY_EMOJI);
        }
    }
}

/// "super", "erg", "vet" are boosters before a sentiment word ("super slecht")
/// and sentiment words on their own ("super!", "dat is erg"). Likewise English "no"
/// (VADER -1.2): negative on its own ("no electricity for hours"), only a negator before
/// a sentiment or expectation word ("no problem", "no reply"), as in VADER.
pub fn booster_as_word_rule(s: &mut Scoring<'_, '_>) {
    for i in 0..s.p.tokens.len() {
        if s.val[i] == 0.0 || s.covered[i] {
            continue;
        }
        let p = s.p; // the parse is shared (not borrowed from `s`): read tokens in place
        let t = &p.tokens[i];
        let negator = modifier_at(s, i) == Some(Modifier::Negator);
        if !negator && !matches!(modifier_at(s, i), Some(Modifier::Booster | Modifier::StrongBooster | Modifier::Damper)) {
            continue;
        }
        let clause = t.clause;
        let next_has_valence = (i + 1..s.p.tokens.len())
            .take_while(|&k| s.p.tokens[k].clause == clause)
            .filter(|&k| s.p.tokens[k].is_word())
            .take(2)
            .any(|k| (s.val[k] != 0.0 && !same_word(s, i, k)) || (negator && modifier_at(s, k) == Some(Modifier::Expect)));
        if next_has_valence {
            s.val[i] = 0.0;
            let orig = s.p.orig(&t);
            s.ev("booster_not_word", orig, 0.0);
        }
    }
}

/// The same word form twice ("damn damn damn", "so so"): repetition, not a modifier.
fn same_word(s: &Scoring<'_, '_>, a: usize, b: usize) -> bool {
    s.p.norm(&s.p.tokens[a]) == s.p.norm(&s.p.tokens[b])
}

fn is_emphasis_caps(s: &Scoring<'_, '_>, t: &Token) -> bool {
    t.caps && s.p.has_lower && !t.has_digit && !t.lex.has(flag::ACRONYM)
}

/// ALL-CAPS sentiment words in mixed-case text are emphasised (not acronyms: DHL, KPN).
pub fn caps_rule(s: &mut Scoring<'_, '_>) {
    if !s.p.has_lower || !s.p.any_caps {
        return; // no word can be emphasis caps (`is_emphasis_caps`)
    }
    for i in 0..s.p.tokens.len() {
        let p = s.p; // the parse is shared (not borrowed from `s`): read tokens in place
        let t = &p.tokens[i];
        if s.val[i] == 0.0 || !t.is_word() || !is_emphasis_caps(s, &t) {
            continue;
        }
        s.val[i] += sign(s.val[i]) * C_INCR;
        let orig = s.p.orig(&t);
        s.ev("caps", orig, sign(s.val[i]) * C_INCR);
        if s.val[i] < 0.0 {
            s.frustration += FRUST_CAPS;
            s.ev("frustration", orig, FRUST_CAPS);
        }
    }
}

/// Elongated sentiment words ("goooood", "slechtttt") are emphasised.
pub fn elongation_rule(s: &mut Scoring<'_, '_>) {
    if !s.p.any_elongated {
        return;
    }
    for i in 0..s.p.tokens.len() {
        let p = s.p; // the parse is shared (not borrowed from `s`): read tokens in place
        let t = &p.tokens[i];
        if s.val[i] == 0.0 || !t.elongated {
            continue;
        }
        s.val[i] += sign(s.val[i]) * ELONG_INCR;
        let orig = s.p.orig(&t);
        s.ev("elongation", orig, sign(s.val[i]) * ELONG_INCR);
    }
}

/// Boosters and dampers up to three words before a sentiment word scale it.
/// A valence phrase is boosted from before its first word ("really sick of", "so thank
/// you"): its valence sits on its last word.
pub fn booster_rule(s: &mut Scoring<'_, '_>) {
    for i in 0..s.p.tokens.len() {
        if s.val[i] == 0.0 || !s.p.tokens[i].is_word() {
            continue;
        }
        let anchor = if s.covered[i] {
            // matches are in token order and short: look only at those starting just before `i`
            let hi = s.matches.partition_point(|m| m.start <= i);
            let start = s.matches[..hi]
                .iter()
                .rev()
                .take_while(|m| m.start + MAX_PHRASE_SPAN >= i)
                .find(|m| m.end == i && m.phrase.kind == PhraseKind::Valence)
                .map(|m| m.start);
            let Some(start) = start else { continue };
            start
        } else {
            i
        };
        let mut delta = 0.0;
        // at most `SCOPE` modifiers: a fixed array, no allocation per sentiment word
        let mut evs: [(usize, f32, &str); SCOPE] = [(0, 0.0, ""); SCOPE];
        let mut n_evs = 0;
        for (d, j) in scope_before(s, anchor) {
            let tj = &s.p.tokens[j];
            if same_word(s, i, j) && s.val[j] != 0.0 {
                continue; // a repeated sentiment word counts for itself ("damn damn")
            }
            let base = match modifier_at(s, j) {
                Some(Modifier::Booster) => B_INCR,
                Some(Modifier::StrongBooster) => B_INCR_STRONG,
                Some(Modifier::Damper) => -B_INCR,
                _ => continue,
            };
            let mut b = base * DECAY[d];
            if base > 0.0 && is_emphasis_caps(s, &tj) {
                b += C_INCR * DECAY[d];
            }
            delta += b;
            evs[n_evs] = (j, b, if base > 0.0 { "booster" } else { "damper" });
            n_evs += 1;
        }
        if delta == 0.0 {
            continue;
        }
        let v = s.val[i];
        // Dampers shrink towards zero but never flip the sign.
        let nv = v + sign(v) * delta;
        s.val[i] = if nv.signum() != v.signum() { 0.0 } else { nv.clamp(-4.0, 4.0) };
        for &(j, b, rule) in &evs[..n_evs] {
            let tj = &s.p.tokens[j];
            let orig = s.p.orig(&tj);
            s.ev(rule, orig, sign(v) * b);
        }
    }
}

/// A negator up to `NEG_SCOPE` words back in the same clause flips and dampens
/// ("not bad", "niet slecht", "geen probleem", "didn't think the instructions were
/// helpful"); the scan stops at a comma, a contrast word or a clause boundary
/// ("because", "omdat", "dat"). A negated expectation verb ("doesn't work", "never
/// arrived") becomes negative. Dutch also negates after the word: "dat werkt niet",
/// "ik vind het leuk niet" (`postpositive_negation`).
pub fn negation_rule(s: &mut Scoring<'_, '_>) {
    for i in 0..s.p.tokens.len() {
        if s.covered[i] || !s.p.tokens[i].is_word() {
            continue;
        }
        let expect = s.val[i] == 0.0 && modifier_at(s, i) == Some(Modifier::Expect);
        // an interjection ending its clause ("... wouldn't be against me lol") comments on
        // it and is not negated; inside it, it may be a noun ("doesn't have any wow factor")
        let comment = modifier_at(s, i) == Some(Modifier::Interjection) && next_word(s, i).is_none();
        // a negator's own valence ("no no no!") is not negated by the one before it, nor
        // is a curse: it swears at the clause, it is not its predicate ("without a fucking ...")
        let own = modifier_at(s, i) == Some(Modifier::Negator) || s.p.tokens[i].lex.profanity.is_some();
        if s.val[i] == 0.0 && !expect || comment || own {
            continue;
        }
        if let Some(j) = least_before(s, i) {
            negate(s, i, j, expect);
        } else if let Some(j) = negator_before(s, i) {
            // Two negators side by side cancel: "not without merit", "niet zonder
            // reden", "never not happy". Only adjacent ones: at a distance they are two
            // negations of their own ("neither funny nor clever", "don't care don't
            // care", "can't believe I didn't"), and an outer "no"/"geen" is an
            // interjection or a determiner ("no not good").
            let cancelled = prev_word(s, j).is_some_and(|k| {
                modifier_at(s, k) == Some(Modifier::Negator)
                    && s.p.tokens[k].clause == s.p.tokens[j].clause
                    && !DETERMINER_NEGATORS.contains(&s.p.norm(&s.p.tokens[k]))
                    && !matches!(s.p.norm(&s.p.tokens[j]), "neither" | "nor" | "noch")
            });
            if never_so(s, j, i) {
                s.val[i] *= NEVER_SO;
                let orig = s.p.orig(&s.p.tokens[j]);
                s.ev("never_so", orig, NEVER_SO);
            } else if !cancelled {
                negate(s, i, j, expect);
            }
        }
    }
    postpositive_negation(s);
}

/// VADER `_negation_check`: "never so happy", "never this good", "nooit zo goed geholpen"
/// is emphasis, not negation: × 1.25 instead of `N_SCALAR`.
pub const NEVER_SO: f32 = 1.25;
const NEVER: &[&str] = &["never", "nooit"];
const NEVER_DEGREE: &[&str] = &["so", "this", "that", "zo", "dit"];

/// Whether the negator at `j` is "never"/"nooit" with a degree word between it and `i`.
fn never_so(s: &Scoring<'_, '_>, j: usize, i: usize) -> bool {
    NEVER.contains(&s.p.norm(&s.p.tokens[j])) && (j + 1..i).any(|k| NEVER_DEGREE.contains(&s.p.norm(&s.p.tokens[k])))
}

/// VADER `_least_check`: "the least helpful agent" negates "helpful"; "at least" and "very
/// least" do not ("at least it works"). Only the word right after "least".
fn least_before(s: &Scoring<'_, '_>, i: usize) -> Option<usize> {
    let j = prev_word(s, i).filter(|&j| j + 1 == i && s.p.norm(&s.p.tokens[j]) == "least")?;
    let before = prev_word(s, j).map(|k| s.p.norm(&s.p.tokens[k]));
    (!matches!(before, Some("at" | "very"))).then_some(j)
}

/// The negator governing word `i`, scanning back within its clause.
fn negator_before(s: &Scoring<'_, '_>, i: usize) -> Option<usize> {
    negator_back(s, i, s.val[i] < 0.0)
}

/// The negator governing what starts at token `i` (negative: the nearer scope).
fn negator_back(s: &Scoring<'_, '_>, i: usize, negative: bool) -> Option<usize> {
    let clause = s.p.tokens[i].clause;
    (0..i)
        .rev()
        // a face or emoji closes what came before it ("NOT :) I heart overbooking")
        .take_while(|&j| s.p.tokens[j].clause == clause && !matches!(s.p.tokens[j].kind, Kind::Emoticon | Kind::Emoji))
        .filter(|&j| s.p.tokens[j].is_word())
        .take(if negative { NEG_SCOPE_NEGATIVE } else { NEG_SCOPE })
        .take_while(|&j| !matches!(modifier_at(s, j), Some(Modifier::Boundary | Modifier::Contrast)))
        .enumerate()
        .find(|&(d, j)| {
            modifier_at(s, j) == Some(Modifier::Negator) && (d < SCOPE || !DETERMINER_NEGATORS.contains(&s.p.norm(&s.p.tokens[j])))
        })
        .map(|(_, j)| j)
}

/// Negates word `i` because of the negator at `j` (before or after it).
fn negate(s: &mut Scoring<'_, '_>, i: usize, j: usize, expect: bool) {
    if expect {
        s.val[i] = EXPECT_NEGATED;
    } else {
        s.val[i] *= N_SCALAR;
    }
    s.negated[i] = true;
    let (a, b) = (s.p.tokens[i.min(j)].orig.0 as usize, s.p.tokens[i.max(j)].orig.1 as usize);
    let span = s.p.text.get(a..b).unwrap_or("");
    if expect {
        s.ev("negated_expectation", span, EXPECT_NEGATED);
    } else {
        s.ev("negation", span, N_SCALAR);
    }
}

/// Dutch main clauses put "niet" after the verb or the predicate: "het werkt niet",
/// "het inloggen lukt niet", "ik vind het leuk niet". A "niet" that no sentiment word
/// follows (within two words) negates the nearest sentiment or expectation word up to
/// `SCOPE` words before it, in the same clause and not past a boundary ("dat", "omdat").
fn postpositive_negation(s: &mut Scoring<'_, '_>) {
    if s.det.lang != Lang::Nl && !s.det.mixed {
        return;
    }
    if !s.p.any_flag(flag::POSTPOSITIVE | flag::POSTPOSITIVE_OBJECT) {
        return;
    }
    let toks = &s.p.tokens;
    let n = toks.len();
    for k in 0..n {
        if !toks[k].is_word() {
            continue;
        }
        // membership of POSTPOSITIVE_NL_OBJECT / POSTPOSITIVE_NL, looked up once per form (`vocab`)
        let object = toks[k].lex.has(flag::POSTPOSITIVE_OBJECT);
        if !object && !toks[k].lex.has(flag::POSTPOSITIVE) {
            continue;
        }
        let clause = toks[k].clause;
        let scored = |s: &Scoring<'_, '_>, j: usize| {
            s.val[j] != 0.0 || modifier_at(s, j) == Some(Modifier::Expect)
        };
        let after = (k + 1..n).take_while(|&j| toks[j].clause == clause).filter(|&j| toks[j].is_word()).take(2);
        if after.into_iter().any(|j| scored(s, j)) {
            continue; // "niet leuk": the ordinary rule
        }
        let before = (0..k)
            .rev()
            .take_while(|&j| toks[j].clause == clause)
            .filter(|&j| toks[j].is_word())
            .take(SCOPE)
            .take_while(|&j| !matches!(modifier_at(s, j), Some(Modifier::Boundary | Modifier::Contrast | Modifier::Negator)))
            .find(|&j| scored(s, j));
        let Some(i) = before else { continue };
        let expect = s.val[i] == 0.0;
        if s.negated[i] || s.covered[i] || (object && !expect) {
            continue;
        }
        negate(s, i, k, expect);
    }
}

/// "geweldig, alweer te laat", "great, another delay": a positive word opening a
/// sentence, then a break, then a repeat marker or clear negativity → sarcasm.
pub fn sarcasm_form_rule(s: &mut Scoring<'_, '_>) {
    let toks = &s.p.tokens;
    let n = toks.len();
    let mut i = 0;
    while i < n {
        // first word of a sentence, skipping interjections ("oh great, ...")
        let sentence_start = i == 0 || toks[i - 1].sentence != toks[i].sentence;
        if !sentence_start {
            i += 1;
            continue;
        }
        let mut k = i;
        while k < n && toks[k].is_word() && modifier_at(s, k) == Some(Modifier::Interjection) {
            k += 1;
        }
        // the opener: one or two words, the last positive, then a comma / ! / …
        let plain = |j: usize| s.val[j] > 0.0 && !s.negated[j] && !s.covered[j];
        // or, with no positive word after it, a positive interjection itself ("wow, another delay")
        let opener = (k..n.min(k + 2)).find(|&j| plain(j)).or((k > i && plain(k - 1)).then(|| k - 1));
        if let Some(j) = opener {
            // a tag particle may follow the opener: "geweldig hoor, ...", "top zeg, ..."
            let mut brk = j + 1;
            while brk < n && toks[brk].is_word() && modifier_at(s, brk) == Some(Modifier::Interjection) {
                brk += 1;
            }
            if brk < n && matches!(toks[brk].kind, Kind::Comma | Kind::Punct | Kind::Stop) && toks[brk].quest == 0 {
                let sent = if toks[brk].kind == Kind::Comma { toks[brk].sentence } else { toks[brk].sentence + 1 };
                let rest = (brk + 1..n).take_while(|&r| toks[r].sentence == sent);
                let (mut repeat, mut neg, mut pos) = (false, 0.0, false);
                for r in rest {
                    // "another" repeats only as a determiner ("another delay"), not as the
                    // pronoun ending a clause ("from one prescription to another")
                    let pronoun = s.p.norm(&toks[r]) == "another" && next_word(s, r).is_none();
                    repeat |= modifier_at(s, r) == Some(Modifier::Repeat) && !pronoun;
                    if s.val[r] < 0.0 {
                        neg += s.val[r];
                    } else if s.val[r] > 0.0 {
                        pos = true;
                    }
                }
                // a real cue: a repeat marker ("alweer", "another"), or an interjection
                // opener ("oh great, ...") with clear negativity. A plain positive word, a
                // comma and a negative one is praise and criticism ("a smart, provocative drama").
                let interjection = k > i;
                // A repeat marker after a new sentence needs some negativity too: "YES! I
                // still believe in you" is joy, "geweldig! alweer te laat" is not.
                let repeat = repeat && (toks[brk].kind == Kind::Comma || neg < 0.0);
                if !pos && (repeat || (interjection && neg <= -1.5)) {
                    flip_sarcastic(s, j, j);
                }
            }
        }
        i += 1;
    }
}

/// "thank you for wasting my money", "thanks Hermine for ruining my week", "bedankt voor
/// het verpesten": thanks for a harm is sarcasm. The thanks (one or two words before
/// "for"/"voor") flips like a sarcastic opener when the first content word after "for" is
/// negative; "thanks for the quick fix of my broken phone" stays thanks.
const THANKS: &[&str] = &["thanks", "thank", "thx", "bedankt", "dank"];
const THANKS_FOR: &[&str] = &["for", "voor"];
const THANKS_SKIP: &[&str] = &["the", "a", "an", "my", "your", "this", "that", "all", "de", "het", "een", "mijn", "jullie"];
/// Sarcasm's signature: the praise scored at `v` is meant as its opposite, and it is said in
/// frustration. The evidence names token `t` (the praise itself, or the thanks that carries it).
fn flip_sarcastic(s: &mut Scoring<'_, '_>, v: usize, t: usize) {
    let before = s.val[v];
    s.val[v] = -before * SARCASM_FLIP;
    let orig = s.p.orig(&s.p.tokens[t]);
    s.ev("sarcasm", orig, s.val[v] - before);
    s.frustration += FRUST_SARCASM;
    s.ev("frustration", orig, FRUST_SARCASM);
}

pub fn thanks_for_harm_rule(s: &mut Scoring<'_, '_>) {
    let toks = &s.p.tokens;
    for i in 0..toks.len() {
        if !toks[i].is_word() || !THANKS.contains(&s.p.norm(&toks[i])) {
            continue;
        }
        // the valence sits on the word, or on the phrase's last word ("thank you")
        let Some(t) = [Some(i), next_word(s, i)].into_iter().flatten().find(|&t| s.val[t] > 0.0 && !s.negated[t]) else {
            continue;
        };
        // "for" within the next three words of the clause ("thank you for", "thanks Hermine for")
        let mut k = i;
        let Some(f) = (0..3).find_map(|_| {
            k = next_word(s, k)?;
            THANKS_FOR.contains(&s.p.norm(&toks[k])).then_some(k)
        }) else {
            continue;
        };
        let mut c = f;
        let harm = loop {
            match next_word(s, c) {
                Some(n) if THANKS_SKIP.contains(&s.p.norm(&toks[n])) => c = n,
                Some(n) => break s.val[n] < 0.0,
                None => break false,
            }
        };
        if harm {
            flip_sarcastic(s, t, i);
        }
    }
}

/// "maar", "but", "however": the clause after counts more, the part before less.
pub fn contrast_rule(s: &mut Scoring<'_, '_>) {
    let toks = &s.p.tokens;
    let Some(c) = (0..toks.len()).rev().find(|&i| {
        modifier_at(s, i) == Some(Modifier::Contrast) && toks.get(i + 1).is_some_and(|n| n.is_word())
    }) else {
        return;
    };
    if !s.val.iter().any(|v| *v != 0.0) {
        return;
    }
    for (i, v) in s.val.iter_mut().enumerate() {
        *v *= if i < c { CONTRAST_BEFORE } else { CONTRAST_AFTER };
    }
    let orig = s.p.orig(&toks[c]);
    s.ev("contrast", orig, CONTRAST_AFTER);
}

/// "?", "??", "???" raise uncertainty (one question is just a question).
pub fn question_rule(s: &mut Scoring<'_, '_>) {
    let q: u16 = s.p.tokens.iter().map(|t| t.quest).max().unwrap_or(0);
    if q == 0 {
        return;
    }
    let u = QUESTION_UNCERTAINTY[(q as usize).min(3) - 1];
    s.uncertainty += u;
    let tok = s.p.tokens.iter().find(|t| t.quest == q).map(|t| s.p.orig(t)).unwrap_or("?");
    s.ev("question", tok, u);
}

/// A whole message in capitals (3+ words) is shouting: a frustration signal, unless the
/// message is positive ("NOT BAD AT ALL", "THANK YOU SO MUCH" is enthusiasm, not anger;
/// the same rule as for "!" in `compound`).
pub fn shouting_rule(s: &mut Scoring<'_, '_>) {
    if s.p.has_lower {
        return; // the condition below starts with `!has_lower`: skip counting
    }
    let words = s.p.tokens.iter().filter(|t| t.is_word() && t.caps).count();
    let letters: usize = s.p.tokens.iter().filter(|t| t.caps).map(|t| (t.norm.1 - t.norm.0) as usize).sum();
    if !s.p.has_lower && words >= 3 && letters >= 10 && s.val.iter().sum::<f32>() <= 0.0 {
        s.frustration += FRUST_SHOUTING;
        s.ev("shouting", "", FRUST_SHOUTING);
    }
}

/// "I need it tomorrow", "ik heb het vrijdag nodig": a need and a near day in one
/// sentence, in any order and at any distance, is a deadline (urgency).
pub fn deadline_rule(s: &mut Scoring<'_, '_>) {
    if !s.p.any_flag(flag::NEED) || !s.p.any_flag(flag::DAY) {
        return;
    }
    let (mut sentence, mut need, mut day) = (u16::MAX, false, false);
    for t in s.p.tokens.iter().filter(|t| t.is_word()) {
        if t.sentence != sentence {
            (sentence, need, day) = (t.sentence, false, false);
        }
        need |= t.lex.has(flag::NEED);
        day |= t.lex.has(flag::DAY);
        if need && day {
            s.urgency += DEADLINE_URGENCY;
            let orig = s.p.orig(t);
            s.ev("deadline", orig, DEADLINE_URGENCY);
            return;
        }
    }
}

/// "like" comparing, not liking: after a form of be/feel/look/sound/seem ("it's like
/// a dream", "feels like home") or before an article or pronoun without a subject
/// before it ("like a charm"). "kind of" / "sort of" are dampers, not kindness.
/// "well" has VADER's 1.1 ("doing well", "get well soon", "works well") except as a
/// discourse marker standing alone at the start of its clause ("Well, ..."), in "as well"
/// and "oh well". The words `word_sense_rule` reads.
pub(crate) const SENSE_WORDS: &[&str] = &["like", "kind", "sort", "well"];
pub fn word_sense_rule(s: &mut Scoring<'_, '_>) {
    if !s.p.any_flag(flag::SENSE) {
        return;
    }
    let toks = &s.p.tokens;
    for i in 0..toks.len() {
        // SENSE_WORDS membership, looked up once per form (`vocab`)
        if !toks[i].is_word() || !toks[i].lex.has(flag::SENSE) || s.covered[i] {
            continue;
        }
        let w = s.p.norm(&toks[i]);
        let next = next_word(s, i).map(|j| s.p.norm(&toks[j]));
        let prev = prev_word(s, i).map(|j| s.p.norm(&toks[j]));
        match w {
            "like" if s.val[i] > 0.0 => {
                let verb = prev.is_some_and(|p| LIKE_SUBJECT.contains(&p));
                let comparison = prev.is_some_and(|p| LIKE_COMPARE_PREV.contains(&p))
                    || (!verb && next.is_some_and(|n| LIKE_COMPARE_NEXT.contains(&n)));
                if comparison {
                    let v = s.val[i];
                    s.val[i] = 0.0;
                    let orig = s.p.orig(&toks[i]);
                    s.ev("like_comparison", orig, -v);
                }
            }
            "kind" | "sort" if next == Some("of") => {
                s.val[i] = 0.0;
                s.modifier[i] = Some(Modifier::Damper);
                let orig = s.p.orig(&toks[i]);
                s.ev("kind_of_damper", orig, 0.0);
            }
            "well" if s.val[i] == 0.0 && prev != Some("as") && prev != Some("oh") => {
                let discourse = s.p.tokens.get(i + 1).is_none_or(|t| !t.is_word()) && prev.is_none();
                let good = !discourse || prev.is_some_and(|p| WELL_PREV.contains(&p)) || next.is_some_and(|n| WELL_NEXT.contains(&n));
                if good {
                    s.val[i] = WELL_VALENCE;
                    s.modifier[i] = None;
                    let orig = s.p.orig(&toks[i]);
                    s.ev("well_done", orig, WELL_VALENCE);
                }
            }
            _ => {}
        }
    }
}

/// "well" as praise (VADER's own valence for "well", 1.1).
pub const WELL_VALENCE: f32 = 1.1;
/// "works well", "holds up very well", "so well".
const WELL_PREV: &[&str] = &[
    "very", "so", "really", "pretty", "quite", "extremely", "incredibly", "works", "worked", "work", "working", "holds",
    "held", "up", "performs", "performed", "played", "plays", "fits", "fit", "went", "goes", "aged", "done", "made",
    "written", "acted", "cast", "did", "does", "do", "functions", "functioned", "sounds", "looks",
];
/// "well made", "well done", "well worth".
const WELL_NEXT: &[&str] = &[
    "made", "done", "worth", "written", "acted", "built", "designed", "crafted", "executed", "packaged", "priced",
    "directed", "deserved", "thought", "constructed", "balanced", "paced", "played", "cast", "shot", "edited",
];
/// Before "like", a subject or auxiliary makes it the verb: "I like", "would like".
const LIKE_SUBJECT: &[&str] = &[
    "i", "you", "we", "they", "he", "she", "people", "who", "do", "don't", "dont", "would", "really", "also", "to",
    "i'd", "we'd", "you'd", "they'd", "did", "does", "will", "still", "definitely", "totally", "truly", "genuinely",
    "actually", "kids", "everyone", "everybody", "customers", "users", "folks", "didn't", "doesn't", "i'll", "might",
];
/// Before "like", be/feel/look/sound/seem make it a comparison.
const LIKE_COMPARE_PREV: &[&str] = &[
    "is", "was", "it's", "its", "that's", "thats", "be", "been", "being", "are", "were", "i'm", "im", "feel", "feels",
    "felt", "feeling", "look", "looks", "looked", "looking", "sound", "sounds", "sounded", "seem", "seems", "seemed",
    "smell", "smells", "taste", "tastes", "act", "acts", "acted", "just", "exactly", "more", "much", "nothing",
    "something", "anything", "things", "stuff", "kinda", "almost", "you're", "he's", "she's", "they're", "we're",
];
/// After "like" (with no subject before), an article or pronoun: "like a charm".
const LIKE_COMPARE_NEXT: &[&str] = &[
    "a", "an", "the", "this", "that", "these", "those", "my", "your", "his", "her", "their", "our", "it", "its",
    "it's", "he", "she", "they", "we", "i", "you", "someone", "something", "anything", "nothing", "crazy", "hell",
    "what", "how", "when", "new", "any", "some", "most", "every",
];

fn next_word(s: &Scoring<'_, '_>, i: usize) -> Option<usize> {
    let clause = s.p.tokens[i].clause;
    (i + 1..s.p.tokens.len()).take_while(|&j| s.p.tokens[j].clause == clause).find(|&j| s.p.tokens[j].is_word())
}

fn prev_word(s: &Scoring<'_, '_>, i: usize) -> Option<usize> {
    let clause = s.p.tokens[i].clause;
    (0..i).rev().take_while(|&j| s.p.tokens[j].clause == clause).find(|&j| s.p.tokens[j].is_word())
}

/// "too" + a word without sentiment leans negative ("too many", "too long", "too
/// small"); + a negative word it boosts ("too pretentious"); + a positive word it is
/// no booster ("too good" stays as good as "good"). Own choice: about "slightly bad".
/// Dutch "te" is the same word ("veel te klein", "te kort") in Dutch text, except
/// before an infinitive ("niet te doen", "aan te raden", "te bereiken"): a next word
/// ending in "-en" or a function word is taken for one.
pub const TOO_VALENCE: f32 = -1.0;
/// Dutch infinitives that do not end in "-en" and are not function words.
const TE_INFINITIVES: &[&str] = &["staan", "slaan", "bestaan", "ontstaan", "verstaan", "koop"];
pub fn too_rule(s: &mut Scoring<'_, '_>) {
    if !s.p.any_flag(flag::TOO | flag::TE) {
        return;
    }
    let dutch = s.det.lang == Lang::Nl || s.det.mixed;
    for i in 0..s.p.tokens.len() {
        let t = &s.p.tokens[i];
        // the form is "too" / "te", looked up once per form (`vocab`)
        let too = t.lex.has(flag::TOO);
        let te = dutch && t.lex.has(flag::TE);
        if !t.is_word() || !(too || te) || s.covered[i] {
            continue;
        }
        let Some(j) = next_word(s, i).filter(|&j| j == i + 1) else { continue };
        if te {
            let next = &s.p.tokens[j];
            let w = s.p.norm(next);
            if w.ends_with("en") || next.stop != 0 || TE_INFINITIVES.contains(&w) {
                continue;
            }
        }
        if s.val[j] > 0.0 {
            s.modifier[i] = None;
        } else if s.val[j] == 0.0 && s.modifier[j].is_none() {
            s.val[i] = TOO_VALENCE;
            s.modifier[i] = None;
            let (a, b) = (s.p.tokens[i].orig.0 as usize, s.p.tokens[j].orig.1 as usize);
            let span = s.p.text.get(a..b).unwrap_or("");
            s.ev("too", span, TOO_VALENCE);
        }
    }
}

/// Conditions and how-to questions describe a possibility, not an experience: "wat moet
/// ik doen als het pakket beschadigd is?", "what if it arrives broken?", "if it breaks,
/// can I return it?". Sentiment after "if" / "indien" / "mocht" (and after "als" /
/// "wanneer" / "when" in a question) to the end of the clause counts `HYPOTHETICAL` of its
/// value. Own choice.
pub const HYPOTHETICAL: f32 = 0.25;
pub(crate) const IF_ALWAYS: &[&str] = &["if", "indien", "mocht", "mochten", "unless", "tenzij"];
pub(crate) const IF_IN_QUESTION: &[&str] = &["als", "wanneer", "when", "whether"];
pub fn hypothetical_rule(s: &mut Scoring<'_, '_>) {
    if !s.p.any_flag(flag::IF_ALWAYS | flag::IF_IN_QUESTION) {
        return;
    }
    let toks = &s.p.tokens;
    let n = toks.len();
    let mut i = 0;
    while i < n {
        // IF_ALWAYS / IF_IN_QUESTION membership, looked up once per word form (`vocab`)
        let always = toks[i].is_word() && toks[i].lex.has(flag::IF_ALWAYS);
        if !(always || toks[i].is_word() && toks[i].lex.has(flag::IF_IN_QUESTION)) {
            i += 1;
            continue;
        }
        let sentence = toks[i].sentence;
        let end = (i..n).find(|&j| toks[j].sentence != sentence || toks[j].kind == Kind::Punct).unwrap_or(n);
        let question = toks.get(end).is_some_and(|t| t.quest > 0);
        if !(always || question) {
            i += 1;
            continue;
        }
        let clause_end = (i + 1..n).find(|&j| toks[j].clause != toks[i].clause).unwrap_or(n);
        let mut changed = 0.0;
        for k in i + 1..clause_end {
            if s.val[k] != 0.0 {
                changed += s.val[k] * (1.0 - HYPOTHETICAL);
                s.val[k] *= HYPOTHETICAL;
            }
        }
        if changed != 0.0 {
            let orig = s.p.orig(&toks[i]);
            s.ev("hypothetical", orig, HYPOTHETICAL);
        }
        i = clause_end.max(i + 1);
    }
}

/// A repeat marker ("steeds", "alweer", "again") with "??" or "!!" in a message with no
/// sentiment word is exasperation: "steeds geld afgeschreven?? ik heb opgezegd!!". Own
/// choice: about a mild complaint word.
pub const EXASPERATION: f32 = -1.2;
pub fn exasperation_rule(s: &mut Scoring<'_, '_>) {
    if s.val.iter().any(|v| *v != 0.0) {
        return;
    }
    let emphatic = s.p.tokens.iter().any(|t| t.excl >= 2 || t.quest >= 2);
    let Some(r) = (0..s.p.tokens.len()).find(|&i| s.modifier[i] == Some(Modifier::Repeat)) else { return };
    if emphatic {
        s.val[r] = EXASPERATION;
        let orig = s.p.orig(&s.p.tokens[r]);
        s.ev("exasperation", orig, EXASPERATION);
    }
}

/// Sum the token valences, add "!" emphasis, normalise to -1..1 (VADER compound).
pub fn compound(s: &mut Scoring<'_, '_>) -> f32 {
    let sum: f32 = s.val.iter().sum();
    if sum == 0.0 {
        return 0.0;
    }
    let excl: u16 = s.p.tokens.iter().map(|t| t.excl).sum::<u16>().min(EXCL_MAX);
    let mut total = sum;
    if excl > 0 {
        let amp = excl as f32 * EXCL_INCR * sign(sum);
        total += amp;
        s.ev("exclamation", "!", amp);
        if sum < 0.0 {
            let f = (excl as f32 * FRUST_EXCL).min(0.3);
            s.frustration += f;
            s.ev("frustration", "!", f);
        }
    }
    let c = (total / (total * total + ALPHA).sqrt()).clamp(-1.0, 1.0);
    s.ev("compound", "", c);
    c
}

/// Negative valence is itself a frustration signal.
pub fn tone_from_valence(s: &mut Scoring<'_, '_>, valence: f32) {
    if valence < 0.0 {
        let f = -valence * NEG_TO_FRUSTRATION;
        s.frustration += f;
        s.ev("negativity", "", f);
    }
}

/// The summed frustration signals mapped onto the policy's scale: up to `FRUST_KNEE`
/// (mild annoyance: one negative sentence) unchanged, above it stretched by
/// `FRUST_SLOPE`, so a message with strong negativity *and* an anger signal (a curse,
/// "!!", caps, an anger phrase) reaches the one-message spike level (0.85).
pub fn calibrate_frustration(raw: f32) -> f32 {
    let f = if raw.is_nan() { 0.0 } else { raw };
    let f = if f <= FRUST_KNEE { f } else { FRUST_KNEE + (f - FRUST_KNEE) * FRUST_SLOPE };
    f.clamp(0.0, 1.0)
}
