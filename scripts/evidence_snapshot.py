"""Snapshot every evidence record the engine produces, and compare two snapshots.

Usage
-----
    # write the corpus snapshot (committed) and the real-dev digests (bench/out/, not committed)
    .venv/bin/python scripts/evidence_snapshot.py write
    # compare the current engine with them; exit 1 and print the differing ids when they differ
    .venv/bin/python scripts/evidence_snapshot.py compare
    # the old engine on the new catalogue: run an old revision's package on this catalogue
    git worktree add /tmp/engine-old <rev>
    .venv/bin/python scripts/evidence_snapshot.py --engine-src /tmp/engine-old \\
        --catalogue features write --corpus-out /tmp/old-corpus.jsonl \\
        --real-dev-out /tmp/old-real-dev.json
    .venv/bin/python scripts/evidence_snapshot.py compare --corpus-snapshot /tmp/old-corpus.jsonl \\
        --real-dev-snapshot /tmp/old-real-dev.json
    # the shipped model's raw scores on both, before (--write) and after a change (to 1e-9)
    .venv/bin/python scripts/evidence_snapshot.py scores --write
    .venv/bin/python scripts/evidence_snapshot.py scores

What is recorded, per text id: for every flag with evidence, ``count`` and ``negated_count`` and
the summary ``value``/``unit``, and every evidence record as ``[flag, start, end, rule_id, value,
unit, negated, weight, note key]`` (the note key: 8 hex digits of the note's SHA-256 with the
rule id left out, so the context and negation cues it names are compared). Corpus texts
(``data/corpus/parts/*.jsonl``) are stored in full (``tests/snapshots/evidence_corpus.jsonl``,
one line per text that has evidence); real-dev texts
(``../shared/data/real-dev/*.jsonl``) only as one SHA-256 digest per text id, so no real-dev
text or span content ever enters the repository.

The script uses only the engine's stable interface (``Document.from_text``, ``engine.analyse``,
``Registry.load``), so it runs on any revision of the package (``--engine-src``) and with any
catalogue folder (``--catalogue``). ``--ignore-rule-id`` compares without the rule ids (for a
change that only renames rules, such as splitting an alternation into named alternatives): the
corpus snapshot is stripped on the fly, but real-dev digests must then be written with
``--ignore-rule-id`` too.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS_PARTS = ROOT / "data" / "corpus" / "parts"
REAL_DEV = ROOT.parent / "shared" / "data" / "real-dev"
CORPUS_SNAPSHOT = ROOT / "tests" / "snapshots" / "evidence_corpus.jsonl"
REAL_DEV_SNAPSHOT = ROOT / "bench" / "out" / "evidence_real_dev.json"
RULE_ID = 3  # position of rule_id in an evidence record


def iter_texts(folder: Path) -> Iterator[tuple[str, str]]:
    """``(id, text)`` of every JSONL row under ``folder``, files in name order."""
    for path in sorted(folder.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    row = json.loads(line)
                    yield str(row.get("id") or f"{path.stem}:{number}"), row["text"]


def _value(value: Any) -> Any:
    return round(value, 9) if isinstance(value, float) else value


def records(text: str, registry: Any, ignore_rule_id: bool = False) -> dict[str, Any]:
    """The evidence of one text as a JSON-safe dict (empty when no flag has evidence)."""
    from ponzidetect.document import Document
    from ponzidetect.engine import analyse

    report = analyse(Document.from_text(text), registry)
    flags: dict[str, Any] = {}
    evidence: list[list[Any]] = []
    for result in report.results:
        if not result.evidence and not result.count and not result.negated_count:
            continue
        flags[result.flag_id] = [result.count, result.negated_count, _value(result.value),
                                 result.unit]
        for item in result.evidence:
            evidence.append([item.flag_id, item.start, item.end,
                             "" if ignore_rule_id else item.rule_id, _value(item.value),
                             item.unit, item.negated, round(float(item.weight), 6),
                             note_key(item.note, item.rule_id)])
    return {"flags": flags, "evidence": evidence} if flags else {}


def note_key(note: str, rule_id: str) -> str:
    """8 hex digits of the note with its rule id left out: the context and negation cues it
    names are compared without storing the text (and without the rule id, which has a field)."""
    return hashlib.sha256(note.replace(rule_id, "<rule>").encode("utf-8")).hexdigest()[:8]


def digest(record: dict[str, Any]) -> str:
    """SHA-256 of a record's canonical JSON."""
    payload = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def strip_rule_ids(record: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``record`` without rule ids (notes are already keyed without them)."""
    if not record:
        return record
    evidence = [[*item[:RULE_ID], "", *item[RULE_ID + 1:]] for item in record["evidence"]]
    return {"flags": record["flags"], "evidence": evidence}


def load_registry(catalogue: str | None) -> Any:
    from ponzidetect.engine import Registry, default_registry

    return Registry.load(catalogue) if catalogue else default_registry()


def write(args: argparse.Namespace) -> int:
    registry = load_registry(args.catalogue)
    corpus_out = Path(args.corpus_out)
    corpus_out.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with corpus_out.open("w", encoding="utf-8") as handle:
        for text_id, text in iter_texts(CORPUS_PARTS):
            record = records(text, registry, args.ignore_rule_id)
            count += 1
            if record:
                handle.write(json.dumps({"id": text_id, **record}, ensure_ascii=False,
                                        separators=(",", ":")) + "\n")
    print(f"wrote {corpus_out} ({count} corpus texts)")
    if args.real_dev_out and REAL_DEV.is_dir():
        digests = {text_id: digest(records(text, registry, args.ignore_rule_id))
                   for text_id, text in iter_texts(REAL_DEV)}
        out = Path(args.real_dev_out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(digests, indent=0, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {out} ({len(digests)} real-dev digests)")
    return 0


def load_corpus_snapshot(path: Path) -> dict[str, dict[str, Any]]:
    """``{id: record}`` of a corpus snapshot file (texts without evidence are absent)."""
    snapshot = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            snapshot[row.pop("id")] = row
    return snapshot


def corpus_differences(snapshot: dict[str, dict[str, Any]], registry: Any,
                       ignore_rule_id: bool = False) -> list[tuple[str, Any, Any]]:
    """``(id, expected, found)`` for every corpus text whose evidence differs from ``snapshot``."""
    differing = []
    for text_id, text in iter_texts(CORPUS_PARTS):
        found = records(text, registry, ignore_rule_id)
        expected = snapshot.get(text_id, {})
        if ignore_rule_id:
            expected = strip_rule_ids(expected)
        if found != expected:
            differing.append((text_id, expected, found))
    return differing


def describe(text_id: str, expected: dict[str, Any], found: dict[str, Any]) -> str:
    """Human-readable lines for one differing text: evidence only on one side."""
    def as_set(record: dict[str, Any]) -> set[str]:
        items = [json.dumps(e, ensure_ascii=False) for e in record.get("evidence", [])]
        items += [f"flag {k}: {json.dumps(v)}" for k, v in record.get("flags", {}).items()]
        return set(items)

    old, new = as_set(expected), as_set(found)
    lines = [f"== {text_id}"]
    lines += [f"  - {item}" for item in sorted(old - new)]
    lines += [f"  + {item}" for item in sorted(new - old)]
    return "\n".join(lines)


def compare(args: argparse.Namespace) -> int:
    registry = load_registry(args.catalogue)
    snapshot = load_corpus_snapshot(Path(args.corpus_snapshot))
    differing = corpus_differences(snapshot, registry, args.ignore_rule_id)
    for text_id, expected, found in differing[:args.show]:
        print(describe(text_id, expected, found))
    print(f"corpus: {len(differing)} texts differ from {args.corpus_snapshot}")
    failed = bool(differing)
    real_dev = Path(args.real_dev_snapshot)
    if REAL_DEV.is_dir() and real_dev.is_file():
        expected_digests = json.loads(real_dev.read_text(encoding="utf-8"))
        ids = []
        for text_id, text in iter_texts(REAL_DEV):
            if expected_digests.get(text_id) != digest(records(text, registry, args.ignore_rule_id)):
                ids.append(text_id)
        print(f"real-dev: {len(ids)} of {len(expected_digests)} texts differ from {real_dev}"
              + (": " + ", ".join(ids[:args.show]) if ids else ""))
        failed = failed or bool(ids)
    else:
        print(f"real-dev: skipped ({real_dev} or {REAL_DEV} not found)")
    return 1 if failed else 0


def scores(args: argparse.Namespace) -> int:
    """Write or compare the shipped model's raw scores (log-odds) of every corpus and real-dev text."""
    from ponzidetect.detector import Detector

    detector = Detector(args.model)
    found: dict[str, float] = {}
    for folder in (CORPUS_PARTS, REAL_DEV):
        if not folder.is_dir():
            continue
        rows = list(iter_texts(folder))
        for low in range(0, len(rows), 500):
            chunk = rows[low:low + 500]
            for (text_id, _), result in zip(chunk, detector.score_batch([t for _, t in chunk]),
                                            strict=True):
                found[text_id] = result.raw_score
    path = Path(args.file)
    if args.write:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(found, indent=0, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {path} ({len(found)} scores)")
        return 0
    expected = json.loads(path.read_text(encoding="utf-8"))
    worst = max((abs(found[k] - v), k) for k, v in expected.items())
    missing = sorted(set(expected) ^ set(found))
    print(f"scores: {len(expected)} texts, largest |difference| {worst[0]:.3g} ({worst[1]}); "
          f"{len(missing)} ids on one side only")
    return 0 if worst[0] <= 1e-9 and not missing else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--engine-src", help="import ponzidetect from this source checkout")
    parser.add_argument("--catalogue", help="catalogue folder (default: the package's)")
    parser.add_argument("--ignore-rule-id", action="store_true",
                        help="leave rule ids (and notes) out of records and digests")
    sub = parser.add_subparsers(dest="command", required=True)
    write_cmd = sub.add_parser("write", help="write the snapshots")
    write_cmd.add_argument("--corpus-out", default=str(CORPUS_SNAPSHOT))
    write_cmd.add_argument("--real-dev-out", default=str(REAL_DEV_SNAPSHOT))
    write_cmd.set_defaults(func=write)
    compare_cmd = sub.add_parser("compare", help="compare the engine with the snapshots")
    compare_cmd.add_argument("--corpus-snapshot", default=str(CORPUS_SNAPSHOT))
    compare_cmd.add_argument("--real-dev-snapshot", default=str(REAL_DEV_SNAPSHOT))
    compare_cmd.add_argument("--show", type=int, default=20, help="differing ids to print")
    compare_cmd.set_defaults(func=compare)
    scores_cmd = sub.add_parser("scores", help="write (--write) or compare the model's raw scores")
    scores_cmd.add_argument("--file", default=str(ROOT / "bench" / "out" / "scores.json"))
    scores_cmd.add_argument("--model", help="model directory (default: the shipped one)")
    scores_cmd.add_argument("--write", action="store_true")
    scores_cmd.set_defaults(func=scores)
    args = parser.parse_args(argv)
    if args.engine_src:
        sys.path.insert(0, str(Path(args.engine_src).resolve()))
    import ponzidetect

    print(f"engine: {Path(ponzidetect.__file__).parent}", file=sys.stderr)
    if args.engine_src and not Path(ponzidetect.__file__).resolve().is_relative_to(
            Path(args.engine_src).resolve()):
        raise SystemExit(f"ponzidetect was imported from {ponzidetect.__file__}, "
                         f"not from {args.engine_src}")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
