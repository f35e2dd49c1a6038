//! `analyze_as(text, lang)`: the language hint decides messages too short to tell and
//! near ties, never overrides a message clearly in the other language, never makes a
//! message mixed, and without a hint is exactly `analyze`.
use tandem_shared::{analyze, analyze_as, Lang};

#[test]
fn no_hint_is_exactly_analyze() {
    for t in ["ok", "dit is waardeloos", "great, thanks!", "mag ik een medewerker", "I want a human", "top", "😡", ""] {
        assert_eq!(analyze_as(t, Lang::Unknown), analyze(t), "{t}");
    }
}

#[test]
fn hint_decides_messages_too_short_to_tell() {
    for t in ["ok", "agent"] {
        assert_eq!(analyze(t).lang, Lang::Unknown, "{t}");
        assert_eq!(analyze_as(t, Lang::En).lang, Lang::En, "{t}");
        assert_eq!(analyze_as(t, Lang::Nl).lang, Lang::Nl, "{t}");
    }
}

#[test]
fn hint_never_overrides_a_clear_message() {
    for (t, l) in [("dit is echt waardeloos, ik wil mijn geld terug", Lang::Nl), ("this is really bad, I want my money back", Lang::En)] {
        let other = if l == Lang::Nl { Lang::En } else { Lang::Nl };
        let a = analyze_as(t, other);
        assert_eq!(a.lang, l, "{t}");
        assert!(!a.mixed, "{t}");
        assert_eq!(a, analyze(t), "{t}: a clear message analyses the same whatever the hint");
    }
}

#[test]
fn hint_keeps_intents() {
    for l in [Lang::Nl, Lang::En, Lang::Unknown] {
        assert!(analyze_as("hallo, ik wil een medewerker", l).has_intent(tandem_shared::Intent::HumanRequest));
        assert!(analyze_as("my bike is broken, I want a human", l).has_intent(tandem_shared::Intent::HumanRequest));
    }
}
