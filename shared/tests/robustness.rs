//! Bad input never panics, stays linear and gives a neutral Unknown result.
use proptest::prelude::*;
use tandem_shared::{analyze, Lang};

fn neutral_unknown(text: &str) {
    let a = analyze(text);
    assert_eq!(a.lang, Lang::Unknown, "{text:?}");
    assert_eq!(a.valence, 0.0, "{text:?}");
    assert!(a.intents.is_empty());
}

#[test]
fn empty() {
    neutral_unknown("");
}
#[test]
fn whitespace_only() {
    neutral_unknown(" \t\n\r  \n");
}
#[test]
fn control_chars() {
    neutral_unknown("\u{0}\u{1}\u{7f}\u{1b}[31m\u{8}");
}
#[test]
fn replacement_chars() {
    neutral_unknown("\u{FFFD}\u{FFFD}\u{FFFD}");
}
#[test]
fn chinese() {
    neutral_unknown("我的包裹在哪里？我等了两个星期");
}
#[test]
fn russian() {
    neutral_unknown("Где моя посылка? Я жду уже две недели");
}
#[test]
fn one_megabyte_is_fast_and_bounded() {
    let big = "waardeloos!! ".repeat(80_000); // ~1 MB
    let t = std::time::Instant::now();
    let a = analyze(&big);
    assert!(a.valence < 0.0);
    assert!(t.elapsed().as_secs_f64() < 2.0, "took {:?}", t.elapsed());
}
#[test]
fn one_megabyte_of_emoji() {
    let big = "😡".repeat(250_000);
    let a = analyze(&big);
    assert!(a.valence < 0.0 && a.valence >= -1.0);
}
#[test]
fn one_megabyte_without_spaces() {
    let big = "a".repeat(1 << 20);
    let _ = analyze(&big);
}
#[test]
fn time_is_linear_in_length() {
    // analysing 4× the text must not take 16× the time (allow generous noise)
    let unit = "ik ben echt niet blij, waar is mijn pakket??? ";
    let small = unit.repeat(40);
    let large = unit.repeat(160);
    let time = |s: &str| {
        let t = std::time::Instant::now();
        for _ in 0..20 {
            let _ = analyze(s);
        }
        t.elapsed().as_secs_f64()
    };
    let (a, b) = (time(&small), time(&large));
    assert!(b < a * 10.0 + 0.05, "small {a}s, large {b}s");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn never_panics_and_stays_in_range(s in any::<String>()) {
        let a = analyze(&s);
        prop_assert!((-1.0..=1.0).contains(&a.valence));
        for t in [a.tone.frustration, a.tone.uncertainty, a.tone.urgency] {
            prop_assert!((0.0..=1.0).contains(&t));
        }
        for h in &a.intents {
            prop_assert!((0.0..=1.0).contains(&h.confidence));
        }
    }
    #[test]
    fn text_like_input_never_panics(s in "[a-zA-Z0-9 !?.,:;()'’😡🙂<3-]{0,200}") {
        let a = analyze(&s);
        prop_assert!(a.valence.is_finite());
    }
}
