//! Every article's own question and each of its paraphrases retrieves that article first,
//! confidently (above the default answer threshold), with the article's language as the
//! page-language hint and with no hint at all; plus customer wordings of the same kind.
use tandem_shared::faq::{FaqConfig, FaqIndex, FaqOutcome, KnowledgeBase};
use tandem_shared::Lang;

const KB: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../kb/demo-shop.json"));


fn top(idx: &FaqIndex, q: &str, lang: Lang) -> String {
    match idx.answer(q, lang, &FaqConfig::default()) {
        FaqOutcome::Confident(m) => m.article_id,
        FaqOutcome::Unsure(ms) => format!("unsure {:?}", ms.iter().map(|m| (&m.article_id, m.confidence)).collect::<Vec<_>>()),
    }
}

#[test]
fn every_own_question_and_paraphrase_is_answered_with_its_article() {
    let kb = KnowledgeBase::from_json(KB).unwrap();
    let idx = FaqIndex::new(&kb);
    let mut bad = Vec::new();
    for a in &kb.articles {
        for q in std::iter::once(&a.question).chain(&a.paraphrases) {
            let got = top(&idx, q, a.lang);
            if got != a.id {
                bad.push(format!("{} <- {q:?}: {got}", a.id));
            }
        }
    }
    assert!(bad.is_empty(), "{} not answered with their own article:\n{}", bad.len(), bad.join("\n"));
}

#[test]
fn customer_wordings_of_an_articles_question_are_answered_with_it() {
    let idx = FaqIndex::new(&KnowledgeBase::from_json(KB).unwrap());
    for (q, want) in [
        ("Where is my order?", "order-tracking-en"),
        ("where is my order", "order-tracking-en"),
        ("Waar is mijn bestelling?", "order-tracking-nl"),
        ("waar is mijn pakket", "order-tracking-nl"),
        ("What are the shipping costs?", "delivery-costs-en"),
        ("how much is shipping", "delivery-costs-en"),
        ("what are the delivery costs", "delivery-costs-en"),
        ("wat zijn de bezorgkosten", "delivery-costs-nl"),
    ] {
        assert_eq!(top(&idx, q, Lang::Unknown), want, "{q}");
    }
}
