//! Bot and interface texts come from a message catalogue per language (i18n/*.json), not code.
use std::collections::HashMap;

use serde::Deserialize;
use tandem_shared::Lang;

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Entry {
    Plain(String),
    Register { formal: String, informal: String },
}

/// The texts for one language and form of address.
#[derive(Debug, Clone)]
pub struct Catalog {
    lang: Lang,
    formal: bool,
    entries: HashMap<String, Entry>,
}

const EN: &str = include_str!("../i18n/en.json");
const NL: &str = include_str!("../i18n/nl.json");

impl Catalog {
    /// The catalogue for `lang` (English for anything we have no catalogue for).
    pub fn new(lang: Lang, formal: bool) -> Catalog {
        let (lang, src) = match lang {
            Lang::Nl => (Lang::Nl, NL),
            _ => (Lang::En, EN),
        };
        // The catalogues are compiled in and checked by a test, so a parse failure here can
        // only come from a broken build; fall back to an empty table rather than panic.
        let entries = serde_json::from_str(src).unwrap_or_default();
        Catalog { lang, formal, entries }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The text for `key`; a missing key shows as the key itself, never as a crash.
    pub fn t(&self, key: &str) -> String {
        match self.entries.get(key) {
            Some(Entry::Plain(s)) => s.clone(),
            Some(Entry::Register { formal, informal }) => if self.formal { formal } else { informal }.clone(),
            None => key.to_string(),
        }
    }

    /// `t` with `{name}`-style placeholders filled in.
    pub fn tf(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.t(key);
        for (k, v) in args {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogues_parse_and_have_the_same_keys() {
        let en: HashMap<String, Entry> = serde_json::from_str(EN).expect("en.json parses");
        let nl: HashMap<String, Entry> = serde_json::from_str(NL).expect("nl.json parses");
        let mut ek: Vec<_> = en.keys().collect();
        let mut nk: Vec<_> = nl.keys().collect();
        ek.sort();
        nk.sort();
        assert_eq!(ek, nk);
    }

    #[test]
    fn register_picks_formal_or_informal() {
        assert!(Catalog::new(Lang::Nl, true).t("greeting").contains(" u "));
        assert!(Catalog::new(Lang::Nl, false).t("greeting").contains(" je "));
        assert_eq!(Catalog::new(Lang::Unknown, true).lang(), Lang::En);
    }
}
