#!/usr/bin/env python3
"""Regenerate bench/corpus.txt, the fixed speed-benchmark corpus (one message a line).

Deterministic (every k-th line, no randomness), so every engine in every run sees the
same ~2,000 messages: Dutch and English customer-service messages written for Tandem,
English tweets, product-review and movie-review sentences, and multi-sentence "long"
messages made by joining consecutive review sentences. Sources and licences in
bench/README.md. Usage: python3 bench/make_corpus.py [DATA_DIR]  (default ../shared/data)
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data")
OWN = os.path.join(ROOT, "shared", "data", "eval")


def clean(s):
    return " ".join(s.replace("\t", " ").split())


def every(items, n):
    """n items spread evenly over the list, in order."""
    if len(items) <= n:
        return list(items)
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


def tsv_col(path, col, skip_header_prefix):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#") or line.startswith(skip_header_prefix):
                continue
            cols = line.split("\t")
            if len(cols) > col and not cols[col].startswith("[bot"):
                out.append(clean(cols[col]))
    return out


def vader(name):
    p = os.path.join(DATA, "eval", "vader_groundtruth", f"{name}_GroundTruth.txt")
    with open(p, encoding="utf-8") as f:
        return [clean(l.split("\t", 2)[2]) for l in f if l.count("\t") >= 2]


def uci(name):
    with open(os.path.join(DATA, "eval", "uci_sentences", f"{name}.json"), encoding="utf-8") as f:
        return [clean(r["text"]) for r in json.load(f) if r.get("text", "").strip()]


def joined(sentences, count, width):
    """`count` long messages, each `width` consecutive sentences of one source."""
    starts = every(range(0, len(sentences) - width), count)
    return [" ".join(sentences[s:s + width]) for s in starts]


def main():
    cs = (tsv_col(os.path.join(OWN, "nl_customer_service.tsv"), 1, "label\t")
          + tsv_col(os.path.join(OWN, "escalation_messages.tsv"), 3, "id\t")
          + tsv_col(os.path.join(OWN, "escalation_conversations.tsv"), 3, "conv_id\t"))
    tweets, amazon, movie = vader("tweets"), vader("amazonReviewSnippets"), vader("movieReviewSnippets")
    uci_amazon, uci_imdb = uci("amazon"), uci("imdb")
    corpus = (
        cs  # all of them: ~500 nl/en customer-service messages
        + every(tweets, 350)
        + every(amazon, 300)
        + every(movie, 300)
        + every(uci_amazon, 200)
        + every(uci_imdb, 200)
        + joined(movie, 80, 4)       # ~450-byte paragraphs
        + joined(amazon, 40, 8)      # ~800-byte reviews
        + joined(uci_imdb, 20, 12)   # ~1 KB rants
    )
    corpus = [c for c in corpus if c]
    out = os.path.join(ROOT, "bench", "corpus.txt")
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(corpus) + "\n")
    total = sum(len(c.encode()) for c in corpus)
    print(f"{out}: {len(corpus)} messages, {total} bytes, mean {total / len(corpus):.0f} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
