"""Check a corpus part file (staging or final) against the datasheet's rules.

Usage: ``.venv/bin/python scripts/check_corpus_part.py FILE.jsonl [FILE.jsonl ...]``

Prints problems (exit 1 if any) and a genre x label x language table.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEYS = {"id", "text", "label", "lang", "genre", "group", "kind"}
GENRES = {"chat_message", "promotion_post", "project_page", "product_page", "whitepaper_excerpt",
          "terms", "contract_comment", "news_report", "case_facts", "enforcement", "complaint",
          "warning", "other"}
KINDS = {"promotion", "case_account", "warning", "documentation", "other"}
LANGS = {"en", "zh", "mixed"}


def _rows(path: Path) -> list[dict]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if line.strip():
            rows.append({**json.loads(line), "_where": f"{path.name}:{number}"})
    return rows


def main(paths: list[str]) -> int:
    existing = [row for part in sorted((ROOT / "data" / "corpus" / "parts").glob("*.jsonl"))
                for row in _rows(part)]
    checked = [row for path in paths for row in _rows(Path(path))]
    problems: list[str] = []
    targets = {str(Path(p).resolve()) for p in paths}
    others = [r for r in existing
              if str((ROOT / "data" / "corpus" / "parts" / r["_where"].split(":")[0]).resolve())
              not in targets]
    seen_ids = Counter(r["id"] for r in others + checked)
    seen_texts = Counter(r["text"].strip() for r in others + checked)
    labels: dict[str, set[int]] = defaultdict(set)
    for row in others + checked:
        labels[row.get("group", "")].add(row.get("label"))
    for row in checked:
        where = row["_where"]
        keys = set(row) - {"_where"}
        if keys != KEYS:
            problems.append(f"{where}: keys {sorted(keys)} != {sorted(KEYS)}")
            continue
        if row["label"] not in (0, 1):
            problems.append(f"{where}: label must be 0 or 1")
        if row["lang"] not in LANGS:
            problems.append(f"{where}: lang {row['lang']!r}")
        if row["genre"] not in GENRES:
            problems.append(f"{where}: genre {row['genre']!r} not in {sorted(GENRES)}")
        if row["kind"] not in KINDS:
            problems.append(f"{where}: kind {row['kind']!r} not in {sorted(KINDS)}")
        if not isinstance(row["text"], str) or len(row["text"].strip()) < 5:
            problems.append(f"{where}: text too short")
        if seen_ids[row["id"]] > 1:
            problems.append(f"{where}: duplicate id {row['id']}")
        if seen_texts[row["text"].strip()] > 1:
            problems.append(f"{where}: duplicate text")
        if len(labels[row["group"]]) > 1:
            problems.append(f"{where}: group {row['group']!r} carries both labels")
    for problem in problems[:50]:
        print(problem)
    table: Counter[tuple[str, str, int]] = Counter(
        (r.get("genre"), r.get("lang"), r.get("label")) for r in checked)
    print(f"\n{len(checked)} rows, {len(problems)} problem(s)")
    print(f"{'genre':20s} {'lang':6s} {'neg':>5s} {'pos':>5s}")
    for genre, lang in sorted({(g, lang) for g, lang, _ in table}):
        print(f"{genre:20s} {lang:6s} {table[(genre, lang, 0)]:5d} {table[(genre, lang, 1)]:5d}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
