//! `tandem analyze`: one JSON object per input line.
use std::io::{BufRead, Read, Write};

use serde::{Deserialize, Serialize};
use tandem_shared::policy::{ConversationState, Decision, PolicyConfig};
use tandem_shared::{analyze, Analysis};

use crate::CliError;

#[derive(Deserialize)]
struct JsonLine {
    text: String,
    /// Accepted for compatibility with labelled files; the engine detects the language itself.
    #[serde(default)]
    #[allow(dead_code)]
    lang: Option<String>,
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
        let text = if line.trim_start().starts_with('{') {
            let j: JsonLine = serde_json::from_str(line).map_err(|e| CliError::input(format!("line {n}: malformed JSON: {e}")))?;
            j.text
        } else {
            line.to_string()
        };
        let analysis = analyze(&text);
        let decision = conversation.then(|| state.observe_customer(&text, &analysis, &cfg));
        let o = Out { line: n, analysis: &analysis, decision: decision.as_ref() };
        let json = serde_json::to_string(&o).map_err(|e| CliError::io(format!("line {n}: cannot encode result: {e}")))?;
        writeln!(out, "{json}").map_err(|e| CliError::io(format!("cannot write stdout: {e}")))?;
    }
    out.flush().map_err(|e| CliError::io(format!("cannot write stdout: {e}")))?;
    let _ = std::io::stdin().lock().lines();
    Ok(())
}
