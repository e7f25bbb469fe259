"""Where scoring time goes, stage by stage, on about 5 MB of corpus text.

Usage
-----
    .venv/bin/python bench/profile_scoring.py [--mb 5] [--model DIR] [--json OUT]

Builds a CSV the way ``bench/run_bench.py`` does (corpus rows sampled with replacement, 15 % long
concatenations), then runs the stages of ``Detector.score`` one by one with
``time.perf_counter`` around each, in one process:

- CSV read / write: ``tabular.read_chunks`` and ``tabular.TableWriter`` (what ``ponzidetect
  score`` uses), 2,000 rows per chunk;
- ``Document.from_text`` (normalisation, offset map, language);
- ``Registry.scan(doc)``: the one scan of every rule of the catalogue;
- ``engine.run_flag(doc, spec, scan)`` per flag (patterns confirmed around their hits, context
  and negation cues, extractor); ``engine.analyse`` skips flags without hits, this profile runs
  every flag to show each one's cost;
- ``FeatureLayout.row`` (the evidence features);
- ``text_channel.hashed_counts`` and ``model.text_channel.logit``;
- ``model.contributions`` (LightGBM ``pred_contrib``).

It prints a table sorted by time with the share of the total, then a few measurements of
changes that the profile suggests, made here on copies of the data, not in the package:

- the text channel's logit computed in O(non-zeros) instead of through a 2^19 x 2^19 sparse
  diagonal matrix (checked to give the same logits);
- the text channel and LightGBM called once per 2,000-row chunk instead of once per row.

The model is the shipped one, or ``--model DIR`` (use a freshly trained model when the shipped one
does not match the catalogue).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run_bench import SEED, load_corpus, machine, table, write_csv

from ponzidetect import Detector, Document, engine, features, tabular, text_channel

CHUNK_ROWS = 2000


class FastLogit:
    """The text channel's logit in O(non-zeros): idf and coef gathered at the hashed columns.

    The float64 copies of the two 2^19 vectors are made once, not on every call.
    """

    def __init__(self, channel: text_channel.TextChannel) -> None:
        self.idf = channel.idf.astype(np.float64)
        self.coef = channel.coef.astype(np.float64)
        self.intercept = channel.intercept

    def __call__(self, counts: Any) -> np.ndarray:
        weighted = np.log1p(counts.data.astype(np.float64)) * self.idf[counts.indices]
        n_rows = counts.shape[0]
        rows = np.repeat(np.arange(n_rows), np.diff(counts.indptr))
        norms = np.sqrt(np.bincount(rows, weights=weighted * weighted, minlength=n_rows))
        dots = np.bincount(rows, weights=weighted * self.coef[counts.indices], minlength=n_rows)
        return dots / np.where(norms > 0, norms, 1.0) + self.intercept


def profile(source: Path, target: Path, detector: Detector) -> dict[str, Any]:
    model = detector.model
    registry = model.registry
    layout = features.FeatureLayout(registry)
    seconds: dict[str, float] = defaultdict(float)
    extractor_seconds: dict[str, float] = defaultdict(float)
    folded_all: list[str] = []
    rows_all: list[np.ndarray] = []
    n_rows = text_bytes = 0
    clock = time.perf_counter
    with tabular.TableWriter(target) as writer:
        chunks = tabular.read_chunks(source, chunk_rows=CHUNK_ROWS)
        while True:
            started = clock()
            frame = next(chunks, None)
            seconds["csv read (tabular.read_chunks)"] += clock() - started
            if frame is None:
                break
            scores = []
            for text in frame["text"].tolist():
                n_rows += 1
                text_bytes += len(text.encode("utf-8"))
                started = clock()
                doc = Document.from_text(text)
                seconds["Document.from_text (normalise, language)"] += clock() - started
                started = clock()
                scan = registry.scan(doc)
                seconds["Registry.scan (one scan of every rule)"] += clock() - started
                results = []
                for spec in registry:
                    started = clock()
                    results.append(engine.run_flag(doc, spec, scan))
                    seconds[f"flag {spec.id}"] += clock() - started
                    if spec.extractor:
                        extractor = engine.get_extractor(spec.extractor)
                        started = clock()
                        list(extractor(doc, spec, scan))
                        extractor_seconds[f"flag {spec.id}"] += clock() - started
                report = engine.FlagReport(doc.language, tuple(results))
                started = clock()
                row = layout.row(doc, report).reshape(1, -1)
                seconds["FeatureLayout.row"] += clock() - started
                started = clock()
                counts = text_channel.hashed_counts([doc.folded])
                seconds["text_channel.hashed_counts"] += clock() - started
                started = clock()
                model.text_channel.logit(counts)
                seconds["text_channel.logit"] += clock() - started
                started = clock()
                contributions = model.contributions(row)[0]
                seconds["model.contributions (LightGBM pred_contrib)"] += clock() - started
                scores.append(float(contributions.sum()))
                folded_all.append(doc.folded)
                rows_all.append(row[0])
            started = clock()
            writer.write(frame.assign(score=scores))
            seconds["csv write (tabular.TableWriter)"] += clock() - started
    return {"seconds": dict(seconds), "extractor_seconds": dict(extractor_seconds),
            "rows": n_rows, "text_bytes": text_bytes, "folded": folded_all,
            "matrix": np.vstack(rows_all)}


def prototypes(result: dict[str, Any], detector: Detector, texts: list[str]) -> dict[str, Any]:
    """Measure the changes the profile suggests, on the data just profiled."""
    model = detector.model
    channel = model.text_channel
    folded, matrix = result["folded"], result["matrix"]
    sample = folded[:CHUNK_ROWS]
    out: dict[str, Any] = {"rows": len(sample)}
    clock = time.perf_counter
    fast_logit = FastLogit(channel)

    single = [text_channel.hashed_counts([text]) for text in sample]
    started = clock()
    slow = [channel.logit(counts)[0] for counts in single]
    out["logit_per_row_ms"] = (clock() - started) / len(sample) * 1000
    started = clock()
    fast = [fast_logit(counts)[0] for counts in single]
    out["fast_logit_per_row_ms"] = (clock() - started) / len(sample) * 1000
    out["fast_logit_max_abs_diff"] = float(np.max(np.abs(np.array(slow) - np.array(fast))))

    started = clock()
    batch_counts = text_channel.hashed_counts(sample)
    out["hashed_counts_batched_per_row_ms"] = (clock() - started) / len(sample) * 1000
    started = clock()
    batch_logit = fast_logit(batch_counts)
    out["fast_logit_batched_per_row_ms"] = (clock() - started) / len(sample) * 1000
    out["batched_logit_max_abs_diff"] = float(np.max(np.abs(batch_logit - np.array(slow))))

    rows = matrix[: len(sample)]
    started = clock()
    for row in rows:
        model.contributions(row.reshape(1, -1))
    out["contributions_per_row_ms"] = (clock() - started) / len(sample) * 1000
    started = clock()
    model.contributions(rows)
    out["contributions_batched_per_row_ms"] = (clock() - started) / len(sample) * 1000

    reference = texts[: min(500, len(texts))]
    started = clock()
    for text in reference:
        detector.score(text)
    out["detector_score_per_row_ms"] = (clock() - started) / len(reference) * 1000
    out["detector_score_rows"] = len(reference)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--mb", type=float, default=5.0, help="MB of text to profile (default 5)")
    parser.add_argument("--model", help="model directory (default: the shipped model)")
    parser.add_argument("--json", help="save the figures to this JSON file")
    args = parser.parse_args(argv)

    detector = Detector(args.model)
    corpus = load_corpus()
    with tempfile.TemporaryDirectory(prefix="ponzidetect-profile-") as tmp:
        source, target = Path(tmp) / "input.csv", Path(tmp) / "scored.csv"
        info = write_csv(source, int(args.mb * 1e6), corpus, SEED)
        texts = tabular.read_chunks(source, chunk_rows=10**9).__next__()["text"].tolist()
        result = profile(source, target, detector)
    extra = prototypes(result, detector, texts)

    seconds = result["seconds"]
    total = sum(seconds.values())
    flags_total = sum(v for k, v in seconds.items() if k.startswith("flag "))
    m = machine()
    print(f"Machine: {m['cores']} cores, {m['ram_gb']} GB RAM, Python {m['python']}, {m['cpu']}")
    print(f"Profiled {result['rows']:,} rows, {result['text_bytes'] / 1e6:.2f} MB of text "
          f"({info['file_bytes'] / 1e6:.2f} MB CSV), one process: {total:.1f} s of stages, "
          f"{result['text_bytes'] / total / 1e6:.3f} MB/s, {total / result['rows'] * 1000:.2f} "
          "ms/row")
    ordered = sorted(seconds.items(), key=lambda item: -item[1])
    rows = [[name, value, value / total * 100, value / result["rows"] * 1000,
             result["extractor_seconds"].get(name)] for name, value in ordered]
    print(table(["stage", "seconds", "% of total", "ms/row", "of which extractor s"], rows))
    print(f"\nAll flags together: {flags_total:.1f} s ({flags_total / total:.1%}); "
          f"{len([k for k in seconds if k.startswith('flag ')])} flags")
    print("\nPrototypes of the suggested changes (same data; per-row milliseconds):")
    print(table(["measurement", "value"], [[k, v] for k, v in extra.items()]))
    if args.json:
        payload = {"machine": m, "rows": result["rows"], "text_bytes": result["text_bytes"],
                   "total_seconds": total, "stages": dict(ordered),
                   "extractor_seconds": result["extractor_seconds"], "prototypes": extra}
        Path(args.json).write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
