//! The conversation as the widget holds it: plain data and plain methods, no I/O, so the
//! rules (what the bot says, when it stays silent, de-duplication) are testable natively.
use serde::{Deserialize, Serialize};
use tandem_shared::faq::{FaqConfig, FaqIndex, FaqOutcome};
use tandem_shared::policy::{Action, BotOutcome, ConversationState, Decision, PolicyConfig, Tier};
use tandem_shared::wire::{Author, BotReply, ConvStatus, PostMessageRequest, WireMessage};
use tandem_shared::{analyze, Lang};

use crate::i18n::Catalog;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Message,
    /// A system line in the log: handoff, agent joined, deleted…
    Notice,
    /// The bot offers a person (shows a button).
    OfferHuman,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub client_id: String,
    pub author: Author,
    #[serde(default)]
    pub author_name: Option<String>,
    pub text: String,
    /// Server sequence number once the edge stored it.
    #[serde(default)]
    pub seq: Option<u64>,
    #[serde(default)]
    pub link: Option<String>,
    pub kind: Kind,
}

/// A customer message the edge refused for good (4xx other than 429): kept out of the outbox so
/// the queue moves on, shown as "not sent" with the reason, until the visitor retries or removes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rejected {
    pub req: PostMessageRequest,
    /// Catalogue key of the reason shown to the visitor (`not_sent_*`).
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub conversation: Option<(String, String)>,
    pub status: ConvStatus,
    pub tier: Option<Tier>,
    pub entries: Vec<Entry>,
    /// Customer messages not yet acknowledged by the edge, oldest first.
    pub outbox: Vec<PostMessageRequest>,
    pub policy: ConversationState,
    pub last_seq: u64,
    pub agent_joined: Option<String>,
    pub feedback_sent: bool,
    /// The edge's estimate of the wait for a person, in seconds, while waiting (if it gives one).
    #[serde(default)]
    pub expected_wait_s: Option<u32>,
    /// Messages the edge refused for good, oldest first.
    #[serde(default)]
    pub rejected: Vec<Rejected>,
    /// A handoff shown locally that the edge has not confirmed yet: the number in the ids of
    /// its notices (`handoff-N`, `waiting-N`), so a refused handoff can take them back.
    #[serde(default)]
    pub handoff_pending: Option<usize>,
}

impl Default for Session {
    fn default() -> Self {
        Session {
            conversation: None,
            status: ConvStatus::Bot,
            tier: None,
            entries: vec![],
            outbox: vec![],
            policy: ConversationState::default(),
            last_seq: 0,
            agent_joined: None,
            feedback_sent: false,
            expected_wait_s: None,
            rejected: vec![],
            handoff_pending: None,
        }
    }
}

/// What the bot replies to one customer message, decided locally in the browser.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalTurn {
    pub decision: Decision,
    pub lang: Lang,
    pub reply: Option<BotReply>,
}

impl Session {
    pub fn customer_count(&self) -> usize {
        self.entries.iter().filter(|e| e.author == Author::Customer).count()
    }

    pub fn has_entry(&self, client_id: &str) -> bool {
        self.entries.iter().any(|e| e.client_id == client_id)
    }

    pub fn push(&mut self, e: Entry) {
        if !self.has_entry(&e.client_id) {
            self.entries.push(e);
        }
    }

    pub fn notice(&mut self, id: &str, text: String) {
        self.push(Entry { client_id: id.into(), author: Author::System, author_name: None, text, seq: None, link: None, kind: Kind::Notice });
    }

    pub fn is_with_humans(&self) -> bool {
        matches!(self.status, ConvStatus::Waiting | ConvStatus::WithAgent)
    }

    /// A customer message: stored locally, scored in the browser, answered from the knowledge
    /// base while the bot is in charge. After a handoff the bot stays silent (case C07).
    pub fn customer_message(&mut self, client_id: &str, text: &str, faq: Option<&FaqIndex>, cat: &Catalog, bot_name: &str) -> LocalTurn {
        let analysis = analyze(text);
        let decision = self.policy.observe_customer(text, &analysis, &PolicyConfig::default());
        self.push(Entry { client_id: client_id.into(), author: Author::Customer, author_name: None, text: text.into(), seq: None, link: None, kind: Kind::Message });
        let lang = if analysis.lang == Lang::Unknown { cat.lang() } else { analysis.lang };
        let mut reply = None;
        if !self.is_with_humans() {
            match decision.action {
                Action::Escalate(tier) => self.escalate_locally(tier, cat),
                _ => {
                    let (bot, outcome) = self.faq_reply(client_id, text, lang, faq, cat, bot_name);
                    self.policy.observe_bot(outcome);
                    let offer = decision.action == Action::OfferHuman;
                    reply = Some(bot);
                    if offer {
                        self.offer_human(&format!("{client_id}-offer"), cat);
                    }
                }
            }
        }
        let req = PostMessageRequest { client_id: client_id.into(), text: text.into(), bot_reply: reply.clone() };
        if !self.outbox.iter().any(|o| o.client_id == req.client_id) {
            self.outbox.push(req);
        }
        LocalTurn { decision, lang, reply }
    }

    fn faq_reply(&mut self, client_id: &str, text: &str, lang: Lang, faq: Option<&FaqIndex>, cat: &Catalog, bot_name: &str) -> (BotReply, BotOutcome) {
        let id = format!("{client_id}-bot");
        // Below the calibrated threshold the bot says it is unsure instead of guessing.
        let outcome = faq.map(|f| (f, f.answer(text, lang, &FaqConfig::default())));
        let (text, link, article_id, outcome) = match outcome {
            Some((f, FaqOutcome::Confident(m))) => match f.article(&m.article_id) {
                Some(a) => (a.answer.clone(), a.link.clone(), Some(a.id.clone()), BotOutcome::Answered),
                None => (cat.t("unsure"), None, None, BotOutcome::Unsure),
            },
            _ => (cat.t("unsure"), None, None, BotOutcome::Unsure),
        };
        self.push(Entry { client_id: id.clone(), author: Author::Bot, author_name: Some(bot_name.into()), text: text.clone(), seq: None, link, kind: Kind::Message });
        if outcome == BotOutcome::Unsure {
            self.offer_human(&format!("{client_id}-unsure-offer"), cat);
        }
        (BotReply { client_id: id, text, article_id, outcome }, outcome)
    }

    fn offer_human(&mut self, id: &str, cat: &Catalog) {
        let already = self.entries.last().is_some_and(|e| e.kind == Kind::OfferHuman);
        if !already {
            self.push(Entry { client_id: id.into(), author: Author::Bot, author_name: None, text: cat.t("offer_human"), seq: None, link: None, kind: Kind::OfferHuman });
        }
    }

    /// The handoff as the customer sees it; the edge confirms and records it.
    pub fn escalate_locally(&mut self, tier: Tier, cat: &Catalog) {
        if self.is_with_humans() {
            return;
        }
        self.status = ConvStatus::Waiting;
        self.tier = Some(tier);
        let key = if tier == Tier::Specialist { "handoff_specialist" } else { "handoff" };
        let n = self.entries.len();
        self.notice(&format!("handoff-{n}"), cat.t(key));
        self.notice(&format!("waiting-{n}"), cat.t("waiting"));
        self.handoff_pending = Some(n);
    }

    /// The edge refused the handoff for good (unknown site, origin not allowed, conversation
    /// gone…): take back the promise of a person and say honestly that nobody was reached and
    /// what the visitor can do. "Talk to a person" is available again.
    pub fn handoff_failed(&mut self, cat: &Catalog, contact_email: Option<&str>) {
        let Some(n) = self.handoff_pending.take() else { return };
        let (h, w) = (format!("handoff-{n}"), format!("waiting-{n}"));
        self.entries.retain(|e| e.client_id != h && e.client_id != w);
        self.status = ConvStatus::Bot;
        self.tier = None;
        self.expected_wait_s = None;
        let text = match contact_email {
            Some(email) => cat.tf("handoff_failed_email", &[("email", email)]),
            None => cat.t("handoff_failed"),
        };
        let m = self.entries.len();
        self.notice(&format!("handoff-failed-{m}"), text);
    }

    /// The edge refused a message for good: out of the outbox (so later ones are sent), marked
    /// as not sent with the reason's catalogue key.
    pub fn reject(&mut self, client_id: &str, reason: &str) {
        let Some(i) = self.outbox.iter().position(|o| o.client_id == client_id) else { return };
        let req = self.outbox.remove(i);
        self.rejected.retain(|r| r.req.client_id != client_id);
        self.rejected.push(Rejected { req, reason: reason.into() });
    }

    /// Why a message was not sent (catalogue key), if it was refused.
    pub fn rejection(&self, client_id: &str) -> Option<&str> {
        self.rejected.iter().find(|r| r.req.client_id == client_id).map(|r| r.reason.as_str())
    }

    /// The visitor tries a refused message again: back into the outbox under the same client id,
    /// so the edge still stores it at most once (C05).
    pub fn retry(&mut self, client_id: &str) {
        let Some(i) = self.rejected.iter().position(|r| r.req.client_id == client_id) else { return };
        let r = self.rejected.remove(i);
        if r.reason == "not_sent_gone" {
            // The conversation expired or was deleted: the retry starts a new one.
            self.conversation = None;
        }
        if !self.outbox.iter().any(|o| o.client_id == client_id) {
            self.outbox.push(r.req);
        }
    }

    /// The visitor removes a refused message, and the bot's local reply to it, from the log.
    pub fn remove_rejected(&mut self, client_id: &str) {
        self.rejected.retain(|r| r.req.client_id != client_id);
        let prefix = format!("{client_id}-");
        self.entries.retain(|e| e.client_id != client_id && !e.client_id.starts_with(&prefix));
    }

    /// The edge acknowledged a message: drop it from the outbox, note its sequence number.
    pub fn acknowledge(&mut self, msg: &WireMessage, status: ConvStatus, decision: &Decision, cat: &Catalog) {
        self.outbox.retain(|o| o.client_id != msg.client_id);
        if let Some(e) = self.entries.iter_mut().find(|e| e.client_id == msg.client_id) {
            e.seq = Some(msg.seq);
        }
        if let Action::Escalate(tier) = decision.action {
            self.escalate_locally(tier, cat);
        }
        self.set_status(status, cat);
    }

    /// The edge confirmed the conversation is with people: a pending handoff is real now.
    fn confirm_status(&mut self, status: ConvStatus) {
        if matches!(status, ConvStatus::Waiting | ConvStatus::WithAgent | ConvStatus::Resolved) {
            self.handoff_pending = None;
        }
    }

    pub fn set_status(&mut self, status: ConvStatus, cat: &Catalog) {
        self.confirm_status(status);
        if status == self.status {
            return;
        }
        if status == ConvStatus::Resolved {
            let n = self.entries.len();
            self.notice(&format!("resolved-{n}"), cat.t("resolved"));
        }
        // The customer writes again after resolution: a new episode, which may escalate again.
        if status == ConvStatus::Bot && self.status == ConvStatus::Resolved {
            self.policy.start_new_episode();
        }
        if status != ConvStatus::Waiting {
            self.expected_wait_s = None;
        }
        self.status = status;
    }

    /// A new wait estimate from the edge; `None` keeps the last one (the edge only sometimes
    /// knows). Only kept while waiting for a person: it means nothing otherwise.
    pub fn note_wait(&mut self, expected_wait_s: Option<u32>) {
        if expected_wait_s.is_some() && self.status == ConvStatus::Waiting {
            self.expected_wait_s = expected_wait_s;
        }
    }

    /// "The expected wait is about N minutes", while waiting for a person and only when the edge
    /// gave an estimate. Rounded up to whole minutes: promising less than the estimate is worse.
    pub fn wait_text(&self, cat: &Catalog) -> Option<String> {
        let s = self.expected_wait_s.filter(|_| self.status == ConvStatus::Waiting)?;
        let minutes = s.div_ceil(60);
        Some(match minutes {
            0 => cat.t("wait_under_minute"),
            1 if s < 60 => cat.t("wait_under_minute"),
            1 => cat.t("wait_one_minute"),
            n => cat.tf("wait_minutes", &[("n", &n.to_string())]),
        })
    }

    /// Messages from the edge (agent replies, or our own after a reload), de-duplicated by client id.
    pub fn merge(&mut self, msgs: &[WireMessage], cat: &Catalog) {
        for m in msgs {
            self.last_seq = self.last_seq.max(m.seq);
            if let Some(e) = self.entries.iter_mut().find(|e| e.client_id == m.client_id) {
                e.seq = Some(m.seq);
                continue;
            }
            if m.author == Author::Agent {
                let name = m.author_name.clone().unwrap_or_else(|| cat.t("role_agent"));
                if self.agent_joined.as_deref() != Some(name.as_str()) {
                    self.notice(&format!("joined-{}", m.seq), cat.tf("joined", &[("name", &name)]));
                    self.agent_joined = Some(name);
                }
                if self.status == ConvStatus::Waiting {
                    self.status = ConvStatus::WithAgent;
                    self.expected_wait_s = None;
                }
            }
            self.entries.push(Entry {
                client_id: m.client_id.clone(),
                author: m.author,
                author_name: m.author_name.clone(),
                text: m.text.clone(),
                seq: Some(m.seq),
                link: None,
                kind: if m.author == Author::System { Kind::Notice } else { Kind::Message },
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tandem_shared::faq::KnowledgeBase;

    fn kb() -> FaqIndex {
        let kb = KnowledgeBase::from_json(include_str!("../../kb/demo-shop.json")).expect("demo kb parses");
        FaqIndex::new(&kb)
    }

    fn msg(seq: u64, cid: &str, author: Author, text: &str) -> WireMessage {
        WireMessage { seq, client_id: cid.into(), author, author_name: Some("Sanne".into()), text: text.into(), at: 0, article_id: None }
    }

    #[test]
    fn c07_no_bot_reply_after_handoff() {
        let cat = Catalog::new(Lang::Nl, true);
        let mut s = Session::default();
        s.escalate_locally(Tier::Agent, &cat);
        let before = s.entries.iter().filter(|e| e.author == Author::Bot).count();
        let t1 = s.customer_message("a", "hallo?", Some(&kb()), &cat, "Tandem");
        let t2 = s.customer_message("b", "wat zijn jullie openingstijden", Some(&kb()), &cat, "Tandem");
        assert!(t1.reply.is_none() && t2.reply.is_none());
        assert_eq!(s.entries.iter().filter(|e| e.author == Author::Bot).count(), before);
        assert_eq!(s.outbox.len(), 2, "both messages still go to the inbox");
        let notices = s.entries.iter().filter(|e| e.kind == Kind::Notice).count();
        s.escalate_locally(Tier::Agent, &cat);
        assert_eq!(s.entries.iter().filter(|e| e.kind == Kind::Notice).count(), notices, "no second handoff");
    }

    #[test]
    fn c05_same_client_id_is_never_duplicated() {
        let cat = Catalog::new(Lang::En, true);
        let mut s = Session::default();
        s.customer_message("m1", "hello", None, &cat, "Tandem");
        s.customer_message("m1", "hello", None, &cat, "Tandem");
        s.merge(&[msg(1, "m1", Author::Customer, "hello"), msg(1, "m1", Author::Customer, "hello")], &cat);
        assert_eq!(s.customer_count(), 1);
        assert_eq!(s.outbox.len(), 1);
    }

    #[test]
    fn unsure_answer_offers_a_person() {
        let cat = Catalog::new(Lang::En, true);
        let mut s = Session::default();
        let t = s.customer_message("q", "zxqv blorp", Some(&kb()), &cat, "Tandem");
        assert_eq!(t.reply.map(|r| r.outcome), Some(BotOutcome::Unsure));
        assert!(s.entries.iter().any(|e| e.kind == Kind::OfferHuman));
    }

    #[test]
    fn expected_wait_is_shown_while_waiting_in_the_visitors_language() {
        let mut s = Session::default();
        let en = Catalog::new(Lang::En, true);
        s.note_wait(Some(240));
        assert_eq!(s.wait_text(&en), None, "no wait shown while the bot is in charge");
        s.escalate_locally(Tier::Agent, &en);
        assert_eq!(s.wait_text(&en), None, "no estimate from the edge: nothing is promised");
        s.note_wait(Some(241));
        assert!(s.wait_text(&en).is_some_and(|t| t.contains("about 5 minutes")), "{:?}", s.wait_text(&en));
        s.note_wait(None);
        assert!(s.wait_text(&en).is_some_and(|t| t.contains("5 minutes")), "a missing estimate keeps the last one");
        s.note_wait(Some(45));
        assert!(s.wait_text(&en).is_some_and(|t| t.contains("less than a minute")));
        s.note_wait(Some(60));
        assert!(s.wait_text(&en).is_some_and(|t| t.contains("1 minute")));
        s.note_wait(Some(600));
        assert!(s.wait_text(&Catalog::new(Lang::Nl, true)).is_some_and(|t| t.contains("10 minuten") && t.starts_with("U ")), "{:?}", s.wait_text(&Catalog::new(Lang::Nl, true)));
        assert!(s.wait_text(&Catalog::new(Lang::Nl, false)).is_some_and(|t| t.contains("10 minuten") && t.starts_with("Je ")));
        s.merge(&[msg(5, "r1", Author::Agent, "Hi, Sanne here")], &en);
        assert_eq!(s.wait_text(&en), None, "the wait ends when a person joins");
        assert_eq!(s.expected_wait_s, None);
    }

    #[test]
    fn a_refused_handoff_takes_back_the_promise_of_a_person() {
        let cat = Catalog::new(Lang::En, true);
        let mut s = Session::default();
        s.escalate_locally(Tier::Agent, &cat);
        assert!(s.entries.iter().any(|e| e.text == cat.t("waiting")));
        s.handoff_failed(&cat, Some("help@shop.example"));
        assert!(!s.is_with_humans(), "Talk to a person is available again");
        assert!(!s.entries.iter().any(|e| e.text == cat.t("waiting") || e.text == cat.t("handoff")), "no person is promised");
        assert!(s.entries.last().is_some_and(|e| e.text.contains("could not reach") && e.text.contains("help@shop.example")));
        let n = s.entries.len();
        s.handoff_failed(&cat, None);
        assert_eq!(s.entries.len(), n, "once per handoff");
        // A confirmed handoff is not taken back.
        s.escalate_locally(Tier::Agent, &cat);
        s.set_status(ConvStatus::Waiting, &cat);
        s.handoff_failed(&cat, None);
        assert!(s.is_with_humans());
    }

    #[test]
    fn a_refused_message_is_kept_for_retry_or_removal() {
        let cat = Catalog::new(Lang::En, true);
        let mut s = Session::default();
        s.customer_message("m1", "hello", None, &cat, "Tandem");
        s.customer_message("m2", "again", None, &cat, "Tandem");
        s.reject("m1", "not_sent_refused");
        assert_eq!(s.outbox.iter().map(|o| o.client_id.as_str()).collect::<Vec<_>>(), ["m2"], "the queue moves on");
        assert_eq!(s.rejection("m1"), Some("not_sent_refused"));
        s.retry("m1");
        s.retry("m1");
        assert_eq!(s.rejection("m1"), None);
        assert_eq!(s.outbox.iter().filter(|o| o.client_id == "m1").count(), 1, "same client id, queued once");
        s.reject("m1", "not_sent_too_long");
        s.remove_rejected("m1");
        assert!(!s.has_entry("m1") && !s.has_entry("m1-bot") && s.rejection("m1").is_none());
        assert!(s.has_entry("m2"));
    }

    #[test]
    fn agent_reply_marks_the_join_once() {
        let cat = Catalog::new(Lang::En, true);
        let mut s = Session::default();
        s.escalate_locally(Tier::Agent, &cat);
        s.merge(&[msg(3, "r1", Author::Agent, "Hi, Sanne here"), msg(4, "r2", Author::Agent, "Let me check")], &cat);
        assert_eq!(s.status, ConvStatus::WithAgent);
        assert_eq!(s.entries.iter().filter(|e| e.text.contains("has joined")).count(), 1);
        assert_eq!(s.last_seq, 4);
    }
}
