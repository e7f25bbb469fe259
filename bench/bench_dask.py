"""Benchmark ``ponzidetect score --engine dask`` against the single-machine command, in one run.

Usage
-----
    .venv/bin/python bench/bench_dask.py                     # 100 MB of text (long on 2 cores)
    .venv/bin/python bench/bench_dask.py --size 10MB --partitions 16 --json dask-figures.json

The input is corpus-mix text built as ``bench/run_bench.py`` builds it (rows sampled with
replacement from ``data/corpus/parts/*.jsonl``: 85 % one text, 15 % 2-30 texts joined; an ``id``
column), written twice with the same rows: one CSV file for the single-machine command, and a
folder of ``--partitions`` CSV files (consecutive rows) for Dask. Four runs, each a subprocess:

1. ``ponzidetect score IN.csv -o OUT.csv --workers 1 --no-clusters``
2. ``ponzidetect score IN.csv -o OUT.csv --workers 2 --no-clusters``
3. ``ponzidetect score IN/ -o OUT/ --engine dask --workers 1 --output-format csv``
4. ``ponzidetect score IN/ -o OUT/ --engine dask --workers 2 --output-format csv``

(``--no-clusters``: the Dask engine adds no cluster columns, so both engines do the same work.)

Each run is timed end to end (start-up, model loading and cluster start included: what a user
waits for). Printed: rows/s, the speed-up from 1 to 2 Dask workers, the overhead of Dask over
the single-machine command at equal workers (``t_dask / t_local - 1``), and peak memory per
worker process (the largest ``VmRSS`` of any one scoring process, sampled every 0.2 s; for the
single-machine command with 1 worker the scoring process is the command itself), and the CPU
seconds of the whole process tree (``wait4``), which other jobs on a shared machine do not
inflate the way they inflate wall time. The load average before and after is printed too.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run_bench import (  # the helpers of the main benchmark
    SEED,
    load_corpus,
    machine,
    parse_size,
    process_tree,
    sample_rows,
    table,
    vm_rss_kb,
)

ROOT = Path(__file__).resolve().parent.parent
POLL = 0.2


def write_inputs(work: Path, text_bytes: int, partitions: int, seed: int) -> dict[str, Any]:
    """One CSV file and a folder of ``partitions`` CSV files holding the same rows."""
    rng = random.Random(seed)
    corpus = load_corpus()
    rows: list[tuple[str, str]] = []
    size = 0
    for text in sample_rows(rng, corpus):
        rows.append((f"r{len(rows):08d}", text))
        size += len(text.encode("utf-8"))
        if size >= text_bytes:
            break
    single = work / "single.csv"
    folder = work / "parts"
    folder.mkdir()
    _write(single, rows)
    per_part = -(-len(rows) // partitions)
    for index in range(partitions):
        _write(folder / f"part-{index:04d}.csv", rows[index * per_part:(index + 1) * per_part])
    return {"rows": len(rows), "text_bytes": size, "file_bytes": single.stat().st_size,
            "partitions": partitions}


def _write(path: Path, rows: list[tuple[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        writer.writerows(rows)


def run(command: list[str]) -> dict[str, Any]:
    """Run ``command``; the wall time and the peak VmRSS of each process in its tree."""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:  # not a pipe: nobody reads it
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        peaks: dict[int, int] = {}
        names: dict[int, str] = {}
        parents: set[int] = set()
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                process.returncode = os.waitstatus_to_exitcode(status)
                break
            tree = process_tree(process.pid)
            parents.update(_parent(pid) for pid in tree)
            for pid in tree:
                rss = vm_rss_kb(pid)
                if rss > peaks.get(pid, 0):
                    peaks[pid] = rss
                    names.setdefault(pid, _cmdline(pid))
            time.sleep(POLL)
        seconds = time.perf_counter() - started
        log.seek(0)
        output = log.read()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{output[-3000:]}")
    return {"seconds": seconds, "peaks_kb": peaks, "names": names, "stderr": output,
            "root": process.pid, "parents": parents,
            "cpu_seconds": usage.ru_utime + usage.ru_stime}


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return 0


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:200]
    except OSError:
        return ""


def worker_peak_mb(result: dict[str, Any], engine: str, workers: int) -> float:
    """The largest VmRSS of one scoring process: a leaf of the command's process tree (a Dask
    worker, a pool worker; not the fork server or a resource tracker), or the command itself
    when it scores in its own process (single machine, 1 worker)."""
    peaks, names, root = result["peaks_kb"], result["names"], result["root"]
    if engine == "local" and workers == 1:
        return peaks.get(root, 0) / 1024
    leaves = [kb for pid, kb in peaks.items()
              if pid != root and pid not in result["parents"]
              and "resource_tracker import" not in names.get(pid, "")]
    return max(leaves, default=0) / 1024


def command(engine: str, workers: int, source: Path, target: Path, model: str | None) -> list[str]:
    argv = [str(Path(sys.executable).with_name("ponzidetect")), "score", str(source), "-o", str(target),
            "--text-column", "text", "--workers", str(workers)]
    if engine == "dask":
        argv += ["--engine", "dask", "--output-format", "csv"]
    else:
        argv += ["--no-clusters"]  # the Dask engine adds no cluster columns: compare equal work
    if model:
        argv += ["--model", model]
    return argv


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--size", default="100MB", help="text in the input (default 100MB)")
    parser.add_argument("--partitions", type=int, default=16,
                        help="files the Dask input is split into (default 16)")
    parser.add_argument("--model", help="model directory (default: the shipped model)")
    parser.add_argument("--json", help="save the figures to this JSON file")
    args = parser.parse_args(argv)
    figures: dict[str, Any] = {"machine": machine(), "load_before": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="ponzidetect-bench-dask-") as folder:
        work = Path(folder)
        figures["input"] = write_inputs(work, parse_size(args.size), args.partitions, SEED)
        rows = figures["input"]["rows"]
        print(f"input: {rows:,} rows, {figures['input']['text_bytes'] / 1e6:.1f} MB of text, "
              f"{args.partitions} partitions", flush=True)
        runs = []
        for engine, workers in (("local", 1), ("local", 2), ("dask", 1), ("dask", 2)):
            source = work / ("parts" if engine == "dask" else "single.csv")
            target = work / f"out-{engine}-{workers}{'' if engine == 'dask' else '.csv'}"
            result = run(command(engine, workers, source, target, args.model))
            runs.append({"engine": engine, "workers": workers, "seconds": result["seconds"],
                         "cpu_seconds": result["cpu_seconds"],
                         "rows_per_s": rows / result["seconds"],
                         "mb_per_s": figures["input"]["text_bytes"] / 1e6 / result["seconds"],
                         "worker_peak_mb": worker_peak_mb(result, engine, workers),
                         "summary": [line for line in result["stderr"].splitlines()
                                     if line.startswith("Scored ")][:1]})
            print(f"{engine} x{workers}: {result['seconds']:.1f} s", flush=True)
    figures["runs"] = runs
    figures["load_after"] = os.getloadavg()
    by = {(r["engine"], r["workers"]): r for r in runs}
    figures["speedup_dask_1_to_2"] = by["dask", 1]["seconds"] / by["dask", 2]["seconds"]
    figures["speedup_local_1_to_2"] = by["local", 1]["seconds"] / by["local", 2]["seconds"]
    figures["dask_overhead"] = {str(n): by["dask", n]["seconds"] / by["local", n]["seconds"] - 1
                                for n in (1, 2)}
    figures["dask_cpu_overhead"] = {
        str(n): by["dask", n]["cpu_seconds"] / by["local", n]["cpu_seconds"] - 1 for n in (1, 2)}
    print()
    print(table(["engine", "workers", "seconds", "rows/s", "MB/s", "CPU s", "peak MB per worker"],
                [[r["engine"], r["workers"], f"{r['seconds']:.1f}", f"{r['rows_per_s']:.0f}",
                  f"{r['mb_per_s']:.3f}", f"{r['cpu_seconds']:.1f}", f"{r['worker_peak_mb']:.0f}"]
                 for r in runs]))
    print()
    print(f"speed-up 1 -> 2 workers: dask {figures['speedup_dask_1_to_2']:.2f}x "
          f"(aim >= 1.7x), single machine {figures['speedup_local_1_to_2']:.2f}x")
    print("dask overhead over the single-machine command: "
          + ", ".join(f"{n} worker(s) {v:+.1%}" for n, v in figures["dask_overhead"].items())
          + " (aim <= 15%); in CPU seconds: "
          + ", ".join(f"{n} worker(s) {v:+.1%}" for n, v in figures["dask_cpu_overhead"].items()))
    print(f"load average before {figures['load_before'][0]:.1f}, "
          f"after {figures['load_after'][0]:.1f} (2 cores)")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, default=str) + "\n",
                                   encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
