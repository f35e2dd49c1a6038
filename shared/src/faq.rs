//! PLACEHOLDER CONTRACT — FAQ retrieval over a knowledge base.
use serde::{Deserialize, Serialize};

use crate::lang::Lang;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Article {
    pub id: String,
    pub lang: Lang,
    pub question: String,
    #[serde(default)]
    pub paraphrases: Vec<String>,
    pub answer: String,
    #[serde(default)]
    pub link: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnowledgeBase {
    pub articles: Vec<Article>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum KbError {
    Malformed { line: usize, column: usize, message: String },
}
impl std::fmt::Display for KbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KbError::Malformed { line, column, message } => write!(f, "knowledge base, line {line} column {column}: {message}"),
        }
    }
}
impl std::error::Error for KbError {}

impl KnowledgeBase {
    pub fn from_json(text: &str) -> Result<Self, KbError> {
        serde_json::from_str(text).map_err(|e| KbError::Malformed { line: e.line(), column: e.column(), message: e.to_string() })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaqMatch {
    pub article_id: String,
    /// Calibrated confidence in [0, 1].
    pub confidence: f32,
}

pub struct FaqIndex {
    articles: Vec<Article>,
}

impl FaqIndex {
    pub fn new(kb: &KnowledgeBase) -> Self {
        FaqIndex { articles: kb.articles.clone() }
    }
    pub fn article(&self, id: &str) -> Option<&Article> {
        self.articles.iter().find(|a| a.id == id)
    }
    /// Ranked matches, best first. `lang` biases towards articles in that language.
    pub fn search(&self, query: &str, lang: Lang, k: usize) -> Vec<FaqMatch> {
        let _ = (query, lang, k);
        vec![]
    }
}
