//! PLACEHOLDER — replaced by the engine implementation.
use crate::analysis::{Analysis, Tone};
use crate::lang::Lang;

pub fn analyze(text: &str) -> Analysis {
    let _ = text;
    Analysis { lang: Lang::Unknown, mixed: false, valence: 0.0, tone: Tone::default(), intents: vec![], evidence: vec![] }
}
