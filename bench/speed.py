#!/usr/bin/env python3
"""Engine speed: Tandem (native and wasm) vs vaderSentiment, npm `sentiment`, `wink-sentiment`.

Every engine analyses the same corpus, bench/corpus.txt (~2,000 messages):
* Tandem native: criterion's samples (fastest and median) of `analyze/corpus` (full analysis)
  and `analyze/corpus_scores` (`score`: language, valence, tone) (shared/benches/analyze.rs,
  run by scripts/bench.sh just before this script), plus `tandem analyze` end to end
  (process start, JSON in and out) for reference;
* vaderSentiment 3.3.2: `polarity_scores` in this Python process;
* Tandem compiled to wasm32 + wasm-bindgen (bench/engine-wasm; the shipped size-first build
  and, with --fast-pkg, an opt-level 3 build), npm `sentiment` and `wink-sentiment`:
  bench/speed.mjs, all in one Node process.

usage: bench/speed.py [--pkg DIR] [--md BENCHMARKS.md]   (run with the bench venv)
"""
import argparse
import json
import os
import subprocess
import sys
import time

from common import ROOT, machine, md_table, rustc_version, splice, stamp

CORPUS = os.path.join(ROOT, "bench", "corpus.txt")
CRITERION = os.path.join(ROOT, "target", "criterion")
SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))

# Targets from the product plan.
TARGET_NATIVE_VS_VADER = 100.0
TARGET_WASM_VS_SENTIMENT = 3.0
TARGET_1MB_VS_1KB = 1000.0


def criterion_ns(group, name):
    """(fastest, median) nanoseconds per iteration over criterion's samples."""
    p = os.path.join(CRITERION, group, name, "new", "sample.json")
    try:
        with open(p, encoding="utf-8") as f:
            s = json.load(f)
    except OSError:
        sys.exit(f"no criterion samples at {p}: run `cargo bench -p tandem-shared --bench analyze` first")
    per = sorted(t / i for t, i in zip(s["times"], s["iters"]))
    return per[0], per[len(per) // 2]


def best_median(times, n):
    """(best, median) messages per second from pass times of n messages each."""
    times = sorted(times)
    return n / times[0], n / times[len(times) // 2]


def vader_speed(msgs):
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    sia = SentimentIntensityAnalyzer()
    for m in msgs[:500]:
        sia.polarity_scores(m)
    times, t0 = [], time.perf_counter()
    while time.perf_counter() - t0 < SECONDS or len(times) < 3:
        a = time.perf_counter()
        for m in msgs:
            sia.polarity_scores(m)
        times.append(time.perf_counter() - a)
    return best_median(times, len(msgs))


def cli_speed(msgs, binary, runs=5):
    inp = ("\n".join(msgs) + "\n").encode()
    times = []
    for _ in range(runs):
        a = time.perf_counter()
        subprocess.run([binary, "analyze"], input=inp, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - a)
    return best_median(times, len(msgs))


def load_average():
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def fmt_rate(x):
    return f"{x:,.0f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pkg", default=os.path.join(ROOT, "target", "bench", "engine-wasm-pkg"))
    ap.add_argument("--fast-pkg", help="the engine-wasm package built with opt-level 3 (measured too)")
    ap.add_argument("--tandem", default=os.path.join(ROOT, "target", "release", "tandem"))
    ap.add_argument("--md", help="write the '## Engine speed' section into this markdown file")
    args = ap.parse_args()

    with open(CORPUS, encoding="utf-8") as f:
        msgs = [l for l in f.read().split("\n") if l.strip()]
    corpus_bytes = sum(len(m.encode()) for m in msgs)

    load = load_average()
    native = tuple(len(msgs) / (ns / 1e9) for ns in criterion_ns("analyze", "corpus"))
    native_scores = tuple(len(msgs) / (ns / 1e9) for ns in criterion_ns("analyze", "corpus_scores"))
    sizes = {k: criterion_ns("message_size", k) for k in ["1KB", "16KiB", "1MB"]}
    faq_build = criterion_ns("faq", "build_index")[1]
    faq_answer = criterion_ns("faq", "answer_eval_queries")[1]
    with open(os.path.join(ROOT, "kb", "eval.tsv"), encoding="utf-8") as f:
        n_queries = sum(1 for l in f if l.strip() and not l.startswith("#"))

    print("vaderSentiment …", file=sys.stderr)
    vader = vader_speed(msgs)
    print("tandem analyze (CLI) …", file=sys.stderr)
    cli = cli_speed(msgs, args.tandem)
    print("Node: Tandem wasm, sentiment, wink-sentiment …", file=sys.stderr)
    node_args = ["node", os.path.join(ROOT, "bench", "speed.mjs"), CORPUS, args.pkg] + (
        [args.fast_pkg] if args.fast_pkg else [])
    node = json.loads(subprocess.run(node_args, capture_output=True, text=True, check=True).stdout)
    load = max(load, load_average())

    def nd(k):
        return node[k]["best_per_second"], node[k]["median_per_second"]

    sent, wink = nd("sentiment"), nd("wink_sentiment")
    builds = [("tandem_wasm", 'wasm32 `opt-level = "z"` (shipped)')]
    if "tandem_wasm_fast_valence" in node:
        builds.append(("tandem_wasm_fast", "wasm32 opt-level 3"))
    wasm_v = nd("tandem_wasm_valence")
    wasm_fast_v = nd("tandem_wasm_fast_valence") if len(builds) > 1 else None

    def verdict(ok):
        return "met" if ok else "**not met**"

    r_native = native_scores[0] / vader[0]
    r_native_full = native[0] / vader[0]
    r_wasm = wasm_v[0] / sent[0]
    r_size = sizes["1MB"][0] / sizes["1KB"][0]
    rows = [
        ("Tandem `score` (valence + tone)", f"native, criterion ({rustc_version().split(' (')[0]})", native_scores),
        ("Tandem `analyze` (+ intents, evidence)", f"native, criterion ({rustc_version().split(' (')[0]})", native),
        ("Tandem `tandem analyze` CLI", "native, process + JSON in/out", cli),
    ]
    for key, build in builds:
        rows += [
            ("Tandem `valence` (string in, score out)", f"{build}, Node {node['node']}", nd(f"{key}_valence")),
            ("Tandem `analyze_json` (full analysis → JSON string)", f"{build}, Node {node['node']}",
             nd(f"{key}_analyze_json")),
            ("Tandem `analyze` (full analysis → JS object)", f"{build}, Node {node['node']}", nd(f"{key}_analyze")),
            ("(boundary only: pass the string in, no analysis)", f"{build}, Node {node['node']}",
             nd(f"{key}_pass_string")),
        ]
    rows += [
        ("vaderSentiment 3.3.2 (`polarity_scores`)", f"CPython {sys.version.split()[0]}", vader),
        ("npm sentiment 5.0.2 (`analyze(m).score`)", f"Node {node['node']}", sent),
        ("wink-sentiment 5.0.2 (`wink(m).score`)", f"Node {node['node']}", wink),
    ]
    throughput = md_table(
        ["engine", "runtime", "messages/s (best)", "µs/message", "messages/s (median)", "vs vaderSentiment",
         "vs npm sentiment"],
        [[n, rt, fmt_rate(x[0]), f"{1e6 / x[0]:.2f}", fmt_rate(x[1]), f"{x[0] / vader[0]:.1f}×",
          f"{x[0] / sent[0]:.2f}×"] for n, rt, x in rows])
    fast_note = (f"; opt-level 3 build {wasm_fast_v[0] / sent[0]:.2f}×" if wasm_fast_v else "")
    targets = md_table(["target", "measured", "verdict"], [
        [f"native ≥ {TARGET_NATIVE_VS_VADER:.0f}× vaderSentiment (score vs `polarity_scores`)",
         f"{r_native:.1f}× (full `analyze` {r_native_full:.1f}×)", verdict(r_native >= TARGET_NATIVE_VS_VADER)],
        [f"wasm in Node ≥ {TARGET_WASM_VS_SENTIMENT:.0f}× npm sentiment (`valence` vs `.score`, shipped build)",
         f"{r_wasm:.2f}× (vs wink-sentiment {wasm_v[0] / wink[0]:.2f}×{fast_note})",
         verdict(r_wasm >= TARGET_WASM_VS_SENTIMENT)],
        [f"1 MB message ≤ {TARGET_1MB_VS_1KB:,.0f}× a 1 KB one", f"{r_size:.1f}×",
         verdict(r_size <= TARGET_1MB_VS_1KB)],
    ])
    size_rows = md_table(["message", "time (best)", "time (median)", "MB/s (best)", "× the 1 KB time"], [
        [k, f"{ns[0] / 1e3:,.1f} µs", f"{ns[1] / 1e3:,.1f} µs", f"{b / (ns[0] / 1e9) / 1e6:.1f}",
         f"{ns[0] / sizes['1KB'][0]:.1f}×"]
        for (k, ns), b in zip(sizes.items(), [1_000, 16 * 1024, 1_000_000])])
    faq_rows = md_table(["FAQ (kb/demo-shop.json)", "time"], [
        ["build the index (median)", f"{faq_build / 1e3:,.0f} µs"],
        [f"answer one query (median over the {n_queries} kb/eval.tsv queries, nl + en)",
         f"{faq_answer / n_queries / 1e3:,.1f} µs"],
    ])
    print(throughput, targets, size_rows, faq_rows, sep="\n\n")

    if args.md:
        body = f"""Measured {stamp()} on {machine()}.
Reproduce: `scripts/bench.sh speed` (or `scripts/bench.sh` for quality and speed).
Corpus: `bench/corpus.txt`, {len(msgs):,} messages ({corpus_bytes / len(msgs):.0f} bytes on
average, 1 to 1,300 bytes): Dutch and English customer-service messages, tweets,
product and movie review sentences and multi-sentence reviews (sources in
bench/README.md). Every engine analyses the whole corpus, warmed up, pass after pass
for a few seconds. The machine is shared (1-minute load average up to {load:.1f} on
{os.cpu_count()} cores during this run), so the fastest pass — the closest to each engine's
own speed — is compared, and the median pass is shown beside it. Native Tandem is built
with cargo's bench profile (opt-level 3, LTO); the wasm both with the size-first release
profile that ships (`opt-level = "z"`, LTO) and with opt-level 3 (`--profile fast`), not run
through wasm-opt. Like for like is a score per message: Tandem `score` / `valence` (the same
valence `analyze` gives, without evidence and intents) against VADER's `polarity_scores` and
the npm peers' `score`; the full analysis is shown beside it, and "boundary only" is the
cost of handing the string to wasm with no analysis at all.

{throughput}

Targets:

{targets}

Time against message length (criterion `message_size/*`). `analyze` reads at most the
first 16 KiB of a message (`text::MAX_ANALYSED_BYTES`, the rest is cut off and recorded
as `truncated` evidence), so a 1 MB message costs a 16 KiB one plus the scan for the cut;
up to 16 KiB the time grows linearly with the length:

{size_rows}

{faq_rows}
"""
        splice(args.md, "Engine speed", body)
        print(f"wrote '## Engine speed' into {args.md}", file=sys.stderr)


if __name__ == "__main__":
    main()
