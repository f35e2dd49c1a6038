//! The rules: each a small function that reads the updated state and the current turn and
//! may add a [`Finding`]. `evaluate` lists them in priority order; ties in severity are
//! broken by this order, so the first rule listed names the decision.
use crate::analysis::{Analysis, Intent, IntentHit};

use super::{Action, ConversationState, Finding, PolicyConfig, Scores, Tier, TurnSignals};

/// Longest quote of the customer's words in a reason, in characters.
const QUOTE_CHARS: usize = 80;

pub(crate) fn evaluate(
    st: &ConversationState,
    text: &str,
    a: &Analysis,
    s: &Scores,
    sig: &TurnSignals,
    cfg: &PolicyConfig,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let c = Ctx { st, text, a, s, sig, cfg };
    // Escalations, by priority.
    sensitive(&c, &mut out);
    explicit_human_request(&c, &mut out);
    severe_complaint(&c, &mut out);
    moment_of_truth(&c, &mut out);
    frustration_sustained(&c, &mut out);
    valence_falling(&c, &mut out);
    uncertainty_sustained(&c, &mut out);
    repeated_question(&c, &mut out);
    problem_persists(&c, &mut out);
    failed_answers(&c, &mut out);
    // Offers.
    frustration_offer(&c, &mut out);
    uncertainty_rising(&c, &mut out);
    mood_negative(&c, &mut out);
    urgent(&c, &mut out);
    out
}

struct Ctx<'a> {
    st: &'a ConversationState,
    text: &'a str,
    a: &'a Analysis,
    s: &'a Scores,
    sig: &'a TurnSignals,
    cfg: &'a PolicyConfig,
}

impl Ctx<'_> {
    /// The strongest hit for `intent` that clears the confidence bar, if any.
    fn hit(&self, intent: Intent, min_confidence: f32) -> Option<&IntentHit> {
        self.a
            .intents
            .iter()
            .filter(|h| h.intent == intent && h.confidence >= min_confidence)
            .max_by(|x, y| x.confidence.total_cmp(&y.confidence))
    }

    /// The customer's words for a hit: its evidence, else the start of the message.
    fn quote(&self, hit: &IntentHit) -> String {
        let words: Vec<&str> = hit.evidence.iter().map(|e| e.trim()).filter(|e| !e.is_empty()).collect();
        let raw = if words.is_empty() { self.text.to_string() } else { words.join(" / ") };
        format!("{:?}", shorten(&raw))
    }
}

fn finding(action: Action, rule: &'static str, reason: String) -> Finding {
    Finding { action, rule, reason, sensitive: false, spike: false }
}

/// An offer on the strength of this message alone.
fn spike(rule: &'static str, reason: String) -> Finding {
    Finding { action: Action::OfferHuman, rule, reason, sensitive: false, spike: true }
}

fn sensitive(c: &Ctx, out: &mut Vec<Finding>) {
    let min = c.cfg.intent_min_confidence;
    if let Some(h) = c.hit(Intent::LegalThreat, min) {
        out.push(Finding {
            action: Action::Escalate(Tier::Specialist),
            rule: "legal_threat",
            reason: format!("Customer mentions legal steps: {}", c.quote(h)),
            sensitive: true,
            spike: false,
        });
    }
    if let Some(h) = c.hit(Intent::Vulnerable, min) {
        out.push(Finding {
            action: Action::Escalate(Tier::Specialist),
            rule: "vulnerable_customer",
            reason: format!("Customer may be in a vulnerable situation: {}", c.quote(h)),
            sensitive: true,
            spike: false,
        });
    }
}

/// The explicit request wins regardless of the intent's confidence.
fn explicit_human_request(c: &Ctx, out: &mut Vec<Finding>) {
    if let Some(h) = c.hit(Intent::HumanRequest, f32::NEG_INFINITY) {
        let reason = format!("Customer asked for a person: {}", c.quote(h));
        out.push(finding(Action::Escalate(Tier::Agent), "explicit_human_request", reason));
    }
}

/// A complaint inferred from tone alone is tone (see `moment_of_truth`): one furious
/// message without complaint words offers a person, it does not go to a specialist.
fn severe_complaint(c: &Ctx, out: &mut Vec<Finding>) {
    if c.hit(Intent::Complaint, c.cfg.intent_min_confidence).is_some_and(|h| !only_tone(h))
        && c.s.valence <= c.cfg.complaint_specialist_valence
        && c.s.frustration >= c.cfg.frustration_spike
    {
        let reason = format!(
            "Strongly negative complaint (valence {:.2}, frustration {:.2}) needs a specialist",
            c.s.valence, c.s.frustration
        );
        out.push(finding(Action::Escalate(Tier::Specialist), "severe_complaint", reason));
    }
}

fn moment_of_truth(c: &Ctx, out: &mut Vec<Finding>) {
    let named = [
        (Intent::Complaint, "complaint"),
        (Intent::Cancellation, "cancellation"),
        (Intent::Refund, "refund"),
        (Intent::ComplexOrder, "complex order"),
    ];
    let mut parts = Vec::new();
    for (intent, name) in named {
        // A complaint inferred from tone alone is tone: one heated message only offers.
        let hit = c.hit(intent, c.cfg.intent_min_confidence).filter(|h| !only_tone(h));
        if let Some(h) = hit {
            parts.push(format!("{name} ({})", c.quote(h)));
        }
    }
    if !parts.is_empty() {
        let reason = format!("Moment of truth for a person: {}", parts.join(", "));
        out.push(finding(Action::Escalate(Tier::Agent), "moment_of_truth", reason));
    }
}

/// The hit's only evidence is the analyzer's "strong negative tone" (no words named it).
fn only_tone(h: &IntentHit) -> bool {
    h.evidence.iter().all(|e| e == crate::intents::TONE_COMPLAINT_EVIDENCE)
}

fn frustration_sustained(c: &Ctx, out: &mut Vec<Finding>) {
    let n = c.st.frustration.escalate;
    if n >= c.cfg.sustain_turns.max(1) {
        let reason = format!(
            "Frustration {:.2} at or above {:.2} for {n} turns",
            c.s.frustration, c.cfg.frustration_escalate
        );
        out.push(finding(Action::Escalate(Tier::Agent), "frustration_sustained", reason));
    }
}

fn valence_falling(c: &Ctx, out: &mut Vec<Finding>) {
    if c.s.valence < 0.0 && c.st.valence_trend <= c.cfg.valence_escalate {
        let reason = format!(
            "Mood trend {:.2} at or below {:.2} (this message {:.2})",
            c.st.valence_trend, c.cfg.valence_escalate, c.s.valence
        );
        out.push(finding(Action::Escalate(Tier::Agent), "valence_falling", reason));
    }
}

fn uncertainty_sustained(c: &Ctx, out: &mut Vec<Finding>) {
    let n = c.st.uncertainty.escalate;
    if n >= c.cfg.sustain_turns.max(1) {
        let reason = format!(
            "Confusion {:.2} at or above {:.2} for {n} turns",
            c.s.uncertainty, c.cfg.uncertainty_escalate
        );
        out.push(finding(Action::Escalate(Tier::Agent), "uncertainty_sustained", reason));
    }
}

fn repeated_question(c: &Ctx, out: &mut Vec<Finding>) {
    let Some((sim, turn)) = c.sig.repeat_of else { return };
    let n = c.st.repeats;
    let reason = format!(
        "Customer asked essentially the same thing again (word overlap {sim:.2} with turn {turn}; {n} repeat{} so far)",
        if n == 1 { "" } else { "s" }
    );
    let (offer_after, escalate_after) = (c.cfg.repeat_offer_after, c.cfg.repeat_escalate_after);
    if escalate_after > 0 && n >= escalate_after {
        out.push(finding(Action::Escalate(Tier::Agent), "repeated_question_again", reason));
    } else if offer_after > 0 && n >= offer_after {
        out.push(finding(Action::OfferHuman, "repeated_question", reason));
    }
}

/// The customer keeps saying the problem is still there ("still going to the old address",
/// "nog steeds niet binnen"): the conversation is not solving it, even in calm words that
/// no tone rule and no repeat fingerprint catches.
fn problem_persists(c: &Ctx, out: &mut Vec<Finding>) {
    let Some(marker) = c.sig.persistence_marker.as_deref() else { return };
    let n = c.st.persistence;
    let reason = format!("The customer says the problem persists or recurs (\"{marker}\"; {n} such messages in this episode)");
    let (offer_after, escalate_after) = (c.cfg.persistence_offer_after, c.cfg.persistence_escalate_after);
    if escalate_after > 0 && n >= escalate_after {
        out.push(finding(Action::Escalate(Tier::Agent), "problem_persists", reason));
    } else if offer_after > 0 && n >= offer_after {
        out.push(finding(Action::OfferHuman, "problem_recurring", reason));
    }
}

fn failed_answers(c: &Ctx, out: &mut Vec<Finding>) {
    let n = c.st.failed_count(c.cfg);
    let (offer, escalate) = (c.cfg.max_failed_answers, c.cfg.failed_answers_escalate);
    if escalate > 0 && n >= escalate {
        let reason = if n > c.st.failed_answers {
            format!("The bot could not answer {n} of the last {} times (limit {escalate})", c.cfg.failed_answers_window)
        } else {
            format!("The bot could not answer {n} times in a row (limit {escalate})")
        };
        out.push(finding(Action::Escalate(Tier::Agent), "bot_failed_repeatedly", reason));
    } else if offer > 0 && n >= offer {
        let reason = if n > c.st.failed_answers {
            format!("The bot could not answer {n} of the last {} times", c.cfg.failed_answers_window)
        } else {
            format!("The bot could not answer {n} times in a row")
        };
        out.push(finding(Action::OfferHuman, "bot_failed_answers", reason));
    }
}

fn frustration_offer(c: &Ctx, out: &mut Vec<Finding>) {
    let n = c.st.frustration.offer;
    if n >= c.cfg.sustain_turns.max(1) {
        let reason = format!("Frustration {:.2} at or above {:.2} for {n} turns", c.s.frustration, c.cfg.frustration_offer);
        out.push(finding(Action::OfferHuman, "frustration_rising", reason));
    } else if c.s.frustration >= c.cfg.frustration_spike {
        let reason = format!("Strong frustration in one message ({:.2})", c.s.frustration);
        out.push(spike("frustration_spike", reason));
    }
}

fn uncertainty_rising(c: &Ctx, out: &mut Vec<Finding>) {
    let n = c.st.uncertainty.offer;
    if n >= c.cfg.sustain_turns.max(1) {
        let reason = format!("Confusion {:.2} at or above {:.2} for {n} turns", c.s.uncertainty, c.cfg.uncertainty_offer);
        out.push(finding(Action::OfferHuman, "uncertainty_rising", reason));
    } else if c.s.uncertainty >= c.cfg.uncertainty_escalate {
        let reason = format!("Strong confusion in one message ({:.2})", c.s.uncertainty);
        out.push(spike("uncertainty_spike", reason));
    }
}

fn mood_negative(c: &Ctx, out: &mut Vec<Finding>) {
    if c.s.valence < 0.0 && c.st.valence_trend <= c.cfg.valence_offer {
        let reason = format!(
            "Mood trend {:.2} at or below {:.2} (this message {:.2})",
            c.st.valence_trend, c.cfg.valence_offer, c.s.valence
        );
        out.push(finding(Action::OfferHuman, "mood_negative", reason));
    }
}

fn urgent(c: &Ctx, out: &mut Vec<Finding>) {
    let n = c.st.urgency.offer;
    if n >= c.cfg.sustain_turns.max(1) {
        let reason = format!("Urgency {:.2} at or above {:.2} for {n} turns", c.s.urgency, c.cfg.urgency_offer);
        out.push(finding(Action::OfferHuman, "urgent", reason));
    } else if c.s.urgency >= c.cfg.urgency_offer && c.s.valence < 0.0 {
        // A deadline and a problem in one message ("I need it tomorrow and it hasn't shipped").
        let reason = format!("Urgent ({:.2}) and something is wrong (valence {:.2})", c.s.urgency, c.s.valence);
        out.push(spike("urgent_problem", reason));
    }
}

/// Whitespace collapsed, cut to [`QUOTE_CHARS`] characters with an ellipsis.
fn shorten(s: &str) -> String {
    let collapsed = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= QUOTE_CHARS {
        collapsed
    } else {
        let mut cut: String = collapsed.chars().take(QUOTE_CHARS - 1).collect();
        cut.push('…');
        cut
    }
}
