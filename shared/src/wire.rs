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

/// What the widget's bot replied to the previous customer message, so the transcript is whole
/// and the policy can count failed answers.
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
    /// The bot's reply to the previous message, if the widget gave one.
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
