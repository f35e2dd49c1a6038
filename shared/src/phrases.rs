//! Multi-word phrase matching over stemmed tokens (tone phrases and intents).
//!
//! A phrase matches when its stemmed words occur in order within one sentence,
//! with at most `MAX_GAP` other words between consecutive phrase words
//! ("mag ik **alsjeblieft** een medewerker"). Lookup is by the first word's stem
//! (binary search), so matching is linear in the number of tokens.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::lang::{Detection, Lang};
use crate::lexicon::{Phrase, PhraseKind, PHRASES};
use crate::sentiment::vocab::flag;
use crate::text::{Kind, Parsed};

/// Other words allowed between two phrase words.
pub const MAX_GAP: usize = 2;

#[derive(Clone, Copy)]
pub struct Match {
    pub phrase: &'static Phrase,
    /// The phrase's index in `PHRASES` (its word numbers: `WordIds::phrase`).
    pub index: usize,
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
    let ids = word_ids();
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
            for (index, ph) in PHRASES.iter().enumerate().take(z as usize).skip(a as usize) {
                if ph.lang != lang && !same {
                    continue;
                }
                if strict.is_some_and(|l| l != ph.lang) && !matches!(ph.kind, PhraseKind::Intent(_)) {
                    continue;
                }
                if let Some(end) = match_rest(p, i, ph, ids.phrase(index)) {
                    out.push(Match { phrase: ph, index, start: i, end });
                }
            }
        }
    }
    out
}

/// The last token of phrase `ph` starting at token `start`; `ids` are its words' numbers.
fn match_rest(p: &Parsed<'_>, start: usize, ph: &Phrase, ids: &[u16]) -> Option<usize> {
    let sentence = p.tokens[start].sentence;
    // Sarcastic forms are fixed expressions: "just great", not "just a great movie".
    let max_gap = if ph.kind == PhraseKind::Sarcasm { 0 } else { MAX_GAP };
    let mut j = start;
    for &w in ids.iter().skip(1) {
        let mut skipped = 0;
        let mut k = j + 1;
        loop {
            let t = p.tokens.get(k)?;
            if t.sentence != sentence || t.kind != Kind::Word {
                return None;
            }
            // the token's stem is the phrase word (`Parsed::stem_is`), compared as numbers
            if t.lex.phrase_word(ph.lang) == w {
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

/// Every distinct phrase word numbered per language (from 1; 0 is "in no phrase"), so that
/// matching compares a token's number (kept per word form by `vocab`) with the phrase's
/// instead of spelling out and comparing stems. Built once, on first use, from `PHRASES`
/// (no extra data in the binary).
pub struct WordIds {
    en: BTreeMap<&'static str, u16>,
    nl: BTreeMap<&'static str, u16>,
    /// `ids[start[i]..start[i + 1]]` are the numbers of `PHRASES[i].words`.
    start: Vec<u32>,
    ids: Vec<u16>,
}

impl WordIds {
    fn build() -> WordIds {
        let (mut en, mut nl) = (BTreeMap::new(), BTreeMap::new());
        let mut start = Vec::with_capacity(PHRASES.len() + 1);
        let mut ids = Vec::new();
        start.push(0);
        for ph in PHRASES {
            let map = if ph.lang == Lang::Nl { &mut nl } else { &mut en };
            for &w in ph.words {
                let next = u16::try_from(map.len() + 1).unwrap_or(u16::MAX);
                ids.push(*map.entry(w).or_insert(next));
            }
            start.push(ids.len() as u32);
        }
        WordIds { en, nl, start, ids }
    }

    /// The number of phrase word `stem` in `lang` (0: no phrase of `lang` has it).
    pub fn of(&self, lang: Lang, stem: &str) -> u16 {
        let map = match lang {
            Lang::En => &self.en,
            Lang::Nl => &self.nl,
            Lang::Unknown => return 0,
        };
        map.get(stem).copied().unwrap_or(0)
    }

    /// The word numbers of `PHRASES[index]`.
    pub fn phrase(&self, index: usize) -> &[u16] {
        let (a, z) = match (self.start.get(index), self.start.get(index + 1)) {
            (Some(&a), Some(&z)) => (a as usize, z as usize),
            _ => (0, 0),
        };
        self.ids.get(a..z).unwrap_or(&[])
    }
}

pub fn word_ids() -> &'static WordIds {
    static IDS: OnceLock<WordIds> = OnceLock::new();
    IDS.get_or_init(WordIds::build)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_phrase_word_has_its_own_number() {
        let ids = word_ids();
        assert!(ids.en.len() < u16::MAX as usize && ids.nl.len() < u16::MAX as usize, "numbers must not saturate");
        for (i, ph) in PHRASES.iter().enumerate() {
            let nums = ids.phrase(i);
            assert_eq!(nums.len(), ph.words.len());
            for (&w, &n) in ph.words.iter().zip(nums) {
                assert!(n != 0);
                assert_eq!(ids.of(ph.lang, w), n, "{w}");
            }
        }
        assert_eq!(ids.of(Lang::En, "no such phrase word"), 0);
    }
}
