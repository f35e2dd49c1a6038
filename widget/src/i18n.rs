//! Bot and interface texts come from a message catalogue per language (i18n/*.json), not code.
//! build.rs turns the catalogues into static tables (and fails the build on a malformed one).
use tandem_shared::Lang;

mod tables {
    include!(concat!(env!("OUT_DIR"), "/catalogues.rs"));
}

/// The texts for one language and form of address.
#[derive(Clone)]
pub struct Catalog {
    lang: Lang,
    formal: bool,
    /// (key, formal, informal), sorted by key; an empty informal form means "same as formal".
    entries: &'static [(&'static str, &'static str, &'static str)],
}

impl Catalog {
    /// The catalogue for `lang` (English for anything we have no catalogue for).
    pub fn new(lang: Lang, formal: bool) -> Catalog {
        let (lang, entries) = match lang {
            Lang::Nl => (Lang::Nl, tables::NL),
            _ => (Lang::En, tables::EN),
        };
        Catalog { lang, formal, entries }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The text for `key`; a missing key shows as the key itself, never as a crash.
    pub fn t(&self, key: &str) -> String {
        match self.entries.binary_search_by(|e| e.0.cmp(key)) {
            Ok(i) => {
                let (_, formal, informal) = self.entries[i];
                if self.formal || informal.is_empty() { formal } else { informal }.to_string()
            }
            Err(_) => key.to_string(),
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
    fn catalogues_have_the_same_keys() {
        fn keys(t: &[(&'static str, &'static str, &'static str)]) -> Vec<&'static str> {
            t.iter().map(|e| e.0).collect()
        }
        assert_eq!(keys(tables::EN), keys(tables::NL));
        assert!(tables::EN.len() > 40);
    }

    #[test]
    fn register_picks_formal_or_informal() {
        assert!(Catalog::new(Lang::Nl, true).t("greeting").contains(" u "));
        assert!(Catalog::new(Lang::Nl, false).t("greeting").contains(" je "));
        assert_eq!(Catalog::new(Lang::Unknown, true).lang(), Lang::En);
        // A plain entry reads the same in both registers; an unknown key shows as itself.
        assert_eq!(Catalog::new(Lang::En, false).t("send"), "Send");
        assert_eq!(Catalog::new(Lang::En, true).t("no_such_key"), "no_such_key");
    }
}
