"""Benchmark ponzidetect: batch throughput, latency, adversarial inputs and training time.

Usage
-----
    .venv/bin/python bench/run_bench.py                      # sizes 10MB,100MB,1GB (long)
    .venv/bin/python bench/run_bench.py --quick              # sizes 2MB,10MB, a fast check
    .venv/bin/python bench/run_bench.py --sizes 10MB,100MB --json bench-figures.json

What it measures, in one run, printing a table per section:

1. Machine: cores, RAM, Python, CPU model (``/proc/cpuinfo``).
2. Training: wall seconds of ``ponzidetect train data/corpus --out <tmp>``. The model trained here
   is also the one used for scoring when the shipped model does not load (for example while the
   catalogue has changed and ``models/default`` has not been retrained yet); ``--model`` forces a
   model directory.
3. Single-text latency: p50/p99 of ``Detector().score`` on ~200 B, 2 kB and 50 kB texts built by
   concatenating corpus texts (200 repetitions; 30 for 50 kB).
4. Adversarial inputs: ``ponzidetect.extract_flags`` on 1, 2 and 4 MB of digit runs, ``%`` runs,
   repeated English and Chinese cue words, zero-width characters between letters, spaced letters
   and Chinese numerals, each case in its own process with a timeout; the ratio
   time(4 MB)/time(1 MB) is about 4 when the time is linear.
5. Batch throughput end to end: ``ponzidetect score IN.csv -o OUT.csv --text-column text
   --workers 2`` as a subprocess on CSV files of the given sizes of text (rows sampled with
   replacement from ``data/corpus/parts/*.jsonl``, 85 % single texts, 15 % concatenations of
   2-30 texts, plus an ``id`` column), rows/s and MB/s of text, against the same file read in
   chunks and written by pandas alone (the floor), and against a ten-line scikit-learn scorer
   (character 2-4-gram TF-IDF + logistic regression fit on the corpus, one process, the same
   chunks read, scored and written: ``score/tfidf`` <= 1 means ponzidetect is faster). Peak
   RSS is reported two ways: the sum of ``VmRSS`` over the process tree sampled every 0.2 s
   (plus the sum of ``Pss``, which counts
   pages shared by the fork server and its workers once), and ``ru_maxrss`` from ``wait4`` (the
   largest single process the scoring command waited for).

   A scoring run is stopped after ``--time-limit`` seconds (default 300). A stopped run is marked
   ``partial``: its throughput comes from the rows already in its temporary output file when
   it was stopped (read with ``csv``; the last, possibly cut, row is not counted). Before
   each run the ETA estimated from the previous size is printed.

Inputs and outputs go to a temporary directory that is removed at the end (``--keep`` keeps it).
Only the team's corpus is used. ``--json OUT`` saves every figure.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import platform
import random
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "corpus"
PARTS = CORPUS / "parts"
SEED = 20181
POLL_SECONDS = 0.2
CHUNK_ROWS = 2000  # what `ponzidetect score` reads per chunk; the floor uses the same
UNITS = {"KB": 1_000, "MB": 1_000_000, "GB": 1_000_000_000}
ADVERSARIAL_SIZES = (1_000_000, 2_000_000, 4_000_000)
ADVERSARIAL_UNITS = {
    "digits": "1234567890",
    "percent": "%",
    "cue_en": "guaranteed daily returns ",
    "cue_zh": "保本保息日息",
    "zero_width": "\u200b".join("guaranteed daily returns ") + "\u200b",
    "spaced_letters": "g u a r a n t e e d ",
    "cn_numerals": "百分之三十",
}
LATENCY_SIZES = (("200 B", 200, 200), ("2 kB", 2_000, 200), ("50 kB", 50_000, 30))


# ------------------------------------------------------------------------------------------------
# Small helpers
# ------------------------------------------------------------------------------------------------


def parse_size(text: str) -> int:
    """``"10MB"`` -> 10_000_000 (decimal units: KB, MB, GB)."""
    cleaned = text.strip().upper()
    for unit, factor in UNITS.items():
        if cleaned.endswith(unit):
            return int(float(cleaned[: -len(unit)]) * factor)
    raise argparse.ArgumentTypeError(f"size {text!r} needs a unit: KB, MB or GB (e.g. 100MB)")


def size_label(n_bytes: int) -> str:
    for unit in ("GB", "MB", "KB"):
        if n_bytes >= UNITS[unit]:
            return f"{n_bytes / UNITS[unit]:g}{unit}"
    return f"{n_bytes}B"


def table(headers: list[str], rows: list[list[Any]]) -> str:
    """A plain fixed-width table."""
    cells = [[str(h) for h in headers]] + [[_cell(v) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in
                       enumerate(zip(row, widths, strict=True))) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"
    return str(value)


def say(text: str = "") -> None:
    print(text, flush=True)


def load_corpus() -> list[str]:
    """Texts of ``data/corpus/parts/*.jsonl``, in file order."""
    texts = []
    for path in sorted(PARTS.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            texts.extend(json.loads(line)["text"] for line in handle if line.strip())
    if not texts:
        raise SystemExit(f"no corpus texts found in {PARTS}")
    return texts


def concatenated(rng: random.Random, corpus: list[str], n_bytes: int) -> str:
    """Corpus texts joined by newlines until the text has about ``n_bytes`` UTF-8 bytes."""
    parts, size = [], 0
    while size < n_bytes:
        text = rng.choice(corpus)
        parts.append(text)
        size += len(text.encode("utf-8")) + 1
    joined = "\n".join(parts).encode("utf-8")[:n_bytes]
    return joined.decode("utf-8", errors="ignore")


def machine() -> dict[str, Any]:
    """Cores, RAM, Python and CPU model."""
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram_gb = None
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gb = round(int(line.split()[1]) / 1024**2, 1)
    return {"cores": os.cpu_count(), "ram_gb": ram_gb, "python": platform.python_version(),
            "cpu": cpu, "platform": platform.platform()}


# ------------------------------------------------------------------------------------------------
# Process tree sampling
# ------------------------------------------------------------------------------------------------


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    children = _children_map()
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, ()))
    return tree


def vm_rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def pss_kb(pid: int) -> int:
    """Proportional set size: shared pages (fork-server children) counted once over the tree."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def output_bytes(target: Path) -> int:
    """Bytes written so far to ``target`` or to its temporary ``.<name>.*.part`` file."""
    size = 0
    for path in [target, *target.parent.glob(f".{target.name}.*.part")]:
        with contextlib.suppress(OSError):
            size = max(size, path.stat().st_size)
    return size


def scored_so_far(target: Path) -> tuple[int, int]:
    """(rows, text bytes) already in the temporary output of a running ``ponzidetect score``.

    The last row read may have been cut by an unflushed buffer, so it is not counted.
    """
    parts = sorted(target.parent.glob(f".{target.name}.*.part"))
    if not parts:
        return 0, 0
    rows = text_bytes = 0
    previous: list[str] | None = None
    with parts[0].open(encoding="utf-8-sig", newline="", errors="replace") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        column = header.index("text") if "text" in header else 1
        for row in reader:
            if previous is not None and len(previous) > column:
                rows += 1
                text_bytes += len(previous[column].encode("utf-8"))
            previous = row
    return rows, text_bytes


def run_sampled(command: list[str], time_limit: float | None,
                target: Path | None = None) -> dict[str, Any]:
    """Run ``command``; sample tree RSS and the bytes written to ``target`` every 0.2 s.

    After ``time_limit`` seconds the command gets SIGINT (it removes its partial output and ends
    its workers); 20 s later whatever is left of its process tree gets SIGKILL.
    """
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak_tree_kb, peak_pss_kb, samples, written = 0, 0, [], 0
    stopped_at: float | None = None
    scored = (0, 0)
    tree: list[int] = [proc.pid]
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        elapsed = time.perf_counter() - started
        tree = process_tree(proc.pid)
        total = sum(vm_rss_kb(p) for p in tree)
        peak_tree_kb = max(peak_tree_kb, total)
        peak_pss_kb = max(peak_pss_kb, sum(pss_kb(p) for p in tree))
        if target is not None:
            written = max(written, output_bytes(target))
        samples.append((round(elapsed, 1), total))
        if time_limit is not None and elapsed > time_limit and stopped_at is None:
            stopped_at = elapsed
            if target is not None:
                with contextlib.suppress(OSError, csv.Error):
                    scored = scored_so_far(target)
            with contextlib.suppress(OSError):
                os.kill(proc.pid, signal.SIGINT)
        elif stopped_at is not None and elapsed > stopped_at + 20:
            _kill(tree)
        time.sleep(POLL_SECONDS)
    seconds = (stopped_at if stopped_at is not None else time.perf_counter() - started)
    proc.returncode = os.waitstatus_to_exitcode(status)
    stdout, stderr = proc.communicate()
    if stopped_at is not None:
        _kill([p for p in tree if p != proc.pid])  # orphaned workers, if any survived
    return {"seconds": seconds, "returncode": proc.returncode, "stopped": stopped_at is not None,
            "peak_tree_rss_mb": peak_tree_kb / 1024, "peak_tree_pss_mb": peak_pss_kb / 1024,
            "maxrss_single_mb": usage.ru_maxrss / 1024,
            "written_bytes": written, "scored_so_far": scored, "stdout": stdout, "stderr": stderr,
            "rss_samples": samples}


def _kill(pids: list[int]) -> None:
    """SIGKILL processes this benchmark started (by id) that are still ponzidetect processes."""
    for pid in pids:
        with contextlib.suppress(OSError):
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            if b"python" in cmdline:
                os.kill(pid, signal.SIGKILL)


# ------------------------------------------------------------------------------------------------
# 1. Batch throughput
# ------------------------------------------------------------------------------------------------


def sample_rows(rng: random.Random, corpus: list[str]) -> Iterator[str]:
    """Endless texts: 85 % one corpus text, 15 % 2-30 corpus texts joined (long documents)."""
    while True:
        if rng.random() < 0.85:
            yield rng.choice(corpus)
        else:
            yield "\n".join(rng.choice(corpus) for _ in range(rng.randint(2, 30)))


def write_csv(path: Path, text_bytes: int, corpus: list[str], seed: int) -> dict[str, Any]:
    """A CSV with ``id,text`` holding about ``text_bytes`` bytes of text."""
    rng = random.Random(seed)
    rows = size = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        for text in sample_rows(rng, corpus):
            writer.writerow([f"r{rows:08d}", text])
            rows += 1
            size += len(text.encode("utf-8"))
            if size >= text_bytes:
                break
    return {"rows": rows, "text_bytes": size, "file_bytes": path.stat().st_size}


def pandas_floor(source: Path, target: Path) -> float:
    """Seconds to read ``source`` in chunks and write it back with pandas, nothing else."""
    import pandas as pd

    started = time.perf_counter()
    first = True
    with target.open("w", encoding="utf-8", newline="") as handle:
        for frame in pd.read_csv(source, chunksize=CHUNK_ROWS, dtype=str, keep_default_na=False):
            frame.to_csv(handle, index=False, header=first)
            first = False
    return time.perf_counter() - started


def tfidf_scorer() -> Any:
    """The ten-line alternative a user could write: character 2-4-gram TF-IDF + logistic
    regression, fit on the corpus (fit time not counted in the comparison)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from ponzidetect.dataset import load_labelled

    data = load_labelled([PARTS])
    pipeline = make_pipeline(TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4),
                                             sublinear_tf=True, min_df=2),
                             LogisticRegression(max_iter=1000))
    return pipeline.fit(data.texts, data.labels)


def tfidf_seconds(pipeline: Any, source: Path, target: Path) -> float:
    """Seconds for the TF-IDF + LR scorer to read ``source`` in chunks, score and write it (one
    process, as the ten-line script would)."""
    import pandas as pd

    started = time.perf_counter()
    first = True
    with target.open("w", encoding="utf-8", newline="") as handle:
        for frame in pd.read_csv(source, chunksize=CHUNK_ROWS, dtype=str, keep_default_na=False):
            frame["score"] = pipeline.predict_proba(frame["text"].tolist())[:, 1]
            frame.to_csv(handle, index=False, header=first)
            first = False
    return time.perf_counter() - started


def score_command(source: Path, target: Path, model: str | None) -> list[str]:
    command = [sys.executable, "-m", "ponzidetect.cli", "score", str(source), "-o", str(target),
               "--text-column", "text", "--workers", "2"]
    return command + (["--model", model] if model else [])


def bench_batch(sizes: list[int], corpus: list[str], work: Path, model: str | None,
                time_limit: float | None) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    text_rate: float | None = None  # text bytes/s of the last run
    out_ratio = 1.1  # output bytes per input byte, updated by complete runs
    pipeline = tfidf_scorer()
    for size in sizes:
        label = size_label(size)
        source, target = work / f"input_{label}.csv", work / f"scored_{label}.csv"
        started = time.perf_counter()
        info = write_csv(source, size, corpus, SEED + size % 1000)
        say(f"[batch {label}] wrote {info['rows']:,} rows, {info['text_bytes'] / 1e6:,.1f} MB of "
            f"text ({info['file_bytes'] / 1e6:,.1f} MB file) in {time.perf_counter() - started:.0f}"
            " s")
        floor = pandas_floor(source, work / f"floor_{label}.csv")
        (work / f"floor_{label}.csv").unlink()
        say(f"[batch {label}] pandas floor (read_csv chunks + to_csv): {floor:.1f} s")
        tfidf = tfidf_seconds(pipeline, source, work / f"tfidf_{label}.csv")
        (work / f"tfidf_{label}.csv").unlink()
        say(f"[batch {label}] TF-IDF + LR scorer (one process, read + score + write): {tfidf:.1f} s")
        if text_rate:
            eta = info["text_bytes"] / text_rate
            limited = f"; stopped at the {time_limit:.0f} s limit" if time_limit and \
                eta > time_limit else ""
            say(f"[batch {label}] ETA of scoring from the previous size: {eta / 60:,.1f} min"
                f"{limited}")
        else:
            say(f"[batch {label}] scoring (no ETA yet; limit "
                f"{'none' if time_limit is None else f'{time_limit:.0f} s'})")
        run = run_sampled(score_command(source, target, model), time_limit, target)
        partial = run["stopped"]
        if run["returncode"] != 0 and not partial:
            raise SystemExit(f"ponzidetect score failed on {source}:\n{run['stderr'][-2000:]}")
        if partial:
            rows_scored, _ = run["scored_so_far"]
            done = min(1.0, rows_scored / info["rows"]) if rows_scored else \
                min(1.0, run["written_bytes"] / (info["file_bytes"] * out_ratio))
        else:
            done = 1.0
            out_ratio = target.stat().st_size / info["file_bytes"]
            target.unlink()
        seconds = run["seconds"]
        rows_done, text_done = info["rows"] * done, info["text_bytes"] * done
        if partial and run["scored_so_far"][0]:
            rows_done, text_done = run["scored_so_far"]
        text_rate = text_done / seconds if text_done else None
        floor_rate = info["text_bytes"] / floor
        result = {
            "size": label, "rows": info["rows"], "text_mb": info["text_bytes"] / 1e6,
            "file_mb": info["file_bytes"] / 1e6, "status": "partial" if partial else "complete",
            "fraction_done": round(done, 4), "seconds": seconds,
            "rows_per_s": rows_done / seconds, "text_mb_per_s": text_done / seconds / 1e6,
            "floor_seconds": floor, "floor_mb_per_s": floor_rate / 1e6,
            "ratio_to_floor": (floor_rate / (text_done / seconds)) if text_done else None,
            "tfidf_seconds": tfidf,
            "ratio_to_tfidf": (seconds / done / tfidf) if done else None,
            "peak_tree_rss_mb": run["peak_tree_rss_mb"],
            "peak_tree_pss_mb": run["peak_tree_pss_mb"],
            "maxrss_single_mb": run["maxrss_single_mb"],
            "rss_timeline_mb": _timeline(run["rss_samples"]),
            "summary": run["stderr"].strip().splitlines()[:1],
        }
        if not partial and text_rate:
            say(f"[batch {label}] {result['rows_per_s']:,.0f} rows/s, "
                f"{result['text_mb_per_s']:.3f} MB/s, peak tree RSS "
                f"{result['peak_tree_rss_mb']:.0f} MB")
        else:
            say(f"[batch {label}] stopped after {seconds:.0f} s, {done:.1%} done: "
                f"~{result['rows_per_s']:,.0f} rows/s, ~{result['text_mb_per_s']:.3f} MB/s; "
                f"full run would take ~{seconds / max(done, 1e-9) / 60:,.0f} min")
        source.unlink()
        if target.exists():
            target.unlink()
        results.append(result)
    return results


def _timeline(samples: list[tuple[float, int]], points: int = 6) -> list[tuple[float, float]]:
    """A few (seconds, tree RSS MB) points spread over the run, to show whether RSS is flat."""
    if not samples:
        return []
    step = max(1, len(samples) // points)
    picked = [*samples[::step], samples[-1]]
    return [(t, round(kb / 1024)) for t, kb in picked]


# ------------------------------------------------------------------------------------------------
# 2. Single-text latency
# ------------------------------------------------------------------------------------------------


def bench_latency(corpus: list[str], model: str | None) -> list[dict[str, Any]]:
    import numpy as np

    from ponzidetect import Detector

    detector = Detector(model)
    rng = random.Random(SEED)
    short = [t for t in corpus if 150 <= len(t.encode("utf-8")) <= 250]
    results = []
    for label, n_bytes, repetitions in LATENCY_SIZES:
        if n_bytes <= 250:
            texts = rng.sample(short, min(len(short), 50))
        else:
            texts = [concatenated(rng, corpus, n_bytes) for _ in range(10)]
        detector.score(texts[0])  # warm up
        timings = []
        for i in range(repetitions):
            text = texts[i % len(texts)]
            started = time.perf_counter()
            detector.score(text)
            timings.append(time.perf_counter() - started)
        ms = np.array(timings) * 1000
        mean_bytes = sum(len(t.encode("utf-8")) for t in texts) / len(texts)
        results.append({"size": label, "mean_bytes": round(mean_bytes), "n": repetitions,
                        "p50_ms": float(np.percentile(ms, 50)),
                        "p99_ms": float(np.percentile(ms, 99)), "max_ms": float(ms.max())})
    return results


# ------------------------------------------------------------------------------------------------
# 3. Adversarial inputs
# ------------------------------------------------------------------------------------------------


def adversarial_text(kind: str, n_bytes: int) -> str:
    unit = ADVERSARIAL_UNITS[kind]
    return unit * max(1, n_bytes // len(unit.encode("utf-8")))


def _adversarial_case(kind: str, n_bytes: int) -> None:
    """Child-process entry point: print the seconds ``extract_flags`` takes on one input."""
    from ponzidetect import extract_flags

    extract_flags("warm up: 3% daily, guaranteed")
    text = adversarial_text(kind, n_bytes)
    started = time.perf_counter()
    report = extract_flags(text)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "fired": [r.flag_id for r in report.fired]}))


def bench_adversarial(timeout: float) -> list[dict[str, Any]]:
    results = []
    for kind in ADVERSARIAL_UNITS:
        row: dict[str, Any] = {"kind": kind}
        timed_out = False
        for n_bytes in ADVERSARIAL_SIZES:
            key = size_label(n_bytes)
            if timed_out:
                row[key] = None
                continue
            command = [sys.executable, str(Path(__file__).resolve()), "--_adversarial-case",
                       kind, str(n_bytes)]
            try:
                done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                      check=True)
                row[key] = json.loads(done.stdout.strip().splitlines()[-1])["seconds"]
            except subprocess.TimeoutExpired:
                row[key], timed_out = f">{timeout:.0f}", True
            except subprocess.CalledProcessError as error:
                row[key], timed_out = "error", True
                row["error"] = error.stderr.strip().splitlines()[-1:]
        first, last = row.get("1MB"), row.get("4MB")
        row["ratio_4MB_1MB"] = (last / first if isinstance(first, float) and
                                isinstance(last, float) and first > 0 else None)
        say(f"[adversarial] {kind}: " + ", ".join(
            f"{size_label(n)} {_cell(row[size_label(n)])} s" for n in ADVERSARIAL_SIZES))
        results.append(row)
    return results


# ------------------------------------------------------------------------------------------------
# 4. Training
# ------------------------------------------------------------------------------------------------


def bench_training(out: Path) -> dict[str, Any]:
    command = [sys.executable, "-m", "ponzidetect.cli", "train", str(CORPUS), "--out", str(out)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"training failed:\n{done.stderr[-2000:]}")
    return {"seconds": seconds, "output": done.stdout.strip()}


def shipped_model_error() -> str | None:
    """Why the shipped model cannot be loaded, or None when it can."""
    from ponzidetect import ModelError, load_model

    try:
        load_model()
    except (ModelError, OSError, ValueError) as error:
        return str(error)
    return None


# ------------------------------------------------------------------------------------------------
# Main
# ------------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="10MB,100MB,1GB",
                        help="batch input sizes of text, comma-separated (default 10MB,100MB,1GB)")
    parser.add_argument("--quick", action="store_true", help="sizes 2MB,10MB: a fast check")
    parser.add_argument("--json", help="save every figure to this JSON file")
    parser.add_argument("--model", help="model directory to score with (default: the shipped "
                        "model, or the one trained here when the shipped one does not load)")
    parser.add_argument("--time-limit", type=float, default=300.0,
                        help="stop a scoring run after this many seconds and report it as "
                             "partial (default 300; 0 = no limit)")
    parser.add_argument("--adversarial-timeout", type=float, default=120.0,
                        help="seconds per adversarial case before it is reported as a timeout")
    parser.add_argument("--skip", default="",
                        help="sections to skip, comma-separated: train,latency,adversarial,batch")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--_adversarial-case", nargs=2, metavar=("KIND", "BYTES"),
                        help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args._adversarial_case:
        _adversarial_case(args._adversarial_case[0], int(args._adversarial_case[1]))
        return 0
    sizes = [parse_size(s) for s in ("2MB,10MB" if args.quick else args.sizes).split(",")]
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    time_limit = args.time_limit or None
    figures: dict[str, Any] = {"command": " ".join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]]),
                               "machine": machine(), "started": time.strftime("%Y-%m-%d %H:%M")}
    work = Path(tempfile.mkdtemp(prefix="ponzidetect-bench-"))
    try:
        m = figures["machine"]
        say(f"Machine: {m['cores']} cores, {m['ram_gb']} GB RAM, Python {m['python']}, "
            f"CPU {m['cpu']} ({m['platform']})")
        corpus = load_corpus()
        say(f"Corpus: {len(corpus):,} texts, {sum(len(t.encode()) for t in corpus) / 1e6:.2f} MB")
        model = args.model
        if "train" not in skip:
            say("\n[train] ponzidetect train data/corpus --out <tmp> ...")
            figures["training"] = bench_training(work / "model")
            say(f"[train] {figures['training']['seconds']:.1f} s: {figures['training']['output']}")
        if model is None:
            problem = shipped_model_error()
            if problem is not None:
                if not (work / "model").is_dir():
                    raise SystemExit(f"the shipped model does not load ({problem}); "
                                     "drop 'train' from --skip or pass --model")
                model = str(work / "model")
                say(f"[model] the shipped model does not load ({problem.splitlines()[0][:160]}); "
                    "scoring with the model trained above")
        figures["model"] = model or "shipped (models/default)"
        if "latency" not in skip:
            say("\n[latency] Detector().score ...")
            figures["latency"] = bench_latency(corpus, model)
        if "adversarial" not in skip:
            say("\n[adversarial] extract_flags on 1, 2, 4 MB ...")
            figures["adversarial"] = bench_adversarial(args.adversarial_timeout)
        if "batch" not in skip:
            say(f"\n[batch] ponzidetect score --workers 2 on {', '.join(map(size_label, sizes))}")
            figures["batch"] = bench_batch(sizes, corpus, work, model, time_limit)
    finally:
        if args.keep:
            say(f"kept {work}")
        else:
            for path in sorted(work.rglob("*"), reverse=True):
                path.unlink() if path.is_file() else path.rmdir()
            work.rmdir()
    report(figures)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n",
                                   encoding="utf-8")
        say(f"\nfigures saved to {args.json}")
    return 0


def report(figures: dict[str, Any]) -> None:
    """Print every section's table."""
    m = figures["machine"]
    say("\n" + "=" * 100)
    say(f"ponzidetect benchmark, {figures['started']}; model: {figures.get('model')}")
    say(f"Machine: {m['cores']} cores, {m['ram_gb']} GB RAM, Python {m['python']}, {m['cpu']}")
    if "batch" in figures:
        say("\nBatch throughput end to end (ponzidetect score --workers 2, CSV in and out)")
        say(table(
            ["size", "rows", "status", "seconds", "rows/s", "MB/s text", "floor s", "floor MB/s",
             "score/floor", "tfidf s", "score/tfidf", "peak RSS tree MB", "peak PSS tree MB",
             "max RSS 1 proc MB"],
            [[b["size"], f"{b['rows']:,}", b["status"] if b["status"] == "complete" else
              f"partial {b['fraction_done']:.1%}", b["seconds"], b["rows_per_s"],
              b["text_mb_per_s"], b["floor_seconds"], b["floor_mb_per_s"], b["ratio_to_floor"],
              b.get("tfidf_seconds"), b.get("ratio_to_tfidf"),
              b["peak_tree_rss_mb"], b.get("peak_tree_pss_mb"), b["maxrss_single_mb"]]
             for b in figures["batch"]]))
        for b in figures["batch"]:
            say(f"  {b['size']} tree RSS over time (s, MB): {b['rss_timeline_mb']}")
    if "latency" in figures:
        say("\nSingle-text latency (Detector().score, one process)")
        say(table(["text", "mean bytes", "n", "p50 ms", "p99 ms", "max ms"],
                  [[r["size"], r["mean_bytes"], r["n"], r["p50_ms"], r["p99_ms"], r["max_ms"]]
                   for r in figures["latency"]]))
    if "adversarial" in figures:
        say("\nAdversarial inputs (extract_flags seconds; linear => 4MB/1MB ~ 4)")
        sizes = [size_label(n) for n in ADVERSARIAL_SIZES]
        say(table(["input", *sizes, "4MB/1MB"],
                  [[r["kind"], *[r[s] for s in sizes], r["ratio_4MB_1MB"]]
                   for r in figures["adversarial"]]))
        for r in figures["adversarial"]:
            if r.get("error"):
                say(f"  {r['kind']}: {r['error']}")
    if "training" in figures:
        say(f"\nTraining (ponzidetect train data/corpus): {figures['training']['seconds']:.1f} s")
    say(textwrap.dedent("""
        Targets: >= 5 MB/s end to end with 2 cores; scoring <= 10x the pandas floor; 2 kB p50
        <= 3 ms; faster than the TF-IDF + LR scorer (score/tfidf <= 1); peak RSS <= 400 MB and
        flat from 10 MB to 1 GB; adversarial time linear.""")
        .rstrip())


if __name__ == "__main__":
    sys.exit(main())
