"""The red-flag engine alone, stage by stage, before and after: cost per MB and per row.

Usage
-----
    .venv/bin/python bench/bench_engine.py                    # before = a worktree of main
    .venv/bin/python bench/bench_engine.py --before-rev d64773b --mb 2 --repeat 3
    .venv/bin/python bench/bench_engine.py --before-src /tmp/old-tree --adversarial digits,cue_zh
    .venv/bin/python bench/bench_engine.py --no-before --json bench/out/engine.json

Each side runs in its own fresh process on the same text: ``--mb`` MB of corpus-mix rows
(``bench/run_bench.py``'s sampling: 85 % one corpus text, 15 % 2-30 joined; same seed), after a
warm-up (which loads or compiles the scan database). Stages, each timed over all rows, the best
of ``--repeat`` runs (the machine is shared, the minimum is the least disturbed figure):

- normalisation: ``Document.from_text`` (folds, offset map, Chinese numerals, language);
- flag matching: ``engine.analyse`` minus the extractors below (for the new engine this
  includes the one scan of the document, also shown alone);
- extractors: the five code extractors called on their own (new engine: with the document's
  scan, as ``analyse`` calls them);
- hashing: ``text_channel.hashed_counts`` in 2,000-row chunks, as the batch path calls it.

Then, per side: rows/s of the engine alone (normalisation + ``analyse``), model load time
(``Detector()``, then the first score, which loads the scan database), the single-text p50/p99 of
``Detector.score`` on 2 kB texts (200 calls), and the adversarial inputs of ``run_bench.py`` at 1 MB
and 4 MB through ``extract_flags`` (best of ``--adversarial-repeat``) with the ratio of their
times (linear is about 4). The "before"
side is a ``git worktree`` of ``--before-rev`` (default ``main``) made in a temporary folder and
removed afterwards, or ``--before-src``. Nothing here is a unit test; the figures are printed.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run_bench import (
    ADVERSARIAL_UNITS,
    SEED,
    adversarial_text,
    concatenated,
    load_corpus,
    machine,
    sample_rows,
    table,
)

ROOT = Path(__file__).resolve().parent.parent
CHUNK_ROWS = 2000
STAGES = ("normalisation", "flag matching", "extractors", "hashing")


def corpus_mix(n_bytes: int) -> list[str]:
    """Corpus-mix rows totalling about ``n_bytes`` bytes of UTF-8 text."""
    rng, rows, size = random.Random(SEED), [], 0
    for text in sample_rows(rng, load_corpus()):
        rows.append(text)
        size += len(text.encode("utf-8"))
        if size >= n_bytes:
            return rows
    return rows


def _best(function, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def child(args: argparse.Namespace) -> dict[str, Any]:
    """Measure the package found first on ``sys.path`` (one side of the comparison)."""
    import numpy as np

    import ponzidetect
    from ponzidetect import Detector, Document, engine, extract_flags, text_channel

    texts = corpus_mix(int(args.mb * 1e6))
    n_bytes = sum(len(t.encode("utf-8")) for t in texts)
    registry = engine.default_registry()
    new_engine = hasattr(registry, "scan")
    engine.analyse(Document.from_text("warm up: 3% daily, guaranteed 保本"), registry)
    text_channel.hashed_counts(["warm up"])
    docs = [Document.from_text(t) for t in texts]
    with_extractor = [spec for spec in registry if spec.extractor]
    scans = [registry.scan(doc) for doc in docs] if new_engine else [None] * len(docs)

    def normalise() -> None:
        for text in texts:
            Document.from_text(text)

    def analyse() -> None:
        for doc in docs:
            engine.analyse(doc, registry)

    def extractors() -> None:
        for doc, scan in zip(docs, scans, strict=True):
            for spec in with_extractor:
                function = engine.get_extractor(spec.extractor)
                list(function(doc, spec, scan) if new_engine else function(doc, spec))

    def scan_only() -> None:
        for doc in docs:
            registry.scan(doc)

    folded = [doc.folded for doc in docs]

    def hashing() -> None:
        for low in range(0, len(folded), CHUNK_ROWS):
            text_channel.hashed_counts(folded[low:low + CHUNK_ROWS])

    seconds = {"normalisation": _best(normalise, args.repeat)}
    total_engine = _best(analyse, args.repeat)
    seconds["extractors"] = _best(extractors, args.repeat)
    seconds["flag matching"] = max(total_engine - seconds["extractors"], 0.0)
    seconds["hashing"] = _best(hashing, args.repeat)
    extra: dict[str, Any] = {"engine.analyse": total_engine}
    if new_engine:
        extra["of which the document scan"] = _best(scan_only, args.repeat)
        extra["scanner backend"] = registry.database.backend

    started = time.perf_counter()
    detector = Detector()
    load = time.perf_counter() - started
    started = time.perf_counter()
    detector.score("first score: 3% daily, guaranteed, 保本保息")
    first = time.perf_counter() - started
    rng = random.Random(SEED)
    corpus = load_corpus()
    two_kb = [concatenated(rng, corpus, 2_000) for _ in range(10)]
    timings = []
    for i in range(200):
        started = time.perf_counter()
        detector.score(two_kb[i % len(two_kb)])
        timings.append(time.perf_counter() - started)
    ms = np.array(timings) * 1000

    adversarial = []
    kinds = list(ADVERSARIAL_UNITS) if args.adversarial == "all" else (
        [k for k in args.adversarial.split(",") if k] if args.adversarial else [])
    for kind in kinds:
        row: dict[str, Any] = {"kind": kind}
        for label, size in (("1MB", 1_000_000), ("4MB", 4_000_000)):
            text = adversarial_text(kind, size)
            row[label] = _best(lambda text=text: extract_flags(text), args.adversarial_repeat)
        row["ratio"] = row["4MB"] / row["1MB"] if row["1MB"] else None
        adversarial.append(row)
    return {
        "package": str(Path(ponzidetect.__file__).parent), "rows": len(texts),
        "text_bytes": n_bytes, "seconds": seconds, "extra": extra,
        "engine_rows_per_s": len(texts) / (seconds["normalisation"] + total_engine),
        "engine_mb_per_s": n_bytes / 1e6 / (seconds["normalisation"] + total_engine),
        "model_load_s": load, "first_score_s": first,
        "p50_2kb_ms": float(np.percentile(ms, 50)), "p99_2kb_ms": float(np.percentile(ms, 99)),
        "adversarial": adversarial,
    }


def run_side(src: Path | None, args: argparse.Namespace) -> dict[str, Any]:
    """One side in a fresh process (``src``: the source tree to import ponzidetect from)."""
    command = [sys.executable, str(Path(__file__).resolve()), "--_child", "--mb", str(args.mb),
               "--repeat", str(args.repeat), "--adversarial", args.adversarial,
               "--adversarial-repeat", str(args.adversarial_repeat)]
    env = None
    if src is not None:
        import os

        env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode:
        raise SystemExit(f"benchmark child failed ({src or 'current'}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(before: dict[str, Any] | None, after: dict[str, Any]) -> None:
    mb = after["text_bytes"] / 1e6
    rows = after["rows"]
    print(f"Text: {rows:,} corpus-mix rows, {mb:.2f} MB (mean {after['text_bytes'] / rows:,.0f} "
          "B/row); best of the repeats")
    headers = ["stage", "after s/MB", "after ms/row"]
    if before:
        headers = ["stage", "before s/MB", "after s/MB", "before ms/row", "after ms/row",
                   "speed-up"]
    lines = []
    stages = [*STAGES, "total of the four"]
    for stage in stages:
        def value(side: dict[str, Any], name: str = stage) -> float:
            if name == "total of the four":
                return sum(side["seconds"][s] for s in STAGES)
            return side["seconds"][name]

        a = value(after)
        if before:
            b = value(before)
            lines.append([stage, b / mb, a / mb, b / rows * 1000, a / rows * 1000,
                          f"{b / a:.1f}x" if a else "-"])
        else:
            lines.append([stage, a / mb, a / rows * 1000])
    print(table(headers, lines))
    for key, value in after["extra"].items():
        shown = f"{value / mb:.3f} s/MB" if isinstance(value, float) else value
        print(f"  after, {key}: {shown}")
    print()
    side_rows = []
    for label, key, unit in (("engine alone (normalise + analyse) rows/s", "engine_rows_per_s", ""),
                             ("engine alone MB/s", "engine_mb_per_s", ""),
                             ("model load (Detector()) s", "model_load_s", ""),
                             ("first score (loads the scan database) s", "first_score_s", ""),
                             ("2 kB single text p50 ms", "p50_2kb_ms", ""),
                             ("2 kB single text p99 ms", "p99_2kb_ms", "")):
        side_rows.append([label, before[key] if before else None, after[key]])
        del unit
    print(table(["measure", "before", "after"], side_rows))
    if after["adversarial"]:
        print()
        adv = []
        previous = {row["kind"]: row for row in (before or {}).get("adversarial", [])}
        for row in after["adversarial"]:
            old = previous.get(row["kind"], {})
            adv.append([row["kind"], old.get("1MB"), old.get("4MB"), old.get("ratio"),
                        row["1MB"], row["4MB"], row["ratio"]])
        print(table(["adversarial input", "before 1 MB s", "before 4 MB s", "before ratio",
                     "after 1 MB s", "after 4 MB s", "after 4MB/1MB"], adv))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--mb", type=float, default=1.0, help="MB of corpus-mix text (default 1)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--before-rev", default="main", help="git revision for 'before'")
    parser.add_argument("--before-src", help="source tree for 'before' instead of a worktree")
    parser.add_argument("--no-before", action="store_true", help="measure the current tree only")
    parser.add_argument("--adversarial", default="all",
                        help="'all', '' or a comma list of " + ",".join(ADVERSARIAL_UNITS))
    parser.add_argument("--adversarial-repeat", type=int, default=2,
                        help="runs per adversarial input, the best counts (default 2)")
    parser.add_argument("--json", help="save both sides' figures here")
    parser.add_argument("--_child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args._child:
        print(json.dumps(child(args)))
        return 0
    m = machine()
    print(f"Machine: {m['cores']} cores, {m['ram_gb']} GB RAM, Python {m['python']}, {m['cpu']}")
    before = None
    if not args.no_before:
        if args.before_src:
            before = run_side(Path(args.before_src).resolve(), args)
        else:
            with tempfile.TemporaryDirectory(prefix="ponzidetect-before-") as tmp:
                tree = Path(tmp) / "tree"
                subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree),
                                args.before_rev], check=True, capture_output=True)
                try:
                    before = run_side(tree, args)
                finally:
                    subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                                    str(tree)], check=False, capture_output=True)
        print(f"before: {before['package']} ({args.before_src or args.before_rev})")
    after = run_side(ROOT, args)
    print(f"after:  {after['package']}\n")
    report(before, after)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({"machine": m, "before": before, "after": after},
                                              indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
