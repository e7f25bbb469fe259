"""XLSX writer: text as string cells (the exact text, never a formula), Excel's limits reported.

A text cell is written as an inline string whatever it starts with, so ``=SUM(A1)`` shows as
that text and never runs (no ``'`` is added). Excel's limits are applied visibly: a cell longer
than 32,767 characters is cut and ends with a ``[cut ...]`` marker, control characters Excel
cannot store become U+FFFD, integers beyond 15 digits are written as text (Excel would round
them); each is counted in the notes for the run summary.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from pathlib import Path

import pandas as pd

from ..formats import TabularError
from ..limits import Notes
from .cells import plain, text

__all__ = ["XLSX_MAX_CELL", "XLSX_MAX_ROWS", "XlsxWriter"]

XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_CELL = 32_767
_EXACT_INT = 10**15


class XlsxWriter:
    """Rows to the one sheet of a new workbook (openpyxl, write-only mode)."""

    def __init__(self, temp: Path, fmt: str, columns: list[str], first: pd.DataFrame,
                 notes: Notes) -> None:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        del fmt, first
        self._temp = temp
        self._notes = notes
        self._cell_type = WriteOnlyCell
        self._illegal = ILLEGAL_CHARACTERS_RE
        self._workbook = Workbook(write_only=True)
        self._sheet = self._workbook.create_sheet("Sheet1")
        self._rows = 1
        self._sheet.append([self._cell(name) for name in columns])

    def write(self, frame: pd.DataFrame) -> None:
        """Append rows.

        Raises
        ------
        TabularError
            When the sheet would pass Excel's 1,048,576 rows.
        """
        if self._rows + len(frame) > XLSX_MAX_ROWS:
            raise TabularError(f"XLSX holds at most {XLSX_MAX_ROWS:,} rows; write CSV or Parquet "
                               "instead")
        for row in frame.itertuples(index=False, name=None):
            self._sheet.append([self._cell(value) for value in row])
        self._rows += len(frame)

    def _cell(self, value: object) -> object:
        value = plain(value)
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, int):
            if -_EXACT_INT < value < _EXACT_INT:
                return value
            self._notes.add("xlsx-bigint", "integer(s) of more than 15 digits written as text "
                            "(Excel would round them)")
            return self._string(text(value))
        if isinstance(value, float):
            return value if math.isfinite(value) else self._string(str(value))
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return self._string(value.isoformat())
        if isinstance(value, dt.date | dt.time):
            return value
        return self._string(text(value))

    def _string(self, value: str) -> object:
        if self._illegal.search(value):
            self._notes.add("xlsx-control", "cell(s) had control characters Excel cannot store; "
                            "shown as \ufffd")
            value = self._illegal.sub("\ufffd", value)
        if len(value) > XLSX_MAX_CELL:
            self._notes.add("xlsx-cut", f"cell(s) longer than Excel's {XLSX_MAX_CELL:,} "
                            "characters were cut (they end with [cut ...]); write CSV, JSONL or "
                            "Parquet to keep them whole")
            marker = f" … [cut: {len(value):,} characters]"
            value = value[: XLSX_MAX_CELL - len(marker)] + marker
        cell = self._cell_type(self._sheet, value=value)
        cell.data_type = "s"  # a string cell: the exact text, never evaluated as a formula
        return cell

    def finish(self) -> None:
        """Save the workbook."""
        self._workbook.save(self._temp)

    def abandon(self) -> None:
        """Finish openpyxl's row stream and drop its temporary file."""
        for closer in (self._sheet.close, self._sheet._writer.cleanup):
            with contextlib.suppress(Exception):  # cleaning up after another error
                closer()
