"""Batch logic of the app (no Streamlit): read an uploaded table, score it, filter, export."""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from ponzidetect import tabular
from ponzidetect.batch import score_frame  # the one table-scoring path
from ponzidetect.io import ROW_ERRORS
from ponzidetect.model_workers import DetectorScorer

ROW_CAP = 5_000
TABLE_TYPES = ("csv", "tsv", "txt", "jsonl", "ndjson", "json", "xlsx", "parquet")
RESULT_COLUMNS = ("score", "risk", "flags", "error")
_TEXT_NAMES = re.compile(r"text|content|description|body|message|post|正文|内容|文本|描述")


def read_table(name: str, data: bytes, cap: int = ROW_CAP) -> tuple[pd.DataFrame, bool]:
    """Read the first ``cap`` rows of an uploaded table.

    Parameters
    ----------
    name : str
        The uploaded file's name; its extension gives the format.
    data : bytes
        The file's content.
    cap : int
        Most rows to read.

    Returns
    -------
    (DataFrame, bool)
        The rows, and whether the file had more than ``cap`` rows.

    Raises
    ------
    tabular.TabularError
        With a message that says what to do (unknown format, binary file, bad encoding...).
    """
    fmt = tabular.format_from_name(name)
    with tempfile.TemporaryDirectory(prefix="ponzidetect-app-") as folder:
        path = Path(folder) / f"upload.{fmt}"
        path.write_bytes(data)
        chunks, rows = [], 0
        for chunk in tabular.read_chunks(path, fmt=fmt, chunk_rows=min(cap + 1, 5_000)):
            chunks.append(chunk)
            rows += len(chunk)
            if rows > cap:
                break
    errors = [error for chunk in chunks for error in chunk.attrs.get(ROW_ERRORS, ())]
    frame = pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]
    frame = frame.iloc[:cap].reset_index(drop=True)
    frame.attrs[ROW_ERRORS] = tuple(errors[:cap])  # rows the reader could not read cleanly
    return frame, rows > cap


def default_text_column(frame: pd.DataFrame) -> str | None:
    """The column to score by default.

    The first column named like text/content/description/body/message (or 正文/内容/文本), else
    the first column holding strings, else the first column; None for a frame with no columns.
    """
    columns = list(frame.columns)
    for column in columns:
        if _TEXT_NAMES.search(str(column).casefold()):
            return column
    for column in columns:
        if frame[column].map(lambda v: isinstance(v, str)).any():
            return column
    return columns[0] if columns else None


def score_table(detector, frame: pd.DataFrame, column: str, cap: int = ROW_CAP,
                chunk_rows: int = 100,
                progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """Score the first ``cap`` rows with explanations, through ``ponzidetect.batch.score_frame``.

    Rows are scored ``chunk_rows`` at a time and ``progress(done, total)`` is called after each
    chunk, so the page can show a progress bar. Returns a copy with ``score``, ``risk``,
    ``flags``, ``error`` and ``assessment`` columns and a fresh 0-based index; rows the reader
    flagged (``frame.attrs["row_errors"]``) keep their error. Raises ``KeyError`` when
    ``column`` is missing.
    """
    rows = frame.iloc[:cap].reset_index(drop=True)
    errors = frame.attrs.get(ROW_ERRORS)
    return score_frame(rows, column, DetectorScorer(explain=True, detector=detector),
                       chunk_rows=chunk_rows, max_chars=detector.max_chars, explain=True,
                       row_errors=tuple(errors[:cap]) if errors else None, progress=progress)


def risk_counts(results: pd.DataFrame) -> dict[str, int]:
    """``{"high": n, "medium": n, "low": n, "errors": n}``."""
    counts = Counter(results["risk"].fillna(""))
    return {"high": counts["high"], "medium": counts["medium"], "low": counts["low"],
            "errors": int((results["error"].fillna("") != "").sum())}


def row_flags(results: pd.DataFrame) -> pd.Series:
    """Each row's fired red flags as a list of ids."""
    return results["flags"].fillna("").map(lambda s: [f for f in str(s).split(";") if f])


def filter_results(results: pd.DataFrame, risks: Iterable[str] | None = None,
                   flags: Iterable[str] | None = None) -> pd.DataFrame:
    """Rows in one of ``risks`` (``""`` = error rows) that raised any of ``flags``.

    ``None`` or an empty selection means no filter on that criterion.
    """
    mask = pd.Series(True, index=results.index)
    risks = list(risks or ())
    if risks:
        mask &= results["risk"].fillna("").isin(risks)
    wanted = set(flags or ())
    if wanted:
        mask &= row_flags(results).map(lambda ids: bool(wanted.intersection(ids)))
    return results[mask]


def flag_frequencies(results: pd.DataFrame, names: dict[str, str] | None = None) -> pd.DataFrame:
    """How many rows raised each red flag: ``flag_id``, ``flag``, ``rows``; most frequent first."""
    counts = Counter(flag for ids in row_flags(results) for flag in ids)
    names = names or {}
    frame = pd.DataFrame([(flag, names.get(flag, flag), count) for flag, count in counts.items()],
                         columns=["flag_id", "flag", "rows"])
    return frame.sort_values(["rows", "flag_id"], ascending=[False, True], ignore_index=True)


def export_frame(results: pd.DataFrame) -> pd.DataFrame:
    """Results for CSV/XLSX: the input columns plus score, risk, flags, error (no nested dicts)."""
    return results.drop(columns=["assessment"], errors="ignore")


def _write(frame: pd.DataFrame, fmt: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="ponzidetect-app-") as folder:
        path = Path(folder) / f"results.{fmt}"
        with tabular.TableWriter(path, fmt=fmt) as writer:
            writer.write(frame)
        return path.read_bytes()


def to_csv_bytes(results: pd.DataFrame) -> bytes:
    """CSV, UTF-8 with a BOM (Excel shows Chinese correctly), formula cells escaped."""
    return _write(export_frame(results), "csv")


def to_xlsx_bytes(results: pd.DataFrame) -> bytes:
    """XLSX with text as string cells (exact, never run as formulas)."""
    return _write(export_frame(results), "xlsx")


def to_jsonl_bytes(results: pd.DataFrame) -> bytes:
    """JSON Lines, one object per row, with the full ``assessment`` nested."""
    return _write(results, "jsonl")


def preview(value: object, size: int = 160) -> str:
    """The first ``size`` characters of a cell, on one line."""
    text = " ".join(str(value).split()) if isinstance(value, str) else ("" if value is None
                                                                         else str(value))
    return text if len(text) <= size else text[: size - 1] + "…"


def ranked_rows(results: pd.DataFrame) -> list[int]:
    """Row labels ordered highest score first (error rows last), for the explanation picker."""
    ranked = results["score"].astype(float).fillna(-1.0).sort_values(ascending=False,
                                                                      kind="stable")
    return [int(index) for index in ranked.index]
