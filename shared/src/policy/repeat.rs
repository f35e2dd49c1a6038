//! Repeated questions: small fingerprints of customer messages and their overlap.
//!
//! A fingerprint is the sorted, de-duplicated set of 32-bit hashes of a message's content
//! words (lower-cased, stemmed, stop words dropped). Only fingerprints are kept in the
//! conversation state, never the words, so the state stays small and holds no text.
use rust_stemmers::{Algorithm, Stemmer};

use crate::lang::Lang;
use crate::lexicon::Modifier;

/// At most this many words of one message are fingerprinted (keeps the state bounded).
pub const MAX_FINGERPRINT_WORDS: usize = 32;

/// Function words that say nothing about what the customer asks. Question words
/// ("waar", "where", "when") are deliberately kept: they carry the question.
const STOP_WORDS: &[&str] = &[
    // Dutch
    "aan", "al", "als", "ben", "bij", "dan", "dat", "de", "deze", "die", "dit", "doe", "een", "en",
    "er", "had", "heb", "hebben", "heeft", "het", "hier", "hij", "hoor", "ik", "in", "is", "je",
    "jij", "jullie", "kan", "kun", "kunnen", "kunt", "maar", "me", "mee", "mij", "mijn", "mn", "moet",
    "na", "naar", "niet", "nog", "nou", "nu", "of", "om", "ons", "onze", "ook", "op", "over", "u",
    "uw", "van", "voor", "want", "was", "wel", "we", "wij", "wil", "wilt", "zal", "ze", "zijn",
    "zo", "zou", "graag", "even", "toch", "gewoon", "ff", "pls", "aub", "svp",
    // English
    "a", "am", "an", "and", "are", "at", "be", "been", "but", "can", "could", "did", "do", "does",
    "for", "from", "have", "has", "i", "im", "it", "its", "just", "me", "my", "of", "on", "or",
    "please", "so", "still", "that", "the", "this", "to", "u", "want", "was", "we", "will", "with",
    "would", "you", "your", "is", "in", "not", "no", "yes", "ja", "nee", "ok", "oke", "okay",
];

/// The first word of `text` (lower-cased) that is a repeat marker of the modifier table:
/// "still", "again", "steeds", "alweer".
/// `words` keeps two letters of an elongation ("stiiill" → "stiill"), so a form that is not
/// in the table is also tried with each doubled letter single ("still", "stil", "stiil").
pub fn persistence_marker(text: &str) -> Option<String> {
    let is_marker = |w: &str| crate::lexicon::MODIFIERS.get(w) == Some(Modifier::Repeat);
    words(text).find_map(|w| {
        if is_marker(&w) {
            return Some(w);
        }
        undoubled(&w).into_iter().find(|v| is_marker(v))
    })
}

/// The forms of `w` with any of its doubled letters (at most four) written once.
fn undoubled(w: &str) -> Vec<String> {
    let chars: Vec<char> = w.chars().collect();
    let doubles: Vec<usize> = (1..chars.len()).filter(|&i| chars[i] == chars[i - 1]).collect();
    if doubles.is_empty() || doubles.len() > 4 || chars.len() > 24 {
        return Vec::new();
    }
    (1u32..1 << doubles.len())
        .map(|mask| {
            let drop = |i: usize| doubles.iter().enumerate().any(|(b, &d)| d == i && mask & (1 << b) != 0);
            chars.iter().enumerate().filter(|&(i, _)| !drop(i)).map(|(_, c)| c).collect()
        })
        .collect()
}

/// The fingerprint of one message: sorted, unique word hashes.
pub fn fingerprint(text: &str, lang: Lang) -> Vec<u32> {
    let stemmer = match lang {
        Lang::Nl => Some(Stemmer::create(Algorithm::Dutch)),
        Lang::En => Some(Stemmer::create(Algorithm::English)),
        Lang::Unknown => None,
    };
    let mut hashes: Vec<u32> = Vec::new();
    for word in words(text) {
        if STOP_WORDS.contains(&word.as_str()) {
            continue;
        }
        let stem = match &stemmer {
            Some(s) => s.stem(&word).into_owned(),
            None => word,
        };
        hashes.push(fnv1a(&stem));
        if hashes.len() >= MAX_FINGERPRINT_WORDS * 2 {
            break;
        }
    }
    hashes.sort_unstable();
    hashes.dedup();
    hashes.truncate(MAX_FINGERPRINT_WORDS);
    hashes
}

/// Jaccard similarity |A ∩ B| / |A ∪ B| of two sorted, unique sets; 0 when both are empty.
pub fn jaccard(a: &[u32], b: &[u32]) -> f32 {
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - common;
    if union == 0 {
        0.0
    } else {
        common as f32 / union as f32
    }
}

/// Lower-cased words of letters and digits; elongations squeezed ("waaaar" → "waar").
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut out = String::with_capacity(w.len());
            let mut last = None;
            let mut run = 0;
            for c in w.chars().flat_map(char::to_lowercase) {
                if Some(c) == last {
                    run += 1;
                } else {
                    run = 1;
                    last = Some(c);
                }
                // Dutch has real double letters ("waar", "boek"); three or more is elongation.
                if run <= 2 {
                    out.push(c);
                }
            }
            out
        })
}

/// FNV-1a, 32 bit: stable across platforms and versions, so stored states stay comparable.
fn fnv1a(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sim(a: &str, b: &str, lang: Lang) -> f32 {
        jaccard(&fingerprint(a, lang), &fingerprint(b, lang))
    }

    /// The default threshold the policy uses.
    fn threshold() -> f32 {
        crate::policy::PolicyConfig::default().repeat_similarity
    }

    #[test]
    fn same_question_reworded_is_similar() {
        for (a, b, lang) in [
            ("waar is mijn pakket", "waar blijft mijn pakket nou??", Lang::Nl),
            ("Waar is mijn pakket", "waaaar is mijn pakket", Lang::Nl),
            ("where is my order", "WHERE IS MY ORDER!!!", Lang::En),
            ("how do i return my shoes", "how can I return the shoes", Lang::En),
            // one verb swapped for a synonym
            ("how do i cancel my order", "how can i stop my order", Lang::En),
            ("hoe kan ik mijn jas ruilen", "hoe kan ik die jas omwisselen", Lang::Nl),
        ] {
            assert!(sim(a, b, lang) >= threshold(), "{a:?} vs {b:?}: {}", sim(a, b, lang));
        }
    }

    #[test]
    fn different_questions_are_not_similar() {
        for (a, b, lang) in [
            ("waar is mijn pakket", "hoe kan ik retourneren", Lang::Nl),
            ("ik wil annuleren", "ik wil retourneren", Lang::Nl),
            ("where is my order", "do you ship to belgium", Lang::En),
            ("waar is mijn pakket", "waar is de winkel in utrecht", Lang::Nl),
        ] {
            assert!(sim(a, b, lang) < threshold(), "{a:?} vs {b:?}: {}", sim(a, b, lang));
        }
    }

    #[test]
    fn fingerprints_are_bounded_sorted_and_unique() {
        let long = (0..1000).map(|i| format!("woord{i}")).collect::<Vec<_>>().join(" ");
        let fp = fingerprint(&long, Lang::Nl);
        assert!(fp.len() <= MAX_FINGERPRINT_WORDS);
        assert!(fp.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(fingerprint("", Lang::En), Vec::<u32>::new());
        assert_eq!(jaccard(&[], &[]), 0.0);
    }
}
