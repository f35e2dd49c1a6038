//! PLACEHOLDER CONTRACT — the escalation policy: a fold over the turns of a conversation.
use serde::{Deserialize, Serialize};

use crate::analysis::Analysis;

pub const POLICY_VERSION: &str = "tandem-policy/1";

/// Thresholds, with sane defaults; sites override any field in JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PolicyConfig {
    pub max_failed_answers: u32,
}
impl Default for PolicyConfig {
    fn default() -> Self {
        PolicyConfig { max_failed_answers: 2 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Agent,
    Specialist,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", content = "tier", rename_all = "snake_case")]
pub enum Action {
    Continue,
    OfferHuman,
    Escalate(Tier),
}

/// The record kept for every customer message: inputs in short, scores, the rule, the outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub turn: u32,
    pub action: Action,
    /// The rule that decided, e.g. `explicit_human_request`, `frustration_rising`.
    pub rule: String,
    /// Human-readable reasons, for the agent and the auditor.
    pub reasons: Vec<String>,
    pub valence: f32,
    pub frustration: f32,
    pub uncertainty: f32,
    pub urgency: f32,
    pub policy_version: String,
}

/// How the bot's answer to the previous customer message went (reported by the widget).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BotOutcome {
    Answered,
    Unsure,
}

/// The state carried between turns; serialisable so the edge can store it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConversationState {
    pub turns: u32,
    pub escalated: Option<Tier>,
    pub failed_answers: u32,
}

impl ConversationState {
    pub fn observe_customer(&mut self, text: &str, analysis: &Analysis, cfg: &PolicyConfig) -> Decision {
        let _ = (text, cfg);
        self.turns += 1;
        Decision {
            turn: self.turns,
            action: Action::Continue,
            rule: "placeholder".into(),
            reasons: vec![],
            valence: analysis.valence,
            frustration: analysis.tone.frustration,
            uncertainty: analysis.tone.uncertainty,
            urgency: analysis.tone.urgency,
            policy_version: POLICY_VERSION.into(),
        }
    }
    pub fn observe_bot(&mut self, outcome: BotOutcome) {
        match outcome {
            BotOutcome::Answered => self.failed_answers = 0,
            BotOutcome::Unsure => self.failed_answers += 1,
        }
    }
    /// After resolution a new episode starts: a new escalation may happen again.
    pub fn start_new_episode(&mut self) {
        self.escalated = None;
        self.failed_answers = 0;
    }
}
