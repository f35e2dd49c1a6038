//! Extractive summary of what the customer said: the 2–3 most informative sentences, in their
//! original order, so an agent reads the gist before the transcript. Pure; no I/O.

/// Function words (nl + en) that carry no content for the score.
const STOPWORDS: &[&str] = &[
    "aan", "about", "also", "and", "because", "been", "but", "can", "could", "dat", "did", "die",
    "does", "door", "een", "for", "from", "had", "have", "heb", "hebben", "het", "hier", "hoe",
    "ik", "into", "is", "jullie", "just", "maar", "met", "mijn", "niet", "nog", "ook", "over",
    "that", "the", "their", "there", "this", "uit", "van", "voor", "waar", "want", "was", "wat",
    "were", "what", "when", "where", "which", "with", "would", "you", "your", "zijn", "zou",
    // greetings and acknowledgements
    "bedankt", "dank", "dag", "goedemiddag", "goedemorgen", "hallo", "hello", "hey", "hoi", "nee",
    "okay", "oke", "thanks", "thank", "yes",
];

fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        cur.push(c);
        // A sentence ends at ! ? or a newline, or at a full stop followed by a space or the end
        // (so "jan@x.nl" and "3.5" stay whole).
        let next_is_break = chars.get(i + 1).is_none_or(|n| n.is_whitespace());
        if matches!(c, '!' | '?' | '\n') || (c == '.' && next_is_break) {
            let s = cur.trim().to_string();
            if !s.is_empty() && s.chars().any(|c| c.is_alphanumeric()) {
                out.push(s);
            }
            cur.clear();
        }
    }
    let s = cur.trim().to_string();
    if !s.is_empty() && s.chars().any(|c| c.is_alphanumeric()) {
        out.push(s);
    }
    out
}

fn content_words(sentence: &str) -> Vec<String> {
    // Distinct words, first occurrence first (order does not matter to the callers; no sort,
    // whose every instantiation costs kilobytes of wasm, and `overlap` is quadratic anyway).
    let mut words: Vec<String> = Vec::new();
    for w in sentence.split(|c: char| !c.is_alphanumeric()).map(|w| w.to_lowercase()) {
        if w.chars().count() >= 3 && !STOPWORDS.contains(&w.as_str()) && !words.contains(&w) {
            words.push(w);
        }
    }
    words
}

/// Informativeness: distinct content words, plus a bonus for numbers (order ids, dates, amounts)
/// and for questions; very long sentences are capped so one rant does not win by length alone.
fn score(sentence: &str) -> f32 {
    let words = content_words(sentence);
    let mut s = (words.len() as f32).min(12.0);
    if sentence.chars().any(|c| c.is_ascii_digit()) {
        s += 2.0;
    }
    if sentence.contains('?') {
        s += 1.0;
    }
    s
}

fn overlap(a: &[String], b: &[String]) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let common = a.iter().filter(|w| b.contains(w)).count();
    common as f32 / a.len().min(b.len()) as f32
}

/// Picks up to `max` sentences from the customer's messages, most informative first, skipping
/// near-repeats (a customer repeating a question), and returns them in conversation order.
pub fn summarize<'a>(customer_messages: impl IntoIterator<Item = &'a str>, max: usize) -> Vec<String> {
    let all: Vec<String> = customer_messages.into_iter().flat_map(sentences).collect();
    let mut ranked: Vec<(usize, f32)> = all.iter().enumerate().map(|(i, s)| (i, score(s))).collect();
    // Unstable is exact here (ties are broken by the unique index) and smaller than sort_by.
    ranked.sort_unstable_by(|a, b| b.1.partial_cmp(&a.1).unwrap_or(std::cmp::Ordering::Equal).then(a.0.cmp(&b.0)));
    let mut chosen: Vec<usize> = Vec::new();
    for (i, sc) in ranked {
        if chosen.len() >= max {
            break;
        }
        let words = content_words(&all[i]);
        if words.is_empty() || sc <= 0.0 {
            continue; // greetings and "ok?" say nothing an agent needs
        }
        if chosen.iter().any(|&j| overlap(&words, &content_words(&all[j])) >= 0.6) {
            continue;
        }
        chosen.push(i);
    }
    // In conversation order.
    (0..all.len()).filter(|i| chosen.contains(i)).map(|i| truncate(&all[i], 280)).collect()
}

fn truncate(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max_chars).collect();
    t.push('…');
    t
}

#[cfg(test)]
mod tests {
    use super::summarize;

    #[test]
    fn picks_informative_sentences_in_order() {
        let msgs = [
            "hallo",
            "Mijn pakket met ordernummer 48213 is nog steeds niet bezorgd.",
            "ok",
            "Ik wil mijn geld terug want het cadeau was voor vrijdag bedoeld!",
            "hallo?",
        ];
        let s = summarize(msgs.iter().copied(), 3);
        assert_eq!(
            s,
            vec![
                "Mijn pakket met ordernummer 48213 is nog steeds niet bezorgd.".to_string(),
                "Ik wil mijn geld terug want het cadeau was voor vrijdag bedoeld!".to_string(),
            ]
        );
    }

    #[test]
    fn skips_repeated_questions() {
        let msgs = ["Where is my parcel 123?", "Where is my parcel 123??", "I ordered a lamp last week."];
        let s = summarize(msgs.iter().copied(), 3);
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn empty_input() {
        assert!(summarize(std::iter::empty(), 3).is_empty());
        assert!(summarize(["", "   ", "?!"].iter().copied(), 3).is_empty());
    }
}
