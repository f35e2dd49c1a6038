//! `score` (the scores-only path, no evidence or intents) gives exactly what `analyze`
//! reports, and the buffers the engine reuses between messages never leak from one
//! message into the next.
use tandem_shared::{analyze, score, Analysis, Scores};

const CORPUS: &str = include_str!("../../bench/corpus.txt");

fn corpus() -> Vec<&'static str> {
    CORPUS.lines().filter(|l| !l.trim().is_empty()).collect()
}

fn scores_of(a: &Analysis) -> Scores {
    Scores { lang: a.lang, mixed: a.mixed, valence: a.valence, tone: a.tone }
}

#[test]
fn score_equals_analyze_on_the_speed_corpus() {
    for m in corpus() {
        assert_eq!(score(m), scores_of(&analyze(m)), "{m:?}");
    }
}

/// Each message gives the same analysis whatever came before it on this thread (long
/// messages first, then short ones, and the other way round).
#[test]
fn results_do_not_depend_on_the_previous_message() {
    let mut msgs = corpus();
    msgs.sort_by_key(|m| std::cmp::Reverse(m.len()));
    let long_first: Vec<Analysis> = msgs.iter().map(|m| analyze(m)).collect();
    let short_first: Vec<Analysis> = msgs.iter().rev().map(|m| analyze(m)).collect();
    for ((m, a), b) in msgs.iter().zip(&long_first).zip(short_first.iter().rev()) {
        assert_eq!(a, b, "{m:?}");
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn score_equals_analyze(text in "\\PC{0,200}") {
            prop_assert_eq!(score(&text), scores_of(&analyze(&text)));
        }
        #[test]
        fn score_equals_analyze_on_word_soup(words in proptest::collection::vec(
            prop::sample::select(vec!["not", "niet", "bad", "slecht", "GREAT", "sooo", "goed", "maar", "but",
                "!!", "??", ":(", "🙂", "klantenservice-drama", "agent", "please", "geen", "probleem", ",", "."]), 0..40)) {
            let text = words.join(" ");
            prop_assert_eq!(score(&text), scores_of(&analyze(&text)));
        }
    }
}
