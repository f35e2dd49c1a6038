//! One test table per retrieval feature. `top(kb, query, lang)` is the helper;
//! each row is (query, expected best article).
use std::time::Instant;

use tandem_shared::faq::text::{STOP_EN, STOP_NL};
use tandem_shared::faq::{FaqConfig, FaqIndex, FaqOutcome, KnowledgeBase, Synonyms};
use tandem_shared::Lang;

const DEMO: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../kb/demo-shop.json"));

fn demo() -> FaqIndex {
    FaqIndex::new(&KnowledgeBase::from_json(DEMO).expect("demo kb is valid"))
}

/// A small knowledge base: (id, lang, question, answer).
fn tiny(rows: &[(&str, &str, &str, &str)]) -> FaqIndex {
    let articles: Vec<String> = rows
        .iter()
        .map(|(id, lang, q, a)| format!(r#"{{"id":"{id}","lang":"{lang}","question":"{q}","answer":"{a}"}}"#))
        .collect();
    let json = format!(r#"{{"articles":[{}]}}"#, articles.join(","));
    FaqIndex::new(&KnowledgeBase::from_json(&json).expect("test kb is valid"))
}

fn top(index: &FaqIndex, query: &str, lang: Lang) -> Option<String> {
    index.search(query, lang, 1).into_iter().next().map(|m| m.article_id)
}

fn check(index: &FaqIndex, rows: &[(&str, Lang, &str)]) {
    for (query, lang, want) in rows {
        assert_eq!(top(index, query, *lang).as_deref(), Some(*want), "query {query:?} ({lang:?})");
    }
}

fn shop_nl() -> FaqIndex {
    tiny(&[
        ("delivery", "nl", "Wanneer komt de bezorging?", "Binnen twee werkdagen."),
        ("costs", "nl", "Wat zijn de kosten van de bezorging?", "Vier euro vijfennegentig."),
        ("parcel", "nl", "Waar is mijn pakket?", "Bekijk de status met de link in de mail."),
        ("returns", "nl", "Hoe kan ik iets retourneren?", "Via het retourformulier."),
        ("refund-en", "en", "When do I get a refund?", "Within five working days."),
        ("hours", "nl", "Wat zijn de openingstijden?", "Dinsdag tot zaterdag."),
    ])
}

#[test]
fn stemming() {
    check(&shop_nl(), &[
        ("is het al bezorgd", Lang::Nl, "delivery"),
        ("bezorgingen", Lang::Unknown, "delivery"),
        ("pakketten", Lang::Nl, "parcel"),
        ("retourneer", Lang::Nl, "returns"),
        ("refunded", Lang::En, "refund-en"),
    ]);
}

#[test]
fn typos() {
    check(&shop_nl(), &[
        ("ik wil retourneeren", Lang::Nl, "returns"),
        ("waar is mn pakekt", Lang::Nl, "parcel"),
        ("openingstyden", Lang::Nl, "hours"),
    ]);
    check(&demo(), &[("ik wil mijn jas retourneeren", Lang::Unknown, "returns-how-nl"), ("forgot my pasword", Lang::En, "password-reset-en")]);
}

#[test]
fn synonyms() {
    check(&shop_nl(), &[
        ("waar is mijn zending", Lang::Nl, "parcel"),
        ("waar blijft mijn bestelling", Lang::Nl, "parcel"),
        ("wanneer wordt het geleverd", Lang::Nl, "delivery"),
        ("terugsturen", Lang::Nl, "returns"),
        ("money back", Lang::En, "refund-en"),
    ]);
    check(&demo(), &[("wanneer krijg ik een refund", Lang::Nl, "refund-timing-nl"), ("shipping fee", Lang::En, "delivery-costs-en")]);
}

#[test]
fn synonym_table_is_clean() {
    let syn = Synonyms::builtin();
    assert!(syn.groups.len() > 50);
    assert_eq!(Synonyms::parse(tandem_shared::faq::synonyms::BUILTIN_TSV).map(|s| s.groups.len()), Ok(syn.groups.len()));
    let mut seen = std::collections::HashMap::new();
    for (i, g) in syn.groups.iter().enumerate() {
        for t in &g.terms {
            if let Some(j) = seen.insert((g.lang, t.to_lowercase()), i) {
                panic!("{t:?} is in groups {j} and {i}");
            }
        }
    }
    assert!(Synonyms::parse("xx\ta, b").is_err());
    assert!(Synonyms::parse("nl\tonly").is_err());
    assert!(Synonyms::parse("nl a b").is_err());
}

#[test]
fn compounds() {
    check(&shop_nl(), &[
        ("bezorgkosten", Lang::Nl, "costs"),
        ("hoeveel zijn de bezorgkosten", Lang::Unknown, "costs"),
        ("pakketstatus", Lang::Nl, "parcel"),
    ]);
    check(&demo(), &[("retourkosten", Lang::Unknown, "returns-costs-nl")]);
}

#[test]
fn language_bias() {
    let index = demo();
    check(&index, &[
        ("klarna", Lang::En, "pay-later-en"),
        ("klarna", Lang::Nl, "pay-later-nl"),
        ("ideal", Lang::En, "payment-methods-en"),
        ("ideal", Lang::Nl, "payment-methods-nl"),
        ("kan ik met klarna", Lang::Unknown, "pay-later-nl"),
        ("can i use klarna", Lang::Unknown, "pay-later-en"),
        ("mijn refund is nog niet binnen", Lang::Unknown, "refund-timing-nl"),
    ]);
}

#[test]
fn confident_on_clear_questions_unsure_otherwise() {
    let index = demo();
    let cfg = FaqConfig::default();
    for q in ["hoe kan ik mijn wachtwoord resetten", "how do i return an item", "wat zijn de openingstijden van de winkel"] {
        assert!(matches!(index.answer(q, Lang::Unknown, &cfg), FaqOutcome::Confident(_)), "{q}");
    }
    for q in ["wat voor weer wordt het morgen", "tell me a joke", "asdf qwerty", "", "   ", "?!?!", "😀😀", "de het een"] {
        match index.answer(q, Lang::Unknown, &cfg) {
            FaqOutcome::Unsure(s) => assert!(s.len() <= cfg.max_suggestions),
            other => panic!("{q:?}: {other:?}"),
        }
    }
    assert_eq!(index.answer("", Lang::Nl, &cfg), FaqOutcome::Unsure(vec![]));
    assert!(index.search("", Lang::Unknown, 5).is_empty());
    assert!(index.search("pakket", Lang::Unknown, 0).is_empty());
}

#[test]
fn confidences_are_probabilities_in_rank_order() {
    let index = demo();
    for q in ["pakket", "retour kosten", "klarna ideal creditcard", "how long does delivery take to belgium"] {
        let r = index.search(q, Lang::Unknown, 10);
        assert!(!r.is_empty(), "{q}");
        for w in r.windows(2) {
            assert!(w[0].confidence >= w[1].confidence, "{q}: {r:?}");
        }
        assert!(r.iter().all(|m| (0.0..=1.0).contains(&m.confidence)));
    }
}

#[test]
fn article_lookup() {
    let index = demo();
    assert_eq!(index.article("returns-how-nl").map(|a| a.lang), Some(Lang::Nl));
    assert!(index.article("nope").is_none());
}

#[test]
fn huge_query_is_bounded() {
    let index = demo();
    let q = "retourneren bezorgkosten pakket ".repeat(40_000); // ~1.3 MB
    let t = Instant::now();
    let r = index.search(&q, Lang::Unknown, 3);
    let _ = index.answer(&"ä".repeat(600_000), Lang::Unknown, &FaqConfig::default());
    assert!(t.elapsed().as_millis() < 100, "{:?}", t.elapsed());
    assert!(!r.is_empty());
}

#[test]
fn empty_knowledge_base() {
    let index = FaqIndex::new(&KnowledgeBase { articles: vec![] });
    assert!(index.search("pakket", Lang::Nl, 3).is_empty());
    assert_eq!(index.answer("pakket", Lang::Nl, &FaqConfig::default()), FaqOutcome::Unsure(vec![]));
}

#[test]
fn stop_word_lists_are_sorted_and_unique() {
    for list in [STOP_NL, STOP_EN] {
        assert!(list.windows(2).all(|w| w[0] < w[1]), "{:?}", list.windows(2).find(|w| w[0] >= w[1]));
        assert!(list.iter().all(|w| w.chars().all(|c| c.is_ascii_lowercase())));
    }
}
