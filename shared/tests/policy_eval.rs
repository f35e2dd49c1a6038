//! The escalation policy on the labelled data, with the real analyzer. Prints the metrics;
//! asserts only that the evaluation runs and its numbers are in range (the analyzer is
//! still being written, so quality thresholds would test it, not the policy).
use tandem_shared::policy::eval::{self, EscalationReport};
use tandem_shared::policy::{Action, PolicyConfig, Tier};
use tandem_shared::{Analysis, Intent, IntentHit, Lang, Tone};

const MESSAGES: &str = include_str!("../data/eval/escalation_messages.tsv");
const CONVERSATIONS: &str = include_str!("../data/eval/escalation_conversations.tsv");
const EXPECTED: &str = include_str!("../data/eval/escalation_conversations_expected.tsv");
/// Written before the policy was tuned on the set above and never used to tune it.
const HOLDOUT: &str = include_str!("../data/eval/escalation_conversations_holdout.tsv");
const HOLDOUT_EXPECTED: &str = include_str!("../data/eval/escalation_conversations_holdout_expected.tsv");

fn in_unit(x: f64) -> bool {
    (0.0..=1.0).contains(&x)
}

fn check_ranges(r: &EscalationReport) {
    let m = &r.messages;
    for x in [m.accuracy, m.escalate_precision, m.escalate_recall, m.escalate_f1, m.tier_accuracy] {
        assert!(in_unit(x), "{x} out of range");
    }
    assert_eq!(m.confusion.iter().flatten().sum::<usize>(), m.total);
    let c = &r.conversations;
    assert!(in_unit(c.tier_accuracy));
    assert_eq!(c.on_time + c.early + c.late + c.missed, c.expected_escalations);
    assert_eq!(c.false_alarms + c.correct_never + c.expected_escalations, c.total);
    for x in [c.mean_turns_early, c.median_turns_early, c.mean_turns_late, c.median_turns_late] {
        assert!(x >= 0.0 && x.is_finite());
    }
}

#[test]
fn policy_eval_on_labelled_data() {
    let report = eval::evaluate(MESSAGES, CONVERSATIONS, EXPECTED, &PolicyConfig::default(), &tandem_shared::analyze)
        .expect("the data files parse");
    println!("{report}");
    for mm in &report.messages.mismatches {
        println!("  message {}: expected {}, got {} ({})", mm.id, mm.expected, mm.got, mm.rule);
    }
    print_conversations(CONVERSATIONS, EXPECTED, &report.conversations);
    check_ranges(&report);

    let cfg = PolicyConfig::default();
    let holdout = eval::parse_conversations(HOLDOUT, HOLDOUT_EXPECTED).expect("the holdout parses");
    let h = eval::evaluate_conversations(&holdout, &cfg, &tandem_shared::analyze);
    println!(
        "holdout conversations: {} ({} expect escalation) | on time {} | early {} | late {} | missed {} | false alarms {} | correct never {}",
        h.total, h.expected_escalations, h.on_time, h.early, h.late, h.missed, h.false_alarms, h.correct_never
    );
    print_conversations(HOLDOUT, HOLDOUT_EXPECTED, &h);
    assert_eq!(h.on_time + h.early + h.late + h.missed, h.expected_escalations);
    assert_eq!(h.false_alarms + h.correct_never + h.expected_escalations, h.total);
}

/// One line per conversation; for a miss, a late escalation or a false alarm also every
/// turn's scores, signals and decision, so the cause can be read off.
fn print_conversations(tsv: &str, expected: &str, m: &eval::ConversationMetrics) {
    let cases = eval::parse_conversations(tsv, expected).expect("the conversations parse");
    for (d, case) in m.details.iter().zip(&cases) {
        println!(
            "  conversation {}: expected turn {} {:?}, decided turn {} {:?} ({})",
            d.id, d.expected_turn, d.expected_tier, d.decided_turn, d.decided_tier, d.rule
        );
        let missed_or_late = d.expected_turn > 0 && (d.decided_turn == 0 || d.decided_turn > d.expected_turn);
        let false_alarm = d.expected_turn == 0 && d.decided_turn > 0;
        if missed_or_late || false_alarm {
            for t in eval::trace(case, &PolicyConfig::default(), &tandem_shared::analyze) {
                println!("{t}");
            }
        }
    }
}

#[test]
fn policy_eval_data_files_are_well_formed() {
    let messages = eval::parse_messages(MESSAGES).expect("messages parse");
    assert!(messages.len() >= 200, "{} messages", messages.len());
    let mut ids: Vec<&str> = messages.iter().map(|m| m.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), messages.len(), "message ids are unique");
    let nl = messages.iter().filter(|m| m.lang == Lang::Nl).count();
    assert!(nl * 3 >= messages.len() && nl * 3 <= messages.len() * 2, "roughly half Dutch: {nl}/{}", messages.len());
    let mut texts: Vec<&str> = messages.iter().map(|m| m.text.as_str()).collect();
    texts.sort_unstable();
    texts.dedup();
    assert_eq!(texts.len(), messages.len(), "no duplicate texts");
    for label in ["continue", "offer_human", "escalate_agent", "escalate_specialist"] {
        let n = messages.iter().filter(|m| m.expected.label() == label).count();
        assert!(n >= 20, "only {n} {label}");
    }
    let convs = eval::parse_conversations(CONVERSATIONS, EXPECTED).expect("conversations parse");
    assert!(convs.len() >= 30, "{} conversations", convs.len());
    assert!(convs.iter().any(|c| c.expected_turn == 0) && convs.iter().any(|c| c.expected_tier == Some(Tier::Specialist)));
    assert!(convs.iter().any(|c| c.rows.iter().any(|r| matches!(r, eval::Row::Bot { .. }))));
}

/// The evaluation itself, with a fake analyzer whose answers are known.
#[test]
fn policy_eval_scores_a_known_analyzer() {
    let fake = |text: &str| {
        let mut a = Analysis { lang: Lang::En, mixed: false, valence: 0.0, tone: Tone::default(), intents: vec![], evidence: vec![] };
        if text.contains("human") {
            a.intents.push(IntentHit { intent: Intent::HumanRequest, confidence: 0.9, evidence: vec![] });
        }
        if text.contains("lawyer") {
            a.intents.push(IntentHit { intent: Intent::LegalThreat, confidence: 0.9, evidence: vec![] });
        }
        a
    };
    let messages = "id\tlang\texpected\ttext\n\
        a\ten\tescalate_agent\thuman please\n\
        b\ten\tescalate_specialist\tmy lawyer\n\
        c\ten\tescalate_specialist\thuman now\n\
        d\ten\tcontinue\twhere is it\n\
        e\ten\tescalate_agent\tcancel it\n";
    let convs = "conv_id\tturn\tlang\ttext\n\
        x\t1\ten\thello\n\
        x\t1\ten\t[bot:unsure]\n\
        x\t2\ten\tpls\n\
        x\t2\ten\t[bot:unsure]\n\
        x\t3\ten\thuman\n\
        y\t1\ten\thi\n\
        y\t2\ten\tlawyer\n\
        z\t1\ten\tok\n";
    let expected = "conv_id\texpected_turn\texpected_tier\nx\t2\tagent\ny\t2\tspecialist\nz\t0\tnone\n";
    let r = eval::evaluate(messages, convs, expected, &PolicyConfig::default(), &fake).expect("parses");
    let m = &r.messages;
    assert_eq!(m.total, 5);
    assert_eq!(m.escalate_precision, 1.0); // a, b, c decided escalate, all labelled escalate
    assert_eq!(m.escalate_recall, 0.75); // e missed
    assert!((m.tier_accuracy - 2.0 / 3.0).abs() < 1e-9); // c went to an agent
    assert_eq!(m.confusion[3][2], 1);
    assert_eq!(m.accuracy, 0.6);
    let c = &r.conversations;
    assert_eq!((c.late, c.on_time, c.correct_never, c.missed, c.false_alarms), (1, 1, 1, 0, 0));
    assert_eq!(c.mean_turns_late, 1.0);
    assert_eq!(c.tier_accuracy, 1.0);
    assert_eq!(c.details[0].decided_tier, Some(Tier::Agent));
    assert_eq!(eval::parse_label("escalate_agent"), Some(Action::Escalate(Tier::Agent)));
}

#[test]
fn policy_eval_reports_bad_data_with_its_line() {
    let bad = [
        ("id\tlang\texpected\ttext\nm1\tfr\tcontinue\tbonjour\n", "line 2: unknown lang"),
        ("m1\ten\tmaybe\thi\n", "line 1: unknown expected"),
        ("m1\ten\tcontinue\n", "line 1: expected 4"),
    ];
    for (tsv, want) in bad {
        let err = eval::parse_messages(tsv).expect_err(want).to_string();
        assert!(err.contains(want), "{err}");
    }
    let convs = "a\t1\ten\thi\na\t3\ten\tjump\n";
    let err = eval::parse_conversations(convs, "a\t0\tnone\n").expect_err("out of order").to_string();
    assert!(err.contains("line 2: turn 3 out of order"), "{err}");
    let err = eval::parse_conversations("a\t1\ten\thi\n", "a\t2\tagent\n").expect_err("too far").to_string();
    assert!(err.contains("has 1 customer turns"), "{err}");
    let err = eval::parse_conversations("a\t1\ten\thi\nb\t1\ten\tyo\n", "a\t0\tnone\n").expect_err("missing").to_string();
    assert!(err.contains("no expectation for conversation \"b\""), "{err}");
    let err = eval::parse_conversations("a\t1\ten\t[bot:unsure]\n", "a\t0\tnone\n").expect_err("marker first").to_string();
    assert!(err.contains("bot marker must follow"), "{err}");
}
