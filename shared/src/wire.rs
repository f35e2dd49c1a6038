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
}

/// GET /v1/conversations/{id}/messages?after=SEQ
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessagesPage {
    pub status: ConvStatus,
    pub messages: Vec<WireMessage>,
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

/// POST /v1/conversations/{id}/feedback — CSAT 1..5, NPS 0..10.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackRequest {
    pub csat: u8,
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
}

/// POST /v1/inbox/events — answer of the built-in inbox receiver.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventReceipt {
    pub id: String,
    /// True when this event id was received before and the repeat was ignored.
    pub duplicate: bool,
}
