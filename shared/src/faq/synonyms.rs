//! Synonym groups: words and phrases a customer uses interchangeably.
//!
//! A group is one line of a tab-separated table: `lang<TAB>term, term, ...`.
//! Terms are folded, stop words dropped and stemmed with the group's language,
//! so "bezorgen" also covers "bezorgd" and "bezorging". Multi-word terms
//! ("geld terug", "money back") match as phrases. The built-in table is
//! `synonyms.tsv` next to this file; a site can pass its own to
//! [`crate::faq::FaqIndex::with_synonyms`].
use super::text::{is_stop, tokens, Stemmers};
use crate::lang::Lang;

/// The built-in table (shop vocabulary, Dutch and English).
pub const BUILTIN_TSV: &str = include_str!("synonyms.tsv");
/// Most groups a table may hold.
pub const MAX_GROUPS: usize = 2000;

/// One group: all its terms mean the same thing in retrieval.
#[derive(Debug, Clone, PartialEq)]
pub struct SynonymGroup {
    pub lang: Lang,
    /// The terms as written in the table.
    pub terms: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Synonyms {
    pub groups: Vec<SynonymGroup>,
}

/// A bad line in a synonym table.
#[derive(Debug, Clone, PartialEq)]
pub struct SynonymError {
    pub line: usize,
    pub message: String,
}
impl std::fmt::Display for SynonymError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "synonyms, line {}: {}", self.line, self.message)
    }
}
impl std::error::Error for SynonymError {}

impl Synonyms {
    /// The built-in table. It is checked by a test, so this cannot fail in practice;
    /// if it ever did, retrieval would run without synonyms rather than panic.
    pub fn builtin() -> Synonyms {
        Synonyms::parse(BUILTIN_TSV).unwrap_or_default()
    }

    /// Parse `lang<TAB>term, term, ...` lines; `#` starts a comment line.
    pub fn parse(tsv: &str) -> Result<Synonyms, SynonymError> {
        let mut groups = Vec::new();
        for (i, raw) in tsv.lines().enumerate() {
            let line = i + 1;
            let text = raw.trim();
            if text.is_empty() || text.starts_with('#') {
                continue;
            }
            let Some((lang, terms)) = text.split_once('\t') else {
                return Err(SynonymError { line, message: "expected `lang<TAB>term, term, ...`".into() });
            };
            let lang = match lang.trim() {
                "nl" => Lang::Nl,
                "en" => Lang::En,
                other => {
                    return Err(SynonymError { line, message: format!("language \"{other}\" must be nl or en") })
                }
            };
            let terms: Vec<String> =
                terms.split(',').map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect();
            if terms.len() < 2 {
                return Err(SynonymError { line, message: "a group needs at least two terms".into() });
            }
            groups.push(SynonymGroup { lang, terms });
            if groups.len() > MAX_GROUPS {
                return Err(SynonymError { line, message: format!("more than {MAX_GROUPS} groups") });
            }
        }
        Ok(Synonyms { groups })
    }
}

/// Stemmed lookup tables for one language.
#[derive(Default)]
pub(crate) struct Compiled {
    /// Stem of a one-word term → groups.
    pub single: super::index::FxMap<String, Vec<u32>>,
    /// Stem sequences of multi-word terms → group, longest first.
    pub phrases: Vec<(Vec<String>, u32)>,
    /// Folded surface words of one-word terms → groups (for typo lookup).
    pub surfaces: Vec<(String, u32)>,
}

/// Compile `syn` for `lang`; group ids are indices into `syn.groups`.
pub(crate) fn compile(syn: &Synonyms, lang: Lang, stemmers: &Stemmers) -> Compiled {
    let mut c = Compiled::default();
    for (gi, g) in syn.groups.iter().enumerate() {
        if g.lang != lang {
            continue;
        }
        let gi = gi as u32;
        for term in &g.terms {
            let words: Vec<String> = tokens(term).into_iter().filter(|w| !is_stop(w)).collect();
            match words.len() {
                0 => {}
                1 => {
                    let e = c.single.entry(stemmers.stem(lang, &words[0])).or_default();
                    if !e.contains(&gi) {
                        e.push(gi);
                    }
                    c.surfaces.push((words[0].clone(), gi));
                }
                _ => c.phrases.push((words.iter().map(|w| stemmers.stem(lang, w)).collect(), gi)),
            }
        }
    }
    c.phrases.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
    c
}

impl Compiled {
    /// Phrase matches in a stem sequence: (start, len, group).
    pub fn find_phrases(&self, stems: &[String]) -> Vec<(usize, usize, u32)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < stems.len() {
            let hit = self.phrases.iter().find(|(p, _)| stems.len() - i >= p.len() && stems[i..i + p.len()] == p[..]);
            match hit {
                Some((p, g)) => {
                    out.push((i, p.len(), *g));
                    i += p.len();
                }
                None => i += 1,
            }
        }
        out
    }
}
