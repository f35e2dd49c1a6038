//! Retrieval quality on a labelled TSV (`query<TAB>expected_article_id_or_none`).
use serde::{Deserialize, Serialize};

use super::{FaqConfig, FaqIndex, FaqOutcome};
use crate::lang::Lang;

/// Label meaning "the knowledge base does not answer this".
pub const NONE: &str = "none";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalCase {
    pub query: String,
    /// `None` for out-of-scope queries.
    pub expected: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FaqEvalReport {
    /// Cases evaluated.
    pub n: usize,
    /// In-scope cases (expected article given).
    pub n_in_scope: usize,
    /// Out-of-scope cases (`none`).
    pub n_none: usize,
    /// Share of in-scope cases whose top-ranked article is the expected one.
    pub top1_accuracy: f32,
    /// Share of in-scope cases with the expected article in the top 3.
    pub top3_accuracy: f32,
    /// Share of confident answers that were wrong (wrong article, or any article for `none`).
    pub confident_wrong_rate: f32,
    /// Share of all cases answered confidently.
    pub confident_rate: f32,
    /// Share of `none` cases that ended `Unsure`.
    pub none_correct_rate: f32,
    /// Lines that failed: (query, expected, what came back).
    pub failures: Vec<(String, String, String)>,
    /// Lines of the TSV that could not be read (line number, reason).
    pub skipped: Vec<(usize, String)>,
}

/// Parse the TSV; `#` comment lines and blank lines are ignored.
pub fn parse(tsv: &str) -> (Vec<EvalCase>, Vec<(usize, String)>) {
    let mut cases = Vec::new();
    let mut skipped = Vec::new();
    for (i, line) in tsv.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        match line.split_once('\t') {
            Some((q, e)) if !q.trim().is_empty() && !e.trim().is_empty() => {
                let e = e.trim();
                cases.push(EvalCase {
                    query: q.to_owned(),
                    expected: (e != NONE).then(|| e.to_owned()),
                })
            }
            _ => skipped.push((i + 1, "expected `query<TAB>article-id-or-none`".to_owned())),
        }
    }
    (cases, skipped)
}

/// Run every case of `tsv` through `index` (language unknown, as a first message is).
pub fn evaluate(index: &FaqIndex, tsv: &str, cfg: &FaqConfig) -> FaqEvalReport {
    let (cases, skipped) = parse(tsv);
    let mut r = evaluate_cases(index, &cases, cfg);
    r.skipped = skipped;
    r
}

pub fn evaluate_cases(index: &FaqIndex, cases: &[EvalCase], cfg: &FaqConfig) -> FaqEvalReport {
    let mut r = FaqEvalReport { n: cases.len(), ..Default::default() };
    let (mut top1, mut top3, mut confident, mut confident_wrong, mut none_ok) = (0, 0, 0, 0, 0);
    for c in cases {
        let ranked = index.search(&c.query, Lang::Unknown, 3);
        let outcome = index.answer(&c.query, Lang::Unknown, cfg);
        let got = match &outcome {
            FaqOutcome::Confident(m) => format!("confident {} {:.2}", m.article_id, m.confidence),
            FaqOutcome::Unsure(_) => match ranked.first() {
                Some(m) => format!("unsure ({} {:.2})", m.article_id, m.confidence),
                None => "unsure (nothing)".to_owned(),
            },
        };
        let expected = c.expected.clone().unwrap_or_else(|| NONE.to_owned());
        let mut failed = false;
        match &c.expected {
            Some(want) => {
                r.n_in_scope += 1;
                if ranked.first().is_some_and(|m| &m.article_id == want) {
                    top1 += 1;
                } else {
                    failed = true;
                }
                if ranked.iter().any(|m| &m.article_id == want) {
                    top3 += 1;
                }
            }
            None => {
                r.n_none += 1;
                if matches!(outcome, FaqOutcome::Unsure(_)) {
                    none_ok += 1;
                } else {
                    failed = true;
                }
            }
        }
        if let FaqOutcome::Confident(m) = &outcome {
            confident += 1;
            if c.expected.as_deref() != Some(m.article_id.as_str()) {
                confident_wrong += 1;
                failed = true;
            }
        }
        if failed {
            r.failures.push((c.query.clone(), expected, got));
        }
    }
    let share = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f32 / b as f32 };
    r.top1_accuracy = share(top1, r.n_in_scope);
    r.top3_accuracy = share(top3, r.n_in_scope);
    r.confident_wrong_rate = share(confident_wrong, confident);
    r.confident_rate = share(confident, r.n);
    r.none_correct_rate = share(none_ok, r.n_none);
    r
}

impl std::fmt::Display for FaqEvalReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "n={} (in scope {}, none {}) top1={:.3} top3={:.3} confident={:.3} confident_wrong={:.3} none_correct={:.3}",
            self.n, self.n_in_scope, self.n_none, self.top1_accuracy, self.top3_accuracy, self.confident_rate,
            self.confident_wrong_rate, self.none_correct_rate
        )?;
        for (q, want, got) in &self.failures {
            writeln!(f, "  miss: {q:?} want {want}, got {got}")?;
        }
        for (line, why) in &self.skipped {
            writeln!(f, "  skipped line {line}: {why}")?;
        }
        Ok(())
    }
}
