//! The result of analysing one message: what the engine concluded and why.
use serde::{Deserialize, Serialize};

use crate::lang::Lang;

/// One piece of evidence: the rule that fired, the token(s) it fired on, and its weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// Stable rule name, e.g. `lexicon`, `negation`, `booster`, `contrast`, `caps`, `exclamation`.
    pub rule: String,
    /// The token or phrase the rule fired on (may be empty for whole-message rules).
    pub token: String,
    /// Contribution of this rule (sign and size depend on the rule).
    pub weight: f32,
}

/// Tone signals, each in [0, 1].
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Tone {
    pub frustration: f32,
    pub uncertainty: f32,
    pub urgency: f32,
}

/// The "moments of truth" and the explicit request for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    HumanRequest,
    Complaint,
    Cancellation,
    Refund,
    ComplexOrder,
    LegalThreat,
    Vulnerable,
}

impl Intent {
    /// Sensitive moments go straight to a specialist.
    pub fn is_sensitive(self) -> bool {
        matches!(self, Intent::LegalThreat | Intent::Vulnerable)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntentHit {
    pub intent: Intent,
    pub confidence: f32,
    /// The words or phrases that triggered it.
    pub evidence: Vec<String>,
}

/// Everything the engine says about one message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    pub lang: Lang,
    /// True when the message mixes Dutch and English.
    pub mixed: bool,
    /// Overall valence in [-1, 1].
    pub valence: f32,
    pub tone: Tone,
    pub intents: Vec<IntentHit>,
    pub evidence: Vec<Evidence>,
}

impl Analysis {
    pub fn has_intent(&self, intent: Intent) -> bool {
        self.intents.iter().any(|h| h.intent == intent)
    }
}
