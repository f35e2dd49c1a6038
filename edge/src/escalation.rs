//! Building the escalation event: the whole context a person needs, so the customer never
//! repeats themselves.
use tandem_shared::{
    policy::{Decision, Tier},
    wire::{Author, EscalationEvent, TrajectoryPoint, WireMessage},
    Analysis, Intent, Lang,
};
use worker::D1Database;

use crate::error::EdgeResult;
use crate::store::{self, ConvRow, MessageRow};

/// How many customer sentences the summary keeps.
pub const SUMMARY_SENTENCES: usize = 3;

/// The decision as the log keeps it: reasons may quote the customer, so they are redacted too.
pub fn redacted(d: &Decision) -> Decision {
    Decision { reasons: d.reasons.iter().map(|r| crate::redact::redact(r)).collect(), ..d.clone() }
}

pub fn trajectory(rows: &[MessageRow]) -> Vec<TrajectoryPoint> {
    rows.iter()
        .filter(|r| r.author == Author::Customer)
        .map(|r| TrajectoryPoint {
            seq: r.seq,
            valence: r.valence.unwrap_or(0.0) as f32,
            frustration: r.frustration.unwrap_or(0.0) as f32,
        })
        .collect()
}

pub fn summary(transcript: &[WireMessage]) -> Vec<String> {
    crate::summary::summarize(
        transcript.iter().filter(|m| m.author == Author::Customer).map(|m| m.text.as_str()),
        SUMMARY_SENTENCES,
    )
}

#[allow(clippy::too_many_arguments)]
pub async fn build_event(
    db: &D1Database,
    conv: &ConvRow,
    id: &str,
    tier: Tier,
    decision: &Decision,
    intents: &[Intent],
    lang: Lang,
    pending: &[WireMessage],
    current: Option<(u64, &Analysis)>,
    now: i64,
) -> EdgeResult<EscalationEvent> {
    let rows = store::messages_after(db, &conv.id, 0, 10_000).await?;
    let mut transcript: Vec<WireMessage> = rows.iter().map(MessageRow::wire).collect();
    transcript.extend(pending.iter().cloned());
    let mut traj = trajectory(&rows);
    if let Some((seq, a)) = current {
        traj.push(TrajectoryPoint { seq, valence: a.valence, frustration: a.tone.frustration });
    }
    Ok(EscalationEvent {
        id: id.to_string(),
        conversation_id: conv.id.clone(),
        site: conv.site.clone(),
        tier,
        rule: decision.rule.clone(),
        reasons: decision.reasons.clone(),
        intents: intents.to_vec(),
        trajectory: traj,
        summary: summary(&transcript),
        transcript,
        lang,
        link: format!("/v1/inbox/conversations/{}", conv.id),
        created_at: now,
    })
}
