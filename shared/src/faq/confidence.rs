//! Calibrated confidence: P(top answer is right) from three features of a ranking.
//!
//! `confidence = σ(C0 + C_COVERAGE·coverage + C_MARGIN·margin + C_STRENGTH·strength)`
//!
//! - coverage: share of the query's idf mass the article matches (unknown words count
//!   as rare words, so "what's the weather" covers little of any article);
//! - margin: (score − best other article of the same language) / score — the
//!   runner-up in the other language is usually this article's translation;
//! - strength: score / the most this query could score.
//!
//! The constants are a logistic regression fitted on the tuning half (even lines)
//! of kb/eval.tsv against "top-1 is the expected article" (out-of-scope queries
//! are always negatives); re-fit with
//! `cargo test -p tandem-shared --test faq_eval -- --ignored --nocapture fit_confidence`.
use serde::{Deserialize, Serialize};

pub const C0: f32 = -6.0;
pub const C_COVERAGE: f32 = 5.0;
pub const C_MARGIN: f32 = 4.0;
pub const C_STRENGTH: f32 = 3.0;
/// Default `FaqConfig::threshold`: the lowest confidence answered without a
/// human, chosen so that on the tuning half confident answers are ≥ 97 % right.
pub const DEFAULT_THRESHOLD: f32 = 0.5;

/// The inputs of the confidence of one ranked article (for explanations and fitting).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Features {
    pub coverage: f32,
    pub margin: f32,
    pub strength: f32,
}

impl Features {
    pub fn confidence(&self) -> f32 {
        logistic(C0 + C_COVERAGE * self.coverage + C_MARGIN * self.margin + C_STRENGTH * self.strength)
    }
}

pub fn logistic(x: f32) -> f32 {
    if !x.is_finite() {
        return if x > 0.0 { 1.0 } else { 0.0 };
    }
    (1.0 / (1.0 + (-x).exp())).clamp(0.0, 1.0)
}
