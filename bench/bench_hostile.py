"""Hostile inputs end to end: rows in/out, time and peak memory of the whole process tree.

Usage::

    .venv/bin/python bench/bench_hostile.py [--workers 1] [--json OUT] [--only NAME,...]

Builds every crafted file of ``tests/hostile_files.py`` (the issue-13 cases: stray quotes, 30
sheets, bad bytes, lone surrogates, 5,000-digit integers, deep nesting, undecodable lines, an
XLSX shared-strings bomb and a 200 MB shared string, 10,000 distinct JSONL keys, a DOCX bomb...)
in a temporary folder, runs the real command on each (``ponzidetect score FILE -o out.csv`` with
the shipped model, or ``ponzidetect flags`` for documents), and prints, per file: its size, rows
in and out, the exit code, seconds, and the peak memory of the process tree sampled every 50 ms
(RSS summed over the processes, and PSS, which counts pages shared by the workers once). The
budget is checked for files under 1 MB: at most 400 MB (PSS) and 30 s. Exit status 1 when a row
is lost or a budget is broken.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hostile_files import CRAFTED, DOCX_BOMB, Crafted, blank_pdf  # noqa: E402
from run_bench import process_tree  # noqa: E402  (bench/ is on the path: this script's folder)

BUDGET_MB = 400
BUDGET_SECONDS = 30
SMALL_FILE = 1 << 20


def _memory(pids: list[int]) -> tuple[int, int]:
    """(RSS, PSS) in kB summed over the processes."""
    rss = pss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            continue
    return rss, pss


def run_measured(command: list[str], cwd: Path) -> dict[str, float]:
    """Run a command; its exit code, seconds and peak tree memory (MB)."""
    peak = {"rss": 0, "pss": 0}
    started = time.perf_counter()
    with open(cwd / "stderr.txt", "wb") as err:
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                rss, pss = _memory(process_tree(process.pid))
                peak["rss"], peak["pss"] = max(peak["rss"], rss), max(peak["pss"], pss)
                done.wait(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        code = process.wait()
        done.set()
        sampler.join()
    return {"code": code, "seconds": time.perf_counter() - started,
            "rss_mb": peak["rss"] / 1024, "pss_mb": peak["pss"] / 1024}


def count_rows(path: Path) -> int:
    if not path.is_file():
        return -1
    csv.field_size_limit(1 << 30)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def bench_table(case: Crafted, folder: Path, workers: int) -> dict[str, object]:
    source = case.build(folder / f"in{case.suffix}", 1)
    target = folder / "out.csv"
    result = run_measured([sys.executable, "-m", "ponzidetect.cli", "score", str(source), "-o",
                           str(target), "--workers", str(workers)], folder)
    return {"name": case.name, "defect": case.defect, "bytes": source.stat().st_size,
            "rows_in": case.rows, "rows_out": count_rows(target), **result,
            "message": (folder / "stderr.txt").read_text(errors="replace").strip()[-300:]}


def bench_document(name: str, defect: int, build, folder: Path) -> dict[str, object]:
    source = build(folder)
    result = run_measured([sys.executable, "-m", "ponzidetect.cli", "flags", str(source)],
                          folder)
    message = (folder / "stderr.txt").read_text(errors="replace").strip()
    return {"name": name, "defect": defect, "bytes": source.stat().st_size, "rows_in": 1,
            "rows_out": 1 if result["code"] in (0, 2) else 0, **result,
            "message": message.splitlines()[-1][-300:] if message else ""}


def _docx_bomb(folder: Path) -> Path:
    return DOCX_BOMB.build(folder / "bomb.docx", 1)


def _blank_pdf(folder: Path) -> Path:
    return blank_pdf(folder / "scan.pdf")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1, help="ponzidetect score --workers")
    parser.add_argument("--json", help="also write the figures here")
    parser.add_argument("--only", help="comma-separated case names")
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else None
    results = []
    print(f"ponzidetect score --workers {args.workers} (shipped model) / ponzidetect flags; "
          f"budget for files under 1 MB: {BUDGET_MB} MB PSS, {BUDGET_SECONDS} s")
    header = (f"{'file':30s} {'defect':>6s} {'size':>9s} {'rows in':>8s} {'rows out':>8s} "
              f"{'exit':>4s} {'seconds':>7s} {'RSS MB':>7s} {'PSS MB':>7s}  verdict")
    print(header)
    cases: list[tuple[str, object]] = [(case.name, case) for case in CRAFTED]
    cases += [(DOCX_BOMB.name, ("document", DOCX_BOMB.defect, _docx_bomb)),
              ("pdf-no-text-layer", ("document", 13, _blank_pdf))]
    failed = False
    for name, case in cases:
        if only and name not in only:
            continue
        with tempfile.TemporaryDirectory(prefix="ponzidetect-hostile-") as tmp:
            folder = Path(tmp)
            if isinstance(case, Crafted):
                row = bench_table(case, folder, args.workers)
            else:
                _, defect, build = case  # type: ignore[misc]
                row = bench_document(name, defect, build, folder)
        small = row["bytes"] < SMALL_FILE
        problems = []
        if row["rows_out"] != row["rows_in"]:
            problems.append("ROWS LOST")
        if small and row["pss_mb"] > BUDGET_MB:
            problems.append("MEMORY")
        if small and row["seconds"] > BUDGET_SECONDS:
            problems.append("TIME")
        failed = failed or bool(problems)
        verdict = ", ".join(problems) or ("ok" if small else "ok (over 1 MB: no budget)")
        row["verdict"] = verdict
        results.append(row)
        print(f"{name:30s} {row['defect']:>6d} {row['bytes']:>9,d} {row['rows_in']:>8,d} "
              f"{row['rows_out']:>8,d} {row['code']:>4d} {row['seconds']:>7.1f} "
              f"{row['rss_mb']:>7.0f} {row['pss_mb']:>7.0f}  {verdict}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
