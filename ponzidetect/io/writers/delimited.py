"""CSV and TSV writer: UTF-8 (CSV with a BOM, for Excel), every cell quoted when it must be."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd

from ..limits import Notes
from .cells import escape_formula, plain, safe_text, text

__all__ = ["DelimitedWriter"]


_RISKY = frozenset("=+-@\t\r")


def _cell(value: object) -> object:
    if type(value) is str:  # the common case first: plain text
        if value.isascii() and "\x00" not in value:
            return escape_formula(value) if value[:1] in _RISKY else value
    else:
        value = plain(value)
        if value is None:
            return ""
        if isinstance(value, bool | int) or (isinstance(value, float) and math.isfinite(value)):
            return value
        if isinstance(value, float):  # inf and -inf: a spreadsheet reads "-inf" as a formula
            value = str(value)
    value = safe_text(value) if isinstance(value, str) else text(value)
    if "\x00" in value:  # NUL makes a text file look binary to every reader, ours included
        value = value.replace("\x00", "\ufffd")
    return escape_formula(value)


class DelimitedWriter:
    """Rows to a CSV (``,``, BOM) or TSV (tab, no BOM) file.

    Lines end with ``\\r\\n`` in both, so a cell holding a bare ``\\r`` or ``\\n`` is quoted and
    re-reads as one cell (the :mod:`csv` module quotes only the characters of its line ending).
    Text cells go through :func:`~ponzidetect.io.writers.cells.escape_formula`; a NUL character
    is written as U+FFFD.
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
        cell = _cell
        self._csv.writerows(["" if value is None else cell(value) for value in row]
                            for row in frame.itertuples(index=False, name=None))

    def finish(self) -> None:
        """Close the file."""
        self._handle.close()

    def abandon(self) -> None:
        """Close the file without caring whether it is complete."""
        self._handle.close()
