//! Every embedded table and data file is sorted, unique and in range.
use tandem_shared::lexicon::{self, Table, ACRONYMS, EMOJI, EMOTICONS, EN_LEX, MODIFIERS, NL_LEX, PHRASES, PROFANITY, STOPWORDS};

fn sorted_unique<V: Copy>(name: &str, t: &Table<V>) {
    assert!(!t.is_empty(), "{name} is empty");
    assert_eq!(t.offs.len(), t.len() + 1, "{name}: offsets");
    for i in 1..t.len() {
        assert!(t.key(i - 1) < t.key(i), "{name}: {:?} !< {:?}", t.key(i - 1), t.key(i));
    }
    for i in 0..t.len() {
        assert!(!t.key(i).is_empty(), "{name}: empty key at {i}");
    }
}

#[test]
fn tables_sorted_unique() {
    sorted_unique("EN_LEX", &EN_LEX);
    sorted_unique("NL_LEX", &NL_LEX);
    sorted_unique("EMOJI", &EMOJI);
    sorted_unique("EMOTICONS", &EMOTICONS);
    sorted_unique("PROFANITY", &PROFANITY);
    sorted_unique("MODIFIERS", &MODIFIERS);
    sorted_unique("STOPWORDS", &STOPWORDS);
    sorted_unique("ACRONYMS", &ACRONYMS);
}

#[test]
fn valences_in_range() {
    for t in [&EN_LEX, &NL_LEX, &EMOJI, &EMOTICONS, &PROFANITY] {
        for (k, v) in t.iter() {
            assert!((-100..=100).contains(&v), "{k}: {v}");
        }
    }
    for (k, v) in PROFANITY.iter() {
        assert!(v < 0, "profanity {k} must be negative");
    }
    for (k, v) in STOPWORDS.iter() {
        assert!((1..=3).contains(&v), "stopword {k}: {v}");
    }
}

#[test]
fn every_key_found_by_lookup() {
    for t in [&EN_LEX, &NL_LEX, &EMOJI, &EMOTICONS, &PROFANITY] {
        for (k, v) in t.iter() {
            assert_eq!(t.get(k), Some(v), "{k}");
        }
    }
}

#[test]
fn phrases_sorted_by_first_word_and_in_range() {
    for w in PHRASES.windows(2) {
        assert!(w[0].words[0] <= w[1].words[0], "phrases not sorted: {:?} {:?}", w[0].words, w[1].words);
    }
    for p in PHRASES {
        assert!(!p.words.is_empty() && p.words.iter().all(|w| !w.is_empty()));
        assert!(!lexicon::phrases_starting(p.words[0]).is_empty(), "{:?} not found by its first word", p.words);
        match p.kind {
            lexicon::PhraseKind::Valence | lexicon::PhraseKind::Sarcasm => assert!((-100..=100).contains(&p.weight)),
            _ => assert!((0..=100).contains(&p.weight), "{:?}: {}", p.words, p.weight),
        }
    }
}

#[test]
fn embedded_tables_are_small() {
    let bytes = lexicon::embedded_bytes();
    eprintln!("embedded table bytes (raw): {bytes}");
    assert!(bytes < 200_000, "tables grew to {bytes} bytes");
}

/// The curated data files themselves: every line well-formed, no duplicate keys.
#[test]
fn curated_files_well_formed() {
    let files: [(&str, &str); 4] = [
        ("nl_custom.tsv", include_str!("../data/nl_custom.tsv")),
        ("en_custom.tsv", include_str!("../data/en_custom.tsv")),
        ("emoji_custom.tsv", include_str!("../data/emoji_custom.tsv")),
        ("profanity.tsv", include_str!("../data/profanity.tsv")),
    ];
    for (name, text) in files {
        let mut seen = std::collections::HashSet::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let (w, v) = line.split_once('\t').unwrap_or_else(|| panic!("{name}:{}: no tab", i + 1));
            let v: f32 = v.parse().unwrap_or_else(|_| panic!("{name}:{}: bad number", i + 1));
            assert!((-4.0..=4.0).contains(&v), "{name}:{}: {v} out of range", i + 1);
            assert!(seen.insert(w), "{name}:{}: duplicate {w}", i + 1);
        }
    }
}

#[test]
fn dutch_eval_set_is_well_formed_and_large_enough() {
    let text = include_str!("../data/eval/nl_customer_service.tsv");
    let mut n = 0;
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.starts_with("label\t") && !l.trim().is_empty()) {
        let (label, sentence) = line.split_once('\t').expect("label<TAB>text");
        assert!(matches!(label, "negative" | "neutral" | "positive"), "{line}");
        assert!(!sentence.trim().is_empty());
        n += 1;
    }
    assert!(n >= 150, "only {n} labelled sentences");
}
