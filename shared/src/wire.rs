//! The only types that cross the network between widget, edge and inbox.
//! A boundary contract: field names are the JSON API (v1); change them only with a new version.
use serde::{Deserialize, Serialize};

use crate::lang::Lang;
use crate::policy::{BotOutcome, Decision, Tier};

pub const API_VERSION: &str = "v1";
/// Longest customer message accepted, in bytes of UTF-8.
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024;
/// Longest client id (messages and conversations), in bytes.
pub const MAX_ID_BYTES: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Author {
    Customer,
    Bot,
    Agent,
    System,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConvStatus {
    /// The bot answers.
    Bot,
    /// Escalated, waiting for a person.
    Waiting,
    /// A person has joined.
    WithAgent,
    Resolved,
}

impl ConvStatus {
    pub const ALL: [ConvStatus; 4] = [ConvStatus::Bot, ConvStatus::Waiting, ConvStatus::WithAgent, ConvStatus::Resolved];

    /// The wire name (serde's), for query strings: the long-poll's `status=`.
    pub fn code(self) -> &'static str {
        match self {
            ConvStatus::Bot => "bot",
            ConvStatus::Waiting => "waiting",
            ConvStatus::WithAgent => "with_agent",
            ConvStatus::Resolved => "resolved",
        }
    }

    pub fn from_code(code: &str) -> Option<ConvStatus> {
        ConvStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WireMessage {
    /// Server-assigned, monotonically increasing within a conversation.
    pub seq: u64,
    /// The client's id for this message: retries with the same id are de-duplicated.
    pub client_id: String,
    pub author: Author,
    /// Display name of a person (agent) or the persona (bot).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_name: Option<String>,
    pub text: String,
    /// Milliseconds since the Unix epoch, server time.
    pub at: i64,
    /// The knowledge-base article a bot answer came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article_id: Option<String>,
}

/// POST /v1/conversations — start a conversation, or resume one the visitor holds a token for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartRequest {
    pub site: String,
    #[serde(default)]
    pub lang: Option<Lang>,
    /// Resume: the conversation id and its token, as returned earlier.
    #[serde(default)]
    pub conversation_id: Option<String>,
    #[serde(default)]
    pub token: Option<String>,
}

/// A conversation as the customer may see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversationView {
    pub id: String,
    /// Secret that proves this visitor owns the conversation (sent as `Authorization: Bearer`).
    pub token: String,
    pub status: ConvStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<Tier>,
    pub messages: Vec<WireMessage>,
}

/// The automated answer the widget showed for THIS customer message (computed in the browser
/// from the knowledge base), sent along so the transcript is whole and the policy can count
/// failed answers. The edge stores it right after the customer message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BotReply {
    pub client_id: String,
    pub text: String,
    #[serde(default)]
    pub article_id: Option<String>,
    pub outcome: BotOutcome,
}

/// POST /v1/conversations/{id}/messages
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostMessageRequest {
    pub client_id: String,
    pub text: String,
    /// The widget's automated answer to this message, if it gave one.
    #[serde(default)]
    pub bot_reply: Option<BotReply>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostMessageResponse {
    pub message: WireMessage,
    /// The edge's own decision (the client's score is never trusted).
    pub decision: Decision,
    pub status: ConvStatus,
    /// True when this client id was seen before: nothing new was stored.
    pub duplicate: bool,
    /// The edge's estimate of the wait for a person, in seconds, while `status` is `waiting`;
    /// absent when it cannot tell (too few recent first replies, nobody online, outside hours).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_wait_s: Option<u32>,
}

/// GET /v1/conversations/{id}/messages?after=SEQ
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessagesPage {
    pub status: ConvStatus,
    pub messages: Vec<WireMessage>,
    /// The edge's estimate of the wait for a person, in seconds, while `status` is `waiting`;
    /// absent when it cannot tell (too few recent first replies, nobody online, outside hours).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_wait_s: Option<u32>,
}

/// Every error body: a stable code and a message a person can act on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

// ---------------------------------------------------------------------------------------------
// Edge ↔ inbox/webhook contract (appended by the edge; v1). Used by the built-in inbox, the
// webhook receivers and the agent tools.
// ---------------------------------------------------------------------------------------------

use crate::analysis::Intent;

/// GET /v1/health
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthResponse {
    pub ok: bool,
    pub api: String,
    pub policy_version: String,
}

/// POST /v1/conversations/{id}/feedback — CSAT 1..5 and/or NPS 0..10 (at least one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackRequest {
    #[serde(default)]
    pub csat: Option<u8>,
    #[serde(default)]
    pub nps: Option<u8>,
    #[serde(default)]
    pub comment: Option<String>,
}

/// One point of the sentiment trajectory: one customer message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrajectoryPoint {
    pub seq: u64,
    pub valence: f32,
    pub frustration: f32,
}

/// The escalation event: stored durably first, then delivered to the inbox and each webhook
/// (the `webhook-id` header is `id`, the same on every retry).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EscalationEvent {
    /// Unique per escalation; receivers de-duplicate on it.
    pub id: String,
    pub conversation_id: String,
    pub site: String,
    pub tier: Tier,
    /// The policy rule that escalated, e.g. `explicit_human_request`.
    pub rule: String,
    pub reasons: Vec<String>,
    pub intents: Vec<Intent>,
    pub trajectory: Vec<TrajectoryPoint>,
    /// The most informative customer sentences, in conversation order.
    pub summary: Vec<String>,
    pub transcript: Vec<WireMessage>,
    pub lang: Lang,
    /// Where an agent opens the conversation (path of the inbox API on the edge).
    pub link: String,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
}

/// One row of GET /v1/inbox/conversations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxItem {
    pub conversation_id: String,
    pub event_id: String,
    pub site: String,
    pub status: ConvStatus,
    pub tier: Tier,
    /// Highest urgency seen in the conversation, in [0, 1]; the list is ordered by it.
    pub urgency: f32,
    pub lang: Lang,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    pub escalated_at: i64,
    pub summary: Vec<String>,
}

/// GET /v1/inbox/conversations?site=…
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxList {
    pub items: Vec<InboxItem>,
}

/// GET /v1/inbox/conversations/{id} — everything an agent needs, so the customer never repeats.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxConversation {
    pub id: String,
    pub site: String,
    pub status: ConvStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<Tier>,
    pub lang: Lang,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    pub transcript: Vec<WireMessage>,
    pub trajectory: Vec<TrajectoryPoint>,
    pub intents: Vec<Intent>,
    pub reasons: Vec<String>,
    pub summary: Vec<String>,
}

/// POST /v1/inbox/conversations/{id}/claim
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimRequest {
    pub agent: String,
}

/// POST /v1/inbox/conversations/{id}/reply
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentReplyRequest {
    pub client_id: String,
    pub text: String,
    pub agent: String,
}

/// POST /v1/inbox/conversations/{id}/reply — the stored message (duplicate when the client id
/// was seen before).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentReplyResponse {
    pub message: WireMessage,
    pub status: ConvStatus,
    pub duplicate: bool,
}

/// One decision-log record (GET /v1/inbox/decisions, one line of decisions.jsonl).
/// `text` is the customer's message with PII redacted; `None` once the conversation is deleted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionRecord {
    pub conversation_id: String,
    pub site: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
    pub at: i64,
    pub lang: Lang,
    #[serde(default)]
    pub text: Option<String>,
    pub intents: Vec<Intent>,
    pub decision: Decision,
    /// True when the conversation was deleted and only this stub is kept.
    #[serde(default)]
    pub redacted_stub: bool,
}

/// GET /v1/inbox/decisions?conversation=ID
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionList {
    pub decisions: Vec<DecisionRecord>,
}

/// POST /v1/conversations/{id}/handoff — `decision` is `None` when the conversation was already
/// escalated (nothing new happened).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandoffResponse {
    pub status: ConvStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<Tier>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    /// The edge's estimate of the wait for a person, in seconds, while `status` is `waiting`;
    /// absent when it cannot tell (too few recent first replies, nobody online, outside hours).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_wait_s: Option<u32>,
}

/// POST /v1/inbox/events — answer of the built-in inbox receiver.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventReceipt {
    pub id: String,
    /// True when this event id was received before and the repeat was ignored.
    pub duplicate: bool,
}

// ---------------------------------------------------------------------------------------------
// Agent inbox page: suggestions, specialist handoff, KPIs (appended by the inbox; v1).
// ---------------------------------------------------------------------------------------------

/// GET /v1/inbox/me — who the edge thinks the caller is, and how they signed in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentIdentity {
    /// The agent's name or e-mail (from Cloudflare Access), if the edge knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// `token` or `cloudflare_access`.
    pub mode: String,
    /// The sites this agent may see (all configured sites unless restricted).
    pub sites: Vec<String>,
}

/// POST /v1/inbox/conversations/{id}/transfer — hand to a specialist with a note for them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    pub agent: String,
    pub note: String,
}

/// A knowledge-base article that matches the conversation, with why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuggestedArticle {
    pub article_id: String,
    pub question: String,
    pub answer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    pub confidence: f32,
}

/// A reply the agent may edit and send; nothing is sent on their behalf.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuggestedReply {
    pub text: String,
    /// Why this reply: the signals and catalogue entries it was built from.
    pub reasons: Vec<String>,
    /// The article its next step comes from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article_id: Option<String>,
}

/// GET /v1/inbox/conversations/{id}/suggestions[?q=draft]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestions {
    pub lang: Lang,
    pub formal: bool,
    /// The text the articles were searched with.
    pub query: String,
    pub articles: Vec<SuggestedArticle>,
    pub replies: Vec<SuggestedReply>,
}

/// KPIs of one period (a day, a week, or the whole range). Rates in [0, 1], times in ms,
/// `None` when nothing was measured.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct KpiRow {
    /// First day of the period (UTC, YYYY-MM-DD); the range start for the total.
    pub start: String,
    /// Conversations started in the period in which the customer wrote at least once.
    pub conversations: u32,
    /// Never handed to a person.
    pub self_service: u32,
    pub self_service_share: Option<f64>,
    /// Self-service, or handed to a person once and resolved without a transfer or re-opening.
    pub first_contact_resolved: u32,
    pub first_contact_resolution: Option<f64>,
    /// Conversations handed to a person at least once.
    pub escalated: u32,
    /// Escalated conversations resolved by a person.
    pub resolved: u32,
    /// Handoffs: escalations plus transfers to a specialist.
    pub handoffs: u32,
    pub csat_mean: Option<f64>,
    /// Answers with 1, 2, 3, 4, 5 stars.
    pub csat_distribution: [u32; 5],
    /// Promoters (9–10) minus detractors (0–6), in percent of the answers (−100..100).
    pub nps: Option<f64>,
    pub nps_answers: u32,
    /// Mean over escalated conversations of the mean customer valence up to the escalation.
    pub sentiment_before: Option<f64>,
    /// The same after the escalation.
    pub sentiment_after: Option<f64>,
    /// Per-conversation means in five bins: [-1,-0.6), [-0.6,-0.2), [-0.2,0.2], (0.2,0.6], (0.6,1].
    pub sentiment_before_distribution: [u32; 5],
    pub sentiment_after_distribution: [u32; 5],
    pub first_reply_mean_ms: Option<f64>,
    pub first_reply_median_ms: Option<f64>,
    pub resolution_mean_ms: Option<f64>,
    pub resolution_median_ms: Option<f64>,
}

/// GET /v1/inbox/kpis?site=&from=&to=&bucket=day|week
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiReport {
    pub site: String,
    /// Milliseconds since the Unix epoch; `to` is exclusive.
    pub from: i64,
    pub to: i64,
    /// `day` or `week` (ISO weeks, starting Monday, UTC).
    pub bucket: String,
    pub total: KpiRow,
    pub buckets: Vec<KpiRow>,
}

/// One webhook delivery that used up every attempt (GET /v1/inbox/dead-letters).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeadLetter {
    pub event_id: String,
    pub url: String,
    pub attempts: u32,
    #[serde(default)]
    pub last_error: Option<String>,
    pub at: i64,
}

/// GET /v1/inbox/dead-letters
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeadLetterList {
    pub dead_letters: Vec<DeadLetter>,
}

#[cfg(test)]
mod tests {
    use super::ConvStatus;

    /// `code` is what serde writes, so a status read from JSON and one read from a query
    /// string (`from_code`) are the same thing.
    #[test]
    fn status_codes_are_the_serde_names() {
        for s in ConvStatus::ALL {
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{}\"", s.code()));
            assert_eq!(ConvStatus::from_code(s.code()), Some(s));
        }
        assert_eq!(ConvStatus::from_code("done"), None);
    }
}
