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

pub const C0: f32 = -1.35;
pub const C_COVERAGE: f32 = 1.01;
pub const C_MARGIN: f32 = 1.42;
pub const C_STRENGTH: f32 = 2.22;
pub const C_COVERAGE_MARGIN: f32 = 3.99;
/// Default `FaqConfig::threshold`: the lowest confidence answered without a
/// human: the lowest value at which ≤ 3 % of confident answers on the tuning
/// half were wrong (0.85: 66 of 119 confident, 2 wrong; 0.80 gave 3 of 70).
pub const DEFAULT_THRESHOLD: f32 = 0.85;

/// The inputs of the confidence of one ranked article (for explanations and fitting).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Features {
    pub coverage: f32,
    pub margin: f32,
    pub strength: f32,
}

impl Features {
    pub fn confidence(&self) -> f32 {
        logistic(
            C0 + C_COVERAGE * self.coverage
                + C_MARGIN * self.margin
                + C_STRENGTH * self.strength
                + C_COVERAGE_MARGIN * self.coverage * self.margin,
        )
    }
}

pub fn logistic(x: f32) -> f32 {
    if !x.is_finite() {
        return if x > 0.0 { 1.0 } else { 0.0 };
    }
    (1.0 / (1.0 + (-x).exp())).clamp(0.0, 1.0)
}
