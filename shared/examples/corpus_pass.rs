//! Analyse every message of `bench/corpus.txt` PASSES times (default 1) after one warm-up
//! pass: the workload to profile with callgrind (instruction counts are repeatable on a
//! busy machine, wall-clock is not):
//! `cargo build --profile fast -p tandem-shared --example corpus_pass` then
//! `valgrind --tool=callgrind target/fast/examples/corpus_pass 3 [score]`.
const CORPUS: &str = include_str!("../../bench/corpus.txt");

fn main() {
    let passes: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1);
    // `score`: the scores-only path (no evidence, no intents); default: the full `analyze`.
    let scores_only = std::env::args().nth(2).as_deref() == Some("score");
    let f = |m: &str| if scores_only { tandem_shared::score(m).valence } else { tandem_shared::analyze(m).valence };
    let mut msgs: Vec<&str> = CORPUS.lines().filter(|l| !l.trim().is_empty()).collect();
    // `BYTES=n`: one message of n bytes made of corpus lines (as the criterion `message_size`
    // bench builds it) instead of the corpus
    let joined;
    if let Some(n) = std::env::var("BYTES").ok().and_then(|b| b.parse::<usize>().ok()) {
        let mut s = String::new();
        for line in msgs.iter().cycle() {
            if s.len() >= n {
                break;
            }
            s.push_str(line);
            s.push(' ');
        }
        let mut cut = n.min(s.len());
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        joined = s;
        msgs = vec![joined.as_str()];
    }
    if std::env::args().nth(1).as_deref() == Some("dump") {
        // every analysis as JSON, one per line: diff two builds to check a speed change is
        // transparent
        for m in &msgs {
            println!("{}", serde_json::to_string(&tandem_shared::analyze(m)).unwrap_or_default());
        }
        return;
    }
    let mut acc = 0.0f32;
    for m in &msgs {
        acc += f(m);
    }
    let start = std::time::Instant::now();
    acc += timed(&msgs, passes, &f);
    let secs = start.elapsed().as_secs_f64();
    let n = passes * msgs.len();
    println!("{{\"messages\": {n}, \"seconds\": {secs:.3}, \"per_second\": {:.0}, \"checksum\": {acc}}}", n as f64 / secs);
}

/// The measured passes (a function of its own so that
/// `valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*timed*'` counts only them).
#[inline(never)]
fn timed(msgs: &[&str], passes: usize, f: &dyn Fn(&str) -> f32) -> f32 {
    let mut acc = 0.0;
    for _ in 0..passes {
        for m in msgs {
            acc += f(std::hint::black_box(m));
        }
    }
    acc
}
