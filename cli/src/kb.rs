//! `tandem kb-check FILE...`: validates knowledge-base files (format: kb/README.md) with the same
//! parser the widget and the edge use, so a site owner finds a broken article before the
//! visitors do. `scripts/build.sh` runs it on `kb/*.json` before shipping them.
use tandem_shared::faq::{unsafe_answer_links, KnowledgeBase};

use crate::CliError;

pub fn run(args: &[String]) -> Result<(), CliError> {
    if args.is_empty() || args.iter().any(|a| a.starts_with('-')) {
        return Err(CliError::usage("usage: tandem kb-check FILE.json..."));
    }
    for path in args {
        let text = std::fs::read_to_string(path).map_err(|e| CliError::io(format!("{path}: {e}")))?;
        let kb = KnowledgeBase::from_json(&text).map_err(|e| CliError::input(format!("{path}: {e}")))?;
        println!("{path}: ok, {} articles", kb.articles.len());
        // Not errors (the widget shows such a link as text, case C01), but never what was meant.
        for a in &kb.articles {
            for url in unsafe_answer_links(&a.answer) {
                let shown: String = url.chars().take(60).collect();
                eprintln!("{path}: warning: article \"{}\": the answer links to \"{shown}\", which the widget shows as text, not as a link (allowed: http, https, mailto, tel, relative)", a.id);
            }
        }
    }
    Ok(())
}
