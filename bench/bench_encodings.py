"""Score 100,000-row CSV files in the encodings investigators meet and check the row count.

Usage: ``.venv/bin/python bench/bench_encodings.py [--rows 100000] [--chars 200]``

Builds CSV files from the team's corpus (``data/corpus/parts``; texts cut to ``--chars``
characters, ids, and a few empty and formula-like cells) in UTF-8 with BOM, GBK (Chinese Excel)
and UTF-16, runs ``ponzidetect score --workers 2`` on each, and prints rows in and out, seconds,
rows/s and the peak resident memory of the largest process (``ru_maxrss``). Inputs go to a
temporary folder that is removed afterwards.
"""

from __future__ import annotations

import argparse
import csv
import glob
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENCODINGS = ("utf-8-sig", "gbk", "utf-16")


def corpus_texts(chars: int) -> list[str]:
    """Corpus texts cut to ``chars``, kept only if GBK can encode them (so all files match)."""
    texts = []
    for path in sorted(glob.glob(str(ROOT / "data" / "corpus" / "parts" / "*.jsonl"))):
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            text = json.loads(line)["text"][:chars]
            try:
                text.encode("gbk")
            except UnicodeEncodeError:
                continue
            texts.append(text)
    return texts


def write_input(path: Path, encoding: str, rows: int, texts: list[str]) -> None:
    """A CSV of ``rows`` rows: id, text (some empty or formula-like)."""
    rng = random.Random(7)
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        for index in range(rows):
            if index % 997 == 0:
                text = ""
            elif index % 991 == 0:
                text = "=1+1 " + rng.choice(texts)
            else:
                text = rng.choice(texts)
            writer.writerow([f"r{index}", text])


def count_rows(path: Path) -> int:
    """Data rows of the UTF-8 (BOM) output."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--chars", type=int, default=200)
    args = parser.parse_args()
    texts = corpus_texts(args.chars)
    print(f"{args.rows:,} rows per file, texts cut to {args.chars} characters")
    print(f"{'encoding':10s} {'rows in':>9s} {'rows out':>9s} {'seconds':>8s} {'rows/s':>8s} "
          f"{'peak RSS MB':>12s}")
    with tempfile.TemporaryDirectory() as folder:
        for encoding in ENCODINGS:
            source = Path(folder) / f"in-{encoding}.csv"
            target = Path(folder) / f"out-{encoding}.csv"
            write_input(source, encoding, args.rows, texts)
            command = [sys.executable, "-m", "ponzidetect.cli", "score", str(source), "-o",
                       str(target), "--text-column", "text", "--workers", "2"]
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            seconds = time.perf_counter() - start
            peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
            out_rows = count_rows(target)
            status = "ok" if out_rows == args.rows else "ROW COUNT MISMATCH"
            print(f"{encoding:10s} {args.rows:9,d} {out_rows:9,d} {seconds:8.1f} "
                  f"{args.rows / seconds:8.0f} {peak:12.0f}  {status}", flush=True)


if __name__ == "__main__":
    main()
