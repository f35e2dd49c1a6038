//! Knowledge-base answers may contain `[text](url)` links. They are turned into text and link
//! segments; only http, https, mailto and tel links become clickable (case C01). Everything
//! else stays literal text, rendered as text.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Text(String),
    Link { text: String, href: String },
}

const SAFE_SCHEMES: [&str; 4] = ["http://", "https://", "mailto:", "tel:"];

/// True for links that may become clickable: the four safe schemes, or a site-relative path.
pub fn is_safe_href(href: &str) -> bool {
    let h = href.trim();
    let lower = h.to_ascii_lowercase();
    if h.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return false;
    }
    SAFE_SCHEMES.iter().any(|s| lower.starts_with(s)) || (h.starts_with('/') && !h.starts_with("//"))
}

/// Splits `text` into segments; unsafe or malformed links stay as literal text.
pub fn segments(text: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let parsed = after.find("](").and_then(|close| {
            let label = &after[..close];
            let tail = &after[close + 2..];
            let end = tail.find(')')?;
            let href = &tail[..end];
            (!label.contains('[') && is_safe_href(href)).then(|| (label, href, close + 2 + end + 1))
        });
        match parsed {
            Some((label, href, used)) => {
                plain.push_str(&rest[..open]);
                if !plain.is_empty() {
                    out.push(Segment::Text(std::mem::take(&mut plain)));
                }
                out.push(Segment::Link { text: label.to_string(), href: href.trim().to_string() });
                rest = &after[used..];
            }
            None => {
                plain.push_str(&rest[..open + 1]);
                rest = after;
            }
        }
    }
    plain.push_str(rest);
    if !plain.is_empty() {
        out.push(Segment::Text(plain));
    }
    out
}

/// Pictographic emoji and the characters that only ever build them (presentation selector,
/// skin tones, zero-width joiner, tag characters, regional-indicator flags).
fn is_emoji_part(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B50..=0x2B55 | 0xFE0F | 0x200D | 0xE0020..=0xE007F)
}

/// The owner's `persona.emoji` setting applied to a bot text (a knowledge-base answer, the
/// greeting override): with emoji off they are dropped, so the bot never uses them even when
/// the site's knowledge base does. Spaces left doubled by a dropped emoji are closed up.
pub fn without_emoji_unless(text: &str, emoji_allowed: bool) -> String {
    if emoji_allowed || !text.chars().any(is_emoji_part) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut dropped = false;
    for c in text.chars() {
        if is_emoji_part(c) {
            dropped = true;
            continue;
        }
        if dropped && c == ' ' && (out.is_empty() || out.ends_with([' ', '\n'])) {
            continue;
        }
        // "Tot snel 👋!" reads "Tot snel!", not "Tot snel !".
        if dropped && matches!(c, '.' | ',' | '!' | '?' | ':' | ';') && out.ends_with(' ') {
            out.pop();
        }
        dropped = false;
        out.push(c);
    }
    out.trim_end_matches([' ']).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(t: &str, h: &str) -> Segment {
        Segment::Link { text: t.into(), href: h.into() }
    }
    fn text(t: &str) -> Segment {
        Segment::Text(t.into())
    }

    #[test]
    fn c01_javascript_link_stays_literal_text() {
        assert_eq!(segments("[klik](javascript:alert(1))"), vec![text("[klik](javascript:alert(1))")]);
        assert_eq!(segments("[x]( JavaScript:alert(1))"), vec![text("[x]( JavaScript:alert(1))")]);
        assert_eq!(segments("[x](data:text/html,hi)"), vec![text("[x](data:text/html,hi)")]);
        assert_eq!(segments("[x](//evil.example)"), vec![text("[x](//evil.example)")]);
    }

    #[test]
    fn c01_markup_is_never_interpreted() {
        let s = "<img src=x onerror=alert(1)>";
        assert_eq!(segments(s), vec![text(s)]);
    }

    #[test]
    fn safe_links_become_links() {
        assert_eq!(
            segments("Zie [bezorging](https://shop.example/bezorging) of bel [ons](tel:+31201234567)."),
            vec![text("Zie "), link("bezorging", "https://shop.example/bezorging"), text(" of bel "), link("ons", "tel:+31201234567"), text(".")]
        );
        assert_eq!(segments("[mail](mailto:hi@shop.example)"), vec![link("mail", "mailto:hi@shop.example")]);
        assert_eq!(segments("[returns](/returns.html)"), vec![link("returns", "/returns.html")]);
    }

    #[test]
    fn unbalanced_brackets_do_not_panic() {
        for s in ["[", "[a](", "](", "[a]", "a [b] (c)", "[[x](http://a)", "[é](http://é)"] {
            let joined: String = segments(s)
                .into_iter()
                .map(|seg| match seg {
                    Segment::Text(t) => t,
                    Segment::Link { text, href } => format!("[{text}]({href})"),
                })
                .collect();
            assert_eq!(joined, s);
        }
    }

    #[test]
    fn emoji_are_dropped_when_the_owner_turns_them_off() {
        assert_eq!(without_emoji_unless("Open van 9 tot 17 uur 😊 Tot snel! 🚲👋🏽", false), "Open van 9 tot 17 uur Tot snel!");
        assert_eq!(without_emoji_unless("👋 Hoi ❤️ daar 👍!", false), "Hoi daar!");
        assert_eq!(without_emoji_unless("Familie 👨‍👩‍👧 en vlag 🇳🇱.", false), "Familie en vlag.");
        assert_eq!(without_emoji_unless("Open 😊", true), "Open 😊");
        // Ordinary typography stays: arrows, bullets, the euro sign, "›" in menu paths.
        let plain = "Mijn account › Bestellingen → € 4,95 • 10–17 uur";
        assert_eq!(without_emoji_unless(plain, false), plain);
    }
}
