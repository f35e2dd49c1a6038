//! The escalation policy: a fold over the turns of a conversation.
//!
//! Every customer message goes through [`ConversationState::observe_customer`], which
//! updates a small serialisable state (trends, streaks, word fingerprints, failed bot
//! answers) and returns a [`Decision`]: [`Action::Continue`], [`Action::OfferHuman`] or
//! [`Action::Escalate`] to an agent or a specialist, with the rule that decided, the
//! reasons in plain English and the policy version. The bot's outcome for that message is
//! reported afterwards with [`ConversationState::observe_bot`].
//!
//! Policy invariants:
//! - Pure: no clocks, randomness or I/O; never panics, whatever the analysis, text,
//!   state or config (non-finite scores count as neutral).
//! - The customer's explicit request for a person always escalates, unless the episode is
//!   already escalated.
//! - Legal threats and vulnerable customers go to a specialist at once; the other moments
//!   of truth (complaint, cancellation, refund, complex order) go to an agent at once.
//! - Tone needs to be sustained: one heated message can at most *offer* a person (a
//!   complaint the analyzer inferred from tone alone counts as tone); only
//!   `sustain_turns` consecutive turns (or a falling trend) escalate, or a further
//!   offer-level concern shortly after an offer (`concern_persists`), or a one-message
//!   spike after earlier turns that already showed trouble below the thresholds
//!   (`concern_accumulated`; after calm turns the same spike only offers).
//! - One escalation per episode. After it every turn is `Continue` with rule
//!   `already_escalated` — with one exception: an episode escalated to an *agent* is
//!   upgraded to a *specialist* once, when a sensitive intent (legal threat, vulnerable
//!   customer) arrives later (rule `upgrade_to_specialist`). A specialist episode is never
//!   escalated again. [`ConversationState::start_new_episode`] starts over.
use serde::{Deserialize, Serialize};

use crate::analysis::Analysis;

mod config;
pub mod eval;
mod repeat;
mod rules;

pub use config::{PolicyConfig, PolicyError, MAX_ACCUMULATE_WINDOW, MAX_FAILED_ANSWERS_WINDOW, MAX_REPEAT_WINDOW};
pub use repeat::{fingerprint, jaccard, MAX_FINGERPRINT_WORDS};

/// Bumped whenever the same conversation can get a different decision.
/// 3: concern accumulating below the thresholds, non-consecutive failed answers, looser
/// repeat similarity, a complaint inferred from tone alone never goes to a specialist.
pub const POLICY_VERSION: &str = "tandem-policy/4";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Agent,
    Specialist,
}

impl Tier {
    /// "an agent" / "a specialist", for reasons.
    pub fn with_article(self) -> &'static str {
        match self {
            Tier::Agent => "an agent",
            Tier::Specialist => "a specialist",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", content = "tier", rename_all = "snake_case")]
pub enum Action {
    Continue,
    OfferHuman,
    Escalate(Tier),
}

impl Action {
    /// Stable label: `continue`, `offer_human`, `escalate_agent`, `escalate_specialist`.
    pub fn label(self) -> &'static str {
        match self {
            Action::Continue => "continue",
            Action::OfferHuman => "offer_human",
            Action::Escalate(Tier::Agent) => "escalate_agent",
            Action::Escalate(Tier::Specialist) => "escalate_specialist",
        }
    }

    /// Order of severity: continue < offer < agent < specialist.
    fn severity(self) -> u8 {
        match self {
            Action::Continue => 0,
            Action::OfferHuman => 1,
            Action::Escalate(Tier::Agent) => 2,
            Action::Escalate(Tier::Specialist) => 3,
        }
    }
}

/// The record kept for every customer message: inputs in short, scores, the rule, the outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub turn: u32,
    pub action: Action,
    /// The rule that decided, e.g. `explicit_human_request`, `frustration_rising`.
    pub rule: String,
    /// Human-readable reasons, for the agent and the auditor; the deciding one first.
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

/// Consecutive-turn counters for one tone signal (see [`PolicyConfig::release_margin`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Streak {
    /// Turns at or above the offer threshold in the current run.
    pub offer: u32,
    /// Turns at or above the escalate threshold in the current run.
    pub escalate: u32,
}

/// One earlier customer message, as word hashes only (no text is kept).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Fingerprint {
    pub turn: u32,
    pub words: Vec<u32>,
}

/// The state carried between turns; serialisable so the edge can store it.
/// Small by design: a few numbers plus at most [`MAX_REPEAT_WINDOW`] fingerprints of at
/// most [`MAX_FINGERPRINT_WORDS`] hashes each.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConversationState {
    /// Customer turns in the whole conversation (all episodes).
    pub turns: u32,
    pub escalated: Option<Tier>,
    /// Consecutive unsure bot answers.
    pub failed_answers: u32,
    /// The last bot answers, one bit each (bit 0 the newest; 1 = unsure).
    pub recent_answers: u32,
    /// Earlier customer turns of this episode that showed trouble, one bit each (bit 0 the
    /// previous turn); see [`PolicyConfig::concern_floor`].
    pub troubled: u32,
    /// The turn of this episode's escalation (or upgrade).
    pub escalated_at: Option<u32>,
    /// The turn of this episode's last offer of a person.
    pub offered_at: Option<u32>,
    /// Exponentially weighted valence of this episode (neutral prior 0).
    pub valence_trend: f32,
    /// Exponentially weighted frustration of this episode (prior 0).
    pub frustration_trend: f32,
    pub frustration: Streak,
    pub uncertainty: Streak,
    pub urgency: Streak,
    /// Fingerprints of the last few customer messages, oldest first.
    pub recent: Vec<Fingerprint>,
    /// Messages in this episode that repeated an earlier one.
    pub repeats: u32,
    /// Messages in this episode that said the problem is still there or back again.
    pub persistence: u32,
}

/// One rule's verdict on the current turn.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Finding {
    pub action: Action,
    pub rule: &'static str,
    pub reason: String,
    /// Legal threat or vulnerable customer: may upgrade an agent episode.
    pub sensitive: bool,
    /// An offer on the strength of this one message alone (a spike), not of a streak, a
    /// trend or a count: only such an offer can be escalated by `concern_accumulated`, so
    /// the multi-turn offers (`frustration_rising`, `bot_failed_answers` …) stay reachable.
    pub spike: bool,
}

/// What this turn's update of the state observed, for the rules.
#[derive(Debug, Clone, Default)]
pub(crate) struct TurnSignals {
    /// Similarity and turn of the earlier message this one repeats.
    pub repeat_of: Option<(f32, u32)>,
    /// The first repeat marker of this message ("still", "alweer"), when it has one.
    pub persistence_marker: Option<String>,
}

/// The analysis scores, made safe: finite and in range.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scores {
    pub valence: f32,
    pub frustration: f32,
    pub uncertainty: f32,
    pub urgency: f32,
}

impl Scores {
    fn of(a: &Analysis) -> Scores {
        Scores {
            valence: clamp(a.valence, -1.0, 1.0),
            frustration: clamp(a.tone.frustration, 0.0, 1.0),
            uncertainty: clamp(a.tone.uncertainty, 0.0, 1.0),
            urgency: clamp(a.tone.urgency, 0.0, 1.0),
        }
    }
}

/// `x` clamped to [lo, hi]; NaN and infinities count as neutral (0, or the nearest bound).
pub(crate) fn clamp(x: f32, lo: f32, hi: f32) -> f32 {
    if x.is_nan() {
        0.0_f32.clamp(lo, hi)
    } else {
        x.clamp(lo, hi)
    }
}

impl ConversationState {
    /// Folds one customer message into the state and decides what happens next.
    pub fn observe_customer(&mut self, text: &str, analysis: &Analysis, cfg: &PolicyConfig) -> Decision {
        let scores = Scores::of(analysis);
        self.turns = self.turns.saturating_add(1);
        let signals = self.update(text, analysis, &scores, cfg);
        let mut findings = rules::evaluate(self, text, analysis, &scores, &signals, cfg);
        // Most severe first; among equals the rule order of `rules::evaluate` stands.
        findings.sort_by_key(|f| std::cmp::Reverse(f.action.severity()));
        let (action, rule, reasons) = self.decide(findings, &scores, cfg);
        // Recorded after the decision: the rule looks at the turns *before* this one.
        let troubled = scores.valence <= -cfg.concern_floor
            || scores.frustration >= cfg.concern_floor
            || scores.uncertainty >= cfg.uncertainty_offer;
        self.troubled = (self.troubled << 1) | u32::from(troubled);
        Decision {
            turn: self.turns,
            action,
            rule: rule.to_string(),
            reasons,
            valence: scores.valence,
            frustration: scores.frustration,
            uncertainty: scores.uncertainty,
            urgency: scores.urgency,
            policy_version: POLICY_VERSION.to_string(),
        }
    }

    /// Unsure answers that count for the failed-answer rules: the consecutive run, or the
    /// unsure answers among the last `failed_answers_window`, whichever is larger.
    pub fn failed_count(&self, cfg: &PolicyConfig) -> u32 {
        let window = cfg.failed_answers_window.min(MAX_FAILED_ANSWERS_WINDOW);
        let mask = if window >= 32 { u32::MAX } else { (1u32 << window) - 1 };
        self.failed_answers.max((self.recent_answers & mask).count_ones())
    }

    /// Earlier troubled turns within `accumulate_window_turns` before this one.
    fn troubled_before(&self, cfg: &PolicyConfig) -> u32 {
        let window = cfg.accumulate_window_turns.min(MAX_ACCUMULATE_WINDOW);
        let mask = if window >= 32 { u32::MAX } else { (1u32 << window) - 1 };
        (self.troubled & mask).count_ones()
    }

    /// Records how a bot answer went; `failed_answers` counts consecutive unsure answers.
    /// The edge reports the widget's answer to a message before observing that message,
    /// so a decision already accounts for the bot's answer to the same message.
    pub fn observe_bot(&mut self, outcome: BotOutcome) {
        self.recent_answers = (self.recent_answers << 1) | u32::from(outcome == BotOutcome::Unsure);
        match outcome {
            BotOutcome::Answered => self.failed_answers = 0,
            BotOutcome::Unsure => self.failed_answers = self.failed_answers.saturating_add(1),
        }
    }

    /// After resolution a new episode starts: a new escalation may happen again, and the
    /// trends, streaks and fingerprints start afresh. The turn count continues.
    pub fn start_new_episode(&mut self) {
        *self = ConversationState { turns: self.turns, ..ConversationState::default() };
    }

    /// Updates trends, streaks and fingerprints with this turn.
    fn update(&mut self, text: &str, analysis: &Analysis, s: &Scores, cfg: &PolicyConfig) -> TurnSignals {
        let alpha = clamp(cfg.trend_alpha, 0.0, 1.0);
        self.valence_trend = clamp(alpha * s.valence + (1.0 - alpha) * clamp(self.valence_trend, -1.0, 1.0), -1.0, 1.0);
        self.frustration_trend = clamp(alpha * s.frustration + (1.0 - alpha) * clamp(self.frustration_trend, 0.0, 1.0), 0.0, 1.0);

        let margin = clamp(cfg.release_margin, 0.0, 1.0);
        step(&mut self.frustration, s.frustration, cfg.frustration_offer, cfg.frustration_escalate, margin);
        step(&mut self.uncertainty, s.uncertainty, cfg.uncertainty_offer, cfg.uncertainty_escalate, margin);
        // Urgency has no escalate level of its own; only its offer streak is used.
        step(&mut self.urgency, s.urgency, cfg.urgency_offer, f32::INFINITY, margin);

        let mut signals = TurnSignals { persistence_marker: repeat::persistence_marker(text), ..TurnSignals::default() };
        if signals.persistence_marker.is_some() {
            self.persistence = self.persistence.saturating_add(1);
        }
        let words = repeat::fingerprint(text, analysis.lang);
        let min_words = cfg.repeat_min_words.max(1) as usize;
        if words.len() >= min_words {
            let best = self
                .recent
                .iter()
                .filter(|fp| fp.words.len() >= min_words)
                .map(|fp| (repeat::jaccard(&words, &fp.words), fp.turn))
                .fold(None::<(f32, u32)>, |best, cur| match best {
                    Some(b) if b.0 >= cur.0 => Some(b),
                    _ => Some(cur),
                });
            if let Some((sim, turn)) = best {
                if sim >= cfg.repeat_similarity && sim > 0.0 {
                    self.repeats = self.repeats.saturating_add(1);
                    signals.repeat_of = Some((sim, turn));
                }
            }
        }
        self.recent.push(Fingerprint { turn: self.turns, words });
        let window = cfg.repeat_window.clamp(1, MAX_REPEAT_WINDOW) as usize;
        if self.recent.len() > window {
            let excess = self.recent.len() - window;
            self.recent.drain(..excess);
        }
        signals
    }

    /// Turns the findings into the outcome, applying the once-per-episode and offer
    /// cooldown rules, and records the outcome in the state.
    fn decide(&mut self, findings: Vec<Finding>, s: &Scores, cfg: &PolicyConfig) -> (Action, &'static str, Vec<String>) {
        let mut reasons: Vec<String> = findings.iter().map(|f| f.reason.clone()).collect();
        if let Some(tier) = self.escalated {
            let since = self.escalated_at.map(|t| format!(" at turn {t}")).unwrap_or_default();
            if tier == Tier::Agent {
                if let Some(pos) = findings.iter().position(|f| f.sensitive) {
                    reasons.swap(0, pos);
                    reasons.push(format!("Already with an agent{since}; upgraded to a specialist (once per episode)"));
                    self.escalated = Some(Tier::Specialist);
                    self.escalated_at = Some(self.turns);
                    return (Action::Escalate(Tier::Specialist), "upgrade_to_specialist", reasons);
                }
            }
            reasons.insert(0, format!("Already escalated to {}{since}; no second escalation in this episode", tier.with_article()));
            return (Action::Continue, "already_escalated", reasons);
        }
        let Some(top) = findings.first() else {
            let calm = format!(
                "Nothing calls for a person (valence {:.2}, frustration {:.2}, uncertainty {:.2})",
                s.valence, s.frustration, s.uncertainty
            );
            return (Action::Continue, "no_concern", vec![calm]);
        };
        match top.action {
            Action::Escalate(tier) => {
                self.escalated = Some(tier);
                self.escalated_at = Some(self.turns);
                (top.action, top.rule, reasons)
            }
            Action::OfferHuman => {
                let window = cfg.persist_window_turns;
                let recent_offer = self.offered_at.filter(|&t| window > 0 && t < self.turns && self.turns - t <= window);
                let troubled = self.troubled_before(cfg);
                if let Some(at) = recent_offer {
                    reasons.insert(0, format!("A person was offered at turn {at} and the concern persists"));
                    self.escalated = Some(Tier::Agent);
                    self.escalated_at = Some(self.turns);
                    (Action::Escalate(Tier::Agent), "concern_persists", reasons)
                } else if cfg.accumulate_after > 0
                    && troubled >= cfg.accumulate_after
                    && findings.iter().any(|f| f.spike)
                {
                    let n = cfg.accumulate_window_turns;
                    reasons.insert(
                        0,
                        format!("The concern has been building up: {troubled} of the {n} turns before this one already showed trouble"),
                    );
                    self.escalated = Some(Tier::Agent);
                    self.escalated_at = Some(self.turns);
                    (Action::Escalate(Tier::Agent), "concern_accumulated", reasons)
                } else {
                    self.offered_at = Some(self.turns);
                    (Action::OfferHuman, top.rule, reasons)
                }
            }
            Action::Continue => (Action::Continue, top.rule, reasons),
        }
    }
}

/// Schmitt-trigger streak update: a turn at or above a threshold counts; a turn within
/// `margin` below it keeps the run alive without counting; anything lower ends the run.
fn step(streak: &mut Streak, value: f32, offer: f32, escalate: f32, margin: f32) {
    streak.offer = advance(streak.offer, value, offer, margin);
    streak.escalate = advance(streak.escalate, value, escalate, margin);
}

fn advance(count: u32, value: f32, threshold: f32, margin: f32) -> u32 {
    if value >= threshold {
        count.saturating_add(1)
    } else if count > 0 && value >= threshold - margin {
        count
    } else {
        0
    }
}
