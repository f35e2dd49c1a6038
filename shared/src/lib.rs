//! Tandem's engine: pure Rust, no I/O, no clocks, no randomness (time is passed in).
//! The same code runs natively (tests, CLI, benches), in the widget (wasm in the
//! browser) and in the edge worker (wasm in workerd).

pub mod analysis;
pub mod faq;
pub mod fold;
pub mod intents;
pub mod lang;
pub mod lexicon;
pub mod phrases;
pub mod policy;
pub mod sentiment;
pub mod text;
pub mod wait;
pub mod wire;

pub use analysis::{Analysis, Evidence, Intent, IntentHit, Tone};
pub use lang::Lang;
pub use sentiment::{analyze, analyze_as, score, Scores};
