//! Typo tolerance: bounded Damerau-Levenshtein (optimal string alignment)
//! against the index vocabulary, bucketed by length and pre-filtered by a
//! 64-bit letter mask, so a lookup touches only plausible words.
use super::index::FxMap;

/// Allowed edits for a query word of `len` characters: none below 4,
/// one for 4–7, two from 8 on.
pub fn max_edits(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

fn mask(chars: &[char]) -> u64 {
    chars.iter().fold(0u64, |m, &c| m | 1u64 << (c as u32 % 64))
}

struct Entry {
    chars: Vec<char>,
    mask: u64,
    terms: Vec<u32>,
}

/// Surface words of one language, each pointing at the index terms it produced.
#[derive(Default)]
pub struct Lexicon {
    entries: Vec<Entry>,
    exact: FxMap<String, u32>,
    by_len: Vec<Vec<u32>>,
}

impl Lexicon {
    /// Record that `word` (folded) produces `term`.
    pub fn add(&mut self, word: &str, term: u32) {
        let idx = match self.exact.get(word) {
            Some(&i) => i,
            None => {
                let chars: Vec<char> = word.chars().collect();
                let i = self.entries.len() as u32;
                let len = chars.len();
                self.entries.push(Entry { mask: mask(&chars), chars, terms: Vec::new() });
                self.exact.insert(word.to_owned(), i);
                if self.by_len.len() <= len {
                    self.by_len.resize_with(len + 1, Vec::new);
                }
                self.by_len[len].push(i);
                i
            }
        };
        let e = &mut self.entries[idx as usize];
        if !e.terms.contains(&term) {
            e.terms.push(term);
        }
    }

    /// Terms of the closest words within [`max_edits`] of `word`, with the distance
    /// (only the smallest distance found; empty when none or when `word` is known).
    pub fn lookup(&self, word: &str) -> (Vec<u32>, usize) {
        let q: Vec<char> = word.chars().collect();
        let k = max_edits(q.len());
        if k == 0 || self.exact.contains_key(word) {
            return (Vec::new(), 0);
        }
        let qm = mask(&q);
        let mut best = k + 1;
        let mut out: Vec<u32> = Vec::new();
        let lo = q.len().saturating_sub(k);
        let hi = (q.len() + k).min(self.by_len.len().saturating_sub(1));
        for len in lo..=hi {
            let Some(bucket) = self.by_len.get(len) else { continue };
            for &i in bucket {
                let e = &self.entries[i as usize];
                if ((qm ^ e.mask).count_ones() as usize) > 2 * best.min(k) {
                    continue;
                }
                if let Some(d) = osa_within(&q, &e.chars, best.min(k)) {
                    if d < best {
                        best = d;
                        out.clear();
                    }
                    for &t in &e.terms {
                        if !out.contains(&t) {
                            out.push(t);
                        }
                    }
                }
            }
        }
        (out, best)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Optimal-string-alignment distance between `a` and `b` if it is ≤ `k`.
pub fn osa_within(a: &[char], b: &[char], k: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > k {
        return None;
    }
    let w = b.len() + 1;
    // Three rows: i-2, i-1, i.
    let mut rows = vec![0usize; 3 * w];
    for (j, cell) in rows.iter_mut().take(w).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        let (cur, prev, prev2) = ((i % 3) * w, ((i - 1) % 3) * w, ((i + 1) % 3) * w);
        rows[cur] = i;
        let mut row_min = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (rows[prev + j] + 1).min(rows[cur + j - 1] + 1).min(rows[prev + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(rows[prev2 + j - 2] + 1);
            }
            rows[cur + j] = v;
            row_min = row_min.min(v);
        }
        if row_min > k {
            return None;
        }
    }
    let d = rows[(a.len() % 3) * w + b.len()];
    (d <= k).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(a: &str, b: &str, k: usize) -> Option<usize> {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        osa_within(&a, &b, k)
    }

    #[test]
    fn distances() {
        for (a, b, k, want) in [
            ("retourneren", "retourneeren", 2, Some(1)),
            ("pakket", "pakekt", 1, Some(1)),
            ("pakket", "pakket", 1, Some(0)),
            ("bezorgen", "bzorgn", 2, Some(2)),
            ("bezorgen", "zorgen", 1, None),
            ("", "ab", 2, Some(2)),
            ("abc", "", 2, None),
            ("klarna", "kalrna", 1, Some(1)),
            ("klarna", "karlna", 1, None),
        ] {
            assert_eq!(d(a, b, k), want, "{a} ~ {b}");
        }
    }

    #[test]
    fn lookup_prefers_closest() {
        let mut l = Lexicon::default();
        l.add("retourneren", 1);
        l.add("retourneer", 2);
        l.add("pakket", 3);
        assert_eq!(l.lookup("retourneeren"), (vec![1], 1));
        assert_eq!(l.lookup("pakekt"), (vec![3], 1));
        assert_eq!(l.lookup("pakket").0, Vec::<u32>::new());
        assert_eq!(l.lookup("pak").0, Vec::<u32>::new());
    }
}
