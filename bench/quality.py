#!/usr/bin/env python3
"""Engine quality: Tandem vs vaderSentiment, npm `sentiment` and `wink-sentiment`, one run.

Every engine scores the same sentences; every metric is computed here, by the same code,
from each engine's raw scores:

* Tandem: `tandem analyze` (the release CLI) → `valence` in [-1, 1].
* vaderSentiment (this Python process) → `compound` in [-1, 1].
* npm `sentiment` and `wink-sentiment` (bench/peers.mjs in Node) → `score` (a sum of word
  valences) and `comparative` / `normalizedScore` (a length-normalised score).

Rules, the same for every engine:
* What an engine "says": positive / negative beyond its neutral band — compound or
  valence ≥ 0.05 / ≤ -0.05 for Tandem and VADER (VADER's documented rule), score > 0 / < 0
  for the npm peers' integer scores (0 means no sentiment word found).
* 2-class (UCI), main rule: positive when the engine says positive (so a sentence without
  sentiment counts as negative; this is the rule behind the reference figures). Also
  shown: positive when the score ≥ 0 (no sentiment counts as positive, `tandem eval
  --uci`'s rule), and "best thr.", the accuracy at the threshold that is best *for that
  engine on that set* (an optimistic upper bound, chosen on the test data itself).
* 3-class (VADER sets, Dutch sets): gold from the mean human rating (> 0.5 positive,
  < -0.5 negative, else neutral) or the label, against what the engine says.
* Pearson r: Tandem valence, VADER compound, npm comparative / normalizedScore vs the
  mean human rating.

usage: bench/quality.py [--tandem PATH] [--md BENCHMARKS.md]   (run with the bench venv)
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

from common import OUT_DIR, ROOT, data_dir, machine, md_table, splice, stamp

ENGINES = ["tandem", "vader", "sentiment", "wink"]
NAMES = {"tandem": "Tandem", "vader": "vaderSentiment", "sentiment": "npm sentiment", "wink": "wink-sentiment"}
# Reference peer figures measured by the CEO on this machine (sanity check of the harness).
REFERENCE = {
    ("uci_amazon", "acc2"): {"vader": 0.845, "wink": 0.845, "sentiment": 0.807},
    ("uci_imdb", "acc2"): {"vader": 0.796, "wink": 0.779, "sentiment": 0.775},
    ("vader_tweets", "pearson"): {"vader": 0.872},
    ("vader_amazon", "pearson"): {"vader": 0.590},
    ("vader_movie", "pearson"): {"vader": 0.427},
}
# (id, file in shared/data/eval, title): see shared/data/README.md for what each set is.
DUTCH_SETS = [
    ("nl_cs", "nl_customer_service.tsv", "Dutch customer service, tuning set"),
    ("nl_heldout", "nl_heldout.tsv", "Dutch held-out, development set"),
    ("nl_fresh", "nl_fresh.tsv", "Dutch fresh reviews, never tuned on"),
]
BAND = {"tandem": 0.05, "vader": 0.05, "sentiment": 0.0, "wink": 0.0}


# ------------------------------------------------------------------ data
def load_sets():
    d = data_dir()
    sets = []
    for name in ["amazon", "imdb"]:
        with open(os.path.join(d, "eval", "uci_sentences", f"{name}.json"), encoding="utf-8") as f:
            rows = [r for r in json.load(f) if r.get("class") in (0, 1)]
        sets.append({"id": f"uci_{name}", "title": f"UCI {name}", "kind": "uci",
                     "texts": [r["text"] for r in rows], "gold": [r["class"] for r in rows]})
    for name, file in [("tweets", "tweets"), ("amazon", "amazonReviewSnippets"), ("movie", "movieReviewSnippets")]:
        texts, ratings = [], []
        with open(os.path.join(d, "eval", "vader_groundtruth", f"{file}_GroundTruth.txt"), encoding="utf-8") as f:
            for line in f:
                cols = line.rstrip("\n").split("\t", 2)
                if len(cols) == 3:
                    ratings.append(float(cols[1]))
                    texts.append(cols[2])
        sets.append({"id": f"vader_{name}", "title": f"VADER {name}", "kind": "vader", "texts": texts,
                     "ratings": ratings, "gold": [class_of_rating(r) for r in ratings]})
    # The Dutch sets (labels negative / neutral / positive): the tuning set, the held-out
    # set (used for development since 2026-12-03) and the fresh set (never tuned on).
    for set_id, file, title in DUTCH_SETS:
        nl = os.path.join(ROOT, "shared", "data", "eval", file)
        if not os.path.exists(nl):
            continue
        texts, gold = [], []
        with open(nl, encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                if not line.strip() or line.startswith("#") or line.startswith("label\t"):
                    continue
                label, text = line.split("\t", 1)
                gold.append({"negative": 0, "neutral": 1, "positive": 2}[label.strip()])
                texts.append(text)
        sets.append({"id": set_id, "title": title, "kind": "tsv", "texts": texts, "gold": gold})
    return sets


def class_of_rating(r):
    return 2 if r > 0.5 else 0 if r < -0.5 else 1


# ------------------------------------------------------------------ engines
def run_tandem(texts, binary):
    inp = "".join(json.dumps({"text": t}) + "\n" for t in texts)
    t0 = time.perf_counter()
    p = subprocess.run([binary, "analyze"], input=inp.encode(), capture_output=True, check=False)
    secs = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"tandem analyze failed: {p.stderr.decode(errors='replace').strip()}")
    out = [None] * len(texts)
    for line in p.stdout.decode().splitlines():
        a = json.loads(line)
        out[a["line"] - 1] = a
    missing = sum(1 for a in out if a is None)
    if missing:
        sys.exit(f"tandem analyze returned no result for {missing} lines")
    return out, secs


def run_vader(texts):
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    sia = SentimentIntensityAnalyzer()
    t0 = time.perf_counter()
    out = [sia.polarity_scores(t)["compound"] for t in texts]
    return out, time.perf_counter() - t0


def run_npm(texts):
    with tempfile.TemporaryDirectory() as tmp:
        i, o = os.path.join(tmp, "in.json"), os.path.join(tmp, "out.json")
        with open(i, "w", encoding="utf-8") as f:
            json.dump(texts, f)
        t0 = time.perf_counter()
        subprocess.run(["node", os.path.join(ROOT, "bench", "peers.mjs"), i, o], check=True)
        secs = time.perf_counter() - t0
        with open(o, encoding="utf-8") as f:
            return json.load(f), secs


# ------------------------------------------------------------------ metrics
def pearson(xs, ys):
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return 0.0 if sxx == 0 or syy == 0 else sxy / math.sqrt(sxx * syy)


def acc_f1(gold, pred, k):
    cm = [[0] * k for _ in range(k)]
    for g, p in zip(gold, pred):
        cm[g][p] += 1
    acc = sum(cm[i][i] for i in range(k)) / max(1, len(gold))
    f1 = 0.0
    for c in range(k):
        tp = cm[c][c]
        fp = sum(cm[g][c] for g in range(k) if g != c)
        fn = sum(cm[c][p] for p in range(k) if p != c)
        f1 += 0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)
    return acc, f1 / k, cm


def says(v, engine):
    """What the engine says: 0 negative, 1 neutral, 2 positive (see the module doc)."""
    band = BAND[engine]
    if band == 0:
        return 2 if v > 0 else 0 if v < 0 else 1
    return 2 if v >= band else 0 if v <= -band else 1


def best_threshold(scores, gold):
    """Best 2-class accuracy over every threshold t (positive when score ≥ t)."""
    pairs = sorted(zip(scores, gold))
    n, pos = len(pairs), sum(gold)
    best, best_t = pos / n, pairs[0][0]  # t = min: everything positive
    neg_below, pos_below = 0, 0
    for i, (s, g) in enumerate(pairs):
        neg_below += 1 - g
        pos_below += g
        if i + 1 < n and pairs[i + 1][0] == s:
            continue
        acc = (neg_below + (pos - pos_below)) / n
        if acc > best:
            best = acc
            best_t = pairs[i + 1][0] if i + 1 < n else s + 1e-6
    return best, best_t


def score_sets(sets, raw):
    """raw[engine] = (continuous score list, 'polarity' list used for the sign rules) over all texts."""
    results = {}
    offset = 0
    for s in sets:
        n = len(s["texts"])
        r = {}
        for e in ENGINES:
            cont = raw[e]["cont"][offset:offset + n]
            pol = raw[e]["pol"][offset:offset + n]
            if s["kind"] == "uci":
                pred = [1 if says(v, e) == 2 else 0 for v in pol]
                acc, f1, cm = acc_f1(s["gold"], pred, 2)
                acc0, _, _ = acc_f1(s["gold"], [1 if v >= 0 else 0 for v in pol], 2)
                best, thr = best_threshold(cont, s["gold"])
                r[e] = {"acc2": acc, "f1_2": f1, "acc2_ge0": acc0, "best_acc2": best, "best_thr": thr, "cm": cm}
            else:
                pred = [says(v, e) for v in pol]
                acc, f1, cm = acc_f1(s["gold"], pred, 3)
                r[e] = {"acc3": acc, "f1_3": f1, "cm": cm}
                if s["kind"] == "vader":
                    r[e]["pearson"] = pearson(cont, s["ratings"])
            r[e]["pred"] = pred
            r[e]["cont"] = cont
        results[s["id"]] = r
        offset += n
    return results


# ------------------------------------------------------------------ report
METRICS = {
    "uci": [("acc2", "accuracy"), ("f1_2", "macro-F1"), ("acc2_ge0", "accuracy, ≥ 0 rule"),
            ("best_acc2", "accuracy, best thr.")],
    "vader": [("pearson", "Pearson r"), ("acc3", "3-class accuracy"), ("f1_3", "3-class macro-F1")],
    "tsv": [("acc3", "3-class accuracy"), ("f1_3", "3-class macro-F1")],
}


def report(sets, results):
    header = ["set (n)", "metric"] + [NAMES[e] for e in ENGINES] + [f"Tandem − {NAMES[e]}" for e in ENGINES[1:]]
    rows, checks = [], []
    for s in sets:
        r = results[s["id"]]
        for key, label in METRICS[s["kind"]]:
            vals = [r[e][key] for e in ENGINES]
            row = [f"{s['title']} ({len(s['texts'])})", label] + [f"{v:.3f}" for v in vals]
            row += [f"{vals[0] - v:+.3f}" for v in vals[1:]]
            rows.append(row)
            for e, ref in REFERENCE.get((s["id"], key), {}).items():
                got = r[e][key]
                checks.append((s["title"], label, NAMES[e], ref, got, abs(got - ref) <= 0.0055))
    return header, rows, checks


def confusion_text(sets, results):
    lines = []
    for s in sets:
        if s["kind"] == "uci":
            continue
        cm = results[s["id"]]["tandem"]["cm"]
        lines.append(f"{s['title']}: gold neg → {cm[0]}, neu → {cm[1]}, pos → {cm[2]}")
    return lines


# The Dutch pass of 2026-12-03 (separable verbs, defect vocabulary, diminutives and
# comparatives, "te" = too, negation inside phrases, sense overrides): Tandem 3-class
# accuracy before → after, measured with `tandem eval --tsv`. A dated record, not recomputed.
DUTCH_HISTORY = """Dutch pass of 2026-12-03, Tandem 3-class accuracy before → after: tuning set
0.971 → 0.977, held-out set 0.779 → 0.964 (its errors were analysed by kind for this
pass), fresh set 0.800 → 0.862 (written before the pass, not looked at while tuning)."""

# The English pass of 2026-12-04 (branch `quality`): kinds of fault found in the largest
# residuals on VADER's tweets, each fix kept only if no other row fell. A dated record.
ENGLISH_HISTORY = """English pass of 2026-12-04, Tandem before → after: VADER tweets r 0.857 → 0.880,
3-class accuracy 0.788 → 0.810, macro-F1 0.687 → 0.696 (its faults were found by reading the
tweets' residuals, so the tweets figure is now optimistic, as it is for VADER, whose
development data it is); no other row fell (UCI amazon 0.874 → 0.879, imdb 0.805 → 0.811,
VADER amazon r 0.630 → 0.632, movie r 0.461 → 0.466, Dutch fresh 0.862 → 0.869, the other
Dutch sets unchanged)."""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tandem", default=os.path.join(ROOT, "target", "release", "tandem"))
    ap.add_argument("--md", help="write the '## Engine quality' section into this markdown file")
    args = ap.parse_args()

    sets = load_sets()
    texts = [t for s in sets for t in s["texts"]]
    print(f"scoring {len(texts)} sentences in {len(sets)} sets with 4 engines …", file=sys.stderr)
    tandem, t_secs = run_tandem(texts, args.tandem)
    vader, v_secs = run_vader(texts)
    npm, n_secs = run_npm(texts)
    if npm.get("nonNumeric"):
        print(f"note: {npm['nonNumeric']} non-numeric npm scores (wink-sentiment on 'constructor') read as 0",
              file=sys.stderr)
    raw = {
        "tandem": {"cont": [a["valence"] for a in tandem], "pol": [a["valence"] for a in tandem]},
        "vader": {"cont": vader, "pol": vader},
        "sentiment": {"cont": [c for _, c in npm["sentiment"]], "pol": [s for s, _ in npm["sentiment"]]},
        "wink": {"cont": [c for _, c in npm["wink"]], "pol": [s for s, _ in npm["wink"]]},
    }
    results = score_sets(sets, raw)
    header, rows, checks = report(sets, results)

    table = md_table(header, rows)
    print(table)
    print()
    for title, label, peer, ref, got, ok in checks:
        print(f"{'ok  ' if ok else 'DIFF'} reference {peer:15s} {title:12s} {label:16s} {ref:.3f}, measured {got:.3f}")
    ok_all = all(c[-1] for c in checks)

    # Per-sentence details for error analysis (not committed: target/bench/).
    os.makedirs(OUT_DIR, exist_ok=True)
    details = os.path.join(OUT_DIR, "quality-details.jsonl")
    with open(details, "w", encoding="utf-8") as f:
        offset = 0
        for s in sets:
            for i, t in enumerate(s["texts"]):
                rec = {"set": s["id"], "text": t, "gold": s["gold"][i]}
                if s["kind"] == "vader":
                    rec["rating"] = s["ratings"][i]
                for e in ENGINES:
                    rec[e] = results[s["id"]][e]["cont"][i]
                    rec[e + "_pred"] = results[s["id"]][e]["pred"][i]
                rec["tandem_evidence"] = tandem[offset + i]["evidence"]
                rec["tandem_lang"] = tandem[offset + i]["lang"]
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            offset += len(s["texts"])
    print(f"\nper-sentence scores: {details}", file=sys.stderr)
    print(f"wall time: tandem CLI {t_secs:.2f} s, vaderSentiment {v_secs:.2f} s, Node peers {n_secs:.2f} s "
          f"for {len(texts)} sentences", file=sys.stderr)

    if args.md:
        ref_rows = [[peer, f"{title}, {label}", f"{ref:.3f}", f"{got:.3f}", "yes" if ok else "**no**"]
                    for title, label, peer, ref, got, ok in checks]
        body = f"""Measured {stamp()} on {machine()}.
Reproduce: `scripts/bench.sh quality` (or `scripts/bench.sh` for quality and speed).
Harness: `bench/quality.py` — one run scores every sentence with every engine and computes
every metric with the same code (Tandem through `tandem analyze`, vaderSentiment 3.3.2 in
Python, npm `sentiment` 5.0.2 and `wink-sentiment` 5.0.2 in Node).

Rules, the same for every engine. What an engine *says*: positive / negative beyond its
neutral band — ≥ 0.05 / ≤ −0.05 for Tandem's valence and VADER's compound (VADER's
documented rule), > 0 / < 0 for the npm peers' integer scores. 2-class (UCI) "accuracy"
and "macro-F1": positive when the engine says positive, so a sentence without sentiment
counts as negative (the rule behind the reference figures); "≥ 0 rule": positive when the
score ≥ 0 (no sentiment counts as positive, the rule of `tandem eval --uci`); "best thr.":
accuracy at the threshold best for that engine on that very set (an optimistic upper
bound). 3-class — gold from the mean human rating (> 0.5 positive, < −0.5 negative) or
the label, against what the engine says. Pearson r — Tandem valence, VADER compound, npm
`comparative` / `normalizedScore` against the mean human rating. Differences are Tandem
minus the peer (positive = Tandem better). Each peer is at home on one set: VADER on its
tweets (its development data), the npm peers on UCI (their test fixtures). The peers are
English-only; they are run on the Dutch sets to show what that means. The Dutch sets
(`shared/data/eval`, labels by us): the tuning set (the Dutch rules were tuned on it:
optimistic), the held-out set (written before any Dutch tuning; used for development
since 2026-12-03, so no longer a blind test) and the fresh set (130 review and
customer-service sentences written and labelled on 2026-12-03 before the engine was run on
them, never tuned on: the honest Dutch figure; Pattern's Dutch lexicon scores 0.82 on its
own home domain of Dutch product reviews).

{table}

{DUTCH_HISTORY}

{ENGLISH_HISTORY}

Harness sanity check against the reference peer figures measured on this machine
({'all reproduced' if ok_all else 'NOT all reproduced'}):

{md_table(["peer", "set, metric", "reference", "measured", "within 0.005"], ref_rows)}

Tandem's 3-class confusion (rows gold, columns predicted neg / neu / pos):
{chr(10).join("- " + l for l in confusion_text(sets, results))}
"""
        splice(args.md, "Engine quality", body)
        print(f"wrote '## Engine quality' into {args.md}", file=sys.stderr)


if __name__ == "__main__":
    main()
