//! The one `check(input, expected)` helper every rule table uses.
#![allow(dead_code)]

use tandem_shared::{analyze, Analysis, Intent, Lang};

/// One expectation about the analysis of a message.
#[derive(Debug, Clone, Copy)]
pub enum E {
    /// valence > 0.05
    Pos,
    /// valence < -0.05
    Neg,
    /// |valence| ≤ 0.05
    Neutral,
    /// valence ≥ 0
    NonNeg,
    Lang(Lang),
    Mixed,
    NotMixed,
    /// evidence has this rule
    Rule(&'static str),
    /// evidence lacks this rule
    NoRule(&'static str),
    /// intent with confidence ≥ 0.5
    Intent(Intent),
    /// intent absent or below 0.5
    NoIntent(Intent),
    /// frustration ≥ 0.4
    Frustrated,
    /// frustration < 0.3
    Calm,
    /// uncertainty ≥ 0.3
    Uncertain,
    /// urgency ≥ 0.4
    Urgent,
}

fn holds(a: &Analysis, e: E) -> bool {
    let strong = |i: Intent| a.intents.iter().any(|h| h.intent == i && h.confidence >= 0.5);
    match e {
        E::Pos => a.valence > 0.05,
        E::Neg => a.valence < -0.05,
        E::Neutral => a.valence.abs() <= 0.05,
        E::NonNeg => a.valence >= 0.0,
        E::Lang(l) => a.lang == l,
        E::Mixed => a.mixed,
        E::NotMixed => !a.mixed,
        E::Rule(r) => a.evidence.iter().any(|ev| ev.rule == r),
        E::NoRule(r) => !a.evidence.iter().any(|ev| ev.rule == r),
        E::Intent(i) => strong(i),
        E::NoIntent(i) => !strong(i),
        E::Frustrated => a.tone.frustration >= 0.4,
        E::Calm => a.tone.frustration < 0.3,
        E::Uncertain => a.tone.uncertainty >= 0.3,
        E::Urgent => a.tone.urgency >= 0.4,
    }
}

/// Analyse `input` and assert every expectation, printing the analysis on failure.
pub fn check(input: &str, expected: &[E]) {
    let a = analyze(input);
    let failed: Vec<E> = expected.iter().copied().filter(|&e| !holds(&a, e)).collect();
    assert!(failed.is_empty(), "input {input:?}: failed {failed:?}\nanalysis: {a:#?}");
    assert!((-1.0..=1.0).contains(&a.valence), "valence out of range for {input:?}");
    for t in [a.tone.frustration, a.tone.uncertainty, a.tone.urgency] {
        assert!((0.0..=1.0).contains(&t), "tone out of range for {input:?}");
    }
}

/// Named one-line tests: `cases! { name: "input" => [E::Neg, ...], }`.
#[macro_export]
macro_rules! cases {
    ($($name:ident : $input:expr => [$($e:expr),* $(,)?]),* $(,)?) => {
        $(#[test] fn $name() { $crate::common::check($input, &[$($e),*]); })*
    };
}
