//! Sentiment and tone of one message: the entry point `analyze`.
//!
//! The text is parsed once (`text::parse`), the language detected
//! (`lang::detect`), phrases matched (`phrases::find`); then each rule in
//! `rules` reads that parse and writes token valences, tone signals and
//! evidence into one `Scoring`. `score` folds the result into an `Analysis`.

pub mod rules;
pub mod vocab;

use crate::analysis::{Analysis, Evidence, Tone};
use crate::lang::{self, Detection, Lang};
use crate::phrases::{self, Match};
use crate::text::{self, Parsed};

/// Everything the rules read and write for one message.
pub struct Scoring<'p, 'a> {
    pub p: &'p Parsed<'a>,
    pub det: Detection,
    pub matches: Vec<Match>,
    /// Per token: valence on VADER's -4..4 scale (0 = none).
    pub val: Vec<f32>,
    /// Per token: its valence comes from a phrase, the word itself is not scored.
    pub covered: Vec<bool>,
    /// Per token: its modifier kind, looked up once.
    pub modifier: Vec<Option<crate::lexicon::Modifier>>,
    /// Per token: a negator changed its sign.
    pub negated: Vec<bool>,
    pub profanity: u32,
    pub frustration: f32,
    pub uncertainty: f32,
    pub urgency: f32,
    pub evidence: Vec<Evidence>,
    /// Whether `ev` records evidence.
    pub explain: bool,
}

impl<'p, 'a> Scoring<'p, 'a> {
    /// Record evidence (only when the caller asked for it: `analyze` does, `score` does not,
    /// so the scores-only path builds no strings).
    pub fn ev(&mut self, rule: &str, token: &str, weight: f32) {
        if self.explain {
            self.evidence.push(Evidence { rule: rule.to_string(), token: token.to_string(), weight: round3(weight) });
        }
    }
}

fn round3(x: f32) -> f32 {
    (x * 1000.0).round() / 1000.0
}

/// Analyse one message. Never panics; time is linear in the length of the text.
pub fn analyze(text: &str) -> Analysis {
    analyze_as(text, Lang::Unknown)
}

/// [`analyze`] with a language hint, e.g. the page's language: it counts as much as one
/// function word for that language (`lang::detect_with`), so it decides messages too short
/// to tell and near ties; `Lang::Unknown` is exactly `analyze`.
pub fn analyze_as(text: &str, hint: Lang) -> Analysis {
    let p = text::parse(text);
    let o = run(&p, true, hint);
    let intents = crate::intents::detect(&p, &o.matches, o.scores.valence, o.raw_frustration);
    text::recycle(p);
    let Scores { lang, mixed, valence, tone } = o.scores;
    Analysis { lang, mixed, valence, tone, intents, evidence: o.evidence }
}

/// Language, valence and tone of one message: exactly what `analyze` reports for them
/// (`tests/rules.rs` checks this on the whole speed corpus), without the evidence and
/// the moments of truth, so no strings are built. For callers that only need the
/// scores (bulk scoring, the speed comparison with score-only peers).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores {
    pub lang: Lang,
    pub mixed: bool,
    pub valence: f32,
    pub tone: Tone,
}

/// The scores of one message (see `Scores`). Never panics; linear in the text length.
pub fn score(text: &str) -> Scores {
    let p = text::parse(text);
    let scores = run(&p, false, Lang::Unknown).scores;
    text::recycle(p);
    scores
}

/// Per-token scratch vectors of `Scoring`, kept per thread between messages (emptied).
type Scratch = (Vec<f32>, Vec<bool>, Vec<bool>, Vec<Option<crate::lexicon::Modifier>>);

thread_local! {
    static SCRATCH: std::cell::Cell<Option<Scratch>> = const { std::cell::Cell::new(None) };
}

struct Outcome {
    scores: Scores,
    raw_frustration: f32,
    matches: Vec<Match>,
    evidence: Vec<Evidence>,
}

fn run(p: &Parsed<'_>, explain: bool, hint: Lang) -> Outcome {
    let det = lang::detect_with(p, hint);
    let n = p.tokens.len();
    let (mut val, mut covered, mut negated, mut modifier) = SCRATCH.with(|c| c.take()).unwrap_or_default();
    val.resize(n, 0.0);
    covered.resize(n, false);
    negated.resize(n, false);
    // Dutch-only modifiers are plain words in English text: "the best movie", "I want".
    let english = det.lang == Lang::En && !det.mixed;
    modifier.extend(p.tokens.iter().map(|t| if english && t.lex.has(vocab::flag::NL_MODIFIER) { None } else { t.lex.modifier }));
    let mut s = Scoring {
        p,
        det,
        matches: phrases::find(p, &det),
        val,
        covered,
        negated,
        modifier,
        profanity: 0,
        frustration: 0.0,
        uncertainty: 0.0,
        urgency: 0.0,
        evidence: Vec::new(),
        explain,
    };
    if p.truncated {
        s.ev("truncated", "", text::MAX_ANALYSED_BYTES as f32);
    }
    for rule in rules::RULES {
        rule(&mut s);
    }
    let valence = rules::compound(&mut s);
    rules::tone_from_valence(&mut s, valence);
    let scores = Scores {
        lang: s.det.lang,
        mixed: s.det.mixed,
        valence,
        tone: Tone {
            frustration: rules::calibrate_frustration(s.frustration),
            uncertainty: s.uncertainty.clamp(0.0, 1.0),
            urgency: s.urgency.clamp(0.0, 1.0),
        },
    };
    let (mut val, mut covered, mut negated, mut modifier) = (s.val, s.covered, s.negated, s.modifier);
    val.clear();
    covered.clear();
    negated.clear();
    modifier.clear();
    SCRATCH.with(|c| c.set(Some((val, covered, negated, modifier))));
    Outcome { scores, raw_frustration: s.frustration, matches: s.matches, evidence: s.evidence }
}

/// The languages to look words up in, in order of preference: the detected language
/// only, unless the message is mixed or its language unknown (then both, Dutch first
/// for unknown). "slim" (nl: smart) and "boss" (Dutch stem "bos" = "boos", angry) must
/// not score in English text, nor "ideal" (iDEAL, the payment) in Dutch text.
/// Below this much Dutch evidence (`lang::detect`), English is looked up too.
const WEAK_NL: f32 = 2.0;
pub fn lookup_langs(det: &Detection) -> &'static [Lang] {
    // A Dutch verdict from one function word or two lexicon words ("Even
    // better!", "Spammer. Die.") is too weak to shut English out: look in both, Dutch first.
    let weak_nl = det.lang == Lang::Nl && det.nl < WEAK_NL;
    match (det.lang, det.mixed) {
        (Lang::En, false) => &[Lang::En],
        (Lang::Nl, false) if !weak_nl => &[Lang::Nl],
        (Lang::En, true) => &[Lang::En, Lang::Nl],
        _ => &[Lang::Nl, Lang::En],
    }
}
