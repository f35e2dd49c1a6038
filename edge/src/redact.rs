//! PII redaction for the decision log: e-mail addresses, IBANs, payment-card numbers and phone
//! numbers become `[email]`, `[iban]`, `[card]`, `[phone]`. A pure function over text; it errs
//! on the side of redacting (a long digit run that looks like a phone number is redacted).
//! Order matters: IBANs and cards are checked (mod-97, Luhn) before the looser phone rule.

pub fn redact(text: &str) -> String {
    let t = redact_emails(text);
    let t = redact_ibans(&t);
    let t = redact_cards(&t);
    redact_phones(&t)
}

fn is_local_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-')
}
fn is_domain_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-')
}

fn redact_emails(text: &str) -> String {
    let cs: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0; // chars[..copied] are already in `out`
    while i < cs.len() {
        if cs[i] == '@' {
            let mut start = i;
            while start > copied && is_local_char(cs[start - 1]) {
                start -= 1;
            }
            let mut end = i + 1;
            while end < cs.len() && is_domain_char(cs[end]) {
                end += 1;
            }
            // Trailing dots/hyphens belong to the sentence, not the domain.
            while end > i + 1 && matches!(cs[end - 1], '.' | '-') {
                end -= 1;
            }
            let domain: String = cs[i + 1..end].iter().collect();
            let tld_ok = domain
                .rsplit_once('.')
                .map(|(host, tld)| !host.is_empty() && tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
                .unwrap_or(false);
            if start < i && tld_ok {
                out.extend(&cs[copied..start]);
                out.push_str("[email]");
                copied = end;
                i = end;
                continue;
            }
        }
        i += 1;
    }
    out.extend(&cs[copied..]);
    out
}

/// Starts of "words": positions not preceded by an alphanumeric character.
fn at_boundary(cs: &[char], i: usize) -> bool {
    i == 0 || !cs[i - 1].is_alphanumeric()
}

fn iban_valid(alnum: &[char]) -> bool {
    if !(15..=34).contains(&alnum.len()) {
        return false;
    }
    let rearranged = alnum[4..].iter().chain(alnum[..4].iter());
    let mut rem: u32 = 0;
    for c in rearranged {
        let v = match c.to_digit(36) {
            Some(v) => v,
            None => return false,
        };
        rem = if v >= 10 { (rem * 100 + v) % 97 } else { (rem * 10 + v) % 97 };
    }
    rem == 1
}

fn redact_ibans(text: &str) -> String {
    let cs: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < cs.len() {
        if at_boundary(&cs, i)
            && i + 4 <= cs.len()
            && cs[i].is_ascii_alphabetic()
            && cs[i + 1].is_ascii_alphabetic()
            && cs[i + 2].is_ascii_digit()
            && cs[i + 3].is_ascii_digit()
        {
            // Gather alphanumerics, allowing single spaces between groups; remember where each
            // group ends so we can try the longest valid candidate first.
            let mut alnum: Vec<char> = Vec::new();
            let mut ends: Vec<(usize, usize)> = Vec::new(); // (char index after group, alnum len)
            let mut j = i;
            while j < cs.len() && alnum.len() <= 34 {
                if cs[j].is_ascii_alphanumeric() {
                    alnum.push(cs[j].to_ascii_uppercase());
                    j += 1;
                    if j == cs.len() || !cs[j].is_ascii_alphanumeric() {
                        ends.push((j, alnum.len()));
                    }
                } else if cs[j] == ' ' && j + 1 < cs.len() && cs[j + 1].is_ascii_alphanumeric() {
                    j += 1;
                } else {
                    break;
                }
            }
            if let Some(&(end, _)) = ends.iter().rev().find(|&&(end, n)| {
                (end == cs.len() || !cs[end].is_alphanumeric()) && iban_valid(&alnum[..n])
            }) {
                out.push_str("[iban]");
                i = end;
                continue;
            }
        }
        out.push(cs[i]);
        i += 1;
    }
    out
}

fn luhn_valid(digits: &[u32]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(k, &d)| if k % 2 == 1 { if d * 2 > 9 { d * 2 - 9 } else { d * 2 } } else { d })
        .sum();
    sum.is_multiple_of(10)
}

/// A run of digit groups starting at `i`, joined by single separators from `seps`.
/// Returns the digit values and, for each position where a group ends, (char end, digit count).
fn digit_run(cs: &[char], i: usize, seps: &[char]) -> (Vec<u32>, Vec<(usize, usize)>) {
    let mut digits = Vec::new();
    let mut ends = Vec::new();
    let mut j = i;
    while j < cs.len() && digits.len() <= 19 {
        if let Some(d) = cs[j].to_digit(10).filter(|_| cs[j].is_ascii_digit()) {
            digits.push(d);
            j += 1;
            if j == cs.len() || !cs[j].is_ascii_digit() {
                ends.push((j, digits.len()));
            }
        } else if seps.contains(&cs[j]) && !digits.is_empty() {
            // At most two separators in a row, e.g. ") " in "(020) 123".
            let mut k = j;
            while k < cs.len() && k - j < 2 && seps.contains(&cs[k]) {
                k += 1;
            }
            if k < cs.len() && cs[k].is_ascii_digit() {
                j = k;
            } else {
                break;
            }
        } else {
            break;
        }
    }
    (digits, ends)
}

fn redact_cards(text: &str) -> String {
    let cs: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < cs.len() {
        if cs[i].is_ascii_digit() && at_boundary(&cs, i) {
            let (digits, ends) = digit_run(&cs, i, &[' ', '-']);
            let hit = ends.iter().rev().find(|&&(end, n)| {
                (13..=19).contains(&n)
                    && (end == cs.len() || !cs[end].is_alphanumeric())
                    && luhn_valid(&digits[..n])
            });
            if let Some(&(end, _)) = hit {
                out.push_str("[card]");
                i = end;
                continue;
            }
        }
        out.push(cs[i]);
        i += 1;
    }
    out
}

fn redact_phones(text: &str) -> String {
    let cs: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < cs.len() {
        let starts_plus = cs[i] == '+' && i + 1 < cs.len() && cs[i + 1].is_ascii_digit();
        let starts_paren = cs[i] == '(' && i + 1 < cs.len() && cs[i + 1].is_ascii_digit();
        if (cs[i].is_ascii_digit() || starts_plus || starts_paren) && at_boundary(&cs, i) {
            let first = if starts_plus || starts_paren { i + 1 } else { i };
            let (_, ends) = digit_run(&cs, first, &[' ', '-', '.', '(', ')', '/']);
            let hit = ends
                .iter()
                .rev()
                .find(|&&(end, n)| (9..=15).contains(&n) && (end == cs.len() || !cs[end].is_alphanumeric()));
            if let Some(&(end, _)) = hit {
                out.push_str("[phone]");
                i = end;
                continue;
            }
        }
        out.push(cs[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::redact;

    fn check(input: &str, expected: &str) {
        assert_eq!(redact(input), expected, "input: {input:?}");
    }

    #[test]
    fn emails() {
        check("mail me at jan.jansen+shop@example.co.uk please", "mail me at [email] please");
        check("Email: a@b.nl.", "Email: [email].");
        check("no email @ here", "no email @ here");
        check("user@localhost stays", "user@localhost stays");
    }

    #[test]
    fn ibans() {
        check("IBAN NL91ABNA0417164300 graag", "IBAN [iban] graag");
        check("rekening NL91 ABNA 0417 1643 00.", "rekening [iban].");
        check("DE89 3704 0044 0532 0130 00", "[iban]");
        check("NL91ABNA0417164301 is invalid", "NL91ABNA0417164301 is invalid");
    }

    #[test]
    fn cards() {
        check("card 4111 1111 1111 1111 ok", "card [card] ok");
        check("4111-1111-1111-1111", "[card]");
        check("5500005555555559", "[card]");
    }

    #[test]
    fn phones() {
        check("bel 06-12345678 aub", "bel [phone] aub");
        check("call +31 20 123 4567 now", "call [phone] now");
        check("(020) 123 4567", "[phone]");
        check("+1 (555) 010-9999", "[phone]");
    }

    #[test]
    fn leaves_ordinary_text_alone() {
        check("order 12345 arrived on 2024-05-01", "order 12345 arrived on 2024-05-01");
        check("I paid €49.95 for 3 items", "I paid €49.95 for 3 items");
        check("", "");
        check("héllo 😀 wereld", "héllo 😀 wereld");
    }

    #[test]
    fn mixed_message() {
        check(
            "Ik ben piet@voorbeeld.nl, bel 0612345678, IBAN NL91ABNA0417164300, kaart 4111111111111111",
            "Ik ben [email], bel [phone], IBAN [iban], kaart [card]",
        );
    }
}
