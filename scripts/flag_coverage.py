"""Red-flag coverage: the share of scheme texts (label 1) on which at least one red flag fires.

Context flags (kind ``context``: reporting, warning, call to action, disclaimer) do not count.
Prints one Markdown table per run: a row per file and genre, a total per file and an overall
total, with the same share on label-0 texts beside it (how often a red flag fires on a
legitimate text of that genre).

Usage: ``.venv/bin/python scripts/flag_coverage.py DATA [DATA ...]`` (JSONL/CSV files or folders,
as for ``ponzidetect audit``; a folder counts as one file). ``--markdown PATH`` also writes the
table to a file.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from ponzidetect import default_registry, extract_flags
from ponzidetect.dataset import load_labelled

ALL = "(all)"


def red_flag_fired(text: str, red_flags: frozenset[str]) -> bool:
    """True when a flag of kind ``red_flag`` has non-negated evidence in ``text``."""
    return any(result.flag_id in red_flags for result in extract_flags(text).fired)


def coverage_rows(path: str, red_flags: frozenset[str]) -> list[tuple[str, str, int, int, int, int]]:
    """``(file, genre, positives, covered positives, negatives, fired negatives)`` rows of one source."""
    frame = load_labelled([path]).frame
    name = Path(path).name
    counts: Counter[tuple[str, int, bool]] = Counter()
    for text, label, genre in zip(frame["text"], frame["label"], frame["genre"], strict=True):
        counts[(genre or "?", int(label), red_flag_fired(text, red_flags))] += 1
    genres = sorted({genre for genre, _, _ in counts})
    rows = []
    for genre in [*genres, ALL]:
        def total(label: int, fired: bool | None, genre: str = genre) -> int:
            return sum(n for (g, lab, f), n in counts.items()
                       if (genre == ALL or g == genre) and lab == label
                       and (fired is None or f == fired))
        rows.append((name, genre, total(1, None), total(1, True), total(0, None), total(0, True)))
    return rows


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.1%} ({part}/{whole})" if whole else "–"


def render(rows: Sequence[tuple[str, str, int, int, int, int]], command: str) -> str:
    """The Markdown table, with the command that produced it."""
    lines = [f"Command: `{command}`", "",
             "| file | genre | label-1 texts with a red flag | label-0 texts with a red flag |",
             "|---|---|---|---|"]
    for name, genre, pos, covered, neg, fired in rows:
        label = f"**{genre}**" if genre == ALL else genre
        lines.append(f"| {name} | {label} | {_share(covered, pos)} | {_share(fired, neg)} |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="+", help="labelled JSONL/CSV files or folders")
    parser.add_argument("--markdown", help="also write the table to this file")
    args = parser.parse_args(argv)
    red_flags = frozenset(spec.id for spec in default_registry() if spec.kind == "red_flag")
    rows = []
    for path in args.data:
        rows.extend(coverage_rows(path, red_flags))
    if len(args.data) > 1:
        pos = sum(r[2] for r in rows if r[1] == ALL)
        covered = sum(r[3] for r in rows if r[1] == ALL)
        neg = sum(r[4] for r in rows if r[1] == ALL)
        fired = sum(r[5] for r in rows if r[1] == ALL)
        rows.append((ALL, ALL, pos, covered, neg, fired))
    command = "python scripts/flag_coverage.py " + " ".join(shlex.quote(p) for p in args.data)
    table = render(rows, command)
    if args.markdown:
        Path(args.markdown).write_text(table, encoding="utf-8")
    sys.stdout.write(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
