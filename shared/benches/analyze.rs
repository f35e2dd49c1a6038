//! Engine speed: `cargo bench -p tandem-shared --bench analyze`.
//!
//! * `analyze/corpus` — every message of `bench/corpus.txt` (~2,000 real nl/en messages,
//!   short and long; see bench/README.md) once per iteration; reported as messages/s.
//! * `analyze/corpus_scores` — the same with `score` (language, valence, tone; no evidence
//!   or intents): a score per message, like the peers return.
//! * `message_size/*` — one message of 1 KB, 16 KiB (the most `analyze` reads, the rest is
//!   cut off with a `truncated` evidence) and 1 MB, to show the time is linear and bounded.
//! * `faq/*` — building the index of `kb/demo-shop.json` and answering every query of
//!   `kb/eval.tsv` (nl and en, typos included).
//!
//! scripts/bench.sh reads the estimates criterion writes under target/criterion.
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use tandem_shared::faq::{FaqConfig, FaqIndex, KnowledgeBase};
use tandem_shared::{analyze, score, Lang};

const CORPUS: &str = include_str!("../../bench/corpus.txt");
const KB: &str = include_str!("../../kb/demo-shop.json");
const KB_QUERIES: &str = include_str!("../../kb/eval.tsv");

fn corpus() -> Vec<&'static str> {
    CORPUS.lines().filter(|l| !l.trim().is_empty()).collect()
}

/// A message of exactly `bytes` bytes (or one less, at a char boundary) made of corpus lines.
fn message_of(bytes: usize) -> String {
    let mut s = String::with_capacity(bytes + 2048);
    for line in corpus().iter().cycle() {
        if s.len() >= bytes {
            break;
        }
        s.push_str(line);
        s.push(' ');
    }
    let mut cut = bytes.min(s.len());
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    s.truncate(cut);
    s
}

fn bench_corpus(c: &mut Criterion) {
    let msgs = corpus();
    let mut g = c.benchmark_group("analyze");
    g.throughput(Throughput::Elements(msgs.len() as u64));
    g.bench_function("corpus", |b| {
        b.iter(|| {
            let mut acc = 0.0f32;
            for m in &msgs {
                acc += analyze(black_box(m)).valence;
            }
            acc
        })
    });
    g.bench_function("corpus_scores", |b| {
        b.iter(|| {
            let mut acc = 0.0f32;
            for m in &msgs {
                acc += score(black_box(m)).valence;
            }
            acc
        })
    });
    g.finish();
}

fn bench_sizes(c: &mut Criterion) {
    let mut g = c.benchmark_group("message_size");
    g.sample_size(20);
    for (name, bytes) in [
        ("1KB", 1_000usize),
        ("16KiB", 16 * 1024),
        ("1MB", 1_000_000),
    ] {
        let m = message_of(bytes);
        g.throughput(Throughput::Bytes(m.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(name), &m, |b, m| {
            b.iter(|| analyze(black_box(m)))
        });
    }
    g.finish();
}

fn bench_faq(c: &mut Criterion) {
    let kb = KnowledgeBase::from_json(KB).expect("kb/demo-shop.json is a valid knowledge base");
    let queries: Vec<(&str, Lang)> = KB_QUERIES
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split('\t').next())
        .map(|q| {
            let lang = analyze(q).lang;
            (q, lang)
        })
        .collect();
    let index = FaqIndex::new(&kb);
    let cfg = FaqConfig::default();
    let mut g = c.benchmark_group("faq");
    g.bench_function("build_index", |b| b.iter(|| FaqIndex::new(black_box(&kb))));
    g.throughput(Throughput::Elements(queries.len() as u64));
    g.bench_function("answer_eval_queries", |b| {
        b.iter(|| {
            for (q, lang) in &queries {
                black_box(index.answer(black_box(q), *lang, &cfg));
            }
        })
    });
    g.finish();
}

fn config() -> Criterion {
    // Short runs: the machine has 2 cores shared with other work.
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! { name = benches; config = config(); targets = bench_corpus, bench_sizes, bench_faq }
criterion_main!(benches);
