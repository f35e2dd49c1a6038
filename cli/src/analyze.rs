//! `tandem analyze`: one JSON object per input line.
use std::io::{BufRead, Read, Write};

use serde::{Deserialize, Serialize};
use tandem_shared::policy::{ConversationState, Decision, PolicyConfig};
use tandem_shared::{analyze_as, Analysis, Lang};

use crate::CliError;

/// A JSON input line: `{"text": "…"}` or `{"text": "…", "lang": "nl"}`; any other field is an error.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonLine {
    text: String,
    /// Language hint (`nl` / `en`), passed to `analyze_as`.
    #[serde(default)]
    lang: Option<String>,
}

/// The fields a JSON input line may have.
const FIELDS: &[&str] = &["text", "lang"];

/// Text and language hint of one JSON line; errors name the line and the field.
fn json_line(n: usize, line: &str) -> Result<(String, Lang), CliError> {
    let v: serde_json::Value = serde_json::from_str(line).map_err(|e| CliError::input(format!("line {n}: malformed JSON: {e}")))?;
    let Some(obj) = v.as_object() else {
        return Err(CliError::input(format!("line {n}: malformed JSON: expected an object with `text`")));
    };
    if let Some(k) = obj.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(CliError::input(format!("line {n}: unknown field `{k}` (expected `text` and optionally `lang`)")));
    }
    let j: JsonLine = serde_json::from_value(v).map_err(|e| CliError::input(format!("line {n}: malformed JSON: {e}")))?;
    let lang = match j.lang.as_deref() {
        None => Lang::Unknown,
        Some("nl") => Lang::Nl,
        Some("en") => Lang::En,
        Some(other) => return Err(CliError::input(format!("line {n}: unknown `lang` value `{other}` (expected `nl` or `en`)"))),
    };
    Ok((j.text, lang))
}

#[derive(Serialize)]
struct Out<'a> {
    line: usize,
    #[serde(flatten)]
    analysis: &'a Analysis,
    #[serde(skip_serializing_if = "Option::is_none")]
    decision: Option<&'a Decision>,
}

pub fn run(args: &[String]) -> Result<(), CliError> {
    let mut conversation = false;
    for a in args {
        match a.as_str() {
            "--conversation" => conversation = true,
            other => return Err(CliError::usage(format!("unknown option `{other}` for analyze"))),
        }
    }
    let mut input = Vec::new();
    std::io::stdin().lock().read_to_end(&mut input).map_err(|e| CliError::io(format!("cannot read stdin: {e}")))?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut state = ConversationState::default();
    let cfg = PolicyConfig::default();
    for (i, line) in input.split(|&b| b == b'\n').enumerate() {
        let n = i + 1;
        let line = std::str::from_utf8(line).map_err(|_| CliError::input(format!("line {n}: invalid UTF-8")))?;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        let (text, hint) = if line.trim_start().starts_with('{') { json_line(n, line)? } else { (line.to_string(), Lang::Unknown) };
        let analysis = analyze_as(&text, hint);
        let decision = conversation.then(|| state.observe_customer(&text, &analysis, &cfg));
        let o = Out { line: n, analysis: &analysis, decision: decision.as_ref() };
        let json = serde_json::to_string(&o).map_err(|e| CliError::io(format!("line {n}: cannot encode result: {e}")))?;
        writeln!(out, "{json}").map_err(|e| CliError::io(format!("cannot write stdout: {e}")))?;
    }
    out.flush().map_err(|e| CliError::io(format!("cannot write stdout: {e}")))?;
    let _ = std::io::stdin().lock().lines();
    Ok(())
}
