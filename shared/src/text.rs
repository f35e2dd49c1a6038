//! The text parsed once into tokens that every rule reads.
//!
//! Normalisation (see `fold.rs`): lowercase, diacritics stripped, curly and straight
//! apostrophes identical (also doubled, or typed as a space in "don t"), letter runs of
//! 3+ collapsed to 2 ("sooo" → "soo", "goooood" → "good"; the elongation is remembered). Emoji and emoticons become
//! tokens even when glued to words ("slecht:(", "top🙂"). Runs of `!` and `?` (also
//! fullwidth, doubled "‼" and emoji forms, `marks`) become one punctuation token with counts. Word forms live in one shared buffer; tokens
//! hold ranges into it and their stems relative to the form (`vocab::Stem`), so parsing
//! allocates O(1) times, not per token (and no times once `recycle` has handed a parse back).

use crate::fold::fold_char;
use crate::lang::Lang;
use crate::lexicon::{Modifier, EMOTICONS, MODIFIERS};
use crate::sentiment::vocab::{self, Lex, Stem};

/// Only the first this-many bytes of a message are analysed (a chat message is
/// far shorter; this keeps the time bounded for 1 MB inputs).
pub const MAX_ANALYSED_BYTES: usize = 16 * 1024;
/// At most this many tokens are analysed.
pub const MAX_TOKENS: usize = 2048;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Word,
    Emoji,
    Emoticon,
    /// A run of `!`/`?` (see `excl`, `quest`).
    Punct,
    /// `,` `;` `:` — ends a clause.
    Comma,
    /// `.` or a line break — ends a sentence.
    Stop,
    /// A URL, an e-mail address or an HTML entity (`&gt;`): one token no rule reads,
    /// so "http://…" never yields a ":/" face and "&gt;" no word "gt".
    Opaque,
}

#[derive(Debug, Clone, Copy)]
pub struct Token {
    pub kind: Kind,
    /// Byte range in the original text (for evidence).
    pub orig: (u32, u32),
    /// Byte range of the normalised form in `Parsed::buf`.
    pub norm: (u32, u32),
    /// The Snowball stems, relative to the normalised form (`vocab::Stem`): they are
    /// spelled out only when a phrase needs them (`Parsed::stem_is`).
    pub stem_en: Stem,
    pub stem_nl: Stem,
    /// All letters upper case and at least two letters.
    pub caps: bool,
    pub has_digit: bool,
    pub has_lower: bool,
    /// A letter was repeated 3+ times ("sooo").
    pub elongated: bool,
    /// Stopword bits (1 = nl, 2 = en), looked up once.
    pub stop: u8,
    /// What the tables say about this word form (`vocab`), looked up once.
    pub lex: Lex,
    pub excl: u16,
    pub quest: u16,
    pub sentence: u16,
    pub clause: u16,
}

impl Token {
    pub fn is_word(&self) -> bool {
        self.kind == Kind::Word
    }
}

pub struct Parsed<'a> {
    pub text: &'a str,
    pub buf: String,
    pub tokens: Vec<Token>,
    /// The input was longer than the analysed part.
    pub truncated: bool,
    /// Some word has a lower-case letter (needed before caps count as emphasis).
    pub has_lower: bool,
    /// Some word is all capitals (`Token::caps`) / elongated: rules that need one skip
    /// a message without.
    pub any_caps: bool,
    pub any_elongated: bool,
    /// The `vocab::flag`s of all words or-ed together (`any_flag`).
    pub flags: u32,
}

impl<'a> Parsed<'a> {
    pub fn norm(&self, t: &Token) -> &str {
        self.buf.get(t.norm.0 as usize..t.norm.1 as usize).unwrap_or("")
    }
    pub fn orig(&self, t: &Token) -> &'a str {
        self.text.get(t.orig.0 as usize..t.orig.1 as usize).unwrap_or("")
    }
    fn stem_parts<'s>(&'s self, t: &'s Token, lang: Lang) -> (&'s str, &'s str) {
        let word = self.norm(t);
        match lang {
            Lang::Nl => t.stem_nl.parts(word, &self.buf),
            Lang::En => t.stem_en.parts(word, &self.buf),
            Lang::Unknown => (word, ""),
        }
    }
    /// The token's stem in `lang` (the form itself for `Unknown`).
    pub fn stem(&self, t: &Token, lang: Lang) -> String {
        let (a, b) = self.stem_parts(t, lang);
        a.to_string() + b
    }
    /// Whether the token's stem in `lang` is `w` (without spelling the stem out).
    pub fn stem_is(&self, t: &Token, lang: Lang, w: &str) -> bool {
        let (a, b) = self.stem_parts(t, lang);
        w.len() == a.len() + b.len() && w.as_bytes()[..a.len()] == *a.as_bytes() && w.as_bytes()[a.len()..] == *b.as_bytes()
    }
    /// Whether some word has one of the `vocab::flag`s `f` (a rule that reads only such
    /// words can skip the message otherwise).
    pub fn any_flag(&self, f: u32) -> bool {
        self.flags & f != 0
    }
    pub fn word_count(&self) -> usize {
        self.tokens.iter().filter(|t| t.is_word()).count()
    }
}

fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x2300..=0x23FF | 0x2190..=0x21FF | 0x3030 | 0x303D)
        && !matches!(c as u32, 0x1F3FB..=0x1F3FF)
}

/// The exclamation and question marks a character stands for: ASCII, fullwidth
/// ("！", "？", typed on CJK and some phone keyboards), the double marks "‼" "⁉" "⁈" "⁇"
/// and the emoji marks "❗" "❕" "❓" "❔" (so "slecht‼" weighs as "slecht!!").
fn marks(c: char) -> Option<(u16, u16)> {
    Some(match c {
        '!' | '\u{FF01}' | '\u{2757}' | '\u{2755}' => (1, 0),
        '?' | '\u{FF1F}' | '\u{2753}' | '\u{2754}' => (0, 1),
        '\u{203C}' => (2, 0),
        '\u{2049}' | '\u{2048}' => (1, 1),
        '\u{2047}' => (0, 2),
        _ => return None,
    })
}

fn is_skin_tone(c: char) -> bool {
    matches!(c as u32, 0x1F3FB..=0x1F3FF)
}

/// Byte classes for the parse loop: one table look-up per byte instead of a chain of
/// tests (`is_ascii_alphanumeric`, `is_ascii_uppercase`, …). Non-ASCII bytes have no class.
mod class {
    /// An ASCII letter or digit.
    pub const ALNUM: u8 = 1;
    pub const UPPER: u8 = 2;
    pub const LOWER: u8 = 4;
    pub const DIGIT: u8 = 8;
    /// A letter or digit that can only start a word: not `h`/`w` (a URL may start there),
    /// not `x`/`8` (faces "xd", "8)"); those take the general path of `parse`.
    pub const PLAIN: u8 = 16;

    pub static OF: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut b = 0;
        while b < 128 {
            let c = b as u8;
            let k = if c.is_ascii_uppercase() {
                ALNUM | UPPER
            } else if c.is_ascii_lowercase() {
                ALNUM | LOWER
            } else if c.is_ascii_digit() {
                ALNUM | DIGIT
            } else {
                0
            };
            let plain = k != 0 && !matches!(c, b'h' | b'H' | b'w' | b'W' | b'x' | b'X' | b'8');
            t[b] = if plain { k | PLAIN } else { k };
            b += 1;
        }
        t
    };
}

/// Longest emoticon (2–5 ASCII chars) starting at byte `i`, with its length and whether it is valid here.
fn emoticon_at(text: &str, i: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let first = *bytes.get(i)?;
    if !matches!(first, b':' | b';' | b'=' | b'<' | b'>' | b'(' | b')' | b'8' | b'x') {
        return None;
    }
    let prev = if i > 0 { bytes.get(i - 1).copied() } else { None };
    // "10:30", "3:2" are times and scores, not faces.
    if prev.is_some_and(|p| p.is_ascii_digit()) && matches!(first, b':' | b';' | b'=') {
        return None;
    }
    let mut lower = [0u8; 5];
    for len in (2..=5).rev() {
        let Some(slice) = bytes.get(i..i + len) else { continue };
        if !slice.iter().all(|b| b.is_ascii_graphic()) {
            continue;
        }
        for (d, s) in lower.iter_mut().zip(slice) {
            *d = s.to_ascii_lowercase();
        }
        let Ok(key) = std::str::from_utf8(&lower[..len]) else { continue };
        if EMOTICONS.contains(key) {
            let last = slice[len - 1];
            let next = bytes.get(i + len).copied();
            // A face ending in a letter or digit (":d", ":p", ":3") must not run into a word.
            if last.is_ascii_alphanumeric() && next.is_some_and(|n| n.is_ascii_alphanumeric()) {
                continue;
            }
            // A reversed face ("):", "(:") must not follow text: "(those on twitter):" closes
            // a bracket before a colon.
            if matches!(first, b'(' | b')') && prev.is_some_and(|p| !p.is_ascii_whitespace()) {
                continue;
            }
            // A face starting with a letter/digit ("xd", "8)") must stand alone.
            if first.is_ascii_alphanumeric() && prev.is_some_and(|p| p.is_ascii_alphanumeric()) {
                continue;
            }
            return Some(len);
        }
    }
    None
}

/// HTML entities: `&` + name or `#`number + `;`, at most this long.
const MAX_ENTITY: usize = 10;

/// Length of an opaque token (URL, e-mail address, HTML entity) starting at byte `i`.
/// `in_word`: a word is being built (an e-mail address then started earlier).
fn opaque_at(text: &str, i: usize, in_word: bool) -> Option<usize> {
    let bytes = text.as_bytes();
    let rest = &bytes[i..];
    let to_space = |from: usize| from + text[from..].find(|c: char| c.is_whitespace()).unwrap_or(text.len() - from) - i;
    match rest.first()? {
        b'&' => {
            let end = rest.iter().take(MAX_ENTITY).position(|&c| c == b';')?;
            let name = &rest[1..end];
            let ok = end >= 3 && (name.iter().all(u8::is_ascii_alphabetic) || (name[0] == b'#' && name[1..].iter().all(u8::is_ascii_alphanumeric)));
            if ok && text[i..].starts_with("&lt;3") {
                return Some(5);
            }
            ok.then_some(end + 1)
        }
        b'h' | b'H' | b'w' | b'W' if !in_word => {
            // compared in place (`to_ascii_lowercase` would allocate for every word starting
            // with one of these letters)
            let starts = |p: &[u8]| rest.get(..p.len()).is_some_and(|s| s.eq_ignore_ascii_case(p));
            let url = starts(b"http://")
                || starts(b"https://")
                || starts(b"www.") && rest.get(4).is_some_and(u8::is_ascii_alphanumeric);
            url.then(|| to_space(i))
        }
        _ => None,
    }
}

/// A cursor over the characters of the analysed text (`char_indices` with `peek`, whose
/// position can also jump ahead: the ASCII-word fast path in `parse` consumes bytes itself).
struct Cursor<'t> {
    s: &'t str,
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<(usize, char)> {
        self.s.get(self.pos..)?.chars().next().map(|c| (self.pos, c))
    }
    fn next(&mut self) -> Option<(usize, char)> {
        let r = self.peek()?;
        self.pos += r.1.len_utf8();
        Some(r)
    }
}

struct Builder {
    buf: String,
    tokens: Vec<Token>,
    sentence: u16,
    clause: u16,
    // the word being built
    word_start: Option<usize>,
    norm_start: usize,
    upper: u32,
    lower: u32,
    digit: bool,
    last: char,
    run: u32,
    elongated: bool,
}

/// What a word's letters say about it; all false for other tokens.
#[derive(Default, Clone, Copy)]
struct Shape {
    caps: bool,
    has_digit: bool,
    has_lower: bool,
    elongated: bool,
}

impl Builder {
    fn push(&mut self, kind: Kind, orig: (usize, usize), norm: (usize, usize)) {
        if self.tokens.len() >= MAX_TOKENS {
            return;
        }
        self.push_shaped(kind, orig, norm, Shape::default());
    }

    /// The token whole at once (writing it and then setting a word's fields wrote it twice).
    fn push_shaped(&mut self, kind: Kind, orig: (usize, usize), norm: (usize, usize), shape: Shape) {
        let r = |a: usize, b: usize| (a as u32, b as u32);
        self.tokens.push(Token {
            kind,
            orig: r(orig.0, orig.1),
            norm: r(norm.0, norm.1),
            stem_en: Stem::SAME,
            stem_nl: Stem::SAME,
            caps: shape.caps,
            has_digit: shape.has_digit,
            has_lower: shape.has_lower,
            elongated: shape.elongated,
            stop: 0,
            lex: Lex::default(),
            excl: 0,
            quest: 0,
            sentence: self.sentence,
            clause: self.clause,
        });
    }

    fn start_word(&mut self, i: usize) {
        self.word_start = Some(i);
        self.norm_start = self.buf.len();
        self.upper = 0;
        self.lower = 0;
        self.digit = false;
        self.last = '\0';
        self.run = 0;
        self.elongated = false;
    }

    fn word_char(&mut self, i: usize, c: char) {
        if self.word_start.is_none() {
            self.start_word(i);
        }
        let f = if c.is_ascii() {
            // fast path: ASCII letters and digits
            if c.is_ascii_uppercase() {
                self.upper += 1;
            } else if c.is_ascii_lowercase() {
                self.lower += 1;
            } else if c.is_ascii_digit() {
                self.digit = true;
            }
            c.to_ascii_lowercase()
        } else {
            if c.is_uppercase() {
                self.upper += 1;
            } else if c.is_lowercase() {
                self.lower += 1;
            } else if c.is_numeric() {
                self.digit = true;
            }
            let Some(f) = fold_char(c) else { return };
            f
        };
        self.push_folded(f);
    }

    /// Appends one folded character, dropping the third and later of a run of one letter
    /// ("sooo" → "soo"; Dutch has real double letters) and noting the elongation.
    #[inline(always)]
    fn push_folded(&mut self, f: char) {
        if f == self.last {
            self.run += 1;
        } else {
            self.last = f;
            self.run = 1;
        }
        if self.run >= 3 && f.is_alphabetic() {
            self.elongated = true;
            return;
        }
        self.buf.push(f);
    }

    /// The ASCII letters and digits from byte `i` on (the first one included): the same as
    /// `word_char` for each of them, in one pass. Returns the end of the run.
    ///
    /// Why not per byte: a word costs one table look-up per byte to find its end and
    /// count its cases, then one copy (lowercased in place only if it has capitals);
    /// only a word with a letter run of three ("sooo") or continuing the run before it
    /// takes the exact per-byte path (`ascii_run_byte`).
    fn ascii_word(&mut self, text: &str, i: usize) -> usize {
        let bytes = text.as_bytes();
        // the classes of all bytes or-ed together, and whether three in a row are equal
        let (mut any, mut triple) = (0u8, false);
        // the two bytes before, lowercased (0xFF: none; never equal to an ASCII byte)
        let (mut p2, mut p1) = (0xFFu8, 0xFFu8);
        let mut j = i;
        while let Some(&c) = bytes.get(j) {
            let k = class::OF[c as usize];
            if k & class::ALNUM == 0 {
                break;
            }
            any |= k;
            // `| 0x20` lowercases an ASCII letter and leaves a digit as it is
            let l = c | 0x20;
            triple |= (l == p1) & (l == p2);
            (p2, p1) = (p1, l);
            j += 1;
        }
        if self.word_start.is_none() {
            self.start_word(i);
        }
        // capitals are counted only when there are some (`caps` needs two); `lower` is
        // only ever tested for zero, so any non-zero count will do
        let upper = if any & class::UPPER != 0 { bytes[i..j].iter().filter(|b| b.is_ascii_uppercase()).count() as u32 } else { 0 };
        self.upper += upper;
        self.lower += (any & class::LOWER != 0) as u32;
        self.digit |= any & class::DIGIT != 0;
        let word = &text[i..j];
        let w = word.as_bytes();
        if triple || self.last == w[0].to_ascii_lowercase() as char {
            for &c in w {
                self.ascii_run_byte(c);
            }
            return j;
        }
        let ns = self.buf.len();
        self.buf.push_str(word);
        if upper > 0 {
            self.buf[ns..].make_ascii_lowercase();
        }
        // no run of three inside and none carried in: the run at the end is one or two long
        let n = w.len();
        self.last = w[n - 1].to_ascii_lowercase() as char;
        self.run = if n >= 2 && w[n - 2].to_ascii_lowercase() == w[n - 1].to_ascii_lowercase() { 2 } else { 1 };
        j
    }

    /// One byte of `ascii_word` the exact way (`word_char` after its case counts).
    fn ascii_run_byte(&mut self, c: u8) {
        self.push_folded(c.to_ascii_lowercase() as char);
    }

    /// Whether the word being built and a following lone "t" (then `after`) are a
    /// contraction whose apostrophe was typed as a space ("don t", "isn t"): the word
    /// plus "'t" is a negator in the tables.
    fn split_contraction(&self, after: Option<u8>) -> bool {
        if self.word_start.is_none() || after.is_some_and(|a| a.is_ascii_alphanumeric() || a == b'\'') {
            return false;
        }
        let word = &self.buf[self.norm_start..];
        if !word.ends_with('n') || word.len() > 8 {
            return false;
        }
        let mut key = [0u8; 10];
        key[..word.len()].copy_from_slice(word.as_bytes());
        key[word.len()..word.len() + 2].copy_from_slice(b"'t");
        std::str::from_utf8(&key[..word.len() + 2]).is_ok_and(|k| MODIFIERS.get(k) == Some(Modifier::Negator))
    }

    fn end_word(&mut self, end: usize) {
        let Some(start) = self.word_start.take() else { return };
        // trailing apostrophes ("jullie'") are not part of the word
        while self.buf.len() > self.norm_start && self.buf.as_bytes().last() == Some(&b'\'') {
            self.buf.pop();
        }
        if self.buf.len() == self.norm_start || self.tokens.len() >= MAX_TOKENS {
            return;
        }
        let shape = Shape {
            caps: self.upper >= 2 && self.lower == 0,
            has_digit: self.digit,
            has_lower: self.lower > 0,
            elongated: self.elongated,
        };
        self.push_shaped(Kind::Word, (start, end), (self.norm_start, self.buf.len()), shape);
    }
}

thread_local! {
    /// The buffers of the last parse that was `recycle`d (emptied), for the next one on
    /// this thread: a message then costs no allocation for its tokens and forms.
    static SPARE: std::cell::Cell<Option<(String, Vec<Token>)>> = const { std::cell::Cell::new(None) };
}

/// Hand a parse that is no longer needed back, so the next `parse` on this thread reuses
/// its buffers (their size is bounded by `MAX_ANALYSED_BYTES` and `MAX_TOKENS`).
pub fn recycle(p: Parsed<'_>) {
    let Parsed { mut buf, mut tokens, .. } = p;
    buf.clear();
    tokens.clear();
    SPARE.with(|s| s.set(Some((buf, tokens))));
}

/// Parse a message. Never fails; cost is linear in the analysed length.
pub fn parse(text: &str) -> Parsed<'_> {
    let mut cut = text.len().min(MAX_ANALYSED_BYTES);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let truncated = cut < text.len();
    let text_cut = &text[..cut];
    let mut spare = SPARE.with(|s| s.take()).unwrap_or_default();
    spare.0.reserve(cut * 2 + 16);
    spare.1.reserve(cut / 4 + 4);
    let mut b = Builder {
        buf: spare.0,
        tokens: spare.1,
        sentence: 0,
        clause: 0,
        word_start: None,
        norm_start: 0,
        upper: 0,
        lower: 0,
        digit: false,
        last: '\0',
        run: 0,
        elongated: false,
    };
    let bytes = text_cut.as_bytes();
    let mut it = Cursor { s: text_cut, pos: 0 };
    loop {
        if b.tokens.len() >= MAX_TOKENS {
            break;
        }
        // The two most common bytes are decided on the byte, before any UTF-8 decoding.
        let i = it.pos;
        let Some(&c0) = bytes.get(i) else { break };
        if c0 == b' ' {
            // it only ends a word (every check below says no), unless it stands for a lost
            // apostrophe ("don t", "can t")
            if bytes.get(i + 1) == Some(&b't') && b.split_contraction(bytes.get(i + 2).copied()) {
                b.word_char(i, '\'');
            } else {
                b.end_word(i);
            }
            it.pos = i + 1;
            continue;
        }
        if class::OF[c0 as usize] & class::PLAIN != 0 {
            // a letter or digit that starts or continues a word and nothing else
            it.pos = b.ascii_word(text_cut, i);
            continue;
        }
        let Some((i, c)) = it.next() else { break };
        if !matches!(c, '&' | 'h' | 'H' | 'w' | 'W') {
            // not the start of an opaque token (the common case, checked first)
        } else if let Some(len) = opaque_at(text_cut, i, b.word_start.is_some()) {
            b.end_word(i);
            let ns = b.buf.len();
            if text_cut[i..].starts_with("&lt;3") {
                // the HTML-escaped heart "&lt;3" is the emoticon "<3"
                b.buf.push_str("<3");
                b.push(Kind::Emoticon, (i, i + len), (ns, b.buf.len()));
            } else {
                b.push(Kind::Opaque, (i, i + len), (ns, ns));
            }
            while it.peek().is_some_and(|(j, _)| j < i + len) {
                it.next();
            }
            continue;
        }
        // Emoticons first: they may be glued to words ("slecht:(").
        if c.is_ascii() && !c.is_ascii_alphabetic() || c == 'x' || c == 'X' {
            let prev_alnum = i > 0 && bytes[i - 1].is_ascii_alphanumeric();
            let starts_word = c.is_ascii_alphanumeric();
            if !(starts_word && prev_alnum) {
                if let Some(len) = emoticon_at(text_cut, i) {
                    b.end_word(i);
                    let ns = b.buf.len();
                    for ch in text_cut[i..i + len].chars() {
                        b.buf.push(ch.to_ascii_lowercase());
                    }
                    let ne = b.buf.len();
                    b.push(Kind::Emoticon, (i, i + len), (ns, ne));
                    for _ in 1..len {
                        it.next();
                    }
                    continue;
                }
            }
        }
        if c.is_alphanumeric() {
            if c.is_ascii() {
                // The rest of an ASCII word in one go: after a letter or digit no emoticon,
                // URL or entity can start (the checks above all need a non-word character
                // before them), so each byte only extends the word.
                it.pos = b.ascii_word(text_cut, i);
            } else {
                b.word_char(i, c);
            }
            continue;
        }
        // apostrophes inside a word ("don't", "m'n", "zo'n"), in any of their forms
        // (`fold_char`); a doubled one ("don''t") counts once
        if matches!(fold_char(c), Some('\'')) && b.word_start.is_some() {
            let mut k = it.pos;
            while let Some(n) = text_cut[k..].chars().next().filter(|&n| fold_char(n) == Some('\'')) {
                k += n.len_utf8();
            }
            if text_cut[k..].chars().next().is_some_and(char::is_alphabetic) {
                b.word_char(i, '\'');
                it.pos = k;
                continue;
            }
        }
        if fold_char(c).is_none() || is_skin_tone(c) {
            continue; // zero-width joiners, variation selectors inside words or emoji
        }
        b.end_word(i);
        if let Some((e0, q0)) = marks(c) {
            // a run of "!" and "?" in any of their forms ("!!!", "！", "‼", "⁉", "❗", "？")
            let (mut e, mut q, mut end) = (e0, q0, i + c.len_utf8());
            while let Some((j, n)) = it.peek() {
                let Some((de, dq)) = marks(n) else {
                    // variation selectors ("❗\u{FE0F}") belong to the mark
                    if fold_char(n).is_none() {
                        it.next();
                        end = j + n.len_utf8();
                        continue;
                    }
                    break;
                };
                e = e.saturating_add(de);
                q = q.saturating_add(dq);
                end = j + n.len_utf8();
                it.next();
            }
            let ns = b.buf.len();
            b.push(Kind::Punct, (i, end), (ns, ns));
            if let Some(t) = b.tokens.last_mut() {
                t.excl = e;
                t.quest = q;
            }
            b.sentence = b.sentence.saturating_add(1);
            b.clause = b.clause.saturating_add(1);
            continue;
        }
        if is_emoji(c) {
            let ns = b.buf.len();
            b.buf.push(c);
            let ne = b.buf.len();
            b.push(Kind::Emoji, (i, i + c.len_utf8()), (ns, ne));
            continue;
        }
        match c {
            '.' | '\n' | '\u{2026}' => {
                let ns = b.buf.len();
                b.push(Kind::Stop, (i, i + c.len_utf8()), (ns, ns));
                b.sentence = b.sentence.saturating_add(1);
                b.clause = b.clause.saturating_add(1);
            }
            ',' | ';' | ':' | '(' | ')' | '\u{2013}' | '\u{2014}' => {
                let ns = b.buf.len();
                b.push(Kind::Comma, (i, i + c.len_utf8()), (ns, ns));
                b.clause = b.clause.saturating_add(1);
            }
            _ => {}
        }
    }
    b.end_word(cut);
    let has_lower = b.tokens.iter().any(|t| t.has_lower);
    let any_caps = b.tokens.iter().any(|t| t.caps);
    let any_elongated = b.tokens.iter().any(|t| t.elongated);
    let mut p = Parsed { text, buf: b.buf, tokens: b.tokens, truncated, has_lower, any_caps, any_elongated, flags: 0 };
    look_up_all(&mut p);
    p
}

/// Look every word up once (`vocab`, cached per form) and keep its stems (relative to
/// the form; the rare stems that cannot be expressed so go into the shared buffer).
fn look_up_all(p: &mut Parsed<'_>) {
    vocab::with_lookup(|cache| {
        for i in 0..p.tokens.len() {
            let t = &p.tokens[i];
            if !t.is_word() {
                continue;
            }
            let (a, b) = (t.norm.0 as usize, t.norm.1 as usize);
            let Some(word) = p.buf.get(a..b) else { continue };
            let info = cache.info(word);
            let (lex, mut se, mut sn) = (info.lex, info.stem_en, info.stem_nl);
            if lex.has(vocab::flag::IRREGULAR) {
                let (en, nl) = (vocab::stem_uncached(word, Lang::En), vocab::stem_uncached(word, Lang::Nl));
                for (stem, out) in [(en, &mut se), (nl, &mut sn)] {
                    let start = p.buf.len();
                    p.buf.push_str(&stem);
                    *out = Stem::in_buffer(start as u32, stem.len().min(u16::MAX as usize) as u16);
                }
            }
            let tok = &mut p.tokens[i];
            tok.stem_en = se;
            tok.stem_nl = sn;
            tok.lex = lex;
            tok.stop = lex.stop;
            p.flags |= lex.flags;
        }
    });
}
