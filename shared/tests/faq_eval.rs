//! Retrieval quality on the demo knowledge base (kb/) (speed: the criterion bench).
//! Run with `cargo test -p tandem-shared --test faq_eval -- --nocapture` to see the report.

use tandem_shared::faq::eval::{evaluate, evaluate_cases, parse, EvalCase};
use tandem_shared::faq::{FaqConfig, FaqIndex, KnowledgeBase};
use tandem_shared::Lang;

const KB: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../kb/demo-shop.json"));
const EVAL: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../kb/eval.tsv"));

fn index() -> FaqIndex {
    FaqIndex::new(&KnowledgeBase::from_json(KB).expect("kb/demo-shop.json is valid"))
}

/// (tuning half = even data lines, held-out half = odd data lines)
fn halves() -> (Vec<EvalCase>, Vec<EvalCase>) {
    let (cases, skipped) = parse(EVAL);
    assert!(skipped.is_empty(), "unreadable eval lines: {skipped:?}");
    let (mut tune, mut held) = (Vec::new(), Vec::new());
    for (i, c) in cases.into_iter().enumerate() {
        if i % 2 == 0 { tune.push(c) } else { held.push(c) }
    }
    (tune, held)
}

#[test]
fn eval_set_is_well_formed() {
    let kb = KnowledgeBase::from_json(KB).unwrap();
    let (cases, skipped) = parse(EVAL);
    assert!(skipped.is_empty());
    assert!(cases.len() >= 150, "{} cases", cases.len());
    assert!(cases.iter().filter(|c| c.expected.is_none()).count() >= 25);
    let mut seen = std::collections::HashSet::new();
    for c in &cases {
        assert!(seen.insert(c.query.to_lowercase()), "duplicate query {:?}", c.query);
        if let Some(id) = &c.expected {
            assert!(kb.articles.iter().any(|a| &a.id == id), "unknown article {id:?} for {:?}", c.query);
        }
        // Not a copy of the knowledge base's own wording.
        let q = c.query.to_lowercase();
        for a in &kb.articles {
            assert!(a.question.to_lowercase() != q && !a.paraphrases.iter().any(|p| p.to_lowercase() == q), "{q:?} copies {}", a.id);
        }
    }
}

#[test]
fn eval_report() {
    let index = index();
    let cfg = FaqConfig::default();
    let (tune, held) = halves();
    let all = evaluate(&index, EVAL, &cfg);
    let t = evaluate_cases(&index, &tune, &cfg);
    let h = evaluate_cases(&index, &held, &cfg);
    println!("threshold {:.2}\nALL      {all}\nTUNING   {t}\nHELD-OUT {h}", cfg.threshold);
    assert!(all.top1_accuracy >= 0.80, "top-1 {}", all.top1_accuracy);
    assert!(all.confident_wrong_rate <= 0.05, "confident-wrong {}", all.confident_wrong_rate);
    assert!(h.top1_accuracy >= 0.75, "held-out top-1 {}", h.top1_accuracy);
    assert!(h.confident_wrong_rate <= 0.08, "held-out confident-wrong {}", h.confident_wrong_rate);
}

// FAQ speed is measured by the criterion bench (`faq/build_index`, `faq/answer_eval_queries`
// in shared/benches/analyze.rs; BENCHMARKS.md "Engine speed"), not asserted here: a timed
// assertion failed on a loaded 2-core machine (204 ms against a 200 ms bound in a debug build).

/// Re-fit the confidence constants (faq/confidence.rs) on the tuning half:
/// `cargo test -p tandem-shared --release --test faq_eval -- --ignored --nocapture fit_confidence`
#[test]
#[ignore]
fn fit_confidence() {
    let index = index();
    let (tune, _) = halves();
    const F: usize = 4;
    let mut xs: Vec<([f32; F], f32)> = Vec::new();
    for c in &tune {
        let Some(top) = index.explain(&c.query, Lang::Unknown, 1).into_iter().next() else { continue };
        let right = c.expected.as_deref() == Some(top.article_id.as_str());
        let f = top.features;
        xs.push(([f.coverage, f.margin, f.strength, f.coverage * f.margin], if right { 1.0 } else { 0.0 }));
    }
    // Plain full-batch gradient descent on the log loss with a little L2; deterministic.
    let mut w = [0f32; F + 1];
    let z = |w: &[f32; F + 1], x: &[f32; F]| w[0] + (0..F).map(|k| w[k + 1] * x[k]).sum::<f32>();
    for _ in 0..200_000 {
        let mut g = [0f32; F + 1];
        for (x, y) in &xs {
            let e = 1.0 / (1.0 + (-z(&w, x)).exp()) - y;
            g[0] += e;
            for k in 0..F {
                g[k + 1] += e * x[k];
            }
        }
        for k in 0..=F {
            let l2 = if k == 0 { 0.0 } else { 0.001 * w[k] };
            w[k] -= 1.0 * (g[k] / xs.len() as f32 + l2);
        }
    }
    println!(
        "C0 = {:.2}, C_COVERAGE = {:.2}, C_MARGIN = {:.2}, C_STRENGTH = {:.2}, C_COVERAGE_MARGIN = {:.2}",
        w[0], w[1], w[2], w[3], w[4]
    );
    // Threshold sweep on the tuning half, with the fitted weights.
    for t in (30..=95).step_by(5) {
        let t = t as f32 / 100.0;
        let (mut conf, mut wrong) = (0, 0);
        for (x, y) in &xs {
            if 1.0 / (1.0 + (-z(&w, x)).exp()) >= t {
                conf += 1;
                if *y == 0.0 {
                    wrong += 1;
                }
            }
        }
        println!("threshold {t:.2}: confident {conf}/{} wrong {wrong}", tune.len());
    }
}
