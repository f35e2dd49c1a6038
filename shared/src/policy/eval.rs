//! Scoring the policy (with an analyzer) on labelled data; pure, text in, metrics out.
//!
//! Formats (documented in `shared/data/eval/README.md`):
//! - messages: `id\tlang\texpected\ttext`, one first-turn message a line;
//! - conversations: `conv_id\tturn\tlang\ttext`, customer turns numbered from 1; a row whose
//!   text is `[bot:unsure]` (or `[bot:answered]`) reports the bot's answer to that turn;
//!   a turn without a marker counts as answered;
//! - expectations: `conv_id\texpected_turn\texpected_tier` (`0` and `none` for never).
//!
//! Blank lines and lines starting with `#` are skipped; a first line starting with `id\t`
//! or `conv_id\t` is a header. The CLI calls [`evaluate`] (`tandem eval --escalation`).
use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use super::{Action, BotOutcome, ConversationState, PolicyConfig, Tier};
use crate::analysis::Analysis;
use crate::lang::Lang;

/// One labelled first-turn message.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageCase {
    pub id: String,
    pub lang: Lang,
    pub expected: Action,
    pub text: String,
}

/// One row of a conversation, after parsing.
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    Customer { turn: u32, lang: Lang, text: String },
    Bot { turn: u32, outcome: BotOutcome },
}

/// A whole conversation with the turn where a good supervisor would step in.
#[derive(Debug, Clone, PartialEq)]
pub struct ConversationCase {
    pub id: String,
    pub rows: Vec<Row>,
    /// 0: never.
    pub expected_turn: u32,
    pub expected_tier: Option<Tier>,
}

/// A data file problem, with its line (1-based).
#[derive(Debug, Clone, PartialEq)]
pub struct EvalError {
    pub file: &'static str,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} line {}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for EvalError {}

/// A message where the policy disagreed with the label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mismatch {
    pub id: String,
    pub expected: &'static str,
    pub got: &'static str,
    pub rule: String,
}

/// Scores on single messages. Escalation precision/recall treat both tiers as "escalate";
/// tier accuracy is over messages both labelled and decided as escalations. Undefined
/// ratios (nothing to divide by) are reported as 0.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MessageMetrics {
    pub total: usize,
    /// Exact agreement on the four labels.
    pub accuracy: f64,
    pub escalate_precision: f64,
    pub escalate_recall: f64,
    pub escalate_f1: f64,
    pub tier_accuracy: f64,
    /// Rows: expected; columns: decided; order continue, offer_human, escalate_agent, escalate_specialist.
    pub confusion: [[usize; 4]; 4],
    pub by_lang: BTreeMap<String, LangScore>,
    pub mismatches: Vec<Mismatch>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LangScore {
    pub total: usize,
    pub correct: usize,
}

/// Scores on whole conversations: when the first escalation came versus the label.
/// "Early"/"late" are in customer turns, over conversations both expected and decided to
/// escalate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConversationMetrics {
    pub total: usize,
    pub expected_escalations: usize,
    /// Escalated at exactly the expected turn.
    pub on_time: usize,
    pub early: usize,
    pub late: usize,
    pub mean_turns_early: f64,
    pub median_turns_early: f64,
    pub mean_turns_late: f64,
    pub median_turns_late: f64,
    /// Mean of (decided − expected) turn over hits; negative is early.
    pub mean_offset: f64,
    /// Expected an escalation, none came.
    pub missed: usize,
    /// No escalation expected, one came.
    pub false_alarms: usize,
    /// No escalation expected, none came.
    pub correct_never: usize,
    /// The tier the episode ended with matches the label, over hits.
    pub tier_accuracy: f64,
    pub details: Vec<ConversationOutcome>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConversationOutcome {
    pub id: String,
    pub expected_turn: u32,
    pub expected_tier: Option<Tier>,
    pub decided_turn: u32,
    pub decided_tier: Option<Tier>,
    pub rule: String,
}

/// Both reports together.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EscalationReport {
    pub policy_version: &'static str,
    pub messages: MessageMetrics,
    pub conversations: ConversationMetrics,
}

/// Parses all three files and scores the policy with `analyze` (usually [`crate::analyze`]).
pub fn evaluate(
    messages_tsv: &str,
    conversations_tsv: &str,
    expected_tsv: &str,
    cfg: &PolicyConfig,
    analyze: &dyn Fn(&str) -> Analysis,
) -> Result<EscalationReport, EvalError> {
    let messages = parse_messages(messages_tsv)?;
    let conversations = parse_conversations(conversations_tsv, expected_tsv)?;
    Ok(EscalationReport {
        policy_version: super::POLICY_VERSION,
        messages: evaluate_messages(&messages, cfg, analyze),
        conversations: evaluate_conversations(&conversations, cfg, analyze),
    })
}

/// Each message as the first turn of a fresh conversation.
pub fn evaluate_messages(cases: &[MessageCase], cfg: &PolicyConfig, analyze: &dyn Fn(&str) -> Analysis) -> MessageMetrics {
    let mut confusion = [[0usize; 4]; 4];
    let mut by_lang: BTreeMap<String, LangScore> = BTreeMap::new();
    let mut mismatches = Vec::new();
    for case in cases {
        let mut state = ConversationState::default();
        let d = state.observe_customer(&case.text, &analyze(&case.text), cfg);
        confusion[index(case.expected)][index(d.action)] += 1;
        let score = by_lang.entry(case.lang.code().to_string()).or_default();
        score.total += 1;
        if d.action == case.expected {
            score.correct += 1;
        } else {
            mismatches.push(Mismatch { id: case.id.clone(), expected: case.expected.label(), got: d.action.label(), rule: d.rule });
        }
    }
    let correct: usize = (0..4).map(|i| confusion[i][i]).sum();
    let esc = 2..4;
    let tp: usize = esc.clone().flat_map(|i| esc.clone().map(move |j| (i, j))).map(|(i, j)| confusion[i][j]).sum();
    let predicted: usize = (0..4).flat_map(|i| esc.clone().map(move |j| (i, j))).map(|(i, j)| confusion[i][j]).sum();
    let actual: usize = esc.clone().flat_map(|i| (0..4).map(move |j| (i, j))).map(|(i, j)| confusion[i][j]).sum();
    let precision = ratio(tp, predicted);
    let recall = ratio(tp, actual);
    MessageMetrics {
        total: cases.len(),
        accuracy: ratio(correct, cases.len()),
        escalate_precision: precision,
        escalate_recall: recall,
        escalate_f1: if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 },
        tier_accuracy: ratio(confusion[2][2] + confusion[3][3], tp),
        confusion,
        by_lang,
        mismatches,
    }
}

/// Replays each conversation through one state and compares its first escalation.
pub fn evaluate_conversations(
    cases: &[ConversationCase],
    cfg: &PolicyConfig,
    analyze: &dyn Fn(&str) -> Analysis,
) -> ConversationMetrics {
    let mut details = Vec::new();
    let (mut early, mut late, mut offsets) = (Vec::new(), Vec::new(), Vec::new());
    let (mut on_time, mut missed, mut false_alarms, mut correct_never, mut tier_hits) = (0, 0, 0, 0, 0);
    for case in cases {
        let (decided_turn, decided_tier, rule) = replay(case, cfg, analyze);
        match (case.expected_turn, decided_turn) {
            (0, 0) => correct_never += 1,
            (0, _) => false_alarms += 1,
            (_, 0) => missed += 1,
            (want, got) => {
                let offset = f64::from(got) - f64::from(want);
                offsets.push(offset);
                if offset < 0.0 {
                    early.push(-offset);
                } else if offset > 0.0 {
                    late.push(offset);
                } else {
                    on_time += 1;
                }
                if decided_tier == case.expected_tier {
                    tier_hits += 1;
                }
            }
        }
        details.push(ConversationOutcome {
            id: case.id.clone(),
            expected_turn: case.expected_turn,
            expected_tier: case.expected_tier,
            decided_turn,
            decided_tier,
            rule,
        });
    }
    ConversationMetrics {
        total: cases.len(),
        expected_escalations: cases.iter().filter(|c| c.expected_turn > 0).count(),
        on_time,
        early: early.len(),
        late: late.len(),
        mean_turns_early: mean(&early),
        median_turns_early: median(&mut early),
        mean_turns_late: mean(&late),
        median_turns_late: median(&mut late),
        mean_offset: mean(&offsets),
        missed,
        false_alarms,
        correct_never,
        tier_accuracy: ratio(tier_hits, offsets.len()),
        details,
    }
}

/// The first escalation's turn (0: none), the tier the episode ends with (an agent episode
/// may be upgraded to a specialist later) and the first escalation's rule. Like the edge, the bot's
/// outcome for a customer turn is observed before that turn (the widget sends its answer
/// along with the message); a turn without a marker counts as answered.
fn replay(case: &ConversationCase, cfg: &PolicyConfig, analyze: &dyn Fn(&str) -> Analysis) -> (u32, Option<Tier>, String) {
    let mut state = ConversationState::default();
    let mut first: Option<(u32, String)> = None;
    for (i, row) in case.rows.iter().enumerate() {
        let Row::Customer { turn, text, .. } = row else { continue };
        let outcome = match case.rows.get(i + 1) {
            Some(Row::Bot { outcome, .. }) => *outcome,
            _ => BotOutcome::Answered,
        };
        state.observe_bot(outcome);
        let d = state.observe_customer(text, &analyze(text), cfg);
        if matches!(d.action, Action::Escalate(_)) && first.is_none() {
            first = Some((*turn, d.rule));
        }
    }
    match first {
        Some((turn, rule)) => (turn, state.escalated, rule),
        None => (0, None, String::new()),
    }
}

/// One customer turn of a replayed conversation: what the analyzer saw and what the policy
/// decided, for explaining a miss (`policy_eval` prints it for every missed or late case).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TurnTrace {
    pub turn: u32,
    pub text: String,
    /// The bot's answer to this turn, as fed to the policy before the decision.
    pub bot: BotOutcome,
    /// Intents the analyzer found, as `name:confidence`.
    pub intents: Vec<String>,
    pub decision: super::Decision,
    /// State after the turn: valence and frustration trends, repeats, failed answers.
    pub valence_trend: f32,
    pub frustration_trend: f32,
    pub repeats: u32,
    pub failed_answers: u32,
}

/// Replays one conversation like [`evaluate_conversations`] does, keeping every turn.
pub fn trace(case: &ConversationCase, cfg: &PolicyConfig, analyze: &dyn Fn(&str) -> Analysis) -> Vec<TurnTrace> {
    let mut state = ConversationState::default();
    let mut out = Vec::new();
    for (i, row) in case.rows.iter().enumerate() {
        let Row::Customer { turn, text, .. } = row else { continue };
        let bot = match case.rows.get(i + 1) {
            Some(Row::Bot { outcome, .. }) => *outcome,
            _ => BotOutcome::Answered,
        };
        state.observe_bot(bot);
        let analysis = analyze(text);
        let decision = state.observe_customer(text, &analysis, cfg);
        out.push(TurnTrace {
            turn: *turn,
            text: text.clone(),
            bot,
            intents: analysis.intents.iter().map(|h| format!("{:?}:{:.2}", h.intent, h.confidence)).collect(),
            decision,
            valence_trend: state.valence_trend,
            frustration_trend: state.frustration_trend,
            repeats: state.repeats,
            failed_answers: state.failed_answers,
        });
    }
    out
}

impl fmt::Display for TurnTrace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.decision;
        writeln!(
            f,
            "    t{} {:?} | val {:.2} fru {:.2} unc {:.2} urg {:.2} | trend val {:.2} fru {:.2} | repeats {} failed {} | intents [{}]",
            self.turn, self.text, d.valence, d.frustration, d.uncertainty, d.urgency, self.valence_trend,
            self.frustration_trend, self.repeats, self.failed_answers, self.intents.join(", ")
        )?;
        write!(f, "       -> {} ({}): {}", d.action.label(), d.rule, d.reasons.join(" | "))
    }
}

/// Parses the messages file.
pub fn parse_messages(tsv: &str) -> Result<Vec<MessageCase>, EvalError> {
    const FILE: &str = "escalation_messages";
    let mut out = Vec::new();
    for (line, cols) in rows(tsv, "id\t") {
        let err = |message: String| EvalError { file: FILE, line, message };
        let [id, lang, expected, text] = split::<4>(cols).ok_or_else(|| err("expected 4 tab-separated columns".into()))?;
        let lang = parse_lang(lang).ok_or_else(|| err(format!("unknown lang {lang:?} (nl, en)")))?;
        let expected = parse_label(expected).ok_or_else(|| err(format!("unknown expected {expected:?}")))?;
        if text.trim().is_empty() {
            return Err(err("empty text".into()));
        }
        out.push(MessageCase { id: id.to_string(), lang, expected, text: text.to_string() });
    }
    Ok(out)
}

/// Parses the conversations and their expectations; every conversation needs exactly one
/// expectation, and an expected turn must be one of its customer turns.
pub fn parse_conversations(tsv: &str, expected_tsv: &str) -> Result<Vec<ConversationCase>, EvalError> {
    const FILE: &str = "escalation_conversations";
    const EXPECT: &str = "escalation_conversations_expected";
    let mut cases: Vec<ConversationCase> = Vec::new();
    for (line, cols) in rows(tsv, "conv_id\t") {
        let err = |message: String| EvalError { file: FILE, line, message };
        let [id, turn, lang, text] = split::<4>(cols).ok_or_else(|| err("expected 4 tab-separated columns".into()))?;
        let turn: u32 = turn.parse().map_err(|_| err(format!("turn {turn:?} is not a number")))?;
        let lang = parse_lang(lang).ok_or_else(|| err(format!("unknown lang {lang:?} (nl, en)")))?;
        if cases.last().is_none_or(|c| c.id != id) {
            if cases.iter().any(|c| c.id == id) {
                return Err(err(format!("conversation {id:?} is split; keep its rows together")));
            }
            cases.push(ConversationCase { id: id.to_string(), rows: Vec::new(), expected_turn: 0, expected_tier: None });
        }
        let case = cases.last_mut().ok_or_else(|| err("internal: no conversation".into()))?;
        let last_turn = case.rows.iter().rev().find_map(|r| match r {
            Row::Customer { turn, .. } => Some(*turn),
            Row::Bot { .. } => None,
        });
        let text = text.trim();
        let row = match text {
            "[bot:unsure]" | "[bot:answered]" => {
                if last_turn != Some(turn) || matches!(case.rows.last(), Some(Row::Bot { .. })) {
                    return Err(err(format!("bot marker must follow customer turn {turn} directly")));
                }
                let outcome = if text == "[bot:unsure]" { BotOutcome::Unsure } else { BotOutcome::Answered };
                Row::Bot { turn, outcome }
            }
            _ if text.starts_with("[bot:") => return Err(err(format!("unknown bot marker {text:?}"))),
            "" => return Err(err("empty text".into())),
            _ => {
                if turn != last_turn.unwrap_or(0) + 1 {
                    return Err(err(format!("turn {turn} out of order; customer turns count 1, 2, 3 …")));
                }
                Row::Customer { turn, lang, text: text.to_string() }
            }
        };
        case.rows.push(row);
    }
    let mut seen = Vec::new();
    for (line, cols) in rows(expected_tsv, "conv_id\t") {
        let err = |message: String| EvalError { file: EXPECT, line, message };
        let [id, turn, tier] = split::<3>(cols).ok_or_else(|| err("expected 3 tab-separated columns".into()))?;
        let turn: u32 = turn.trim().parse().map_err(|_| err(format!("expected_turn {turn:?} is not a number")))?;
        let tier = match tier.trim() {
            "none" => None,
            "agent" => Some(Tier::Agent),
            "specialist" => Some(Tier::Specialist),
            other => return Err(err(format!("unknown tier {other:?} (agent, specialist, none)"))),
        };
        if (turn == 0) != tier.is_none() {
            return Err(err("expected_turn 0 goes with tier none, and only then".into()));
        }
        if seen.contains(&id) {
            return Err(err(format!("conversation {id:?} has two expectations")));
        }
        seen.push(id);
        let case = cases.iter_mut().find(|c| c.id == id).ok_or_else(|| err(format!("no conversation {id:?}")))?;
        let turns = case.rows.iter().filter(|r| matches!(r, Row::Customer { .. })).count();
        if turn as usize > turns {
            return Err(err(format!("expected_turn {turn} but {id:?} has {turns} customer turns")));
        }
        case.expected_turn = turn;
        case.expected_tier = tier;
    }
    if let Some(c) = cases.iter().find(|c| !seen.contains(&c.id.as_str())) {
        return Err(EvalError { file: EXPECT, line: 0, message: format!("no expectation for conversation {:?}", c.id) });
    }
    Ok(cases)
}

/// Numbered data lines split on tabs, comments, blanks and the header skipped.
fn rows<'a>(tsv: &'a str, header: &'a str) -> impl Iterator<Item = (usize, Vec<&'a str>)> + 'a {
    tsv.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix('\r').unwrap_or(l)))
        .filter(move |(_, l)| !l.trim().is_empty() && !l.starts_with('#') && !l.starts_with(header))
        .map(|(n, l)| (n, l.split('\t').collect()))
}

/// Exactly N columns.
fn split<const N: usize>(cols: Vec<&str>) -> Option<[&str; N]> {
    cols.try_into().ok()
}

fn parse_lang(s: &str) -> Option<Lang> {
    match s.trim() {
        "nl" => Some(Lang::Nl),
        "en" => Some(Lang::En),
        _ => None,
    }
}

/// `continue`, `offer_human`, `escalate_agent`, `escalate_specialist`.
pub fn parse_label(s: &str) -> Option<Action> {
    [Action::Continue, Action::OfferHuman, Action::Escalate(Tier::Agent), Action::Escalate(Tier::Specialist)]
        .into_iter()
        .find(|a| a.label() == s.trim())
}

fn index(a: Action) -> usize {
    usize::from(a.severity())
}

fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        0.0
    } else {
        xs.iter().sum::<f64>() / xs.len() as f64
    }
}

fn median(xs: &mut [f64]) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    xs.sort_by(f64::total_cmp);
    let m = xs.len() / 2;
    if xs.len() % 2 == 1 {
        xs[m]
    } else {
        (xs[m - 1] + xs[m]) / 2.0
    }
}

impl fmt::Display for EscalationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = &self.messages;
        writeln!(f, "escalation policy {}", self.policy_version)?;
        writeln!(
            f,
            "messages: {} | accuracy {:.3} | escalate precision {:.3} recall {:.3} f1 {:.3} | tier accuracy {:.3}",
            m.total, m.accuracy, m.escalate_precision, m.escalate_recall, m.escalate_f1, m.tier_accuracy
        )?;
        for (lang, s) in &m.by_lang {
            writeln!(f, "  {lang}: {}/{} exact", s.correct, s.total)?;
        }
        writeln!(f, "  confusion (rows expected, cols decided: continue offer agent specialist)")?;
        let names = ["continue", "offer_human", "escalate_agent", "escalate_specialist"];
        for (name, row) in names.iter().zip(m.confusion.iter()) {
            writeln!(f, "  {name:>20} {:>4} {:>4} {:>4} {:>4}", row[0], row[1], row[2], row[3])?;
        }
        let c = &self.conversations;
        writeln!(
            f,
            "conversations: {} ({} expect escalation) | on time {} | early {} (mean {:.2}, median {:.2}) | late {} (mean {:.2}, median {:.2}) | missed {} | false alarms {} | correct never {} | tier accuracy {:.3}",
            c.total, c.expected_escalations, c.on_time, c.early, c.mean_turns_early, c.median_turns_early,
            c.late, c.mean_turns_late, c.median_turns_late, c.missed, c.false_alarms, c.correct_never, c.tier_accuracy
        )
    }
}
