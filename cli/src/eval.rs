//! `tandem eval`: score the engine on labelled data, print JSON metrics.
//!
//! * `--uci PATH.json`   `[{text, class: 0|1}]`: 2-class accuracy and macro-F1
//!   (valence > 0 → positive: a sentence with no positive evidence is not
//!   counted positive; `accuracy_zero_positive` reports the other convention).
//! * `--vader PATH.txt`  `id<TAB>mean rating (-4..4)<TAB>text`: Pearson r of
//!   valence vs. the rating, and 3-class accuracy/macro-F1 (rating > 0.5
//!   positive, < -0.5 negative; valence > 0.05 / < -0.05, VADER's convention).
//! * `--tsv PATH.tsv`    `label<TAB>text` with label negative|neutral|positive:
//!   3-class accuracy, macro-F1 and the confusion matrix.

use std::time::Instant;

use serde::Deserialize;
use serde_json::json;
use tandem_shared::analyze;

use crate::CliError;

/// VADER's recommended neutral band for compound scores.
const NEUTRAL_BAND: f32 = 0.05;
/// The VADER ground-truth sets call a mean rating beyond ±0.5 polar.
const RATING_BAND: f32 = 0.5;

pub fn run(args: &[String]) -> Result<(), CliError> {
    let (flag, path) = match args {
        [f, p] => (f.as_str(), p.as_str()),
        _ => return Err(CliError::usage("eval needs exactly one of --uci PATH, --vader PATH, --tsv PATH")),
    };
    let text = std::fs::read_to_string(path).map_err(|e| CliError::io(format!("{path}: {e}")))?;
    let start = Instant::now();
    let report = match flag {
        "--uci" => uci(&text, path)?,
        "--vader" => vader(&text, path)?,
        "--tsv" => tsv(&text, path)?,
        other => return Err(CliError::usage(format!("unknown eval option `{other}`"))),
    };
    let mut report = report;
    report["file"] = json!(path);
    report["seconds"] = json!(start.elapsed().as_secs_f64());
    println!("{report}");
    Ok(())
}

fn class3(v: f32) -> usize {
    if v > NEUTRAL_BAND {
        2
    } else if v < -NEUTRAL_BAND {
        0
    } else {
        1
    }
}

/// Accuracy and macro-F1 from (gold, predicted) pairs over `k` classes.
fn metrics(pairs: &[(usize, usize)], k: usize) -> (f64, f64, Vec<Vec<usize>>) {
    let mut cm = vec![vec![0usize; k]; k];
    for &(g, p) in pairs {
        cm[g][p] += 1;
    }
    let correct: usize = (0..k).map(|i| cm[i][i]).sum();
    let acc = correct as f64 / pairs.len().max(1) as f64;
    let mut f1s = 0.0;
    for c in 0..k {
        let tp = cm[c][c] as f64;
        let fp: f64 = (0..k).filter(|&g| g != c).map(|g| cm[g][c] as f64).sum();
        let fneg: f64 = (0..k).filter(|&p| p != c).map(|p| cm[c][p] as f64).sum();
        let f1 = if tp == 0.0 { 0.0 } else { 2.0 * tp / (2.0 * tp + fp + fneg) };
        f1s += f1;
    }
    (acc, f1s / k as f64, cm)
}

fn pearson(xs: &[f64], ys: &[f64]) -> f64 {
    let n = xs.len().max(1) as f64;
    let (mx, my) = (xs.iter().sum::<f64>() / n, ys.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in xs.iter().zip(ys) {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    if sxx == 0.0 || syy == 0.0 {
        0.0
    } else {
        sxy / (sxx * syy).sqrt()
    }
}

#[derive(Deserialize)]
struct UciRow {
    text: String,
    class: Option<u8>,
}

fn uci(text: &str, path: &str) -> Result<serde_json::Value, CliError> {
    let rows: Vec<UciRow> = serde_json::from_str(text).map_err(|e| CliError::input(format!("{path}: malformed JSON: {e}")))?;
    // A few rows carry `class: null`; they are skipped and counted.
    let scored: Vec<(usize, f32)> =
        rows.iter().filter_map(|r| r.class.map(|c| (usize::from(c == 1), analyze(&r.text).valence))).collect();
    let pairs: Vec<(usize, usize)> = scored.iter().map(|&(g, v)| (g, usize::from(v > 0.0))).collect();
    let zero_pos: Vec<(usize, usize)> = scored.iter().map(|&(g, v)| (g, usize::from(v >= 0.0))).collect();
    let (acc, f1, cm) = metrics(&pairs, 2);
    let (acc0, _, _) = metrics(&zero_pos, 2);
    Ok(json!({"set": "uci", "n": pairs.len(), "skipped": rows.len() - pairs.len(), "accuracy": acc, "macro_f1": f1,
        "accuracy_zero_positive": acc0, "confusion": cm}))
}

fn vader(text: &str, path: &str) -> Result<serde_json::Value, CliError> {
    let (mut xs, mut ys, mut pairs) = (Vec::new(), Vec::new(), Vec::new());
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut cols = line.splitn(3, '\t');
        let (_, rating, sentence) = (cols.next(), cols.next(), cols.next());
        let (Some(rating), Some(sentence)) = (rating, sentence) else {
            return Err(CliError::input(format!("{path}:{}: expected id<TAB>rating<TAB>text", i + 1)));
        };
        let r: f32 = rating.trim().parse().map_err(|_| CliError::input(format!("{path}:{}: rating is not a number", i + 1)))?;
        let v = analyze(sentence).valence;
        xs.push(v as f64);
        ys.push(r as f64);
        let gold = if r > RATING_BAND { 2 } else if r < -RATING_BAND { 0 } else { 1 };
        pairs.push((gold, class3(v)));
    }
    let (acc, f1, cm) = metrics(&pairs, 3);
    Ok(json!({"set": "vader", "n": xs.len(), "pearson_r": pearson(&xs, &ys), "accuracy_3class": acc, "macro_f1_3class": f1, "confusion": cm}))
}

fn tsv(text: &str, path: &str) -> Result<serde_json::Value, CliError> {
    let mut pairs = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') || line.starts_with("label\t") {
            continue;
        }
        let Some((label, sentence)) = line.split_once('\t') else {
            return Err(CliError::input(format!("{path}:{}: expected label<TAB>text", i + 1)));
        };
        let gold = match label.trim() {
            "negative" => 0,
            "neutral" => 1,
            "positive" => 2,
            other => return Err(CliError::input(format!("{path}:{}: unknown label `{other}`", i + 1))),
        };
        let v = analyze(sentence).valence;
        let pred = class3(v);
        if pred != gold && errors.len() < 200 {
            errors.push(json!({"line": i + 1, "gold": label, "valence": v, "text": sentence}));
        }
        pairs.push((gold, pred));
    }
    let (acc, f1, cm) = metrics(&pairs, 3);
    Ok(json!({"set": "tsv", "n": pairs.len(), "accuracy": acc, "macro_f1": f1, "confusion": cm, "errors": errors}))
}
