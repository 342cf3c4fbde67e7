"""Accuracy on the PhraseBank test split and label agreement between scoring engines.

Usage (BENCHMARKS.md, "StockNet tweets through score"):
  python3 docs/probes/label_agreement.py REFERENCE.csv OTHER.csv [OTHER.csv ...]
Each CSV is `pipeline sql --format csv` output with columns doc_id, source, gold, predicted, split.
The first file is the reference (PyTorch fp32); every file is compared with it.
"""
import csv
import sys

LABELS = ("negative", "neutral", "positive")


def load(path):
    with open(path, newline="") as f:
        return {r["doc_id"]: r for r in csv.DictReader(f)}


def macro_f1(pairs):
    scores = []
    for label in LABELS:
        tp = sum(1 for g, p in pairs if g == label and p == label)
        fp = sum(1 for g, p in pairs if g != label and p == label)
        fn = sum(1 for g, p in pairs if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores)


reference = load(sys.argv[1])
for path in sys.argv[1:]:
    rows = load(path)
    test = [(r["gold"], r["predicted"]) for r in rows.values()
            if r["source"] == "phrasebank" and r["split"] == "test" and r["gold"]]
    common = [d for d in rows if d in reference]
    agree = sum(rows[d]["predicted"] == reference[d]["predicted"] for d in common)
    print(f"{path}: documents={len(rows)} phrasebank_test={len(test)}"
          f" accuracy={sum(g == p for g, p in test) / len(test):.4f} macro_f1={macro_f1(test):.4f}"
          f" label_agreement_with_reference={agree / len(common):.4%} ({agree} of {len(common)})")
