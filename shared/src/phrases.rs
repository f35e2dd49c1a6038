//! Multi-word phrase matching over stemmed tokens (tone phrases and intents).
//!
//! A phrase matches when its stemmed words occur in order within one sentence,
//! with at most `MAX_GAP` other words between consecutive phrase words
//! ("mag ik **alsjeblieft** een medewerker"). Lookup is by the first word's stem
//! (binary search), so matching is linear in the number of tokens.

use crate::lang::Lang;
use crate::lexicon::{phrases_starting, Phrase, PhraseKind};
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
pub fn find(p: &Parsed<'_>) -> Vec<Match> {
    let mut out = Vec::new();
    for (i, t) in p.tokens.iter().enumerate() {
        if !t.is_word() {
            continue;
        }
        let (se, sn) = (p.stem(t, Lang::En), p.stem(t, Lang::Nl));
        for (stem, lang, other_same) in [(se, Lang::En, se == sn), (sn, Lang::Nl, false)] {
            if lang == Lang::Nl && se == sn {
                continue; // already looked up once for both languages
            }
            for ph in phrases_starting(stem) {
                if ph.lang != lang && !other_same {
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
            if p.stem(t, ph.lang) == *w {
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
