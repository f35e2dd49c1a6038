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

use crate::lexicon::{EN_LEX, NL_LEX};
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

fn spelling(word: &str) -> (f32, f32) {
    let (mut nl, mut en) = (0.0, 0.0);
    for cue in ["ij", "sch", "oe", "ui", "aa", "uu", "cht", "eu"] {
        if word.contains(cue) {
            nl += SPELLING_WEIGHT;
            break;
        }
    }
    for cue in ["th", "wh", "tion", "ph", "ck", "ough", "ay", "ey", "ly"] {
        if word.contains(cue) {
            en += SPELLING_WEIGHT;
            break;
        }
    }
    (nl, en)
}

/// Detect nl / en / unknown (and mixed) from function words, lexicon membership and spelling.
pub fn detect(p: &Parsed<'_>) -> Detection {
    let (mut nl, mut en) = (0.0f32, 0.0f32);
    for t in p.tokens.iter().filter(|t| t.is_word()) {
        let w = p.norm(t);
        if !w.bytes().any(|b| b.is_ascii_lowercase()) {
            continue; // digits, non-Latin scripts
        }
        match t.stop {
            1 => nl += STOPWORD_WEIGHT,
            2 => en += STOPWORD_WEIGHT,
            3 => {}
            _ => {
                let in_nl = NL_LEX.contains(p.stem(t, Lang::Nl));
                let in_en = EN_LEX.contains(w) || EN_LEX.contains(p.stem(t, Lang::En));
                match (in_nl, in_en) {
                    (true, false) => nl += LEXICON_WEIGHT,
                    (false, true) => en += LEXICON_WEIGHT,
                    _ => {
                        let (a, b) = spelling(w);
                        nl += a;
                        en += b;
                    }
                }
            }
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
