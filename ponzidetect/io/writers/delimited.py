"""CSV and TSV writer: UTF-8 (CSV with a BOM, for Excel), every cell quoted when it must be."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from ..limits import Notes
from .cells import escape_formula, plain, safe_text, text

__all__ = ["DelimitedWriter"]


def _cell(value: object) -> object:
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, str):
        return escape_formula(safe_text(value))
    if isinstance(value, bool | int | float):
        return value
    return escape_formula(text(value))


class DelimitedWriter:
    """Rows to a CSV (``,``, BOM) or TSV (tab, no BOM) file.

    Lines end with ``\\r\\n`` in both, so a cell holding a bare ``\\r`` or ``\\n`` is quoted and
    re-reads as one cell (the :mod:`csv` module quotes only the characters of its line ending).
    Text cells go through :func:`~ponzidetect.io.writers.cells.escape_formula`.
    """

    def __init__(self, temp: Path, fmt: str, columns: list[str], first: pd.DataFrame,
                 notes: Notes) -> None:
        del first, notes
        self._handle = temp.open("w", encoding="utf-8-sig" if fmt == "csv" else "utf-8",
                                 newline="")
        self._csv = csv.writer(self._handle, delimiter="," if fmt == "csv" else "\t",
                               lineterminator="\r\n")
        self._csv.writerow([_cell(name) for name in columns])

    def write(self, frame: pd.DataFrame) -> None:
        """Append rows."""
        self._csv.writerows([_cell(value) for value in row]
                            for row in frame.itertuples(index=False, name=None))

    def finish(self) -> None:
        """Close the file."""
        self._handle.close()

    def abandon(self) -> None:
        """Close the file without caring whether it is complete."""
        self._handle.close()
