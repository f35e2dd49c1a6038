//! The inverted index and BM25F scoring.
//!
//! Terms are namespaced by language ("n:bezorg", "e:deliveri", synonym groups
//! "n@7"): a Dutch article is indexed with the Dutch stemmer only, and a query
//! is analysed once per language, each analysis scoring that language's articles.
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use super::fuzzy::Lexicon;
use super::kb::Article;
use super::synonyms::{compile, Compiled, Synonyms};
use super::text::{clip_query, is_stop, tokens, Stemmers, MAX_QUERY_TOKENS};
use crate::lang::Lang;

/// BM25 term-frequency saturation (the usual 1.2).
pub const K1: f32 = 1.2;
/// BM25 length normalisation. Lower than the usual 0.75 because articles with
/// many paraphrases are long for a good reason. Chosen on the tuning half of kb/eval.tsv.
pub const B: f32 = 0.5;
/// Field weights (BM25F): how much one occurrence counts, per field.
pub const W_QUESTION: f32 = 1.0;
pub const W_PARAPHRASE: f32 = 1.0;
pub const W_TAG: f32 = 1.0;
pub const W_ANSWER: f32 = 0.3;
/// A query word matching through a synonym group counts this much of an exact match.
pub const W_SYNONYM: f32 = 0.8;
/// A query word matching a vocabulary word at edit distance 1 / 2.
pub const W_FUZZY_1: f32 = 0.8;
pub const W_FUZZY_2: f32 = 0.6;
/// An article whose question or a paraphrase the query matches completely scores this share
/// of the query's idf mass on top (scaled by how complete, squared): the article's own words
/// for the question are the strongest evidence. Chosen on the tuning half of kb/eval.tsv.
pub const QUESTION_MATCH: f32 = 0.5;
/// Score factor for articles not in the query's (given or guessed) language.
pub const OTHER_LANG_FACTOR: f32 = 0.75;
/// A query word the knowledge base never uses (no exact, synonym, compound or
/// typo match) weighs this many times the rarest known word in coverage: it is
/// the strongest sign a question is outside the knowledge base. Chosen on the
/// tuning half of kb/eval.tsv (1.0 let "capital of Belgium" through).
pub const UNKNOWN_WORD_WEIGHT: f32 = 1.5;
/// Shortest word (characters) tried for compound splitting, and shortest parts.
const COMPOUND_MIN: usize = 7;
const COMPOUND_LEFT_MIN: usize = 4;
const COMPOUND_RIGHT_MIN: usize = 3;

/// A small, fast, non-cryptographic hasher (FxHash). The maps it backs are built
/// from the site's own knowledge base; queries only look up, never insert.
#[derive(Default, Clone, Copy)]
pub(crate) struct Fx(u64);
impl Hasher for Fx {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
}
pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;
pub(crate) type FxSet<K> = HashSet<K, BuildHasherDefault<Fx>>;

pub(crate) const LANGS: [Lang; 2] = [Lang::Nl, Lang::En];
pub(crate) fn li(lang: Lang) -> usize {
    usize::from(lang != Lang::Nl)
}

/// One query position: matching any candidate term counts, the best one wins.
#[derive(Debug, Clone, Default)]
pub(crate) struct Slot {
    /// (term, weight)
    pub cands: Vec<(u32, f32)>,
}

/// Per-article scoring details for one query.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct DocScore {
    pub raw: f32,
    /// idf mass of the query matched by this article.
    pub matched: f32,
}

pub(crate) struct Side {
    pub syn: Compiled,
    pub lexicon: Lexicon,
    /// Stems known in this language (for compound splitting).
    pub stems: FxSet<String>,
    /// Folded words of the articles → their stems (for compound splitting).
    pub surface_stems: FxMap<String, String>,
    pub n_docs: usize,
    pub avgdl: f32,
    /// idf of an unknown word.
    pub unknown_idf: f32,
}

pub(crate) struct Index {
    pub stemmers: Stemmers,
    pub sides: [Side; 2],
    pub terms: FxMap<String, u32>,
    pub postings: Vec<Vec<(u32, f32)>>,
    pub idf: Vec<f32>,
    pub doc_len: Vec<f32>,
    pub doc_lang: Vec<Lang>,
    /// Per article, its question and paraphrases: per content word, the terms it is indexed under.
    pub questions: Vec<Vec<Vec<Vec<u32>>>>,
}

fn term_key(lang: Lang, stem: &str) -> String {
    format!("{}:{stem}", if lang == Lang::Nl { 'n' } else { 'e' })
}
fn group_key(lang: Lang, g: u32) -> String {
    format!("{}@{g}", if lang == Lang::Nl { 'n' } else { 'e' })
}

fn idf(n: usize, df: usize) -> f32 {
    let (n, df) = (n as f32, df as f32);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// A field of an article after the first pass: folded words and their stems.
struct Field {
    weight: f32,
    words: Vec<String>,
    stems: Vec<String>,
}

impl Index {
    pub fn build(articles: &[Article], synonyms: &Synonyms) -> Index {
        let stemmers = Stemmers::default();
        let mut sides = LANGS.map(|l| Side {
            syn: compile(synonyms, l, &stemmers),
            lexicon: Lexicon::default(),
            stems: FxSet::default(),
            surface_stems: FxMap::default(),
            n_docs: 0,
            avgdl: 1.0,
            unknown_idf: 1.0,
        });
        // Pass 1: tokens and stems of every field; the stem vocabulary per language.
        let mut docs: Vec<(Lang, Vec<Field>)> = Vec::with_capacity(articles.len());
        for a in articles {
            let lang = if a.lang == Lang::En { Lang::En } else { Lang::Nl };
            let side = &mut sides[li(lang)];
            side.n_docs += 1;
            let mut fields = Vec::new();
            let cache = &mut side.surface_stems;
            let mut push = |weight: f32, text: &str| {
                let words: Vec<String> = tokens(text).into_iter().filter(|w| !is_stop(w)).collect();
                let stems: Vec<String> = words
                    .iter()
                    .map(|w| cache.entry(w.clone()).or_insert_with(|| stemmers.stem(lang, w)).clone())
                    .collect();
                for s in &stems {
                    if !side.stems.contains(s) {
                        side.stems.insert(s.clone());
                    }
                }
                fields.push(Field { weight, words, stems });
            };
            push(W_QUESTION, &a.question);
            for p in &a.paraphrases {
                push(W_PARAPHRASE, p);
            }
            for t in &a.tags {
                push(W_TAG, t);
            }
            push(W_ANSWER, &a.answer);
            docs.push((lang, fields));
        }
        for side in sides.iter_mut() {
            let extra: Vec<String> = side.syn.single.keys().cloned().collect();
            side.stems.extend(extra);
        }
        let n_questions: Vec<usize> = articles.iter().map(|a| a.paraphrases.len()).collect();
        // Pass 2: weighted term frequencies, with synonym groups and compound parts.
        // Each distinct word is analysed once (`word_terms`); occurrences only add tf.
        let mut terms: FxMap<String, u32> = FxMap::default();
        let mut postings: Vec<Vec<(u32, f32)>> = Vec::new();
        let mut doc_len = Vec::with_capacity(docs.len());
        let mut doc_lang = Vec::with_capacity(docs.len());
        let intern = |key: String, terms: &mut FxMap<String, u32>, postings: &mut Vec<Vec<(u32, f32)>>| -> u32 {
            *terms.entry(key).or_insert_with(|| {
                postings.push(Vec::new());
                (postings.len() - 1) as u32
            })
        };
        let mut lens = [0f32; 2];
        let mut questions: Vec<Vec<Vec<Vec<u32>>>> = Vec::with_capacity(docs.len());
        let mut word_terms: [FxMap<String, Vec<u32>>; 2] = Default::default();
        let mut tf: FxMap<u32, f32> = FxMap::default();
        for (d, (lang, fields)) in docs.iter().enumerate() {
            let (lang, l) = (*lang, li(*lang));
            let side = &mut sides[l];
            tf.clear();
            let mut len = 0f32;
            let mut qs: Vec<Vec<Vec<u32>>> = Vec::new();
            for (fi, f) in fields.iter().enumerate() {
                len += f.weight * f.words.len() as f32;
                for (w, s) in f.words.iter().zip(&f.stems) {
                    if !word_terms[l].contains_key(w) {
                        let mut ts = vec![intern(term_key(lang, s), &mut terms, &mut postings)];
                        for &g in side.syn.single.get(s).map(Vec::as_slice).unwrap_or(&[]) {
                            ts.push(intern(group_key(lang, g), &mut terms, &mut postings));
                        }
                        for &t in &ts {
                            side.lexicon.add(w, t);
                        }
                        for v in nl_variants(lang, s).into_iter().filter(|v| side.stems.contains(v)) {
                            ts.push(intern(term_key(lang, &v), &mut terms, &mut postings));
                        }
                        if let Some((a, b)) = split_compound(&side.stems, &side.surface_stems, lang, w) {
                            for part in [a, b] {
                                ts.push(intern(term_key(lang, &part), &mut terms, &mut postings));
                                for &g in side.syn.single.get(&part).map(Vec::as_slice).unwrap_or(&[]) {
                                    ts.push(intern(group_key(lang, g), &mut terms, &mut postings));
                                }
                            }
                        }
                        ts.sort_unstable();
                        ts.dedup();
                        word_terms[l].insert(w.clone(), ts);
                    }
                    for &t in word_terms[l].get(w).map(Vec::as_slice).unwrap_or(&[]) {
                        *tf.entry(t).or_default() += f.weight;
                    }
                }
                // fields 0..=paraphrases are the question and its paraphrases
                if fi <= n_questions[d] && !f.words.is_empty() {
                    let mut q: Vec<Vec<u32>> = f.words.iter().map(|w| word_terms[l].get(w).cloned().unwrap_or_default()).collect();
                    // the words of a synonym phrase ("contact opnemen") also stand for its group
                    for (start, n, g) in side.syn.find_phrases(&f.stems) {
                        let gt = intern(group_key(lang, g), &mut terms, &mut postings);
                        for w in q.iter_mut().skip(start).take(n) {
                            w.push(gt);
                        }
                    }
                    qs.push(q);
                }
                for (_, _, g) in side.syn.find_phrases(&f.stems) {
                    let gt = intern(group_key(lang, g), &mut terms, &mut postings);
                    *tf.entry(gt).or_default() += f.weight;
                }
            }
            let mut doc_tf: Vec<(u32, f32)> = tf.iter().map(|(&t, &f)| (t, f)).collect();
            doc_tf.sort_unstable_by_key(|p| p.0);
            for (t, f) in doc_tf {
                postings[t as usize].push((d as u32, f));
            }
            questions.push(qs);
            lens[l] += len;
            doc_len.push(len.max(1.0));
            doc_lang.push(lang);
        }
        // Synonym-only words (in the table, not in any article) still find their group by typo lookup.
        for (l, side) in LANGS.iter().zip(sides.iter_mut()) {
            let surf: Vec<(String, u32)> = side.syn.surfaces.clone();
            for (w, g) in surf {
                if let Some(&t) = terms.get(&group_key(*l, g)) {
                    side.lexicon.add(&w, t);
                }
            }
            side.avgdl = if side.n_docs > 0 { (lens[li(*l)] / side.n_docs as f32).max(1.0) } else { 1.0 };
            side.unknown_idf = UNKNOWN_WORD_WEIGHT * idf(side.n_docs.max(1), 0);
        }
        let idf_v = postings
            .iter()
            .map(|p| {
                let lang = p.first().map(|&(d, _)| doc_lang[d as usize]).unwrap_or(Lang::Nl);
                idf(sides[li(lang)].n_docs, p.len())
            })
            .collect();
        Index { stemmers, sides, terms, postings, idf: idf_v, doc_len, doc_lang, questions }
    }

    fn term(&self, lang: Lang, stem: &str) -> Option<u32> {
        self.terms.get(&term_key(lang, stem)).copied()
    }
    fn group(&self, lang: Lang, g: u32) -> Option<u32> {
        self.terms.get(&group_key(lang, g)).copied()
    }

    /// Candidates for one stem: the stem itself and its synonym groups.
    fn stem_cands(&self, lang: Lang, stem: &str, weight: f32, out: &mut Vec<(u32, f32)>) {
        if let Some(t) = self.term(lang, stem) {
            out.push((t, weight));
        }
        for &g in self.sides[li(lang)].syn.single.get(stem).map(Vec::as_slice).unwrap_or(&[]) {
            if let Some(t) = self.group(lang, g) {
                out.push((t, weight * W_SYNONYM));
            }
        }
    }

    /// Folded content words of a (clipped) query.
    pub fn query_words(query: &str) -> (Vec<String>, Vec<String>) {
        let all = tokens(clip_query(query));
        let content: Vec<String> = all.iter().filter(|w| !is_stop(w)).take(MAX_QUERY_TOKENS).cloned().collect();
        (all, content)
    }

    /// The query as slots for one language.
    pub fn slots(&self, lang: Lang, words: &[String]) -> Vec<Slot> {
        let side = &self.sides[li(lang)];
        let stems: Vec<String> = words.iter().map(|w| self.stemmers.stem(lang, w)).collect();
        let phrases = side.syn.find_phrases(&stems);
        let mut out = Vec::new();
        let mut i = 0;
        while i < words.len() {
            if let Some(&(_, n, g)) = phrases.iter().find(|p| p.0 == i) {
                let mut slot = Slot::default();
                if let Some(t) = self.group(lang, g) {
                    slot.cands.push((t, W_SYNONYM));
                }
                out.push(slot);
                i += n;
                continue;
            }
            let (w, s) = (&words[i], &stems[i]);
            let mut slot = Slot::default();
            self.stem_cands(lang, s, 1.0, &mut slot.cands);
            if slot.cands.is_empty() {
                for v in nl_variants(lang, s) {
                    self.stem_cands(lang, &v, 1.0, &mut slot.cands);
                }
            }
            if slot.cands.is_empty() {
                if let Some((l, r)) = split_compound(&side.stems, &side.surface_stems, lang, w) {
                    for part in [l, r] {
                        let mut ps = Slot::default();
                        self.stem_cands(lang, &part, 1.0, &mut ps.cands);
                        out.push(ps);
                    }
                    i += 1;
                    continue;
                }
                let (found, d) = side.lexicon.lookup(w);
                let wt = if d <= 1 { W_FUZZY_1 } else { W_FUZZY_2 };
                for t in found {
                    slot.cands.push((t, wt));
                }
            }
            out.push(slot);
            i += 1;
        }
        out
    }

    /// The most a slot can contribute to coverage: its best idf-weighted candidate.
    pub fn slot_weight(&self, lang: Lang, slot: &Slot) -> f32 {
        slot.cands
            .iter()
            .map(|&(t, w)| w * self.idf[t as usize])
            .fold(None, |m: Option<f32>, v| Some(m.map_or(v, |m| m.max(v))))
            .unwrap_or(self.sides[li(lang)].unknown_idf)
    }

    /// How completely the article's question or one of its paraphrases is the query: the best
    /// (share of that sentence's words the query matches) × (share of query slots it matches).
    pub fn question_match(&self, d: usize, slots: &[Slot]) -> f32 {
        if slots.is_empty() {
            return 0.0;
        }
        let mut best = 0f32;
        for q in &self.questions[d] {
            let hit = |terms: &[u32], slot: &Slot| slot.cands.iter().any(|(t, _)| terms.contains(t));
            let words = q.iter().filter(|terms| slots.iter().any(|s| hit(terms, s))).count();
            let found = slots.iter().filter(|s| q.iter().any(|terms| hit(terms, s))).count();
            best = best.max(words as f32 / q.len() as f32 * found as f32 / slots.len() as f32);
        }
        best
    }

    /// Add the BM25F scores of `slots` to the articles of `lang`.
    pub fn score(&self, lang: Lang, slots: &[Slot], out: &mut [DocScore]) {
        let avgdl = self.sides[li(lang)].avgdl;
        let mut best: Vec<(f32, f32)> = vec![(0.0, 0.0); out.len()];
        let mut touched: Vec<u32> = Vec::new();
        for slot in slots {
            for &(t, w) in &slot.cands {
                let idf = self.idf[t as usize];
                for &(d, tf) in &self.postings[t as usize] {
                    let du = d as usize;
                    let norm = K1 * (1.0 - B + B * self.doc_len[du] / avgdl);
                    let s = w * idf * tf * (K1 + 1.0) / (tf + norm);
                    let b = &mut best[du];
                    if b.0 == 0.0 && b.1 == 0.0 {
                        touched.push(d);
                    }
                    b.0 = b.0.max(s);
                    b.1 = b.1.max(w * idf);
                }
            }
            for &d in &touched {
                let du = d as usize;
                out[du].raw += best[du].0;
                out[du].matched += best[du].1;
                best[du] = (0.0, 0.0);
            }
            touched.clear();
        }
    }
}

/// Dutch verb forms the Snowball stemmer leaves apart from their stem:
/// "bezorgd"/"bezorgt" → "bezorg", "geleverd" → "lever". Returns candidates only;
/// callers keep those that are in the vocabulary.
fn nl_variants(lang: Lang, stem: &str) -> Vec<String> {
    let mut out = Vec::new();
    if lang != Lang::Nl || !stem.is_ascii() {
        return out;
    }
    let strip = |s: &str| s.strip_suffix('d').or_else(|| s.strip_suffix('t')).filter(|r| r.len() >= 3).map(str::to_owned);
    if let Some(r) = strip(stem) {
        out.push(r);
    }
    if let Some(rest) = stem.strip_prefix("ge").filter(|r| r.len() >= 4) {
        if let Some(r) = strip(rest) {
            out.push(r);
        }
        out.push(rest.to_owned());
    }
    out
}

/// Split a Dutch compound into two known parts ("bezorgkosten" → bezorg + kost),
/// preferring the longest head (right part); a linking "s" or "en" is allowed.
/// A part is known when it is a word of the index (`surf`, giving its stem) or
/// itself a stem (`stems`, e.g. the verb stem "bezorg"). No stemming happens
/// here, which keeps index builds fast.
fn split_compound(
    stems: &FxSet<String>,
    surf: &FxMap<String, String>,
    lang: Lang,
    word: &str,
) -> Option<(String, String)> {
    if lang != Lang::Nl {
        return None;
    }
    let n = word.chars().count();
    if n < COMPOUND_MIN || !word.chars().all(|c| c.is_ascii_lowercase()) {
        return None;
    }
    let known = |part: &str| -> Option<String> {
        match surf.get(part) {
            Some(st) => Some(st.clone()),
            None => stems.contains(part).then(|| part.to_owned()),
        }
    };
    // ASCII only from here, so byte offsets are character offsets.
    for i in COMPOUND_LEFT_MIN..=n.saturating_sub(COMPOUND_RIGHT_MIN) {
        let Some(rs) = known(&word[i..]) else { continue };
        let left = &word[..i];
        let ls = known(left)
            .or_else(|| left.strip_suffix('s').filter(|l| l.len() >= COMPOUND_LEFT_MIN).and_then(known))
            .or_else(|| left.strip_suffix("en").filter(|l| l.len() >= COMPOUND_LEFT_MIN).and_then(known));
        if let Some(ls) = ls {
            return Some((ls, rs));
        }
    }
    None
}
