#!/usr/bin/env python3
"""Scores a CoNLL-U file of predictions against the gold file, as UD's scorer
does on gold words: UPOS, lemma (case-insensitive), UAS, and LAS on universal
relations (the part before ':'), punctuation included. Written apart from
herald's C++ so that it checks herald's own figures from outside.

  score_conllu.py GOLD PREDICTED [--at-least UPOS UAS LAS]
"""
import argparse
import sys


def words(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if "-" in cols[0] or "." in cols[0]:
                continue
            out.append(cols)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("gold")
    parser.add_argument("predicted")
    parser.add_argument("--at-least", nargs=3, type=float, metavar=("UPOS", "UAS", "LAS"))
    args = parser.parse_args()
    gold, predicted = words(args.gold), words(args.predicted)
    if len(gold) != len(predicted):
        sys.exit(f"{len(gold)} gold words but {len(predicted)} predicted")
    upos = lemma = uas = las = 0
    for g, p in zip(gold, predicted):
        if g[1] != p[1]:
            sys.exit(f"word mismatch: {g[1]!r} vs {p[1]!r}")
        upos += g[3] == p[3]
        lemma += g[2].lower() == p[2].lower()
        if g[6] == p[6]:
            uas += 1
            las += g[7].split(":")[0] == p[7].split(":")[0]
    n = len(gold)
    scores = {"UPOS": upos / n, "lemmas": lemma / n, "UAS": uas / n, "LAS": las / n}
    print(" ".join(f"{k} {v:.4f}" for k, v in scores.items()), f"({n} words)")
    if args.at_least:
        for name, floor in zip(("UPOS", "UAS", "LAS"), args.at_least):
            if scores[name] < floor:
                sys.exit(f"{name} {scores[name]:.4f} is below its gate {floor}")


if __name__ == "__main__":
    main()
