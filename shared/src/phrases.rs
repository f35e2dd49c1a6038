//! Multi-word phrase matching over stemmed tokens (tone phrases and intents).
//!
//! A phrase matches when its stemmed words occur in order within one sentence,
//! with at most `MAX_GAP` other words between consecutive phrase words
//! ("mag ik **alsjeblieft** een medewerker"). Lookup is by the first word's stem
//! (binary search), so matching is linear in the number of tokens.

use crate::lang::{Detection, Lang};
use crate::lexicon::{Phrase, PhraseKind, PHRASES};
use crate::sentiment::vocab::flag;
use crate::text::{Kind, Parsed};

/// Other words allowed between two phrase words.
pub const MAX_GAP: usize = 2;

#[derive(Clone, Copy)]
pub struct Match {
    pub phrase: &'static Phrase,
    /// First and last token index (inclusive).
    pub start: usize,
    pub end: usize,
}

impl Match {
    pub fn len(&self) -> usize {
        self.phrase.words.len()
    }
    pub fn is_empty(&self) -> bool {
        self.phrase.words.is_empty()
    }
    /// The original text the phrase spans.
    pub fn text<'a>(&self, p: &Parsed<'a>) -> &'a str {
        let (a, b) = (p.tokens[self.start].orig.0 as usize, p.tokens[self.end].orig.1 as usize);
        p.text.get(a..b).unwrap_or("")
    }
}

/// All phrase matches, in token order (longer phrases first at the same start).
///
/// In a message detected as one language (not mixed), only that language's tone and
/// valence phrases match: the English "directing" (Dutch stem "direct") must not
/// become the Dutch urgency word "direct". Moments of truth match in both languages
/// ("agent please" in a Dutch chat must never be missed).
pub fn find(p: &Parsed<'_>, det: &Detection) -> Vec<Match> {
    let mut out = Vec::new();
    let strict = match det.lang {
        Lang::Unknown => None,
        _ if det.mixed => None,
        l => Some(l),
    };
    for (i, t) in p.tokens.iter().enumerate() {
        if !t.is_word() || t.lex.flags & (flag::PHRASE_EN | flag::PHRASE_NL) == 0 {
            continue;
        }
        let same = t.lex.has(flag::SAME_STEM);
        for (lang, f) in [(Lang::En, flag::PHRASE_EN), (Lang::Nl, flag::PHRASE_NL)] {
            if !t.lex.has(f) || (lang == Lang::Nl && same) {
                continue; // none, or already looked up once for both languages
            }
            let (a, z) = if lang == Lang::En { t.lex.phrases_en } else { t.lex.phrases_nl };
            for ph in PHRASES.get(a as usize..z as usize).unwrap_or(&[]) {
                if ph.lang != lang && !same {
                    continue;
                }
                if strict.is_some_and(|l| l != ph.lang) && !matches!(ph.kind, PhraseKind::Intent(_)) {
                    continue;
                }
                if let Some(end) = match_rest(p, i, ph) {
                    out.push(Match { phrase: ph, start: i, end });
                }
            }
        }
    }
    out
}

/// The last token of phrase `ph` starting at token `start`.
fn match_rest(p: &Parsed<'_>, start: usize, ph: &Phrase) -> Option<usize> {
    let sentence = p.tokens[start].sentence;
    // Sarcastic forms are fixed expressions: "just great", not "just a great movie".
    let max_gap = if ph.kind == PhraseKind::Sarcasm { 0 } else { MAX_GAP };
    let mut j = start;
    for w in ph.words.iter().skip(1) {
        let mut skipped = 0;
        let mut k = j + 1;
        loop {
            let t = p.tokens.get(k)?;
            if t.sentence != sentence || t.kind != Kind::Word {
                return None;
            }
            if p.stem_is(t, ph.lang, w) {
                break;
            }
            skipped += 1;
            if skipped > max_gap {
                return None;
            }
            k += 1;
        }
        j = k;
    }
    Some(j)
}
