"""Load labelled texts (JSONL or CSV) for training, evaluation and the flag audit.

Rows need ``text`` and ``label`` (0 or 1); ``id``, ``lang``, ``genre``, ``kind``, ``group`` and
``source`` are optional. A bad row is rejected with its file and line number, never silently dropped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

REQUIRED = ("text", "label")
OPTIONAL = ("id", "lang", "genre", "kind", "group", "source")
COLUMNS = ("id", "text", "label", "lang", "genre", "kind", "group", "source", "file")


class DatasetError(ValueError):
    """A labelled data file is malformed; the message names file and line."""


@dataclass(frozen=True, slots=True)
class LabelledData:
    """Labelled texts with their slices.

    Attributes
    ----------
    frame : pandas.DataFrame
        Columns ``id, text, label, lang, genre, kind, group, source, file``.
    fingerprint : str
        SHA-256 over ids, labels and texts, recorded in model artifacts.
    """

    frame: pd.DataFrame
    fingerprint: str

    @property
    def texts(self) -> list[str]:
        """The texts, in order."""
        return self.frame["text"].tolist()

    @property
    def labels(self) -> list[int]:
        """The labels, in order."""
        return self.frame["label"].astype(int).tolist()


def _rows_from_jsonl(path: Path) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise DatasetError(f"{path.name} line {number}: not valid JSON ({error.msg})") from None
            if not isinstance(row, dict):
                raise DatasetError(f"{path.name} line {number}: expected a JSON object")
            row["_line"] = number
            rows.append(row)
    return rows


def _rows_from_csv(path: Path) -> list[dict]:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    rows = frame.to_dict("records")
    for number, row in enumerate(rows, start=2):
        row["_line"] = number
    return rows


def _validate(row: dict, path: Path) -> dict:
    where = f"{path.name} line {row['_line']}"
    missing = [key for key in REQUIRED if key not in row]
    if missing:
        raise DatasetError(f"{where}: missing {', '.join(missing)} (rows need text and label)")
    text = row["text"]
    if not isinstance(text, str) or not text.strip():
        raise DatasetError(f"{where}: 'text' must be a non-empty string")
    label = row["label"]
    if str(label).strip() not in {"0", "1", "0.0", "1.0", "True", "False", "true", "false"}:
        raise DatasetError(f"{where}: 'label' must be 0 or 1, got {label!r}")
    clean = {key: row.get(key) for key in OPTIONAL}
    clean["text"] = text
    clean["label"] = int(float(str(label).replace("True", "1").replace("true", "1")
                               .replace("False", "0").replace("false", "0")))
    clean["id"] = str(clean["id"] if clean["id"] is not None else f"{path.stem}:{row['_line']}")
    clean["group"] = str(clean["group"] or clean["id"])
    clean["lang"] = str(clean["lang"] or "")
    clean["genre"] = str(clean["genre"] or "")
    clean["kind"] = str(clean["kind"] or "")
    clean["source"] = str(clean["source"] or "")
    clean["file"] = path.stem
    return clean


def load_labelled(paths: Sequence[Path | str]) -> LabelledData:
    """Load and validate one or more labelled files.

    Parameters
    ----------
    paths : sequence of path
        ``.jsonl`` / ``.json`` (one object per line) or ``.csv`` files, or folders of them.

    Returns
    -------
    LabelledData

    Raises
    ------
    DatasetError
        On a missing file, a malformed row, or duplicate ids.
    """
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in {".jsonl", ".csv"}))
        elif path.exists():
            files.append(path)
        else:
            raise DatasetError(f"{path}: no such file or folder")
    if not files:
        raise DatasetError("no .jsonl or .csv files found in " + ", ".join(map(str, paths)))
    rows = []
    for path in files:
        raw_rows = _rows_from_csv(path) if path.suffix == ".csv" else _rows_from_jsonl(path)
        rows.extend(_validate(row, path) for row in raw_rows)
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    duplicated = frame["id"][frame["id"].duplicated()].unique().tolist()
    if duplicated:
        raise DatasetError(f"duplicate ids: {', '.join(duplicated[:5])}")
    digest = hashlib.sha256()
    for row in frame[["id", "label", "text"]].itertuples(index=False):
        digest.update(f"{row.id}\t{row.label}\t{row.text}\n".encode())
    return LabelledData(frame.reset_index(drop=True), digest.hexdigest())
