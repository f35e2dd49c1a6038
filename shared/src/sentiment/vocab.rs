//! Everything the engine knows about one word form, looked up once per distinct
//! form: stopword bits, modifier kind, profanity, English and Dutch valence, language
//! cues, whether a phrase starts with it, and its Snowball stems.
//!
//! A word is stemmed (in both languages) and looked up in every table only the first
//! time it is seen; the result is kept in a small direct-mapped cache (per thread,
//! `CACHE_SLOTS` entries, words up to `MAX_CACHED` bytes). The cache only stores what
//! `compute` returns for the same bytes, so results never depend on it: a cold and a
//! warm engine give identical analyses (`tests/rules.rs`, `vocab_cache_is_transparent`).
//!
//! Architecture invariant: `vocab` knows nothing about messages; everything here is a
//! pure function of the folded word form.

use std::cell::RefCell;

use rust_stemmers::{Algorithm, Stemmer};

use crate::lang::Lang;
use crate::lexicon::{self, Modifier, ACRONYMS, EN_LEX, MODIFIERS, NL_LEX, NL_ONLY_MODIFIERS, PROFANITY, STOPWORDS, VALENCE_SCALE};

/// Words at least this long are stemmed; shorter ones are their own stem (= build.rs `MIN_STEM_LEN`).
pub const MIN_STEM_LEN: usize = 4;
/// Longest word form kept in the cache (longer forms are computed every time).
pub const MAX_CACHED: usize = 24;
/// Cache sets (a power of two) of `WAYS` forms each: 32,768 forms (≈ 2 MB, allocated on
/// first use) hold the vocabulary of a busy support inbox with room to spare (the
/// 2,000-message speed corpus has 7,300 forms). Eight ways per set: with two, about one set
/// in a hundred holds three or more of a corpus's frequent forms and every use of them
/// missed (a miss costs two Snowball stemmers and a dozen table look-ups, ≈ 20,000
/// instructions — a third of all the engine's time on the speed corpus).
const CACHE_SETS: usize = 4096;
const WAYS: usize = 8;

/// Bit flags of `Info::flags`.
pub mod flag {
    /// Known to the English lexicon (form or stem), for language detection.
    pub const IN_EN: u32 = 1;
    /// Known to the Dutch lexicon (stem).
    pub const IN_NL: u32 = 2;
    /// Dutch / English spelling cue ("ij", "sch" / "th", "tion").
    pub const SPELL_NL: u32 = 4;
    pub const SPELL_EN: u32 = 8;
    /// An upper-case name that is not shouting (DHL, KPN), only for forms ≤ 4 bytes.
    pub const ACRONYM: u32 = 16;
    /// Some English / Dutch phrase starts with this form's English / Dutch stem.
    pub const PHRASE_EN: u32 = 32;
    pub const PHRASE_NL: u32 = 64;
    /// The English and Dutch stems are equal.
    pub const SAME_STEM: u32 = 128;
    /// A stem is not the form's prefix plus a short ending: `Info`'s stems are not
    /// usable, stem with `stem_uncached` (never seen with Snowball; a safety net).
    pub const IRREGULAR: u32 = 512;
    /// "need", "nodig" / a near day ("tomorrow", "vrijdag"): `rules::deadline_rule`.
    pub const NEED: u32 = 1024;
    pub const DAY: u32 = 2048;
    /// Letters only (stemmable).
    pub const ALPHA: u32 = 256;
    /// "if", "indien" / "als", "when": `rules::hypothetical_rule`.
    pub const IF_ALWAYS: u32 = 4096;
    pub const IF_IN_QUESTION: u32 = 8192;
    /// "too" / Dutch "te": `rules::too_rule`.
    pub const TOO: u32 = 1 << 14;
    pub const TE: u32 = 1 << 15;
    /// "like", "kind", "sort", "well": `rules::word_sense_rule`.
    pub const SENSE: u32 = 1 << 16;
    /// Dutch "niet" / "niks", "niets", "nergens" after the word they negate: `rules::postpositive_negation`.
    pub const POSTPOSITIVE: u32 = 1 << 17;
    pub const POSTPOSITIVE_OBJECT: u32 = 1 << 18;
    /// Has an ASCII lower-case letter (language detection reads only such words).
    pub const ASCII_LOWER: u32 = 1 << 19;
    /// A modifier listed for Dutch only ("best", "want", "die"): not one in English text.
    pub const NL_MODIFIER: u32 = 1 << 20;
}

/// A stem stored relative to its word: the first `keep` bytes of the word, then
/// `tail` (Snowball changes only the end: "happy" → "happ" + "i", "boos" → "bo" + "s").
#[derive(Debug, Clone, Copy)]
pub struct Stem {
    keep: u8,
    tail_len: u8,
    tail: [u8; MAX_TAIL],
}

/// Longest stem ending that differs from the word ("ational" → "ate").
const MAX_TAIL: usize = 6;

/// `Stem::keep` of a stem kept whole in a side buffer (`Stem::in_buffer`).
const IN_BUFFER: u8 = u8::MAX - 1;

impl Stem {
    pub const SAME: Stem = Stem { keep: u8::MAX, tail_len: 0, tail: [0; MAX_TAIL] };
    /// `None` when the stem is not the word's prefix plus a short tail (then the form is not cached).
    fn new(word: &str, stem: &str) -> Option<Stem> {
        if stem == word {
            return Some(Stem::SAME);
        }
        let (w, s) = (word.as_bytes(), stem.as_bytes());
        let mut keep = w.iter().zip(s).take_while(|(a, b)| a == b).count();
        while !stem.is_char_boundary(keep) {
            keep -= 1;
        }
        let tail = &s[keep..];
        if tail.len() > MAX_TAIL || keep >= IN_BUFFER as usize {
            return None;
        }
        let mut st = Stem { keep: keep as u8, tail_len: tail.len() as u8, tail: [0; MAX_TAIL] };
        st.tail[..tail.len()].copy_from_slice(tail);
        Some(st)
    }
    /// A stem `new` cannot express (rare), kept whole at `start..start + len` of a buffer
    /// the caller owns (`text::Parsed::buf`); the position is stored in the tail bytes.
    pub fn in_buffer(start: u32, len: u16) -> Stem {
        let (s, l) = (start.to_le_bytes(), len.to_le_bytes());
        Stem { keep: IN_BUFFER, tail_len: 0, tail: [s[0], s[1], s[2], s[3], l[0], l[1]] }
    }
    /// Whether the stem is the word itself.
    pub fn is_same(&self) -> bool {
        self.keep == u8::MAX
    }
    /// The stem of `word` in two parts, a prefix of the word and an ending; `buf` is the
    /// buffer an `in_buffer` stem points into. Never panics (a bad range gives "").
    pub fn parts<'w>(&'w self, word: &'w str, buf: &'w str) -> (&'w str, &'w str) {
        match self.keep {
            u8::MAX => (word, ""),
            IN_BUFFER => {
                let t = &self.tail;
                let start = u32::from_le_bytes([t[0], t[1], t[2], t[3]]) as usize;
                let len = u16::from_le_bytes([t[4], t[5]]) as usize;
                ("", buf.get(start..start + len).unwrap_or(""))
            }
            keep => (word.get(..keep as usize).unwrap_or(""), self.tail_str()),
        }
    }
    fn tail_str(&self) -> &str {
        std::str::from_utf8(&self.tail[..(self.tail_len as usize).min(MAX_TAIL)]).unwrap_or("")
    }
    /// Write the stem of `word` into `out` (not for `in_buffer` stems).
    pub fn write(&self, word: &str, out: &mut String) {
        let (a, b) = self.parts(word, "");
        out.push_str(a);
        out.push_str(b);
    }
}

/// What the tables say about one folded word form (kept on every word token).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Lex {
    pub stop: u8,
    pub modifier: Option<Modifier>,
    /// Valences × `VALENCE_SCALE` (i8 as in the tables).
    pub profanity: Option<i8>,
    /// English: by form, else by English stem.
    pub en: Option<i8>,
    /// Dutch: by Dutch stem.
    pub nl: Option<i8>,
    /// A Dutch closed compound ("kutservice", "superslecht", "klantenserviceramp"):
    /// valence × `VALENCE_SCALE` and whether it is a curse.
    pub compound: Option<(i16, bool)>,
    pub flags: u32,
    /// `lexicon::PHRASES[a..z]` start with this form's English / Dutch stem
    /// (`lexicon::phrase_range`; empty when the `PHRASE_EN` / `PHRASE_NL` flag is clear).
    pub phrases_en: (u16, u16),
    pub phrases_nl: (u16, u16),
    /// The number of the English / Dutch stem as a phrase word (`phrases::WordIds`; 0: none).
    pub word_en: u16,
    pub word_nl: u16,
}

/// A `Lex` and the form's stems.
#[derive(Clone, Copy)]
pub struct Info {
    pub lex: Lex,
    pub stem_en: Stem,
    pub stem_nl: Stem,
}

impl Lex {
    pub fn has(&self, f: u32) -> bool {
        self.flags & f != 0
    }
    /// The phrase-word number of the stem in `lang` (`phrases::WordIds`).
    pub fn phrase_word(&self, lang: Lang) -> u16 {
        match lang {
            Lang::En => self.word_en,
            Lang::Nl => self.word_nl,
            Lang::Unknown => 0,
        }
    }
    /// Valence in `lang` (VADER scale), if the form is in that language's lexicon.
    pub fn valence(&self, lang: Lang) -> Option<f32> {
        let v = match lang {
            Lang::En => self.en,
            Lang::Nl => self.nl,
            Lang::Unknown => None,
        };
        v.map(|v| v as f32 / VALENCE_SCALE)
    }
}

struct Stemmers {
    en: Stemmer,
    nl: Stemmer,
}

/// One cache line per form: key, `Lex`, stems.
#[repr(align(64))]
struct Slot {
    len: u8,
    /// The form's bytes, zero-padded (`Key`): compared as three words, no `memcmp` call.
    key: Key,
    info: Info,
}

/// A form of up to `MAX_CACHED` bytes as little-endian words, zero-padded.
type Key = [u64; MAX_CACHED / 8];

fn key_of(b: &[u8]) -> Key {
    let mut k = [0u64; MAX_CACHED / 8];
    for (i, &c) in b.iter().enumerate().take(MAX_CACHED) {
        k[i / 8] |= (c as u64) << (8 * (i % 8));
    }
    k
}

/// `WAYS` slots per set. `tags[i]` is a few hash bits of slot `i`'s key (0 = empty), so a
/// look-up compares eight small numbers before it compares any key; `next[set]` is the
/// way to fill next (round robin).
struct Cache {
    slots: Vec<Slot>,
    tags: Vec<u32>,
    next: Vec<u8>,
    stemmers: Stemmers,
}

thread_local! {
    static CACHE: RefCell<Option<Cache>> = const { RefCell::new(None) };
}

/// FxHash-style multiplicative hash over the key words of a `len`-byte form (no
/// dependencies, no randomness).
fn hash(k: &Key, len: usize) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h: u64 = len as u64;
    for &w in k.iter().take(len.div_ceil(8)) {
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    }
    // murmur3's finalizer mixes every input bit into the high bits the set is taken from
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h
}

fn new_stemmers() -> Stemmers {
    Stemmers { en: Stemmer::create(Algorithm::English), nl: Stemmer::create(Algorithm::Dutch) }
}

/// Look a folded word form up (cached). `f` reads the info without copying it.
pub fn with_info<R>(word: &str, f: impl FnOnce(&Info) -> R) -> R {
    with_lookup(|l| f(l.info(word)))
}

/// Many look-ups under one borrow of this thread's cache (a message's words: one
/// thread-local access and one `RefCell` borrow per message instead of per word).
pub fn with_lookup<R>(f: impl FnOnce(&mut Lookup<'_>) -> R) -> R {
    CACHE.with(|c| {
        let Ok(mut guard) = c.try_borrow_mut() else {
            // re-entrant use (never happens today): compute without the cache
            return f(&mut Lookup(Inner::Uncached(new_stemmers()), EMPTY_INFO));
        };
        let cache = guard.get_or_insert_with(|| Cache { slots: Vec::new(), tags: Vec::new(), next: Vec::new(), stemmers: new_stemmers() });
        if cache.slots.is_empty() {
            cache.slots = (0..CACHE_SETS * WAYS).map(|_| Slot { len: 0, key: [0; MAX_CACHED / 8], info: EMPTY_INFO }).collect();
            cache.tags = vec![0; CACHE_SETS * WAYS];
            cache.next = vec![0; CACHE_SETS];
        }
        f(&mut Lookup(Inner::Cached(cache), EMPTY_INFO))
    })
}

/// The cache (or, re-entrant, none), and room for an info that is not cached.
pub struct Lookup<'c>(Inner<'c>, Info);

enum Inner<'c> {
    Cached(&'c mut Cache),
    Uncached(Stemmers),
}

impl Lookup<'_> {
    /// What the tables say about `word` (see `with_info`).
    pub fn info(&mut self, word: &str) -> &Info {
        let Lookup(inner, spare) = self;
        let cache = match inner {
            Inner::Cached(c) => c,
            Inner::Uncached(st) => {
                *spare = compute(word, st).0;
                return spare;
            }
        };
        let b = word.as_bytes();
        if b.len() > MAX_CACHED || b.is_empty() {
            *spare = compute(word, &cache.stemmers).0;
            return spare;
        }
        let key = key_of(b);
        let h = hash(&key, b.len());
        // the set from the high bits, the tag from the low ones (never 0: 0 marks an empty slot)
        let set = (h >> 40) as usize & (CACHE_SETS - 1);
        let tag = (h as u32) | 1;
        let base = set * WAYS;
        let hit = (base..base + WAYS).find(|&i| {
            cache.tags[i] == tag && {
                let s = &cache.slots[i];
                s.len as usize == b.len() && s.key == key
            }
        });
        let i = match hit {
            Some(i) => i,
            None => {
                let (info, cacheable) = compute(word, &cache.stemmers);
                if !cacheable {
                    *spare = info;
                    return spare;
                }
                let way = cache.next[set] as usize % WAYS;
                cache.next[set] = ((way + 1) % WAYS) as u8;
                let i = base + way;
                cache.tags[i] = tag;
                let s = &mut cache.slots[i];
                s.len = b.len() as u8;
                s.key = key;
                s.info = info;
                i
            }
        };
        &cache.slots[i].info
    }
}

/// Empty the cache of this thread (tests and cold-start measurements).
pub fn clear_cache() {
    CACHE.with(|c| {
        if let Ok(mut g) = c.try_borrow_mut() {
            if let Some(cache) = g.as_mut() {
                cache.slots.clear();
                cache.tags.clear();
            }
        }
    });
}

const EMPTY_INFO: Info = Info {
    lex: Lex {
        stop: 0,
        modifier: None,
        profanity: None,
        en: None,
        nl: None,
        compound: None,
        flags: 0,
        phrases_en: (0, 0),
        phrases_nl: (0, 0),
        word_en: 0,
        word_nl: 0,
    },
    stem_en: Stem::SAME,
    stem_nl: Stem::SAME,
};

fn spelling(word: &str) -> u32 {
    let mut f = 0;
    if ["ij", "sch", "oe", "ui", "aa", "uu", "cht", "eu"].iter().any(|c| word.contains(c)) {
        f |= flag::SPELL_NL;
    }
    if ["th", "wh", "tion", "ph", "ck", "ough", "ay", "ey", "ly"].iter().any(|c| word.contains(c)) {
        f |= flag::SPELL_EN;
    }
    f
}

/// The uncached lookup: stems and every table, for one folded form; and whether
/// the stems fit the compact form (then the result may be cached).
fn compute(word: &str, st: &Stemmers) -> (Info, bool) {
    let mut out = EMPTY_INFO;
    let mut info = Lex {
        stop: STOPWORDS.get(word).unwrap_or(0),
        modifier: MODIFIERS.get(word),
        profanity: PROFANITY.get(word),
        ..Lex::default()
    };
    if info.modifier.is_some() && NL_ONLY_MODIFIERS.contains(word) {
        info.flags |= flag::NL_MODIFIER;
    }
    if word.len() <= 4 && ACRONYMS.contains(word) {
        info.flags |= flag::ACRONYM;
    }
    let alpha = word.chars().all(char::is_alphabetic);
    if alpha {
        info.flags |= flag::ALPHA;
    }
    // Exactly the keys of build.rs: short words, stopwords and words with non-letters are their own stem.
    let stemmable = alpha && word.len() >= MIN_STEM_LEN && info.stop == 0;
    let (se, sn) = if stemmable { (st.en.stem(word), st.nl.stem(word)) } else { (word.into(), word.into()) };
    let (ste, stn) = (Stem::new(word, &se), Stem::new(word, &sn));
    let cacheable = ste.is_some() && stn.is_some();
    if !cacheable {
        info.flags |= flag::IRREGULAR;
    }
    out.stem_en = ste.unwrap_or(Stem::SAME);
    out.stem_nl = stn.unwrap_or(Stem::SAME);
    if se == sn {
        info.flags |= flag::SAME_STEM;
    }
    info.en = EN_LEX.get(word).or_else(|| EN_LEX.get(&se));
    info.nl = NL_LEX
        .get(&sn)
        .or_else(|| if stemmable { comparative_valence(word, &st.nl).or_else(|| diminutive_valence(word, &st.nl)) } else { None });
    if info.en.is_some() {
        info.flags |= flag::IN_EN;
    }
    if info.nl.is_some() {
        info.flags |= flag::IN_NL;
    }
    info.flags |= spelling(word);
    if super::rules::DEADLINE_NEED.contains(&word) {
        info.flags |= flag::NEED;
    }
    if super::rules::DEADLINE_DAY.contains(&word) {
        info.flags |= flag::DAY;
    }
    if super::rules::IF_ALWAYS.contains(&word) {
        info.flags |= flag::IF_ALWAYS;
    }
    if super::rules::IF_IN_QUESTION.contains(&word) {
        info.flags |= flag::IF_IN_QUESTION;
    }
    // the words single rules look for, so that they test a bit per word, not strings
    for (words, f) in [
        (&["too"][..], flag::TOO),
        (&["te"][..], flag::TE),
        (super::rules::SENSE_WORDS, flag::SENSE),
        (super::rules::POSTPOSITIVE_NL, flag::POSTPOSITIVE),
        (super::rules::POSTPOSITIVE_NL_OBJECT, flag::POSTPOSITIVE_OBJECT),
    ] {
        if words.contains(&word) {
            info.flags |= f;
        }
    }
    if word.bytes().any(|b| b.is_ascii_lowercase()) {
        info.flags |= flag::ASCII_LOWER;
    }
    let narrow = |(a, z): (usize, usize)| (a.min(u16::MAX as usize) as u16, z.min(u16::MAX as usize) as u16);
    info.phrases_en = narrow(lexicon::phrase_range(&se));
    info.phrases_nl = narrow(lexicon::phrase_range(&sn));
    if info.phrases_en.0 < info.phrases_en.1 {
        info.flags |= flag::PHRASE_EN;
    }
    if info.phrases_nl.0 < info.phrases_nl.1 {
        info.flags |= flag::PHRASE_NL;
    }
    let ids = crate::phrases::word_ids();
    info.word_en = ids.of(Lang::En, &se);
    info.word_nl = ids.of(Lang::Nl, &sn);
    info.compound = compound_valence(&sn);
    out.lex = info;
    (out, cacheable)
}

/// Dutch comparative and superlative endings, longest first: "prettiger(e)",
/// "mooist(e)". The Snowball stemmer keeps them, so "prettiger" would miss "prettig".
const COMPARATIVE_ENDINGS: &[&str] = &["ere", "ste", "er", "st"];
/// The base left after the ending must be at least this long (bytes): "later", "ander"
/// and "super" are not comparatives of "lat", "and" and "sup".
const MIN_COMPARATIVE_BASE: usize = 4;

/// Valence of a Dutch comparative or superlative through its base adjective, for words
/// the lexicon lacks. "duurder" drops the inserted "d" as well ("duur").
fn comparative_valence(word: &str, nl: &Stemmer) -> Option<i8> {
    let end = COMPARATIVE_ENDINGS.iter().find(|e| word.ends_with(**e))?;
    let mut base = &word[..word.len() - end.len()];
    if end.starts_with('e') && base.ends_with("rd") {
        base = &base[..base.len() - 1];
    }
    if base.len() < MIN_COMPARATIVE_BASE || !base.is_ascii() {
        return None;
    }
    NL_LEX.get(&nl.stem(base)).filter(|&v| v != 0)
}

/// Dutch diminutive endings, longest first: "dingetje", "toppertje", "boompje",
/// "knopje", and their plurals.
const DIMINUTIVE_ENDINGS: &[&str] = &["etjes", "etje", "tjes", "tje", "pjes", "pje", "jes", "je"];
/// The base left after the diminutive ending must be at least this long (bytes).
const MIN_DIMINUTIVE_BASE: usize = 3;

/// Valence of a Dutch diminutive through its base word, for words the lexicon lacks:
/// "toppertje" → "topper", "zonnetje" → "zon" (the doubled consonant before "-etje" undone).
fn diminutive_valence(word: &str, nl: &Stemmer) -> Option<i8> {
    let end = DIMINUTIVE_ENDINGS.iter().find(|e| word.ends_with(**e))?;
    let mut base = &word[..word.len() - end.len()];
    let b = base.as_bytes();
    if end.starts_with('e') && b.len() >= 2 && b[b.len() - 1] == b[b.len() - 2] {
        base = &base[..base.len() - 1];
    }
    if base.len() < MIN_DIMINUTIVE_BASE || !base.is_ascii() {
        return None;
    }
    let key = if base.len() >= MIN_STEM_LEN { nl.stem(base) } else { base.into() };
    NL_LEX.get(&key).filter(|&v| v != 0)
}

/// Curse prefixes of Dutch compounds ("kutservice", "rotbedrijf").
const CURSE_PREFIXES: &[&str] = &["kut", "klote", "kanker", "tering", "tyfus", "pleuris", "kolere", "klere", "rot"];
/// Valence of a curse-prefixed compound (≈ "klote").
const CURSE_PREFIX_VALENCE: f32 = -2.4;
/// Intensifying prefixes of Dutch compounds ("superslecht", "keigoed").
const BOOST_PREFIXES: &[&str] = &["super", "mega", "hyper", "ultra", "kei", "bere", "reuze", "oer", "hartstikke", "loei", "snoei", "dood"];
/// Compound heads must be at least this long (bytes), to avoid chance hits.
const MIN_HEAD: usize = 5;
const MIN_COMPOUND: usize = 8;

/// Dutch closed compounds over the Dutch stem: "kutservice" (curse prefix),
/// "superslecht" (booster prefix + head), "klantenserviceramp" (known head at the end).
fn compound_valence(stem: &str) -> Option<(i16, bool)> {
    if stem.len() < MIN_COMPOUND || !stem.is_ascii() {
        return None;
    }
    let scaled = |v: f32| (v * VALENCE_SCALE).round() as i16;
    for pre in CURSE_PREFIXES {
        // "rot|terdam": Dutch compounds do not double the letter at the seam, so a head
        // starting with the prefix's last letter means this is not a compound.
        let doubled = stem.as_bytes().get(pre.len()) == pre.as_bytes().last();
        if stem.len() >= pre.len() + 3 && stem.starts_with(pre) && !doubled {
            return Some((scaled(CURSE_PREFIX_VALENCE), true));
        }
    }
    let boost = BOOST_PREFIXES.iter().find(|pre| stem.starts_with(**pre)).map(|pre| pre.len());
    for start in 3..=stem.len().saturating_sub(MIN_HEAD) {
        if let Some(v) = lexicon::word_valence(Lang::Nl, &stem[start..]) {
            if v != 0.0 {
                let boosted = if boost == Some(start) { v + v.signum() * super::rules::B_INCR_STRONG } else { v };
                return Some((scaled(boosted), false));
            }
        }
    }
    None
}

/// Stem a form longer than the cache holds (rare: the slow path).
pub fn stem_uncached(word: &str, lang: Lang) -> String {
    let alg = if lang == Lang::Nl { Algorithm::Dutch } else { Algorithm::English };
    Stemmer::create(alg).stem(word).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_relative_to_the_word() {
        let st = Stem::new("happy", "happi").expect("a short new ending");
        assert_eq!(st.parts("happy", ""), ("happ", "i"));
        let mut out = String::new();
        st.write("happy", &mut out);
        assert_eq!(out, "happi");
        assert!(Stem::new("boos", "boos").is_some_and(|s| s.is_same()));
        // an ending longer than MAX_TAIL cannot be expressed: the caller keeps the stem whole
        assert!(Stem::new("abc", "abcdefghij").is_none());
    }

    #[test]
    fn stems_in_a_buffer() {
        let buf = "xxhappiyy";
        let st = Stem::in_buffer(2, 5);
        assert_eq!(st.parts("whatever", buf), ("", "happi"));
        // out of range: empty, no panic
        assert_eq!(Stem::in_buffer(7, 10).parts("w", buf), ("", ""));
    }
}
