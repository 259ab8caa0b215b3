#!/usr/bin/env python3
"""Scores `herald extract` on the article-extraction pages, apart from herald's C++.

Usage: score_extraction.py HERALD PAGES_DIR [--min-f1 F]

Each gzipped page is written out as fetched and read by `herald extract` (the
processor's HTML path: charset, main text); the article bodies are scored with
the benchmark's metric as its README defines it (Python's \\w+ tokens, word
4-grams with counts, precision and recall averaged over pages, F1 of the two).
Exits 1 when F1 is under --min-f1, 77 (skipped) when the pages are absent.
"""
import collections
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile


def shingles(text):
    tokens = re.findall(r"\w+", text)
    return collections.Counter(tuple(tokens[i:i + 4]) for i in range(len(tokens) - 3))


def main():
    herald, pages = sys.argv[1], sys.argv[2]
    min_f1 = float(sys.argv[sys.argv.index("--min-f1") + 1]) if "--min-f1" in sys.argv else 0.0
    truth_path = os.path.join(pages, "ground-truth.json")
    if not os.path.exists(truth_path):
        print(f"skipped: {truth_path} is absent")
        return 77
    truth = json.load(open(truth_path, encoding="utf-8"))
    ids = sorted(truth)
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for page_id in ids:
            path = os.path.join(tmp, page_id + ".html")
            with gzip.open(os.path.join(pages, "html", page_id + ".html.gz")) as src, open(path, "wb") as dst:
                dst.write(src.read())
            files.append(path)
        # Pages are up to 1.4 MB: above the processor's default article limit (1 MiB), which fits raw topics.
        out = subprocess.run([herald, "extract", "--max-article-bytes", "8388608", *files], check=True, capture_output=True).stdout
    records = [json.loads(line) for line in out.decode("utf-8").splitlines() if line.strip()]
    if len(records) != len(ids):
        print(f"expected {len(ids)} records, got {len(records)}")
        return 1
    precisions, recalls = [], []
    for page_id, record in zip(ids, records):
        predicted = shingles(record.get("article", {}).get("body", ""))
        expected = shingles(truth[page_id]["articleBody"])
        shared = sum((predicted & expected).values())
        if predicted:
            precisions.append(shared / sum(predicted.values()))
        if expected:
            recalls.append(shared / sum(expected.values()))
    p = sum(precisions) / len(precisions)
    r = sum(recalls) / len(recalls)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    print(f"pages={len(ids)} P={p:.3f} R={r:.3f} F1={f1:.3f}")
    return 0 if f1 >= min_f1 else 1


if __name__ == "__main__":
    sys.exit(main())
