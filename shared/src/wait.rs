//! The expected wait for a person, estimated from the recent past (issue 4 point 5).
//!
//! Pure arithmetic; the edge gathers the inputs in one query (edge/src/conversations.rs) and the
//! widget shows the result while the conversation waits. The estimate is deliberately simple so
//! a site owner can check it by hand: the conversations ahead in the queue plus this one, each
//! taking the median time-to-first-human-reply of recent escalations, shared by the agents who
//! are active now.

/// Fewer recent first replies than this and the median means little: no estimate.
pub const MIN_SAMPLES: usize = 3;

/// What the edge knows at the moment a conversation waits.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WaitInputs {
    /// Waiting conversations the inbox shows before this one (same queue, more urgent or older).
    pub ahead: u32,
    /// Time from escalation to the first reply of a person, in ms, for recent escalations.
    pub first_reply_ms: Vec<u64>,
    /// Distinct agents active recently (0 counts as 1: someone answered those samples).
    pub active_agents: u32,
}

/// The median of `v` in ms (the mean of the two middle values for an even count).
fn median_ms(v: &[u64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let mut v = v.to_vec();
    v.sort_unstable();
    let m = v.len() / 2;
    Some(if v.len().is_multiple_of(2) { (v[m - 1] as f64 + v[m] as f64) / 2.0 } else { v[m] as f64 })
}

/// `(ahead + 1) × median first reply ÷ max(1, active agents)`, rounded up to whole minutes and
/// given in seconds (a wait is never shown more precisely than "about N minutes"; at least one
/// minute). `None` with fewer than [`MIN_SAMPLES`] first replies.
pub fn expected_wait_s(inputs: &WaitInputs) -> Option<u32> {
    if inputs.first_reply_ms.len() < MIN_SAMPLES {
        return None;
    }
    let median = median_ms(&inputs.first_reply_ms)?;
    let total_ms = (inputs.ahead as f64 + 1.0) * median / inputs.active_agents.max(1) as f64;
    let minutes = (total_ms / 60_000.0).ceil().max(1.0);
    Some((minutes * 60.0).min(u32::MAX as f64) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: u64 = 60_000;

    fn w(ahead: u32, first_reply_ms: &[u64], active_agents: u32) -> Option<u32> {
        expected_wait_s(&WaitInputs { ahead, first_reply_ms: first_reply_ms.to_vec(), active_agents })
    }

    #[test]
    fn too_few_samples_give_no_estimate() {
        assert_eq!(w(0, &[], 1), None);
        assert_eq!(w(5, &[4 * MIN, 6 * MIN], 2), None);
    }

    #[test]
    fn queue_times_median_shared_by_agents() {
        // Median of 4, 6, 10 min is 6 min; two ahead + this one = 3 × 6 = 18 min; 2 agents: 9 min.
        assert_eq!(w(2, &[10 * MIN, 4 * MIN, 6 * MIN], 2), Some(9 * 60));
        // Nobody ahead, one agent: the median itself.
        assert_eq!(w(0, &[10 * MIN, 4 * MIN, 6 * MIN], 1), Some(6 * 60));
        // One ahead, 3 agents: 2 × 6 / 3 = 4 min.
        assert_eq!(w(1, &[10 * MIN, 4 * MIN, 6 * MIN], 3), Some(4 * 60));
    }

    #[test]
    fn even_sample_count_uses_the_mean_of_the_middle_two() {
        // 2, 3, 5, 20 min: median (3 + 5) / 2 = 4 min.
        assert_eq!(w(0, &[20 * MIN, 2 * MIN, 5 * MIN, 3 * MIN], 1), Some(4 * 60));
    }

    #[test]
    fn rounds_up_to_whole_minutes_and_at_least_one() {
        // Median 90 s, 1 ahead, 1 agent: 180 s exactly = 3 min.
        assert_eq!(w(1, &[90_000, 80_000, 100_000], 1), Some(180));
        // Median 70 s alone: 1 min 10 s rounds up to 2 min.
        assert_eq!(w(0, &[70_000, 10_000, 200_000], 1), Some(120));
        // Replies within seconds: still "about a minute", never 0.
        assert_eq!(w(0, &[300, 500, 800], 4), Some(60));
    }

    #[test]
    fn no_active_agent_counts_as_one() {
        assert_eq!(w(1, &[4 * MIN, 6 * MIN, 10 * MIN], 0), w(1, &[4 * MIN, 6 * MIN, 10 * MIN], 1));
    }

    #[test]
    fn huge_values_saturate() {
        assert_eq!(w(u32::MAX, &[u64::MAX / 4; 3], 1), Some(u32::MAX));
    }
}
