//! Regression tests named after the cases in ../shared/cases (C10–C12).
mod common;
use common::E::*;
use tandem_shared::analyze;

/// C10: score ≥ 0 and no escalation-worthy frustration.
fn c10(text: &str) {
    common::check(text, &[NonNeg, Calm]);
}
/// C11: negative and at least as negative as the same text without "!".
fn c11(text: &str, without: &str) {
    let (a, b) = (analyze(text), analyze(without));
    assert!(a.valence < 0.0, "{text:?} not negative: {}", a.valence);
    assert!(a.valence <= b.valence, "{text:?} ({}) less negative than {without:?} ({})", a.valence, b.valence);
}
/// C12: identical negative scores.
fn c12(a: &str, b: &str) {
    let (x, y) = (analyze(a), analyze(b));
    assert!(x.valence < 0.0, "{a:?} not negative");
    assert_eq!(x.valence, y.valence);
    assert_eq!(x.tone, y.tone);
}

#[test]
fn c10a_not_bad_at_all() {
    c10("not bad at all");
}
#[test]
fn c10b_no_problem_thanks() {
    c10("no problem, thanks!");
}
#[test]
fn c10c_niet_slecht() {
    c10("niet slecht");
}
#[test]
fn c10d_geen_probleem_hoor() {
    c10("geen probleem hoor");
}
#[test]
fn c11a_this_is_so_bad_exclamations() {
    c11("This is so bad!!!!!", "This is so bad");
}
#[test]
fn c11b_dit_is_echt_slecht_exclamations() {
    c11("Dit is echt slecht!!!!!", "Dit is echt slecht");
}
#[test]
fn c12a_curly_apostrophe() {
    c12("I don’t like this", "I don't like this");
}
// The whole kind of fault, not only the input:
#[test]
fn c11_more_exclamations_never_less_negative() {
    for base in ["slecht", "terrible service", "waardeloos", "I hate this"] {
        let mut prev = analyze(base).valence;
        for n in 1..8 {
            let v = analyze(&format!("{base}{}", "!".repeat(n))).valence;
            assert!(v <= prev, "{base} with {n}×! is less negative");
            prev = v;
        }
    }
}
#[test]
fn c12_all_apostrophes_equal() {
    let forms = ["I don't like this", "I don’t like this", "I don‘t like this", "I donʼt like this", "I don´t like this"];
    let v0 = analyze(forms[0]).valence;
    for f in forms {
        assert_eq!(analyze(f).valence, v0, "{f}");
    }
}

/// Every row of ../shared/cases/sentiment.tsv, read at test time when present.
#[test]
fn shared_cases_tsv() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/cases/sentiment.tsv");
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("{path} not present; skipped");
        return;
    };
    let mut n = 0;
    for (i, line) in text.lines().enumerate().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [id, _lang, input, expect] = cols[..] else { panic!("sentiment.tsv:{}: expected 4 columns", i + 1) };
        let v = analyze(input).valence;
        match expect.split_once(':') {
            None if expect == "nonnegative" => c10(input),
            Some(("negative_at_least", other)) => c11(input, other),
            Some(("equal_negative", other)) => c12(input, other),
            _ => panic!("{id}: unknown expectation {expect} (valence {v})"),
        }
        n += 1;
    }
    assert!(n >= 7);
}
