//! The whole class of fault behind each of the cases C10–C12 (../shared/cases), table
//! driven: the cases themselves are in `cases.rs`, these are unseen inputs of the same
//! kinds (other phrasings, both languages, capitals, emoji, typos, apostrophe and
//! exclamation variants) and their neighbours (negated positives stay negative, the
//! negation's scope ends at "but"/"maar"/punctuation).
mod common;
use tandem_shared::analyze;
use tandem_shared::policy::{Action, ConversationState, PolicyConfig};

/// C10: score ≥ 0, calm, and a one-turn conversation with this message continues
/// (no escalation).
fn no_escalation(text: &str) -> Result<(), String> {
    let a = analyze(text);
    let d = ConversationState::default().observe_customer(text, &a, &PolicyConfig::default());
    if a.valence < 0.0 || a.tone.frustration >= 0.3 || d.action != Action::Continue {
        return Err(format!("{text:?}: valence {}, frustration {}, {:?}/{}", a.valence, a.tone.frustration, d.action, d.rule));
    }
    Ok(())
}

/// Runs `check` on every input and fails once, listing every failing input.
fn all(inputs: &[&str], check: impl Fn(&str) -> Result<(), String>) {
    let failed: Vec<String> = inputs.iter().filter_map(|t| check(t).err()).collect();
    assert!(failed.is_empty(), "{} of {} failed:\n{}", failed.len(), inputs.len(), failed.join("\n"));
}

#[test]
fn c10_negation_class() {
    all(
        &[
            // English: a negated negative word or phrase is not a complaint.
            "not bad at all",
            "not too bad",
            "wasn't bad",
            "isn't terrible",
            "nothing wrong with it",
            "no complaints",
            "never had a problem",
            "no worries",
            "not unhappy",
            "can't complain",
            "not a problem at all",
            "no problem!!",
            "np",
            "np, thanks",
            "no problem, thanks!",
            "no issues at all",
            "it's not bad",
            "honestly not that bad",
            "the delivery wasn't slow at all",
            // Dutch
            "niet slecht",
            "niet verkeerd",
            "niet zo slecht",
            "helemaal niet slecht",
            "geen probleem hoor",
            "geen enkel probleem",
            "geen klachten",
            "geen zorgen",
            "nooit problemen gehad",
            "valt niet tegen",
            "het valt best mee",
            "niks mis mee",
            "niets mis mee",
            "niet ontevreden",
            "geen punt",
            "geen probleem!",
            "was helemaal niet duur",
            // Capitals, shouting, emoji, typos, curly apostrophes.
            "NOT BAD AT ALL",
            "Not Bad At All!",
            "NO PROBLEM!!!",
            "GEEN PROBLEEM HOOR",
            "Niet Slecht",
            "NP",
            "not bad at all 😊",
            "no problem 👍",
            "geen probleem hoor 🙂",
            "niet slecht hoor!",
            "not bad at al",
            "no problemo",
            "geen probleeem",
            "wasn’t bad",
            "isn’t bad",
            "isn‘t terrible",
            "can’t complain",
            "wasnt bad",
            "isnt terrible",
            "cant complain",
            "couldn't be happier",
            "could not be happier",
            "couldnt be better",
            "had niet beter gekund",
            "don t worry",
        ],
        no_escalation,
    );
}

/// Negated positives stay negative, and negation never makes a complaint positive.
#[test]
fn c10_negated_positives_stay_negative() {
    all(
        &[
            "not good",
            "not great",
            "not happy at all",
            "I'm not happy with this",
            "I’m not happy with this",
            "this isn’t good",
            "the service wasn't helpful",
            "not good at all!!",
            "niet goed",
            "helemaal niet blij",
            "niet tevreden",
            "ik ben niet tevreden",
            "geen goede service",
            "geen fijne ervaring",
            "echt niet oké",
            "NOT GOOD",
            "not good 😡",
            "I don’t like this",
            "I dont like this",
            "dat vind ik niet leuk",
        ],
        |t| {
            let v = analyze(t).valence;
            if v < -0.05 { Ok(()) } else { Err(format!("{t:?}: valence {v}")) }
        },
    );
}

/// A negator negates only its own clause: "but"/"maar" and punctuation end its scope,
/// and a double negation is not a complaint.
#[test]
fn c10_negation_scope_and_double_negation() {
    let pos = |t: &str| {
        let v = analyze(t).valence;
        if v > 0.05 { Ok(()) } else { Err(format!("{t:?}: not positive, valence {v}")) }
    };
    all(
        &[
            "I'm not sure, but it's great",
            "not sure but the service is great",
            "no, the service was great",
            "nee, het was top",
            "ik weet het niet, maar het is geweldig",
            "niet zeker maar de service is top",
        ],
        pos,
    );
    let neg = |t: &str| {
        let v = analyze(t).valence;
        if v < -0.05 { Ok(()) } else { Err(format!("{t:?}: not negative, valence {v}")) }
    };
    all(
        &[
            "not bad, but the delivery was terrible",
            "no problem with the order, but the delivery was awful",
            "niet slecht, maar de levering was waardeloos",
            "geen probleem met de bestelling maar de bezorging was waardeloos",
            "it was not bad. the refund however was a disaster",
        ],
        neg,
    );
    all(&["not unhappy", "niet ontevreden", "not without merit", "not without its charm", "niet zonder charme", "niet onaardig"], no_escalation);
}

/// C11: other forms of exclamation never make a negative message less negative, nor
/// positive; "?" runs on a negative message do not make it positive.
#[test]
fn c11_punctuation_class() {
    let bases = [
        "This is so bad",
        "Dit is echt slecht",
        "terrible service",
        "waardeloze service",
        "I hate this",
        "ik ben er klaar mee",
        "my order still hasn't arrived",
        "mijn pakket is nog steeds niet aangekomen",
        "This is so bad 😡",
        "wat een slechte service 😤",
    ];
    let marks = [
        "!", "!!!!!", "!!!!!1", "!!!11!", "!?!?", "?!", "!?", "！", "！！！", "‼", "‼‼", "⁉", " ! ! !", " !!!", "!!! 😡", " 😡!!!",
        "!!! !!!", "!\u{FE0F}", "❗", "❗❗❗", "❕",
    ];
    let mut failed = Vec::new();
    for base in bases {
        let b = analyze(base).valence;
        if b >= -0.05 {
            failed.push(format!("base {base:?} not negative: {b}"));
        }
        for m in marks {
            let t = format!("{base}{m}");
            let v = analyze(&t).valence;
            if !(v < 0.0 && v <= b) {
                failed.push(format!("{t:?}: {v} (without: {b})"));
            }
        }
        for q in ["?", "??", "???", "?????", "？？？", " ? ?"] {
            let t = format!("{base}{q}");
            let v = analyze(&t).valence;
            if v >= 0.0 {
                failed.push(format!("{t:?}: {v} not negative"));
            }
        }
    }
    // The other forms of "!" and "?" weigh exactly as their ASCII spelling.
    let same = [("！", "!"), ("！！！", "!!!"), ("‼", "!!"), ("‼‼", "!!!!"), ("⁉", "!?"), ("❗", "!"), ("❗\u{FE0F}❗", "!!"), ("❕", "!"), ("？？？", "???"), ("❓", "?")];
    for base in bases {
        for (variant, ascii) in same {
            let (a, b) = (analyze(&format!("{base}{variant}")), analyze(&format!("{base}{ascii}")));
            if a.valence != b.valence || a.tone != b.tone {
                failed.push(format!("{base}{variant}: {} {:?} vs {ascii}: {} {:?}", a.valence, a.tone, b.valence, b.tone));
            }
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// C12: every apostrophe form, a missing apostrophe, a doubled one and (in "n't") a
/// space score exactly the same, in English contractions and Dutch elisions.
#[test]
fn c12_apostrophe_class() {
    // (template with {} for the apostrophe, whether it must be negative)
    let templates = [
        ("I don{}t like this", true),
        ("I can{}t stand this", true),
        ("it won{}t work", true),
        ("this isn{}t good", true),
        ("the app doesn{}t work", true),
        ("I haven{}t received my order", true),
        ("I didn{}t get a refund", false),
        ("it wasn{}t good", true),
        ("I can{}t log in, this is terrible", true),
        ("{}t is echt slecht", true),
        ("z{}n pakket is kapot", true),
        ("m{}n bestelling is niet aangekomen", true),
        ("{}s avonds werkt de app niet", true),
        ("m{}n dag is goed", false),
    ];
    let apostrophes = ["'", "\u{2019}", "\u{2018}", "\u{02BC}", "\u{00B4}", "`", "\u{FF07}", "\u{2032}", "", "''"];
    let mut failed = Vec::new();
    for (tpl, negative) in templates {
        let reference = analyze(&tpl.replace("{}", "'"));
        if negative && reference.valence >= -0.05 {
            failed.push(format!("{tpl:?} not negative: {}", reference.valence));
        }
        // an English "n't" typed with a space for the apostrophe ("don t")
        let spaced: &[&str] = if tpl.contains("n{}t") { &[" "] } else { &[] };
        for &ap in apostrophes.iter().chain(spaced) {
            let t = tpl.replace("{}", ap);
            let a = analyze(&t);
            if a.valence != reference.valence || a.tone != reference.tone || a.lang != reference.lang {
                failed.push(format!("{t:?}: {} {:?} vs {}", a.valence, a.tone, reference.valence));
            }
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}
