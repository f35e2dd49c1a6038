//! Property tests: no input, however strange, makes retrieval or loading panic.
use proptest::prelude::*;
use tandem_shared::faq::{FaqConfig, FaqIndex, FaqOutcome, KnowledgeBase};
use tandem_shared::Lang;

const DEMO: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../kb/demo-shop.json"));

fn lang() -> impl Strategy<Value = Lang> {
    prop_oneof![Just(Lang::Nl), Just(Lang::En), Just(Lang::Unknown)]
}

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zäëïöüé'-]{1,14}",
        Just("bezorgkosten".to_owned()),
        Just("retourneeren".to_owned()),
        Just("geld terug".to_owned()),
        "[\\p{L}\\p{N}\\p{So} .,!?]{1,6}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_query_is_safe(q in "\\PC{0,300}", l in lang(), k in 0usize..8) {
        let index = FaqIndex::new(&KnowledgeBase::from_json(DEMO).unwrap());
        let r = index.search(&q, l, k);
        prop_assert!(r.len() <= k);
        prop_assert!(r.iter().all(|m| (0.0..=1.0).contains(&m.confidence)));
        prop_assert!(r.windows(2).all(|w| w[0].confidence >= w[1].confidence));
        if let FaqOutcome::Confident(m) = index.answer(&q, l, &FaqConfig::default()) {
            prop_assert!(m.confidence >= FaqConfig::default().threshold);
        }
    }

    #[test]
    fn any_json_is_safe(text in "\\PC{0,400}") {
        let _ = KnowledgeBase::from_json(&text);
    }

    #[test]
    fn json_like_input_is_safe(parts in prop::collection::vec(prop_oneof![
        Just("{".to_owned()), Just("}".to_owned()), Just("[".to_owned()), Just("]".to_owned()),
        Just(",".to_owned()), Just(":".to_owned()), Just("\"articles\"".to_owned()), Just("\"id\"".to_owned()),
        Just("\"lang\"".to_owned()), Just("\"nl\"".to_owned()), Just("\"answer\"".to_owned()), Just("null".to_owned()),
        "\"\\PC{0,8}\"", "[0-9]{1,3}",
    ], 0..40)) {
        let _ = KnowledgeBase::from_json(&parts.concat());
    }

    #[test]
    fn any_valid_base_indexes_and_searches(
        arts in prop::collection::vec((word(), prop::collection::vec(word(), 1..6), prop::collection::vec(word(), 0..12), any::<bool>()), 0..12),
        q in prop::collection::vec(word(), 0..6),
        l in lang(),
    ) {
        let articles: Vec<serde_json::Value> = arts.iter().enumerate().map(|(i, (_, question, answer, nl))| serde_json::json!({
            "id": format!("a-{i}"),
            "lang": if *nl { "nl" } else { "en" },
            "question": format!("x {}", question.join(" ")),
            "answer": format!("y {}", answer.join(" ")),
            // The words glued together: strange text, but never blank (a blank paraphrase is
            // rightly rejected by the loader, so it is not a *valid* base).
            "paraphrases": [format!("z{}", question.join(""))],
        })).collect();
        let json = serde_json::json!({ "articles": articles }).to_string();
        let kb = KnowledgeBase::from_json(&json);
        prop_assert!(kb.is_ok(), "{:?}", kb.err());
        let index = FaqIndex::new(&kb.unwrap());
        let r = index.search(&q.join(" "), l, 5);
        prop_assert!(r.iter().all(|m| (0.0..=1.0).contains(&m.confidence) && index.article(&m.article_id).is_some()));
    }
}
