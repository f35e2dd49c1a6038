//! Moments of truth: complaint, cancellation, refund, complex order, legal
//! threat, vulnerable customer, and the explicit request for a human.
//! Phrases come from `data/intents.tsv` (matched over stems by `phrases`).

use crate::analysis::{Intent, IntentHit};
use crate::lang::Lang;
use crate::lexicon::{Modifier, PhraseKind, HUMAN_AFTER, HUMAN_ALONE, HUMAN_ASK, HUMAN_BLOCKER, HUMAN_FILLER, HUMAN_PERSON, MODIFIERS};
use crate::phrases::Match;
use crate::text::Parsed;

/// A negator just before the phrase ("I don't want to cancel", "geen klacht")
/// multiplies the confidence by this: zero, the intent is not reported at all (a
/// lowered confidence still counted for the human request, which ignores confidence).
pub const NEGATED_FACTOR: f32 = 0.0;
/// Negated ability is no negated intent: "I can't cancel my order", "ik kan het niet
/// opzeggen", "het lukt niet om op te zeggen" still want the thing.
const ABILITY: &[&str] = &["can't", "cant", "cannot", "couldn't", "couldnt", "unable", "kan", "kon", "lukt", "lukte", "krijg"];
/// Words scanned back for such a negator.
const NEGATION_SCOPE: usize = 4;
/// A clause of only person and filler words (`data/human_request.tsv`: "medewerker!",
/// "hallo, een mens graag", "…, I want a human") is a request for a person.
const BARE_REQUEST_CONFIDENCE: f32 = 0.9;
/// Words a bare request clause may have at most.
const BARE_MAX_WORDS: usize = 5;
/// Strongly negative, frustrated messages are complaints even without the word.
const TONE_COMPLAINT_CONFIDENCE: f32 = 0.6;
/// The evidence of a complaint inferred from tone alone (no complaint words); the policy
/// treats it as tone (an offer), not as a moment of truth.
pub const TONE_COMPLAINT_EVIDENCE: &str = "strong negative tone";
const TONE_COMPLAINT_VALENCE: f32 = -0.6;
const TONE_COMPLAINT_FRUSTRATION: f32 = 0.5;

pub fn detect(p: &Parsed<'_>, matches: &[Match], valence: f32, frustration: f32) -> Vec<IntentHit> {
    let mut hits: Vec<IntentHit> = Vec::new();
    for m in matches {
        let PhraseKind::Intent(intent) = m.phrase.kind else { continue };
        // an intent whose words run on into a longer tone phrase means something else:
        // "sick" / "I'm sick" in "I'm sick of this", "ziek" in "ziek van jullie"
        let overridden = matches.iter().any(|o| {
            !matches!(o.phrase.kind, PhraseKind::Intent(_))
                && o.len() > 1
                && o.start <= m.end
                && m.start <= o.end
                && (o.end > m.end || (o.start <= m.start && m.start == m.end))
        });
        if overridden || (intent == Intent::HumanRequest && not_a_request(p, m)) {
            continue;
        }
        let mut conf = m.phrase.weight as f32 / 100.0;
        let mut ev = m.text(p).to_string();
        if let Some(neg) = negator_before(p, m.start) {
            conf *= NEGATED_FACTOR;
            ev = format!("negated: {neg} … {ev}");
        }
        if conf > 0.0 {
            add(&mut hits, intent, conf, ev);
        }
    }
    paired_request(p, &mut hits);
    bare_request(p, &mut hits);
    if valence <= TONE_COMPLAINT_VALENCE && frustration >= TONE_COMPLAINT_FRUSTRATION {
        add(&mut hits, Intent::Complaint, TONE_COMPLAINT_CONFIDENCE, TONE_COMPLAINT_EVIDENCE.to_string());
    }
    hits.sort_by(|a, b| b.confidence.total_cmp(&a.confidence).then(a.intent.cmp(&b.intent)));
    hits
}

fn add(hits: &mut Vec<IntentHit>, intent: Intent, conf: f32, ev: String) {
    match hits.iter_mut().find(|h| h.intent == intent) {
        Some(h) => {
            h.confidence = h.confidence.max(conf);
            if !h.evidence.contains(&ev) {
                h.evidence.push(ev);
            }
        }
        None => hits.push(IntentHit { intent, confidence: conf, evidence: vec![ev] }),
    }
}

fn negator_before<'a>(p: &Parsed<'a>, start: usize) -> Option<&'a str> {
    let clause = p.tokens[start].clause;
    let window: Vec<usize> = (0..start)
        .rev()
        .take_while(|&j| p.tokens[j].clause == clause)
        .filter(|&j| p.tokens[j].is_word())
        .take(NEGATION_SCOPE)
        .collect();
    let neg = window.iter().find(|&&j| MODIFIERS.get(p.norm(&p.tokens[j])) == Some(Modifier::Negator))?;
    if window.iter().any(|&j| ABILITY.contains(&p.norm(&p.tokens[j]))) {
        return None;
    }
    Some(p.orig(&p.tokens[*neg]))
}

/// A human-request phrase with a negator or blocker word among the words it skips, or a
/// blocker word just before it, is about someone, not a request for them: "ik wil geen
/// medewerker", "my travel agent please", "your agent was helpful, please".
fn not_a_request(p: &Parsed<'_>, m: &Match) -> bool {
    let ids = crate::phrases::word_ids().phrase(m.index);
    let skipped = (m.start..=m.end).filter(|&j| {
        let t = &p.tokens[j];
        t.is_word() && !ids.contains(&t.lex.phrase_word(m.phrase.lang))
    });
    let before = (0..m.start).rev().find(|&j| p.tokens[j].is_word()).filter(|&j| p.tokens[j].clause == p.tokens[m.start].clause);
    let blocked = |j: usize| HUMAN_BLOCKER.contains(p.norm(&p.tokens[j]));
    let negator = |j: usize| MODIFIERS.get(p.norm(&p.tokens[j])) == Some(Modifier::Negator);
    skipped.clone().any(|j| blocked(j) || negator(j)) || before.is_some_and(blocked)
}

/// Confidence of an ask × person / person × after request (as intents.tsv's 0.9).
const PAIRED_REQUEST_CONFIDENCE: f32 = 0.9;
/// At most this many other words between the cue and the person word ("want *to speak with
/// a* representative" has three words to skip between "want" and the person, but "speak" is
/// a cue itself).
const PAIR_GAP: usize = 2;

/// The request as a rule over the word roles of `data/human_request.tsv`, anywhere in a
/// message: an ask word before a person word ("ik WIL een MEDEWERKER", "can I GET a HUMAN") or
/// an after word behind one ("een MEDEWERKER GRAAG", "HUMAN PLEASE"), in one clause, at most
/// `PAIR_GAP` words apart, in either language or both ("kan ik please een human spreken").
/// Not a request: a negator or blocker word between the two or just before them ("ik wil GEEN
/// medewerker", "MY travel agent", "your agent WAS helpful, please"), a negated wish ("I don't
/// want a human"). `alone` words ("iemand") only count in a bare clause (`bare_request`).
fn paired_request(p: &Parsed<'_>, hits: &mut Vec<IntentHit>) {
    let toks = &p.tokens;
    let cue = |i: usize, table: &crate::lexicon::Table<()>| {
        let t = &toks[i];
        table.contains(p.norm(t)) || table.contains(&p.stem(t, Lang::En)) || table.contains(&p.stem(t, Lang::Nl))
    };
    let blocked = |i: usize| {
        let w = p.norm(&toks[i]);
        HUMAN_BLOCKER.contains(w) || MODIFIERS.get(w) == Some(Modifier::Negator)
    };
    // Runs on every message: no allocation, and the neighbours are only looked at around the
    // (rare) person words.
    for j in 0..toks.len() {
        if !toks[j].is_word() || !HUMAN_PERSON.contains(p.norm(&toks[j])) {
            continue;
        }
        let before = clause_words(p, j, true).take(PAIR_GAP + 1).find(|&i| cue(i, &HUMAN_ASK));
        let after = clause_words(p, j, false).take(PAIR_GAP + 1).find(|&i| cue(i, &HUMAN_AFTER));
        for (a, b) in [before.map(|i| (i, j)), after.map(|i| (j, i))].into_iter().flatten() {
            let mut between = (a + 1..b).filter(|&i| toks[i].is_word());
            let just_before = clause_words(p, a, true).next();
            if between.any(blocked) || just_before.is_some_and(|i| HUMAN_BLOCKER.contains(p.norm(&toks[i]))) {
                continue;
            }
            if negator_before(p, a).is_some() {
                continue;
            }
            let (x, y) = (toks[a].orig.0 as usize, toks[b].orig.1 as usize);
            add(hits, Intent::HumanRequest, PAIRED_REQUEST_CONFIDENCE, p.text.get(x..y).unwrap_or("").to_string());
            break;
        }
    }
}

/// The word tokens of token `j`'s clause, nearest first, going back (`back`) or forward.
fn clause_words<'p>(p: &'p Parsed<'_>, j: usize, back: bool) -> impl Iterator<Item = usize> + 'p {
    let clause = p.tokens[j].clause;
    let mut i = j;
    std::iter::from_fn(move || loop {
        i = if back { i.checked_sub(1)? } else { Some(i + 1).filter(|&n| n < p.tokens.len())? };
        if p.tokens[i].clause != clause {
            return None;
        }
        if p.tokens[i].is_word() {
            return Some(i);
        }
    })
}

/// Each clause is looked at on its own: a request after a greeting or a complaint counts.
fn bare_request(p: &Parsed<'_>, hits: &mut Vec<IntentHit>) {
    let mut words: Vec<&str> = Vec::new();
    for (i, t) in p.tokens.iter().enumerate() {
        if t.is_word() {
            words.push(p.norm(t));
        }
        let last = p.tokens.get(i + 1).is_none_or(|n| n.clause != t.clause);
        if last {
            bare_clause(&words, hits);
            words.clear();
        }
    }
}

fn bare_clause(words: &[&str], hits: &mut Vec<IntentHit>) {
    if words.is_empty() || words.len() > BARE_MAX_WORDS {
        return;
    }
    let person = |w: &&str| HUMAN_PERSON.contains(w) || HUMAN_ALONE.contains(w);
    if let Some(w) = words.iter().find(|w| person(w)) {
        if words.iter().all(|w| person(w) || HUMAN_FILLER.contains(w)) {
            add(hits, Intent::HumanRequest, BARE_REQUEST_CONFIDENCE, (*w).to_string());
        }
    }
}
