//! FAQ retrieval: a knowledge base searched in the browser, per keystroke.
//!
//! Pipeline: fold → tokens → stop words out → per language (nl, en): stems,
//! synonym groups, Dutch compound parts, typo neighbours → BM25F over
//! question/paraphrases/tags/answer → language bias → calibrated confidence.
//! [`FaqIndex::answer`] turns the ranking into "answer" or "unsure, here are
//! suggestions" with a threshold from [`FaqConfig`].
//!
//! Architecture invariant: this module knows nothing about the sentiment
//! engine; it has its own tokenizer so indexes stay stable.
pub mod confidence;
pub mod eval;
pub mod fuzzy;
mod index;
pub mod kb;
pub mod synonyms;
pub mod text;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

pub use confidence::{Features, DEFAULT_THRESHOLD};
pub use kb::{unsafe_answer_links, Article, KbError, KnowledgeBase};
pub use synonyms::{SynonymError, Synonyms};

use crate::lang::Lang;
use index::{li, DocScore, Index, LANGS, K1, OTHER_LANG_FACTOR, QUESTION_MATCH};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaqMatch {
    pub article_id: String,
    /// Calibrated confidence in [0, 1].
    pub confidence: f32,
}

/// What the bot should do with a question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", content = "matches", rename_all = "snake_case")]
pub enum FaqOutcome {
    /// Answer with this article.
    Confident(FaqMatch),
    /// Say so and offer a human; these are suggestions, best first (maybe none).
    Unsure(Vec<FaqMatch>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FaqConfig {
    /// Lowest confidence the bot answers on its own.
    pub threshold: f32,
    /// Most suggestions in an `Unsure` outcome.
    pub max_suggestions: usize,
    /// Suggestions below this confidence are left out.
    pub min_suggestion_confidence: f32,
}

impl Default for FaqConfig {
    fn default() -> Self {
        FaqConfig { threshold: DEFAULT_THRESHOLD, max_suggestions: 3, min_suggestion_confidence: 0.05 }
    }
}

/// A ranked article with the inputs of its confidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explained {
    pub article_id: String,
    pub score: f32,
    pub features: Features,
    pub confidence: f32,
}

pub struct FaqIndex {
    articles: Vec<Article>,
    by_id: HashMap<String, usize>,
    index: Index,
}

impl FaqIndex {
    /// Index `kb` with the built-in synonym table.
    pub fn new(kb: &KnowledgeBase) -> Self {
        Self::with_synonyms(kb, &Synonyms::builtin())
    }

    /// Index `kb` with a site's own synonym table.
    pub fn with_synonyms(kb: &KnowledgeBase, synonyms: &Synonyms) -> Self {
        let articles = kb.articles.clone();
        let mut by_id = HashMap::with_capacity(articles.len());
        for (i, a) in articles.iter().enumerate() {
            by_id.entry(a.id.clone()).or_insert(i);
        }
        let index = Index::build(&articles, synonyms);
        FaqIndex { articles, by_id, index }
    }

    pub fn article(&self, id: &str) -> Option<&Article> {
        self.by_id.get(id).and_then(|&i| self.articles.get(i))
    }

    pub fn articles(&self) -> &[Article] {
        &self.articles
    }

    /// Ranked matches, best first. `lang` biases towards articles in that language;
    /// with `Lang::Unknown` the language is guessed from the query's function words.
    pub fn search(&self, query: &str, lang: Lang, k: usize) -> Vec<FaqMatch> {
        self.explain(query, lang, k)
            .into_iter()
            .map(|e| FaqMatch { article_id: e.article_id, confidence: e.confidence })
            .collect()
    }

    /// Answer with the best article when confident enough, else say unsure.
    pub fn answer(&self, query: &str, lang: Lang, cfg: &FaqConfig) -> FaqOutcome {
        let mut matches = self.search(query, lang, cfg.max_suggestions.max(1));
        match matches.first() {
            Some(m) if m.confidence >= cfg.threshold => FaqOutcome::Confident(m.clone()),
            _ => {
                matches.retain(|m| m.confidence >= cfg.min_suggestion_confidence);
                matches.truncate(cfg.max_suggestions);
                FaqOutcome::Unsure(matches)
            }
        }
    }

    /// [`search`](Self::search) with scores and confidence features, for the
    /// agent view ("why this article") and for calibration.
    pub fn explain(&self, query: &str, lang: Lang, k: usize) -> Vec<Explained> {
        if k == 0 || self.articles.is_empty() {
            return Vec::new();
        }
        let (all, words) = Index::query_words(query);
        if words.is_empty() {
            return Vec::new();
        }
        let target = match lang {
            Lang::Unknown => text::guess_lang(&all),
            l => l,
        };
        let mut scores = vec![DocScore::default(); self.articles.len()];
        let mut total = [0f32; 2];
        let mut max_score = [0f32; 2];
        for l in LANGS {
            let slots = self.index.slots(l, &words);
            total[li(l)] = slots.iter().map(|s| self.index.slot_weight(l, s)).sum();
            max_score[li(l)] = total[li(l)] * (K1 + 1.0);
            self.index.score(l, &slots, &mut scores);
            // an article whose own question (or a paraphrase) is the query gets up to
            // QUESTION_MATCH of the most the query could score on top
            for (d, s) in scores.iter_mut().enumerate() {
                if self.index.doc_lang[d] == l && s.raw > 0.0 {
                    s.raw += QUESTION_MATCH * self.index.question_match(d, &slots).powi(2) * total[li(l)];
                }
            }
        }
        // Best and second-best raw score per language, for the margin.
        let mut top2 = [[0f32; 2]; 2];
        for (d, s) in scores.iter().enumerate() {
            let t = &mut top2[li(self.index.doc_lang[d])];
            if s.raw > t[0] {
                t[1] = t[0];
                t[0] = s.raw;
            } else if s.raw > t[1] {
                t[1] = s.raw;
            }
        }
        // Rank by strength (score / the most this query could score in that
        // language): raw BM25 is not comparable across the two languages.
        let mut ranked: Vec<(usize, f32)> = scores
            .iter()
            .enumerate()
            .filter(|(_, s)| s.raw > 0.0 && s.raw.is_finite())
            .map(|(d, s)| {
                let l = self.index.doc_lang[d];
                let f = if target == Lang::Unknown || target == l { 1.0 } else { OTHER_LANG_FACTOR };
                (d, ratio(s.raw, max_score[li(l)]) * f)
            })
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(k);
        let mut out: Vec<Explained> = Vec::with_capacity(ranked.len());
        let mut ceiling = 1.0f32;
        for (d, score) in ranked {
            let s = scores[d];
            let l = li(self.index.doc_lang[d]);
            let other = if s.raw >= top2[l][0] { top2[l][1] } else { top2[l][0] };
            let features = Features {
                coverage: ratio(s.matched, total[l]),
                margin: ((s.raw - other) / s.raw).clamp(-1.0, 1.0),
                strength: ratio(s.raw, max_score[l]),
            };
            let confidence = features.confidence().min(ceiling);
            ceiling = confidence;
            out.push(Explained { article_id: self.articles[d].id.clone(), score, features, confidence });
        }
        out
    }
}

fn ratio(a: f32, b: f32) -> f32 {
    if b > 0.0 && a.is_finite() && b.is_finite() {
        (a / b).clamp(0.0, 1.0)
    } else {
        0.0
    }
}
