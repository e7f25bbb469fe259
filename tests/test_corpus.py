"""The committed training corpus keeps the promises of its datasheet (data/corpus/README.md)."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from ponzidetect.dataset import load_labelled

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
DATASHEET = CORPUS / "README.md"
KEYS = {"id", "text", "label", "lang", "genre", "group", "kind"}
KINDS = {"promotion", "case_account", "warning", "documentation", "other"}


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    found = []
    for path in sorted((CORPUS / "parts").glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
            if line.strip():
                found.append({**json.loads(line), "_where": f"{path.name}:{number}"})
    return found


def test_every_row_has_the_datasheet_keys(rows) -> None:
    bad = [row["_where"] for row in rows if set(row) - {"_where"} != KEYS]
    assert not bad, bad[:5]


@pytest.mark.parametrize(
    ("rule", "check"),
    [
        ("at least 1,500 texts", lambda rows: len(rows) >= 1500),
        ("at least 40% Chinese", lambda rows: sum(r["lang"] == "zh" for r in rows) >= 0.4 * len(rows)),
        ("both labels, neither under 40%",
         lambda rows: 0.4 <= sum(r["label"] for r in rows) / len(rows) <= 0.6),
        ("unique ids", lambda rows: len({r["id"] for r in rows}) == len(rows)),
        ("unique texts", lambda rows: len({r["text"] for r in rows}) == len(rows)),
        ("languages are en, zh or mixed", lambda rows: {r["lang"] for r in rows} <= {"en", "zh", "mixed"}),
        ("kinds are the five voices", lambda rows: {r["kind"] for r in rows} == KINDS),
        ("every genre but 'other' holds both labels, neither under a quarter",
         lambda rows: all(0.25 <= sum(r["label"] for r in rows if r["genre"] == g)
                          / sum(r["genre"] == g for r in rows) <= 0.75
                          for g in {r["genre"] for r in rows} - {"other"})),
    ],
)
def test_corpus_rule(rows, rule: str, check) -> None:
    assert check(rows), rule


def test_every_group_carries_one_label(rows) -> None:
    labels = defaultdict(set)
    for row in rows:
        labels[row["group"]].add(row["label"])
    assert not [group for group, seen in labels.items() if len(seen) > 1]


def test_datasheet_counts_match_the_files(rows) -> None:
    sheet = DATASHEET.read_text(encoding="utf-8")
    total = re.search(r"\*\*([\d,]+) texts written by the ponzidetect team\*\*", sheet)
    assert total and int(total.group(1).replace(",", "")) == len(rows)
    genres = Counter(row["genre"] for row in rows)
    listed = dict(re.findall(r"([a-z_]+) (\d+)[,.]", sheet.split("## Genres", 1)[1].split("##")[0]))
    assert {genre: int(count) for genre, count in listed.items()} == dict(genres)


def test_the_genre_alone_does_not_predict_the_label() -> None:
    from ponzidetect.baselines import genre_shortcut

    shortcut = genre_shortcut(load_labelled([CORPUS]).frame, seed=20181, with_length=False)
    assert shortcut["genre"] <= 0.65, shortcut


def test_the_loader_reads_the_whole_corpus(rows) -> None:
    data = load_labelled([CORPUS])
    assert len(data.texts) == len(rows)
    assert set(data.frame["file"]) == {path.stem for path in (CORPUS / "parts").glob("*.jsonl")}
