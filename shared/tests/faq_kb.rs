//! Knowledge-base validation: every rule has a row (bad input → words the message must contain).
use tandem_shared::faq::kb::{check_link, markdown_link_targets, MAX_ARTICLES};
use tandem_shared::faq::{KbError, KnowledgeBase};
use tandem_shared::Lang;

const DEMO: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../kb/demo-shop.json"));

fn article(fields: &str) -> String {
    format!(r#"{{"articles":[{{"id":"ok-1","lang":"nl","question":"Vraag?","answer":"Antwoord."}},{{{fields}}}]}}"#)
}

fn rejects(json: &str, needles: &[&str]) {
    match KnowledgeBase::from_json(json) {
        Ok(_) => panic!("accepted: {json}"),
        Err(e) => {
            let msg = e.to_string();
            for n in needles {
                assert!(msg.contains(n), "{msg:?} lacks {n:?}");
            }
        }
    }
}

#[test]
fn malformed_json_names_line_and_column() {
    rejects("{\n  \"articles\": [\n    {\"id\": \"a\",}\n  ]\n}", &["line 3", "column"]);
    rejects("", &["line 1"]);
    rejects("[]", &["line 1"]);
    rejects(r#"{"articles": [], "extra": 1}"#, &["unknown field", "extra"]);
    rejects(&article(r#""id":"x","lang":"nl","question":"q","answer":"a","colour":"red""#), &["unknown field", "colour"]);
    rejects(&article(r#""id":"x","lang":"nl","question":"q""#), &["missing field", "answer"]);
    rejects(&article(r#""id":"x","lang":"nl","question":5,"answer":"a""#), &["line 1"]);
}

#[test]
fn article_rules() {
    for (fields, needles) in [
        (r#""id":"x","lang":"nl","question":"q","answer":"  ""#, &[r#"article "x" (index 1): field "answer" is empty"#][..]),
        (r#""id":"x","lang":"nl","question":"","answer":"a""#, &[r#"field "question" is empty"#]),
        (r#""id":"","lang":"nl","question":"q","answer":"a""#, &[r#"field "id" is empty"#]),
        (r#""id":"Returns NL","lang":"nl","question":"q","answer":"a""#, &[r#"field "id""#, "lowercase"]),
        (r#""id":"x","lang":"de","question":"q","answer":"a""#, &[r#"field "lang" is "de""#, "\"nl\" or \"en\""]),
        (r#""id":"x","lang":"unknown","question":"q","answer":"a""#, &[r#"field "lang""#]),
        (r#""id":"x","lang":"nl","question":"q","answer":"a","paraphrases":["ok",""]"#, &[r#"field "paraphrases" entry 1 is empty"#]),
        (r#""id":"x","lang":"nl","question":"q","answer":"a","tags":[" "]"#, &[r#"field "tags""#]),
        (r#""id":"x","lang":"nl","question":"q","answer":"a","link":"javascript:alert(1)""#, &[r#"field "link""#, "javascript"]),
        (r#""id":"x","lang":"nl","question":"q","answer":"a","link":"JaVaScRiPt:alert(1)""#, &["javascript"]),
        (r#""id":"x","lang":"nl","question":"q","answer":"a","link":"java\tscript:alert(1)""#, &[r#"field "link""#]),
        (r#""id":"x","lang":"nl","question":"q","answer":"a","link":"data:text/html,hi""#, &["data"]),
        (r#""id":"ok-1","lang":"nl","question":"q","answer":"a""#, &[r#"article "ok-1" (index 1)"#, "unique", "index 0"]),
    ] {
        rejects(&article(fields), needles);
    }
    let long = "x".repeat(4001);
    rejects(&article(&format!(r#""id":"x","lang":"nl","question":"q","answer":"{long}""#)), &["4001 characters", "4000"]);
    let long_id = "a".repeat(65);
    rejects(&article(&format!(r#""id":"{long_id}","lang":"nl","question":"q","answer":"a""#)), &["longer than 64"]);
}

#[test]
fn too_many_articles() {
    let one = r#"{"id":"a","lang":"nl","question":"q","answer":"a"}"#;
    let json = format!(r#"{{"articles":[{}]}}"#, vec![one; MAX_ARTICLES + 1].join(","));
    assert_eq!(KnowledgeBase::from_json(&json), Err(KbError::TooManyArticles { count: MAX_ARTICLES + 1 }));
}

#[test]
fn safe_links_pass() {
    for ok in ["/bezorging.html", "bezorging.html#kosten", "https://despaak.example/x?a=1", "http://a.b", "mailto:a@b.nl", "tel:+31301234567", "#top", "../faq", "/a:b"] {
        assert_eq!(check_link(ok), Ok(()), "{ok}");
    }
    for bad in ["javascript:alert(1)", " javascript:x", "vbscript:x", "data:x", "file:///etc/passwd", "", "a b", "https://x\u{0}"] {
        assert!(check_link(bad).is_err(), "{bad:?}");
    }
    assert_eq!(markdown_link_targets("[a](/x) en [b](https://y \"t\") <mailto:z@z.nl>"), vec!["/x", "https://y", "mailto:z@z.nl"]);
}

#[test]
fn validate_checks_code_built_bases() {
    let mut kb = KnowledgeBase::from_json(DEMO).unwrap();
    assert_eq!(kb.validate(), Ok(()));
    kb.articles[0].lang = Lang::Unknown;
    assert!(kb.validate().is_err());
}

/// The demo knowledge base keeps the shape the product promises.
#[test]
fn demo_knowledge_base() {
    let kb = KnowledgeBase::from_json(DEMO).expect("kb/demo-shop.json is valid");
    let nl = kb.articles.iter().filter(|a| a.lang == Lang::Nl).count();
    let en = kb.articles.iter().filter(|a| a.lang == Lang::En).count();
    assert!(kb.articles.len() >= 40 && nl >= 20 && en >= 20, "{nl} nl + {en} en");
    for a in &kb.articles {
        assert!((2..=5).contains(&a.paraphrases.len()), "{}: {} paraphrases", a.id, a.paraphrases.len());
        assert!(a.answer.chars().count() <= 400, "{}: keep demo answers short", a.id);
        let suffix = if a.lang == Lang::Nl { "-nl" } else { "-en" };
        assert!(a.id.ends_with(suffix), "{}", a.id);
    }
    assert!(kb.articles.iter().filter(|a| a.link.is_some()).count() >= 20);
}

#[test]
fn c01_unsafe_answer_links_are_kept_as_text_not_rejected() {
    // The widget shows these as literal text (tested in widget/src/markup.rs and the e2e C01 test);
    // the knowledge base stays usable and an authoring tool can list them.
    let json = format!(r#"{{"articles":[{{{}}}]}}"#, r#""id":"x","lang":"nl","question":"q","answer":"Klik [hier](javascript:alert(1)) of [daar](https://shop.example)""#);
    let kb = tandem_shared::faq::KnowledgeBase::from_json(&json).expect("accepted");
    let unsafe_links = tandem_shared::faq::unsafe_answer_links(&kb.articles[0].answer);
    assert_eq!(unsafe_links.len(), 1);
    assert!(unsafe_links[0].starts_with("javascript:"), "{unsafe_links:?}");
}
