//! Language of a message.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Nl,
    En,
    #[default]
    Unknown,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
            Lang::Unknown => "unknown",
        }
    }
}

use crate::sentiment::vocab::flag;
use crate::text::Parsed;

/// Evidence weight of a function word (own tuning on the Dutch eval set).
const STOPWORD_WEIGHT: f32 = 1.0;
/// Evidence weight of a word known to only one language's sentiment lexicon.
const LEXICON_WEIGHT: f32 = 0.6;
/// Evidence weight of a spelling cue ("ij", "sch", "oe" → nl; "th", "wh", "tion" → en).
const SPELLING_WEIGHT: f32 = 0.35;
/// Below this much total evidence the language is unknown.
const MIN_EVIDENCE: f32 = 0.6;
/// A message is mixed when the minority language has at least this much evidence…
const MIXED_MIN: f32 = 1.5;
/// …and at least this share of the total.
const MIXED_SHARE: f32 = 0.2;

/// The language verdict for one message.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detection {
    pub lang: Lang,
    pub mixed: bool,
    pub nl: f32,
    pub en: f32,
}

impl Detection {
    /// The other language of a nl/en pair.
    pub fn secondary(&self) -> Lang {
        match self.lang {
            Lang::Nl => Lang::En,
            Lang::En => Lang::Nl,
            Lang::Unknown => Lang::Unknown,
        }
    }
}

/// Evidence a language hint (the page / site language) adds to its language, as much as
/// one function word: it decides a message too short to tell ("ok", "top", "agent") and a
/// near tie, while a message clearly in the other language stays in that language.
pub const HINT_WEIGHT: f32 = 1.0;

/// Detect nl / en / unknown (and mixed) from function words, lexicon membership and spelling.
pub fn detect(p: &Parsed<'_>) -> Detection {
    detect_with(p, Lang::Unknown)
}

/// [`detect`] with a language hint (`Lang::Unknown`: none, exactly `detect`). The hint
/// counts [`HINT_WEIGHT`] towards its language and never makes a message mixed; `nl` and
/// `en` stay the text's own evidence.
pub fn detect_with(p: &Parsed<'_>, hint: Lang) -> Detection {
    let d = detect_text(p);
    let (hnl, hen) = match hint {
        Lang::Nl => (HINT_WEIGHT, 0.0),
        Lang::En => (0.0, HINT_WEIGHT),
        Lang::Unknown => return d,
    };
    let (nl, en) = (d.nl + hnl, d.en + hen);
    let lang = if nl + en < MIN_EVIDENCE {
        Lang::Unknown
    } else if nl > en || (nl == en && hint == Lang::Nl) {
        Lang::Nl
    } else {
        Lang::En
    };
    Detection { lang, ..d }
}

fn detect_text(p: &Parsed<'_>) -> Detection {
    let (mut nl, mut en) = (0.0f32, 0.0f32);
    for (n, t) in p.tokens.iter().enumerate().filter(|(_, t)| t.is_word()) {
        if !t.lex.has(flag::ASCII_LOWER) {
            continue; // digits, non-Latin scripts
        }
        // a word repeated in a row counts once ("die die die" is one Dutch-looking word)
        if n > 0 && p.tokens[n - 1].is_word() && p.norm(&p.tokens[n - 1]) == p.norm(t) {
            continue;
        }
        match t.stop {
            1 => nl += STOPWORD_WEIGHT,
            2 => en += STOPWORD_WEIGHT,
            3 => {}
            _ => match (t.lex.has(flag::IN_NL), t.lex.has(flag::IN_EN)) {
                (true, false) => nl += LEXICON_WEIGHT,
                (false, true) => en += LEXICON_WEIGHT,
                _ => {
                    // a spelling cue ("ij", "sch", "oe" → nl; "th", "wh", "tion" → en)
                    nl += if t.lex.has(flag::SPELL_NL) { SPELLING_WEIGHT } else { 0.0 };
                    en += if t.lex.has(flag::SPELL_EN) { SPELLING_WEIGHT } else { 0.0 };
                }
            },
        }
    }
    let total = nl + en;
    if total < MIN_EVIDENCE {
        return Detection { lang: Lang::Unknown, mixed: false, nl, en };
    }
    let lang = if nl >= en { Lang::Nl } else { Lang::En };
    let minority = nl.min(en);
    Detection { lang, mixed: minority >= MIXED_MIN && minority >= MIXED_SHARE * total, nl, en }
}
