//! The policy's thresholds ([`PolicyConfig`]) and their validation ([`PolicyError`]).
//!
//! Every default is a named value with the reason for it. Sites override any field in
//! JSON (`{"frustration_escalate": 0.8}`); unknown fields are rejected so a typo in a
//! site's config is an error, not a silently ignored setting.
use std::fmt;

use serde::{Deserialize, Serialize};

/// Thresholds, with sane defaults; sites override any field in JSON.
///
/// Tone thresholds are on the analyzer's [0, 1] scales, valence thresholds on [-1, 1].
/// "Sustained" means `sustain_turns` consecutive customer turns (a Schmitt trigger: a
/// streak starts at the threshold and only ends when the value drops below the threshold
/// minus `release_margin`), so a single heated word never escalates on its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PolicyConfig {
    /// Consecutive unsure bot answers after which a human is offered. 0 turns the rule off.
    pub max_failed_answers: u32,
    /// Consecutive unsure bot answers after which the conversation is escalated to an
    /// agent. 0 turns the rule off; otherwise it must be above `max_failed_answers`.
    pub failed_answers_escalate: u32,
    /// Unsure answers also count when they are not consecutive: the failed-answer count is
    /// the larger of the consecutive run and the unsure answers among the last this many
    /// bot answers (an answer in between does not mean the customer got unstuck).
    /// 0 or 1: consecutive only. At most [`MAX_FAILED_ANSWERS_WINDOW`].
    pub failed_answers_window: u32,

    /// Frustration at or above this for `sustain_turns` turns offers a human.
    pub frustration_offer: f32,
    /// Frustration at or above this for `sustain_turns` turns escalates to an agent.
    pub frustration_escalate: f32,
    /// Frustration at or above this in a single turn offers a human at once.
    pub frustration_spike: f32,
    /// Uncertainty (confusion) at or above this for `sustain_turns` turns offers a human.
    pub uncertainty_offer: f32,
    /// Uncertainty at or above this for `sustain_turns` turns escalates to an agent.
    pub uncertainty_escalate: f32,
    /// Urgency at or above this for `sustain_turns` turns offers a human.
    pub urgency_offer: f32,
    /// How far a value may fall below a threshold before a running streak ends.
    pub release_margin: f32,
    /// Consecutive turns a tone must stay up before it counts as sustained (hysteresis).
    pub sustain_turns: u32,

    /// Weight of the newest turn in the exponentially weighted trends, in (0, 1].
    pub trend_alpha: f32,
    /// Valence trend at or below this (and a negative current message) offers a human.
    pub valence_offer: f32,
    /// Valence trend at or below this (and a negative current message) escalates to an agent.
    pub valence_escalate: f32,

    /// Intents below this confidence are ignored (the explicit human request excepted).
    pub intent_min_confidence: f32,
    /// A complaint with valence at or below this and frustration at or above
    /// `frustration_spike` goes to a specialist instead of an agent.
    pub complaint_specialist_valence: f32,

    /// Token-set Jaccard similarity at or above which a message repeats an earlier one.
    pub repeat_similarity: f32,
    /// How many earlier customer turns are compared (and kept, as fingerprints).
    pub repeat_window: u32,
    /// Messages with fewer content words than this are never counted as repeats
    /// ("ja", "ok", "nee" repeat all the time and mean nothing).
    pub repeat_min_words: u32,
    /// Repeats in an episode after which a human is offered. 0 turns the rule off.
    pub repeat_offer_after: u32,
    /// Repeats in an episode after which the conversation is escalated. 0 turns it off.
    pub repeat_escalate_after: u32,

    /// Customer turns in an episode that say the problem is still there or back again (a
    /// repeat marker of `shared/data/modifiers.tsv`: "still", "again", "nog steeds",
    /// "alweer") after which a human is offered. 0 turns the rule off.
    pub persistence_offer_after: u32,
    /// The same count after which the conversation is escalated to an agent. 0 turns it off.
    pub persistence_escalate_after: u32,

    /// After an offer of a person, another offer-level concern within this many customer
    /// turns escalates to an agent (the concern persists although a person was offered).
    /// 0 turns this off; offers then simply repeat.
    pub persist_window_turns: u32,

    /// A turn counts as "troubled" when its valence is at or below minus this, or its
    /// frustration at or above it, or its uncertainty at or above `uncertainty_offer`:
    /// any sign of a problem, however far below the offer thresholds.
    pub concern_floor: f32,
    /// An offer-level concern escalates to an agent when at least `accumulate_after` of the
    /// `accumulate_window_turns` customer turns before it were troubled: the concern has
    /// been building up below the per-turn thresholds. 0 turns this off.
    pub accumulate_after: u32,
    pub accumulate_window_turns: u32,
}

impl Default for PolicyConfig {
    fn default() -> Self {
        PolicyConfig {
            // Two unsure answers in a row is the point where a customer starts to feel
            // stuck; four means the bot is clearly not the right channel.
            max_failed_answers: 2,
            failed_answers_escalate: 4,
            // Unsure, answered, unsure: two of the last three answers failed.
            failed_answers_window: 3,
            // The analyzer's tone scales put ordinary annoyance ("dit is vervelend") around
            // 0.3-0.5 and anger with caps/exclamations above 0.7; offer in between.
            frustration_offer: 0.5,
            frustration_escalate: 0.7,
            frustration_spike: 0.85,
            uncertainty_offer: 0.55,
            uncertainty_escalate: 0.8,
            // One urgency phrase ("dringend", "asap", a deadline: "need it tomorrow") is 0.55-0.6.
            urgency_offer: 0.55,
            // 0.1 keeps a streak alive through a 0.72 → 0.65 wobble, ends it at 0.55.
            release_margin: 0.1,
            // "One word does not flip it; two sustained do."
            sustain_turns: 2,
            // 0.5: the newest turn counts as much as all history; with a neutral prior one
            // message of -0.8 gives a trend of -0.4 (offer), two give -0.6 (escalate).
            trend_alpha: 0.5,
            valence_offer: -0.4,
            valence_escalate: -0.55,
            intent_min_confidence: 0.5,
            complaint_specialist_valence: -0.75,
            // Half of the content words shared: "waar is mijn pakket" / "waar blijft mijn
            // pakket nou" share {waar, pakket} of {waar, pakket, blijft, nou}.
            // 0.4 also catches the common paraphrase of a short question: "how do i return
            // the shoes" / "how do i send back the shoes" share {how, shoe} and one verb
            // each (2 of 5); two unrelated short questions rarely share more than one word.
            repeat_similarity: 0.4,
            repeat_window: 3,
            repeat_min_words: 2,
            repeat_offer_after: 1,
            repeat_escalate_after: 2,
            // "Still" once is a status question ("is it still in stock?"); a customer who says
            // twice that the problem is still there is stuck, three times is being failed:
            // the bot's answers are not fixing it, however calm the words (c31).
            persistence_offer_after: 2,
            persistence_escalate_after: 3,
            // An offer the customer let pass, followed within two turns by the same or another
            // concern, is the "sustained" case of the hysteresis: offer once, then escalate.
            persist_window_turns: 2,
            // 0.1 is above the analyzer's noise and below any real cue: one annoyed word
            // ("irritant", "nog steeds") already scores 0.1-0.3.
            concern_floor: 0.1,
            // One troubled turn in the two before: a spike after a calm conversation offers
            // (hysteresis), a spike after earlier signs of the same trouble escalates.
            accumulate_after: 1,
            accumulate_window_turns: 2,
        }
    }
}

/// What is wrong with a [`PolicyConfig`]; the message names the field.
#[derive(Debug, Clone, PartialEq)]
pub enum PolicyError {
    /// A number outside its allowed range (NaN included).
    OutOfRange { field: &'static str, value: f64, min: f64, max: f64 },
    /// Two thresholds in the wrong order, e.g. an offer threshold above the escalate one.
    /// `strict`: the two may not be equal either.
    Order { lower: &'static str, upper: &'static str, strict: bool },
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyError::OutOfRange { field, value, min, max } => {
                write!(f, "policy config: `{field}` is {value}, but must be between {min} and {max}")
            }
            PolicyError::Order { lower, upper, strict: false } => {
                write!(f, "policy config: `{lower}` must not be above `{upper}`")
            }
            PolicyError::Order { lower, upper, strict: true } => {
                write!(f, "policy config: `{lower}` must be below `{upper}`")
            }
        }
    }
}

impl std::error::Error for PolicyError {}

impl PolicyConfig {
    /// Checks every field; the first problem found is returned.
    pub fn validate(&self) -> Result<(), PolicyError> {
        let unit = [
            ("frustration_offer", self.frustration_offer),
            ("frustration_escalate", self.frustration_escalate),
            ("frustration_spike", self.frustration_spike),
            ("uncertainty_offer", self.uncertainty_offer),
            ("uncertainty_escalate", self.uncertainty_escalate),
            ("urgency_offer", self.urgency_offer),
            ("release_margin", self.release_margin),
            ("intent_min_confidence", self.intent_min_confidence),
            ("concern_floor", self.concern_floor),
        ];
        for (field, value) in unit {
            range(field, value, 0.0, 1.0)?;
        }
        for (field, value) in [
            ("valence_offer", self.valence_offer),
            ("valence_escalate", self.valence_escalate),
            ("complaint_specialist_valence", self.complaint_specialist_valence),
        ] {
            range(field, value, -1.0, 1.0)?;
        }
        // Strictly positive: a zero alpha would freeze the trend, a zero similarity
        // would call every message a repeat.
        range("trend_alpha", self.trend_alpha, 0.01, 1.0)?;
        range("repeat_similarity", self.repeat_similarity, 0.01, 1.0)?;
        int_range("sustain_turns", self.sustain_turns, 1, 10)?;
        int_range("repeat_window", self.repeat_window, 1, MAX_REPEAT_WINDOW)?;
        int_range("repeat_min_words", self.repeat_min_words, 1, 50)?;
        int_range("max_failed_answers", self.max_failed_answers, 0, 100)?;
        int_range("persistence_offer_after", self.persistence_offer_after, 0, 100)?;
        int_range("persistence_escalate_after", self.persistence_escalate_after, 0, 100)?;
        int_range("failed_answers_escalate", self.failed_answers_escalate, 0, 100)?;
        int_range("repeat_offer_after", self.repeat_offer_after, 0, 100)?;
        int_range("repeat_escalate_after", self.repeat_escalate_after, 0, 100)?;
        int_range("persist_window_turns", self.persist_window_turns, 0, 100)?;
        int_range("failed_answers_window", self.failed_answers_window, 0, MAX_FAILED_ANSWERS_WINDOW)?;
        int_range("accumulate_window_turns", self.accumulate_window_turns, 1, MAX_ACCUMULATE_WINDOW)?;
        int_range("accumulate_after", self.accumulate_after, 0, self.accumulate_window_turns)?;

        order("frustration_offer", self.frustration_offer, "frustration_escalate", self.frustration_escalate)?;
        order("frustration_offer", self.frustration_offer, "frustration_spike", self.frustration_spike)?;
        order("uncertainty_offer", self.uncertainty_offer, "uncertainty_escalate", self.uncertainty_escalate)?;
        // Valence is negative-is-worse: the escalate threshold must be the lower one.
        order("valence_escalate", self.valence_escalate, "valence_offer", self.valence_offer)?;
        if self.max_failed_answers > 0 && self.failed_answers_escalate > 0 {
            order_int("max_failed_answers", self.max_failed_answers, "failed_answers_escalate", self.failed_answers_escalate)?;
        }
        if self.repeat_offer_after > 0 && self.repeat_escalate_after > 0 {
            order_int("repeat_offer_after", self.repeat_offer_after, "repeat_escalate_after", self.repeat_escalate_after)?;
        }
        Ok(())
    }
}

/// The most fingerprints the state ever keeps, whatever the config says.
pub const MAX_REPEAT_WINDOW: u32 = 8;
/// The most bot answers the state remembers (one bit each).
pub const MAX_FAILED_ANSWERS_WINDOW: u32 = 16;
/// The most earlier turns whose "troubled" flag the state remembers (one bit each).
pub const MAX_ACCUMULATE_WINDOW: u32 = 16;

fn range(field: &'static str, value: f32, min: f32, max: f32) -> Result<(), PolicyError> {
    // Written so that NaN fails too.
    if value >= min && value <= max {
        Ok(())
    } else {
        Err(PolicyError::OutOfRange { field, value: f64::from(value), min: f64::from(min), max: f64::from(max) })
    }
}

fn int_range(field: &'static str, value: u32, min: u32, max: u32) -> Result<(), PolicyError> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(PolicyError::OutOfRange { field, value: f64::from(value), min: f64::from(min), max: f64::from(max) })
    }
}

fn order(lower: &'static str, low: f32, upper: &'static str, high: f32) -> Result<(), PolicyError> {
    if low <= high {
        Ok(())
    } else {
        Err(PolicyError::Order { lower, upper, strict: false })
    }
}

fn order_int(lower: &'static str, low: u32, upper: &'static str, high: u32) -> Result<(), PolicyError> {
    // Strict: escalating at the same count as offering would make the offer unreachable.
    if low < high {
        Ok(())
    } else {
        Err(PolicyError::Order { lower, upper, strict: true })
    }
}
