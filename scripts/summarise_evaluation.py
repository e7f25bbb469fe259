"""Print a compact Markdown table (per file: model vs baselines) from an evaluation JSON.

Usage: ``python scripts/summarise_evaluation.py docs/evaluation-cv.json``
"""

from __future__ import annotations

import json
import sys

SYSTEMS = ("model", "tfidf_logreg", "keyword_count")
COLUMNS = ("roc_auc", "pr_auc", "precision", "recall", "fpr", "f1")


def fmt(value: object) -> str:
    return "–" if value is None else f"{value:.3f}"


def main(path: str) -> None:
    with open(path, encoding="utf-8") as handle:
        report = json.load(handle)
    slices = [name for name in report["slices"]["model"] if name == "all" or name.startswith("file=")]
    print("| slice | n (pos) | system | " + " | ".join(COLUMNS) + " |")
    print("|---|---|---|" + "---|" * len(COLUMNS))
    for name in slices:
        for system in SYSTEMS:
            metrics = report["slices"][system][name]
            count = f"{metrics['n']} ({metrics['positives']})"
            print(f"| {name} | {count} | {system} | "
                  + " | ".join(fmt(metrics.get(c)) for c in COLUMNS) + " |")


if __name__ == "__main__":
    main(sys.argv[1])
