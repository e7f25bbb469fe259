"""Print the corpus datasheet's tables (counts per genre, label, language and kind) as Markdown.

Usage: ``.venv/bin/python scripts/corpus_tables.py [data/corpus/parts]``

The datasheet (``data/corpus/README.md``) pastes these tables; ``tests/test_corpus.py`` checks
that its counts match the files.
"""

from __future__ import annotations

import sys

from ponzidetect.baselines import genre_shortcut
from ponzidetect.dataset import load_labelled


def main(folder: str = "data/corpus/parts") -> None:
    frame = load_labelled([folder]).frame
    shortcut = genre_shortcut(frame, 20181)
    print(f"{len(frame):,} texts; {frame['label'].sum():,} label 1; languages "
          + ", ".join(f"{k} {v:,}" for k, v in frame["lang"].value_counts().items())
          + f"; {frame['group'].nunique():,} groups")
    print(f"genre-only ROC-AUC {shortcut['genre']:.3f}; genre + length {shortcut['genre_length']:.3f}\n")
    print("| genre | label 0 (en / zh / mixed) | label 1 (en / zh / mixed) | median chars 0 / 1 |")
    print("|---|---|---|---|")
    frame["chars"] = frame["text"].str.len()
    for genre, rows in sorted(frame.groupby("genre"), key=lambda item: -len(item[1])):
        cells = []
        for label in (0, 1):
            part = rows[rows["label"] == label]
            langs = " / ".join(str(int((part["lang"] == lang).sum())) for lang in ("en", "zh", "mixed"))
            cells.append(f"{len(part)} ({langs})")
        medians = " / ".join(str(int(rows[rows["label"] == label]["chars"].median()))
                             if (rows["label"] == label).any() else "–" for label in (0, 1))
        print(f"| {genre} | {cells[0]} | {cells[1]} | {medians} |")
    print("\n| kind | label 0 | label 1 |\n|---|---|---|")
    for kind, rows in frame.groupby("kind"):
        print(f"| {kind} | {int((rows['label'] == 0).sum())} | {int((rows['label'] == 1).sum())} |")


if __name__ == "__main__":
    main(*sys.argv[1:])
