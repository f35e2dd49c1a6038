//! The escalation policy, one data table per rule. Analyses are built by hand (not by the
//! analyzer) so these tests pin the policy alone.
use proptest::prelude::*;
use tandem_shared::policy::{Action, BotOutcome, ConversationState, PolicyConfig, PolicyError, Tier};
use tandem_shared::{Analysis, Intent, IntentHit, Lang, Tone};

/// One customer turn, optionally followed by the bot's outcome or a new episode.
#[derive(Clone)]
struct T {
    text: String,
    a: Analysis,
    bot: Option<BotOutcome>,
    new_episode: bool,
}

/// A neutral customer message.
fn say(text: &str) -> T {
    T {
        text: text.into(),
        a: Analysis { lang: Lang::Nl, mixed: false, valence: 0.0, tone: Tone::default(), intents: vec![], evidence: vec![] },
        bot: None,
        new_episode: false,
    }
}

impl T {
    fn v(mut self, valence: f32) -> T {
        self.a.valence = valence;
        self
    }
    fn f(mut self, frustration: f32) -> T {
        self.a.tone.frustration = frustration;
        self
    }
    fn u(mut self, uncertainty: f32) -> T {
        self.a.tone.uncertainty = uncertainty;
        self
    }
    fn urg(mut self, urgency: f32) -> T {
        self.a.tone.urgency = urgency;
        self
    }
    fn en(mut self) -> T {
        self.a.lang = Lang::En;
        self
    }
    fn intent(mut self, intent: Intent, confidence: f32, evidence: &str) -> T {
        let evidence = if evidence.is_empty() { vec![] } else { vec![evidence.to_string()] };
        self.a.intents.push(IntentHit { intent, confidence, evidence });
        self
    }
    fn unsure(mut self) -> T {
        self.bot = Some(BotOutcome::Unsure);
        self
    }
    fn answered(mut self) -> T {
        self.bot = Some(BotOutcome::Answered);
        self
    }
    fn then_new_episode(mut self) -> T {
        self.new_episode = true;
        self
    }
}

/// Runs the turns and returns "action/rule" per customer turn.
fn run(cfg: &PolicyConfig, turns: &[T]) -> Vec<String> {
    let mut st = ConversationState::default();
    let mut out = Vec::new();
    for t in turns {
        let d = st.observe_customer(&t.text, &t.a, cfg);
        assert!(!d.reasons.is_empty(), "every decision has a reason: {d:?}");
        out.push(format!("{}/{}", d.action.label(), d.rule));
        if let Some(b) = t.bot {
            st.observe_bot(b);
        }
        if t.new_episode {
            st.start_new_episode();
        }
    }
    out
}

/// Checks a table: (case name, turns, expected "action/rule" per turn; `c` = continue/no_concern).
fn check(table: Vec<(&str, Vec<T>, &[&str])>) {
    check_with(&PolicyConfig::default(), table)
}

fn check_with(cfg: &PolicyConfig, table: Vec<(&str, Vec<T>, &[&str])>) {
    for (name, turns, expected) in table {
        let got = run(cfg, &turns);
        let want: Vec<String> =
            expected.iter().map(|e| if *e == "c" { "continue/no_concern".to_string() } else { e.to_string() }).collect();
        assert_eq!(got, want, "case {name}");
    }
}

#[test]
fn rule_no_concern() {
    check(vec![
        ("neutral", vec![say("waar is mijn pakket"), say("ok dank je")], &["c", "c"]),
        ("happy", vec![say("top, dank!").v(0.8)], &["c"]),
        ("mild annoyance", vec![say("beetje jammer").v(-0.3).f(0.3), say("nou ja").v(-0.2).f(0.2)], &["c", "c"]),
    ]);
}

#[test]
fn rule_explicit_human_request() {
    check(vec![
        ("first turn nl", vec![say("mag ik een medewerker").intent(Intent::HumanRequest, 0.9, "medewerker")], &["escalate_agent/explicit_human_request"]),
        ("low confidence still wins", vec![say("real person pls").en().intent(Intent::HumanRequest, 0.1, "")], &["escalate_agent/explicit_human_request"]),
        ("after calm turns", vec![say("hoi"), say("ik wil een mens spreken").intent(Intent::HumanRequest, 0.8, "mens")], &["c", "escalate_agent/explicit_human_request"]),
        ("while a positive mood", vec![say("thanks, but can I talk to a human").en().v(0.5).intent(Intent::HumanRequest, 0.9, "human")], &["escalate_agent/explicit_human_request"]),
        (
            "once per episode",
            vec![say("medewerker aub").intent(Intent::HumanRequest, 0.9, ""), say("medewerker!!").intent(Intent::HumanRequest, 0.9, "")],
            &["escalate_agent/explicit_human_request", "continue/already_escalated"],
        ),
        (
            "again after a new episode",
            vec![
                say("medewerker aub").intent(Intent::HumanRequest, 0.9, "").then_new_episode(),
                say("nog een vraag, medewerker?").intent(Intent::HumanRequest, 0.9, ""),
            ],
            &["escalate_agent/explicit_human_request", "escalate_agent/explicit_human_request"],
        ),
    ]);
}

#[test]
fn explicit_request_reason_quotes_the_customer() {
    let mut st = ConversationState::default();
    let t = say("hallo, mag ik een medewerker?").intent(Intent::HumanRequest, 0.9, "mag ik een medewerker");
    let d = st.observe_customer(&t.text, &t.a, &PolicyConfig::default());
    assert_eq!(d.reasons[0], "Customer asked for a person: \"mag ik een medewerker\"");
    assert_eq!(d.policy_version, tandem_shared::policy::POLICY_VERSION);
    assert_eq!(st.escalated, Some(Tier::Agent));
}

#[test]
fn rule_sensitive_intents_go_to_a_specialist() {
    check(vec![
        ("legal", vec![say("ik stap naar mijn advocaat").intent(Intent::LegalThreat, 0.9, "advocaat")], &["escalate_specialist/legal_threat"]),
        ("vulnerable", vec![say("my husband passed away").en().intent(Intent::Vulnerable, 0.8, "passed away")], &["escalate_specialist/vulnerable_customer"]),
        ("beats human request", vec![say("medewerker, mijn vader is overleden").intent(Intent::HumanRequest, 0.9, "").intent(Intent::Vulnerable, 0.9, "overleden")], &["escalate_specialist/vulnerable_customer"]),
        ("below confidence", vec![say("advocaat?").intent(Intent::LegalThreat, 0.2, "advocaat")], &["c"]),
        (
            "upgrades an agent episode once",
            vec![
                say("ik wil opzeggen").intent(Intent::Cancellation, 0.9, "opzeggen"),
                say("ik ben ziek en kan niet betalen").intent(Intent::Vulnerable, 0.9, "ziek"),
                say("en anders de rechter").intent(Intent::LegalThreat, 0.9, "rechter"),
            ],
            &["escalate_agent/moment_of_truth", "escalate_specialist/upgrade_to_specialist", "continue/already_escalated"],
        ),
        (
            "a specialist episode is not escalated again",
            vec![say("advocaat").intent(Intent::LegalThreat, 0.9, ""), say("overleden").intent(Intent::Vulnerable, 0.9, "")],
            &["escalate_specialist/legal_threat", "continue/already_escalated"],
        ),
    ]);
}

#[test]
fn rule_moments_of_truth_go_to_an_agent() {
    check(vec![
        ("complaint", vec![say("ik wil een klacht indienen").intent(Intent::Complaint, 0.8, "klacht")], &["escalate_agent/moment_of_truth"]),
        ("cancellation", vec![say("cancel my subscription").en().intent(Intent::Cancellation, 0.8, "cancel")], &["escalate_agent/moment_of_truth"]),
        ("refund", vec![say("geld terug").intent(Intent::Refund, 0.7, "geld terug")], &["escalate_agent/moment_of_truth"]),
        ("complex order", vec![say("200 stuks met logo, levering in 3 delen").intent(Intent::ComplexOrder, 0.6, "200 stuks")], &["escalate_agent/moment_of_truth"]),
        ("weak hit ignored", vec![say("refund policy?").en().intent(Intent::Refund, 0.3, "refund")], &["c"]),
        (
            "severe complaint to a specialist",
            vec![say("SCHANDALIG, klacht!!!").v(-0.9).f(0.9).intent(Intent::Complaint, 0.9, "klacht")],
            &["escalate_specialist/severe_complaint"],
        ),
        (
            "furious but not strongly negative stays with an agent",
            vec![say("klacht!!").v(-0.5).f(0.95).intent(Intent::Complaint, 0.9, "klacht")],
            &["escalate_agent/moment_of_truth"],
        ),
        (
            "negative but not severe complaint stays with an agent",
            vec![say("klacht: te laat").v(-0.5).f(0.5).intent(Intent::Complaint, 0.9, "klacht")],
            &["escalate_agent/moment_of_truth"],
        ),
    ]);
}

#[test]
fn rule_urgent_problem_offers_in_one_message() {
    check(vec![
        ("urgent and negative offers", vec![say("ik heb het morgen nodig en het is er niet").v(-0.4).urg(0.6)], &["offer_human/urgent_problem"]),
        ("urgent but calm continues", vec![say("I need it tomorrow, can you deliver?").urg(0.6)], &["c"]),
        ("negative but not urgent continues", vec![say("jammer").v(-0.3).urg(0.2)], &["c"]),
    ]);
}

#[test]
fn rule_tone_only_complaint_is_tone_not_a_moment_of_truth() {
    check(vec![
        (
            "a complaint inferred from tone only offers once",
            vec![say("wat een gedoe zeg").v(-0.7).f(0.9).intent(Intent::Complaint, 0.6, "strong negative tone")],
            &["offer_human/frustration_spike"],
        ),
        (
            "a complaint named in words escalates",
            vec![say("ik wil een klacht indienen").v(-0.7).f(0.6).intent(Intent::Complaint, 0.9, "klacht")],
            &["escalate_agent/moment_of_truth"],
        ),
    ]);
}

#[test]
fn rule_frustration_has_hysteresis() {
    check(vec![
        ("one heated message only offers", vec![say("waardeloos!!").v(-0.3).f(0.75)], &["c"]),
        ("one very heated message offers", vec![say("WAARDELOOS!!!").f(0.9)], &["offer_human/frustration_spike"]),
        ("two above offer offer", vec![say("irritant").f(0.55), say("echt irritant").f(0.6)], &["c", "offer_human/frustration_rising"]),
        ("two above escalate escalate", vec![say("belachelijk").f(0.75), say("echt belachelijk").f(0.72)], &["c", "escalate_agent/frustration_sustained"]),
        (
            "a dip within the margin keeps the run",
            vec![say("a b").f(0.75), say("c d").f(0.65), say("e f").f(0.71)],
            &["c", "offer_human/frustration_rising", "escalate_agent/frustration_sustained"],
        ),
        ("a calm turn resets the run", vec![say("a b").f(0.75), say("c d").f(0.1), say("e f").f(0.75)], &["c", "c", "c"]),
    ]);
}

#[test]
fn rule_uncertainty() {
    check(vec![
        ("one confused message", vec![say("huh?").u(0.6)], &["c"]),
        ("very confused once offers", vec![say("ik snap er echt niks van??").u(0.85)], &["offer_human/uncertainty_spike"]),
        ("confused twice offers", vec![say("hoe werkt dat?").u(0.6), say("ik begrijp het niet").u(0.65)], &["c", "offer_human/uncertainty_rising"]),
        ("very confused twice escalates", vec![say("snap het niet").u(0.85), say("echt geen idee").u(0.9)], &["offer_human/uncertainty_spike", "escalate_agent/uncertainty_sustained"]),
    ]);
}

#[test]
fn rule_valence_trend() {
    check(vec![
        ("one very negative message offers", vec![say("dit is slecht").v(-0.8)], &["offer_human/mood_negative"]),
        ("one mildly negative message", vec![say("jammer").v(-0.5)], &["c"]),
        ("two very negative messages escalate", vec![say("slecht").v(-0.8), say("heel slecht").v(-0.8)], &["offer_human/mood_negative", "escalate_agent/valence_falling"]),
        ("falling from happy", vec![say("super").v(0.8), say("hmm").v(-0.6), say("nee dit is slecht").v(-0.9)], &["c", "c", "offer_human/mood_negative"]),
        ("recovering is not escalated", vec![say("slecht").v(-0.8), say("oh wacht, gevonden").v(0.6)], &["offer_human/mood_negative", "c"]),
    ]);
}

#[test]
fn rule_repeated_question() {
    check(vec![
        ("asked again offers", vec![say("waar is mijn pakket"), say("waar blijft mijn pakket nou")], &["c", "offer_human/repeated_question"]),
        (
            "asked a third time escalates",
            vec![say("waar is mijn pakket"), say("waar blijft mijn pakket"), say("WAAR IS MIJN PAKKET")],
            &["c", "offer_human/repeated_question", "escalate_agent/repeated_question_again"],
        ),
        ("different questions", vec![say("waar is mijn pakket"), say("hoe kan ik retourneren"), say("kan ik ook met ideal betalen")], &["c", "c", "c"]),
        ("short replies never repeat", vec![say("ja"), say("ja"), say("ok"), say("ok")], &["c", "c", "c", "c"]),
        (
            "only the last few turns count",
            vec![say("waar is mijn pakket"), say("bezorgen jullie op zondag"), say("welke maat valt groot"), say("hebben jullie cadeaubonnen"), say("waar is mijn pakket")],
            &["c", "c", "c", "c", "c"],
        ),
        (
            "english",
            vec![say("where is my order").en(), say("hello?? where is my order").en()],
            &["c", "offer_human/repeated_question"],
        ),
    ]);
}

#[test]
fn rule_problem_persists() {
    check(vec![
        (
            "said three times in calm words (c31)",
            vec![
                say("how do i change my address").en(),
                say("its still showing the old one").en(),
                say("ok i changed it but the order still goes to the old address").en(),
                say("why is it still going to the old address?? i need it to go to the new one").en(),
            ],
            &["c", "c", "offer_human/problem_recurring", "escalate_agent/problem_persists"],
        ),
        (
            "dutch, with other words between",
            vec![say("mijn pakket is nog steeds niet binnen"), say("hoe kan dat"), say("de pagina toont weer een fout"), say("alweer niks")],
            &["c", "c", "offer_human/problem_recurring", "escalate_agent/problem_persists"],
        ),
        (
            "one status question is not a problem",
            vec![say("is the blue one still in stock?").en(), say("great, thanks").en().v(0.6)],
            &["c", "c"],
        ),
        ("elongated and capitals count", vec![say("STILL nothing"), say("stiiill broken")], &["c", "offer_human/problem_recurring"]),
        (
            "a new episode starts the count afresh",
            vec![say("still nothing").then_new_episode(), say("still waiting"), say("ok")],
            &["c", "c", "c"],
        ),
    ]);
    let off = PolicyConfig { persistence_offer_after: 0, persistence_escalate_after: 0, ..PolicyConfig::default() };
    check_with(&off, vec![("switched off", vec![say("still"), say("still"), say("still")], &["c", "c", "c"])]);
}

#[test]
fn rule_failed_bot_answers() {
    check(vec![
        ("one unsure answer", vec![say("vraag een").unsure(), say("vraag twee")], &["c", "c"]),
        ("two unsure answers offer", vec![say("kleur stof").unsure(), say("wasvoorschrift").unsure(), say("maattabel")], &["c", "c", "offer_human/bot_failed_answers"]),
        (
            "one answer in between does not make the customer unstuck: two of the last three failed",
            vec![say("kleur stof").unsure(), say("wasvoorschrift").answered(), say("maattabel").unsure(), say("garantie")],
            &["c", "c", "c", "offer_human/bot_failed_answers"],
        ),
        (
            "two answers in a row reset",
            vec![say("kleur stof").unsure(), say("wasvoorschrift").answered(), say("maattabel").answered(), say("garantie").unsure(), say("retour")],
            &["c", "c", "c", "c", "c"],
        ),
        (
            "four unsure answers escalate",
            vec![say("a1 b1").unsure(), say("a2 b2").unsure(), say("a3 b3").unsure(), say("a4 b4").unsure(), say("a5 b5")],
            &["c", "c", "offer_human/bot_failed_answers", "escalate_agent/concern_persists", "continue/already_escalated"],
        ),
    ]);
}

#[test]
fn rule_bot_failed_repeatedly() {
    // Without the persistence window, the failed-answer count itself escalates.
    let cfg = PolicyConfig { persist_window_turns: 0, ..Default::default() };
    check_with(&cfg, vec![(
        "four unsure answers",
        vec![say("a1 b1").unsure(), say("a2 b2").unsure(), say("a3 b3").unsure(), say("a4 b4").unsure(), say("a5 b5")],
        &["c", "c", "offer_human/bot_failed_answers", "offer_human/bot_failed_answers", "escalate_agent/bot_failed_repeatedly"],
    )]);
}

#[test]
fn rule_failed_answers_consecutive_only_when_window_is_off() {
    let cfg = PolicyConfig { failed_answers_window: 0, ..Default::default() };
    check_with(&cfg, vec![(
        "an answer resets",
        vec![say("kleur stof").unsure(), say("wasvoorschrift").answered(), say("maattabel").unsure(), say("garantie")],
        &["c", "c", "c", "c"],
    )]);
}

#[test]
fn rule_concern_accumulated() {
    check(vec![
        (
            "a spike after a mildly annoyed turn escalates",
            vec![say("code werkt niet").v(-0.4).f(0.2), say("echt belachelijk!!").v(-0.6).f(0.95)],
            &["c", "escalate_agent/concern_accumulated"],
        ),
        (
            "a confusion spike after earlier confusion, one calm turn between",
            vec![say("snap het niet").v(-0.2).u(0.5), say("buren hebben niks"), say("waar is het dan??").u(0.85)],
            &["c", "c", "escalate_agent/concern_accumulated"],
        ),
        (
            "an urgent problem after a slightly frustrated turn",
            vec![say("nog steeds in behandeling").f(0.12), say("duurt te lang, vrijdag nodig!!").v(-0.5).f(0.6).urg(0.55)],
            &["c", "escalate_agent/concern_accumulated"],
        ),
        // Hysteresis: the same spike after calm turns only offers.
        ("a spike after calm turns offers", vec![say("hoi"), say("vraagje"), say("WAARDELOOS!!!").f(0.95)], &["c", "c", "offer_human/frustration_spike"]),
        (
            "trouble outside the window does not count",
            vec![say("code werkt niet").v(-0.4), say("a b"), say("c d"), say("WAARDELOOS!!!").f(0.95)],
            &["c", "c", "c", "offer_human/frustration_spike"],
        ),
        // Multi-turn offers keep their offer tier: their own evidence is already several turns.
        ("a sustained offer is not escalated by its own streak", vec![say("irritant").f(0.55), say("echt irritant").f(0.6)], &["c", "offer_human/frustration_rising"]),
    ]);
    let off = PolicyConfig { accumulate_after: 0, ..Default::default() };
    check_with(&off, vec![(
        "0 turns the rule off",
        vec![say("code werkt niet").v(-0.4).f(0.2), say("echt belachelijk!!").v(-0.6).f(0.95)],
        &["c", "offer_human/frustration_spike"],
    )]);
}

#[test]
fn tone_only_complaint_never_goes_to_a_specialist() {
    let furious = || say("dit is echt het allerergste ooit!!!").v(-0.9).f(0.95);
    check(vec![
        ("inferred from tone", vec![furious().intent(Intent::Complaint, 0.6, "strong negative tone")], &["offer_human/frustration_spike"]),
        ("named in words", vec![furious().intent(Intent::Complaint, 0.8, "slechtste service")], &["escalate_specialist/severe_complaint"]),
    ]);
}

#[test]
fn rule_urgency() {
    check(vec![
        ("urgent once", vec![say("ik heb het morgen nodig").urg(0.8)], &["c"]),
        ("urgent twice offers", vec![say("morgen nodig").urg(0.8), say("het moet echt morgen").urg(0.9)], &["c", "offer_human/urgent"]),
    ]);
}

#[test]
fn rule_concern_persists() {
    check(vec![
        (
            "a concern right after an offer escalates",
            vec![say("x1 y1").f(0.9), say("x2 y2").f(0.55)],
            &["offer_human/frustration_spike", "escalate_agent/concern_persists"],
        ),
        (
            "a different concern counts too",
            vec![say("kleur stof").unsure(), say("wasvoorschrift").unsure(), say("waar is mijn pakket"), say("waar is mijn pakket nou")],
            &["c", "c", "offer_human/bot_failed_answers", "escalate_agent/concern_persists"],
        ),
        ("a calm turn after an offer", vec![say("x1 y1").f(0.9), say("ok dank")], &["offer_human/frustration_spike", "c"]),
        (
            "outside the window offers again",
            vec![say("x1 y1").f(0.9), say("a b"), say("c d"), say("e f"), say("x2 y2").f(0.9)],
            &["offer_human/frustration_spike", "c", "c", "c", "offer_human/frustration_spike"],
        ),
    ]);
    let no_window = PolicyConfig { persist_window_turns: 0, ..Default::default() };
    check_with(&no_window, vec![(
        "window 0 repeats offers",
        vec![say("x1 y1").f(0.9), say("x2 y2").f(0.55)],
        &["offer_human/frustration_spike", "offer_human/frustration_rising"],
    )]);
}

#[test]
fn rule_already_escalated_keeps_reasons() {
    let mut st = ConversationState::default();
    let cfg = PolicyConfig::default();
    let t = say("klacht").intent(Intent::Complaint, 0.9, "klacht");
    st.observe_customer(&t.text, &t.a, &cfg);
    let t = say("medewerker!").intent(Intent::HumanRequest, 0.9, "medewerker");
    let d = st.observe_customer(&t.text, &t.a, &cfg);
    assert_eq!((d.action, d.rule.as_str()), (Action::Continue, "already_escalated"));
    assert_eq!(d.reasons[0], "Already escalated to an agent at turn 1; no second escalation in this episode");
    assert!(d.reasons[1].starts_with("Customer asked for a person"), "{:?}", d.reasons);
}

#[test]
fn config_defaults_validate_and_parse() {
    let cfg = PolicyConfig::default();
    assert_eq!(cfg.validate(), Ok(()));
    assert_eq!(cfg.max_failed_answers, 2);
    let parsed: PolicyConfig = serde_json::from_str(r#"{"frustration_escalate": 0.8}"#).expect("partial config parses");
    assert_eq!(parsed.frustration_escalate, 0.8);
    assert_eq!(parsed.frustration_offer, cfg.frustration_offer);
    assert!(serde_json::from_str::<PolicyConfig>(r#"{"frustation_escalate": 0.8}"#).is_err(), "typos are rejected");
}

#[test]
fn config_validation_names_the_field() {
    let table: Vec<(PolicyConfig, &str)> = vec![
        (PolicyConfig { frustration_offer: 1.5, ..Default::default() }, "`frustration_offer` is 1.5"),
        (PolicyConfig { uncertainty_escalate: f32::NAN, ..Default::default() }, "`uncertainty_escalate` is NaN"),
        (PolicyConfig { frustration_offer: 0.8, frustration_escalate: 0.6, ..Default::default() }, "`frustration_offer` must not be above `frustration_escalate`"),
        (PolicyConfig { valence_offer: -0.7, valence_escalate: -0.5, ..Default::default() }, "`valence_escalate` must not be above `valence_offer`"),
        (PolicyConfig { trend_alpha: 0.0, ..Default::default() }, "`trend_alpha`"),
        (PolicyConfig { sustain_turns: 0, ..Default::default() }, "`sustain_turns`"),
        (PolicyConfig { repeat_window: 100, ..Default::default() }, "`repeat_window`"),
        (PolicyConfig { max_failed_answers: 4, failed_answers_escalate: 4, ..Default::default() }, "`max_failed_answers` must be below `failed_answers_escalate`"),
        (PolicyConfig { concern_floor: -0.1, ..Default::default() }, "`concern_floor` is -0.1"),
        (PolicyConfig { failed_answers_window: 17, ..Default::default() }, "`failed_answers_window` is 17"),
        (PolicyConfig { accumulate_window_turns: 0, ..Default::default() }, "`accumulate_window_turns` is 0"),
        (PolicyConfig { accumulate_after: 3, accumulate_window_turns: 2, ..Default::default() }, "`accumulate_after` is 3, but must be between 0 and 2"),
    ];
    for (cfg, want) in table {
        let err: PolicyError = cfg.validate().expect_err(want);
        assert!(err.to_string().contains(want), "{err} should contain {want}");
    }
    assert_eq!(PolicyConfig { failed_answers_escalate: 0, ..Default::default() }.validate(), Ok(()), "0 turns a rule off");
}

#[test]
fn state_round_trips_and_stays_small() {
    let cfg = PolicyConfig::default();
    let mut st = ConversationState::default();
    let long = "woord ".repeat(5000) + &(0..500).map(|i| format!("w{i}")).collect::<Vec<_>>().join(" ");
    for i in 0..20 {
        let t = say(&format!("{long} {i}")).f(0.3).unsure();
        st.observe_customer(&t.text, &t.a, &cfg);
        st.observe_bot(BotOutcome::Unsure);
    }
    let json = serde_json::to_string(&st).expect("state serialises");
    assert!(json.len() < 2048, "state is {} bytes", json.len());
    let back: ConversationState = serde_json::from_str(&json).expect("state parses");
    assert_eq!(back, st);
    let empty: ConversationState = serde_json::from_str("{}").expect("defaults fill in");
    assert_eq!(empty, ConversationState::default());
}

#[test]
fn decision_serialises_with_tagged_action() {
    let mut st = ConversationState::default();
    let t = say("advocaat").intent(Intent::LegalThreat, 0.9, "advocaat");
    let d = st.observe_customer(&t.text, &t.a, &PolicyConfig::default());
    let json = serde_json::to_value(&d).expect("serialises");
    assert_eq!(json["action"], serde_json::json!({"action": "escalate", "tier": "specialist"}));
    assert_eq!(json["rule"], "legal_threat");
}

// ---- properties --------------------------------------------------------------------------

const WORDS: &[&str] = &["waar", "pakket", "order", "where", "refund", "geld", "terug", "ja", "nee", "help", "!!!", "😡", "mijn", "my"];
const INTENTS: &[Intent] = &[
    Intent::HumanRequest,
    Intent::Complaint,
    Intent::Cancellation,
    Intent::Refund,
    Intent::ComplexOrder,
    Intent::LegalThreat,
    Intent::Vulnerable,
];

fn score() -> impl Strategy<Value = f32> {
    prop_oneof![8 => -1.2f32..1.2, 1 => Just(f32::NAN), 1 => Just(f32::INFINITY), 1 => Just(f32::NEG_INFINITY)]
}

fn step() -> impl Strategy<Value = (String, Analysis, u8)> {
    let text = prop::collection::vec(prop::sample::select(WORDS), 0..8).prop_map(|w| w.join(" "));
    let intents = prop::collection::vec((prop::sample::select(INTENTS), 0.0f32..1.0), 0..3)
        .prop_map(|v| v.into_iter().map(|(intent, confidence)| IntentHit { intent, confidence, evidence: vec![] }).collect());
    let lang = prop::sample::select(vec![Lang::Nl, Lang::En, Lang::Unknown]);
    // 0: nothing, 1: bot answered, 2: bot unsure, 3: new episode.
    (text, lang, score(), score(), score(), score(), intents, 0u8..4).prop_map(|(text, lang, v, f, u, g, intents, after)| {
        let a = Analysis { lang, mixed: false, valence: v, tone: Tone { frustration: f, uncertainty: u, urgency: g }, intents, evidence: vec![] };
        (text, a, after)
    })
}

proptest! {
    #[test]
    fn policy_never_panics_and_escalates_once_per_episode(steps in prop::collection::vec(step(), 1..40)) {
        let cfg = PolicyConfig::default();
        let mut st = ConversationState::default();
        let mut tiers: Vec<Tier> = Vec::new();
        for (i, (text, a, after)) in steps.iter().enumerate() {
            let before = st.escalated;
            let d = st.observe_customer(text, a, &cfg);
            prop_assert_eq!(d.turn as usize, i + 1);
            prop_assert!(!d.reasons.is_empty());
            prop_assert!(d.valence.is_finite() && d.frustration.is_finite() && st.valence_trend.is_finite());
            if a.has_intent(Intent::HumanRequest) && before.is_none() {
                prop_assert!(matches!(d.action, Action::Escalate(_)), "explicit request must escalate: {:?}", d);
            }
            if let Action::Escalate(t) = d.action {
                // Only one escalation, plus at most one upgrade Agent → Specialist.
                match (tiers.as_slice(), t) {
                    ([], _) | ([Tier::Agent], Tier::Specialist) => {}
                    _ => prop_assert!(false, "second escalation {:?} after {:?}", t, tiers),
                }
                if !tiers.is_empty() {
                    prop_assert_eq!(d.rule.as_str(), "upgrade_to_specialist");
                }
                tiers.push(t);
                prop_assert_eq!(st.escalated, Some(t));
            } else if before.is_some() {
                prop_assert_eq!(d.action, Action::Continue);
            }
            match after {
                1 => st.observe_bot(BotOutcome::Answered),
                2 => st.observe_bot(BotOutcome::Unsure),
                3 => { st.start_new_episode(); tiers.clear(); }
                _ => {}
            }
        }
        let json = serde_json::to_string(&st).expect("serialises");
        prop_assert!(json.len() < 2048);
    }

    #[test]
    fn any_config_never_panics(
        steps in prop::collection::vec(step(), 1..10),
        nums in prop::collection::vec(score(), 12),
        ints in prop::collection::vec(0u32..20, 8),
    ) {
        let cfg = PolicyConfig {
            frustration_offer: nums[0], frustration_escalate: nums[1], frustration_spike: nums[2],
            uncertainty_offer: nums[3], uncertainty_escalate: nums[4], urgency_offer: nums[5],
            release_margin: nums[6], trend_alpha: nums[7], valence_offer: nums[8], valence_escalate: nums[9],
            intent_min_confidence: nums[10], repeat_similarity: nums[11],
            sustain_turns: ints[0], repeat_window: ints[1], repeat_min_words: ints[2], max_failed_answers: ints[3],
            failed_answers_escalate: ints[4], repeat_offer_after: ints[5], repeat_escalate_after: ints[6],
            persist_window_turns: ints[7], ..Default::default()
        };
        let _ = cfg.validate();
        let mut st = ConversationState::default();
        for (text, a, after) in &steps {
            let d = st.observe_customer(text, a, &cfg);
            prop_assert!(d.valence.is_finite() && st.valence_trend.is_finite() && st.frustration_trend.is_finite());
            if *after == 2 { st.observe_bot(BotOutcome::Unsure) }
        }
    }
}
