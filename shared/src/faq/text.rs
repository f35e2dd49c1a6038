//! Text analysis for FAQ retrieval: folding, tokenizing, stop words, stemming.
//!
//! Kept inside `faq/` on purpose: retrieval needs its own, stable token rules
//! (an index built today must match queries tomorrow), independent of the
//! sentiment engine's tokenizer.
use rust_stemmers::{Algorithm, Stemmer};
use unicode_segmentation::UnicodeSegmentation;

use crate::lang::Lang;

/// Queries longer than this (in bytes) are cut at a character boundary before
/// analysis, so a pasted novel costs the same as a long question.
pub const MAX_QUERY_BYTES: usize = 1000;
/// At most this many content tokens of a query are used.
pub const MAX_QUERY_TOKENS: usize = 40;

/// Lowercase, strip diacritics, drop apostrophes inside words and join
/// hyphenated words ("e-mail" → "email", "auto's" → "autos").
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let prev_alpha = i > 0 && chars[i - 1].is_alphabetic();
        let next_alpha = chars.get(i + 1).is_some_and(|n| n.is_alphabetic());
        match c {
            '\'' | '’' | '`' | '´' if prev_alpha => {}
            '-' | '‐' if prev_alpha && next_alpha => {}
            _ => {
                for l in c.to_lowercase() {
                    match fold_char(l) {
                        Some(s) => out.push_str(s),
                        None => out.push(l),
                    }
                }
            }
        }
    }
    out
}

fn fold_char(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => "a",
        'è' | 'é' | 'ê' | 'ë' => "e",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'ø' => "o",
        'ù' | 'ú' | 'û' | 'ü' => "u",
        'ý' | 'ÿ' => "y",
        'ç' => "c",
        'ñ' => "n",
        'ß' => "ss",
        'ĳ' => "ij",
        'æ' => "ae",
        'œ' => "oe",
        _ => return None,
    })
}

/// Folded word tokens of at least two characters. Plain numbers are dropped:
/// "2" in "what is 2+2" must not match "2 years" in an answer.
pub fn tokens(text: &str) -> Vec<String> {
    fold(text)
        .unicode_words()
        .filter(|w| w.chars().count() >= 2 && !w.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_owned)
        .collect()
}

/// Cut `query` to at most [`MAX_QUERY_BYTES`] at a character boundary.
pub fn clip_query(query: &str) -> &str {
    if query.len() <= MAX_QUERY_BYTES {
        return query;
    }
    let mut end = MAX_QUERY_BYTES;
    while !query.is_char_boundary(end) {
        end -= 1;
    }
    &query[..end]
}

/// Both stemmers, created once per index.
pub struct Stemmers {
    nl: Stemmer,
    en: Stemmer,
}

impl Default for Stemmers {
    fn default() -> Self {
        Stemmers { nl: Stemmer::create(Algorithm::Dutch), en: Stemmer::create(Algorithm::English) }
    }
}

impl Stemmers {
    /// Stem `word` (already folded) with the stemmer of `lang` (`Unknown` → English).
    pub fn stem(&self, lang: Lang, word: &str) -> String {
        match lang {
            Lang::Nl => self.nl.stem(word).into_owned(),
            _ => self.en.stem(word).into_owned(),
        }
    }
}

/// True for function words and chat filler of either language. One shared
/// list: a Dutch query with an English "my" in it should not lose coverage.
pub fn is_stop(word: &str) -> bool {
    static SET: std::sync::OnceLock<super::index::FxSet<&'static str>> = std::sync::OnceLock::new();
    SET.get_or_init(|| STOP_NL.iter().chain(STOP_EN).copied().filter(|w| !QUESTION_WORDS.contains(w)).collect()).contains(word)
}

/// Votes for the language of a query from its function words; `Unknown` on a tie.
pub fn guess_lang(words: &[String]) -> Lang {
    let (mut nl, mut en) = (0i32, 0i32);
    for w in words {
        let in_nl = STOP_NL.binary_search(&w.as_str()).is_ok();
        let in_en = STOP_EN.binary_search(&w.as_str()).is_ok();
        if in_nl && !in_en {
            nl += 1;
        }
        if in_en && !in_nl {
            en += 1;
        }
    }
    match nl.cmp(&en) {
        std::cmp::Ordering::Greater => Lang::Nl,
        std::cmp::Ordering::Less => Lang::En,
        std::cmp::Ordering::Equal => Lang::Unknown,
    }
}

/// Question words: function words for guessing the language, but kept as search words —
/// they say what is asked ("*where* is my order" is tracking, not cancelling it).
pub const QUESTION_WORDS: &[&str] = &["waar", "where"];

/// Dutch function words and chat filler (folded, sorted; a test checks the order).
pub const STOP_NL: &[&str] = &[
    "aan", "al", "alle", "alles", "als", "alsjeblieft", "alstublieft", "alvast", "ben", "bent", "bij", "binnen",
    "bv", "dan", "dank", "dankjewel", "dankuwel", "dat", "de", "deze", "die", "dit", "doe", "doen", "door", "dus",
    "een", "eens", "eigenlijk", "en", "er", "even", "ga", "gaan", "gaat", "goedemiddag", "goedemorgen", "graag",
    "groet", "groeten", "had", "hallo", "heb", "hebben", "hebt", "heeft", "hem", "het", "hey", "hi", "hier", "hij",
    "hoe", "hoi", "hun", "iemand", "iets", "ik", "in", "is", "ja", "je", "jij", "jou", "jouw", "jullie", "kan",
    "kun", "kunnen", "kunt", "maar", "me", "mee", "men", "met", "mij", "mijn", "moet", "moeten", "mogelijk", "na",
    "naar", "nee", "net", "nog", "nou", "nu", "of", "ok", "oke", "om", "omdat", "onder", "ons", "onze", "ook", "op",
    "over", "per", "s", "te", "tegen", "toch", "toe", "tot", "u", "uit", "uw", "van", "vanaf", "veel", "voor",
    "vraag", "vraagje", "waar", "wanneer", "want", "was", "wat", "we", "weet", "wel", "welke", "wie", "wij", "wil",
    "wilde", "wilt", "word", "worden", "wordt", "zal", "ze", "zelf", "zich", "zijn", "zo", "zou", "zouden",
];

/// English function words and chat filler (folded, sorted; a test checks the order).
pub const STOP_EN: &[&str] = &[
    "a", "about", "am", "an", "and", "any", "anyone", "are", "as", "at", "be", "been", "but", "by", "can", "could",
    "did", "do", "does", "doing", "for", "from", "get", "got", "guys", "had", "has", "have", "hello", "help",
    "here", "hey", "hi", "how", "i", "if", "im", "in", "into", "is", "it", "its", "ive", "just", "know", "let",
    "like", "me", "my", "of", "ok", "okay", "on", "or", "our", "please", "pls", "plz", "possible", "question",
    "really", "so", "some", "thank", "thanks", "that", "thats", "the", "their", "them", "then", "there", "these",
    "they", "this", "thx", "to", "u", "up", "us", "want", "was", "we", "were", "what", "whats", "when", "where",
    "which", "who", "why", "will", "with", "would", "you", "your",
];
