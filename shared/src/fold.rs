//! Character folding shared by the build script and the tokenizer, so lexicon keys
//! and runtime tokens are normalised by exactly the same function.
//! (No dependencies: `build.rs` includes this file with `#[path]`.)

/// Fold one character for matching: lowercase, strip Latin diacritics, unify
/// apostrophes (’ ‘ ‛ ʼ ʹ ʻ ` ´ ′ ＇ → ': keyboards, phones and word processors type
/// any of them in "don’t", "z’n"). Returns `None` for characters to drop
/// (variation selectors, zero-width joiners, soft hyphens).
pub fn fold_char(c: char) -> Option<char> {
    if c.is_ascii() {
        return Some(if c == '`' { '\'' } else { c.to_ascii_lowercase() });
    }
    Some(match c {
        '\u{2019}' | '\u{2018}' | '\u{201B}' | '\u{02BC}' | '\u{02B9}' | '\u{02BB}' | '\u{00B4}' | '\u{2032}' | '\u{FF07}' => '\'',
        '\u{FE0E}' | '\u{FE0F}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{00AD}' | '\u{2060}' => return None,
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' | 'À' | 'Á' | 'Â' | 'Ä' | 'Ã' | 'Å' => 'a',
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'i',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'Ò' | 'Ó' | 'Ô' | 'Ö' | 'Õ' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => 'u',
        'ç' | 'Ç' => 'c',
        'ñ' | 'Ñ' => 'n',
        'ÿ' | 'ý' => 'y',
        _ => {
            let mut l = c.to_lowercase();
            match (l.next(), l.next()) {
                (Some(x), None) => x,
                _ => c,
            }
        }
    })
}

/// Fold a whole string (used for lexicon keys at build time).
pub fn fold_str(s: &str) -> String {
    s.chars().filter_map(fold_char).collect()
}
