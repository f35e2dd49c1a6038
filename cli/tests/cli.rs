//! The `tandem` binary end to end: output shape, errors as one line + non-zero exit.
use std::io::Write;
use std::process::{Command, Stdio};

fn run(args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tandem");
    child.stdin.take().expect("stdin").write_all(stdin).expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

#[test]
fn analyze_plain_and_json_lines() {
    let (code, out, _) = run(&["analyze"], "dit is waardeloos\n{\"text\": \"great, thanks!\", \"lang\": \"en\"}\n".as_bytes());
    assert_eq!(code, 0);
    let lines: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["lang"], "nl");
    assert!(lines[0]["valence"].as_f64().unwrap_or(0.0) < 0.0);
    assert!(lines[1]["valence"].as_f64().unwrap_or(0.0) > 0.0);
    for key in ["mixed", "tone", "intents", "evidence"] {
        assert!(lines[0].get(key).is_some(), "missing {key}");
    }
}

#[test]
fn conversation_mode_prints_a_decision_per_turn() {
    let (code, out, err) = run(&["analyze", "--conversation"], b"waar is mijn pakket?\nmag ik een medewerker spreken\n");
    assert_eq!(code, 0, "{err}");
    let lines: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|l| l.get("decision").is_some()));
}

#[test]
fn invalid_utf8_is_one_line_error() {
    let (code, _, err) = run(&["analyze"], b"ok\n\xff\xfe\n");
    assert_ne!(code, 0);
    assert!(err.contains("line 2") && err.contains("UTF-8"), "{err}");
    assert_eq!(err.trim().lines().count(), 1);
}

#[test]
fn malformed_json_names_the_line() {
    let (code, _, err) = run(&["analyze"], b"hallo\n{\"text\": \n");
    assert_ne!(code, 0);
    assert!(err.contains("line 2") && err.contains("JSON"), "{err}");
}

#[test]
fn unknown_command_is_usage_error() {
    let (code, _, err) = run(&["frobnicate"], b"");
    assert_eq!(code, 2);
    assert!(err.contains("usage"));
}

#[test]
fn eval_tsv_reports_metrics() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/eval/nl_customer_service.tsv");
    let (code, out, err) = run(&["eval", "--tsv", path], b"");
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("json");
    assert!(v["accuracy"].as_f64().unwrap_or(0.0) > 0.8, "{v}");
}

#[test]
fn eval_missing_file_is_clear_error() {
    let (code, _, err) = run(&["eval", "--uci", "/nonexistent.json"], b"");
    assert_ne!(code, 0);
    assert!(err.contains("/nonexistent.json"));
}

#[test]
fn kb_check_accepts_the_demo_base_and_names_the_broken_article() {
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/../kb/demo-shop.json");
    let (code, out, _) = run(&["kb-check", demo], b"");
    assert_eq!(code, 0);
    assert!(out.contains("ok, 58 articles"), "{out}");

    let dir = std::env::temp_dir().join(format!("tandem-kb-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"articles":[{"id":"a","lang":"nl","question":"Hoe?","answer":"Zo."},{"id":"b","lang":"de","question":"Wie?","answer":"So."}]}"#).unwrap();
    let (code, _, err) = run(&["kb-check", bad.to_str().unwrap()], b"");
    assert_ne!(code, 0);
    assert!(err.contains("bad.json") && err.contains("\"b\"") && err.contains("lang"), "{err}");

    let risky = dir.join("risky.json");
    std::fs::write(&risky, r#"{"articles":[{"id":"a","lang":"nl","question":"Hoe?","answer":"[klik](javascript:alert(1))"}]}"#).unwrap();
    let (code, _, err) = run(&["kb-check", risky.to_str().unwrap()], b"");
    assert_eq!(code, 0, "a bad link inside an answer is shown as text, not a reason to reject");
    assert!(err.contains("warning") && err.contains("javascript:"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn json_unknown_field_is_an_error_naming_line_and_field() {
    for (input, field) in [("hoi\n{\"text\": \"ok\", \"lnag\": \"en\"}\n", "lnag"), ("{\"txt\": \"hello\"}\n", "txt"), ("hi\nok\n{\"text\": \"x\", \"lang\": \"nl\", \"user\": 3}\n", "user")] {
        let (code, _, err) = run(&["analyze"], input.as_bytes());
        assert_eq!(code, 1, "{input}: {err}");
        let line = input.lines().count();
        assert!(err.contains(&format!("line {line}")) && err.contains(&format!("`{field}`")), "{err}");
        assert_eq!(err.trim().lines().count(), 1);
    }
}

#[test]
fn json_unknown_lang_value_is_an_error_naming_line_and_field() {
    for value in ["klingon", "NL", "unknown", "de", ""] {
        let input = format!("goed\n{{\"text\": \"ok\", \"lang\": \"{value}\"}}\n");
        let (code, _, err) = run(&["analyze"], input.as_bytes());
        assert_eq!(code, 1, "{value}: {err}");
        assert!(err.contains("line 2") && err.contains("`lang`") && err.contains(&format!("`{value}`")), "{err}");
    }
}

#[test]
fn json_lang_is_the_language_hint() {
    // too short to tell on its own: the hint decides; a clear message keeps its own language
    let (code, out, err) = run(
        &["analyze"],
        b"{\"text\": \"ok\"}\n{\"text\": \"ok\", \"lang\": \"en\"}\n{\"text\": \"ok\", \"lang\": \"nl\"}\n{\"text\": \"dit is echt waardeloos\", \"lang\": \"en\"}\n{\"text\": \"this is really bad\", \"lang\": \"nl\"}\n",
    );
    assert_eq!(code, 0, "{err}");
    let langs: Vec<String> =
        out.lines().map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json")["lang"].as_str().unwrap_or("").to_string()).collect();
    assert_eq!(langs, ["unknown", "en", "nl", "nl", "en"]);
}
