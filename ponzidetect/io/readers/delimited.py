"""CSV and TSV reader: one row per record, whatever the quotes, bytes and line lengths do.

Records are parsed with the :mod:`csv` module in strict mode over the physical lines of the file
(:func:`~ponzidetect.io.lines.physical_lines`). A legitimate quoted cell may span lines; a quote
that breaks the record instead (never closed, closed by a quote in a later row, or spanning more
than ``Limits.record_lines`` lines) makes the record's first line a row of its own, with an
error, and parsing resumes at the next line, so one stray quote costs one row instead of the
rest of the file. Lines with undecodable bytes become rows with an error (the bad bytes shown as
U+FFFD); a record longer than ``Limits.record_chars`` is not parsed. A row with too many fields
has the extra ones joined into its last column, a short row is padded; both are counted in the
notes.
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Iterator
from pathlib import Path

from ..formats import TabularError, unique_names
from ..limits import Limits, Notes
from ..lines import physical_lines, unmark
from ..sniff import ENCODING_HINT, MARK

__all__ = ["DelimitedReader"]


class _RecordTooLong(Exception):
    """The record being parsed passed a bound (lines or characters)."""


class _Lines:
    """The lines csv.reader reads, remembering those of the current record; lines can be put back."""

    def __init__(self, lines: Iterator[tuple[int, str | None]], limits: Limits) -> None:
        self._lines = lines
        self._back: deque[tuple[int, str | None]] = deque()
        self.consumed: list[tuple[int, str | None]] = []
        self._chars = 0
        self._max_lines = limits.record_lines
        self._max_chars = limits.record_chars

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        item = self._back.popleft() if self._back else next(self._lines)
        consumed = self.consumed
        consumed.append(item)
        text = item[1]
        if text is None:
            raise _RecordTooLong
        if len(consumed) > 1:  # a record on several lines: check its bounds
            self._chars += len(text)
            if len(consumed) > self._max_lines or self._chars > self._max_chars:
                raise _RecordTooLong
        else:
            self._chars = len(text)
        return text

    def take(self) -> list[tuple[int, str | None]]:
        """The lines of the record just parsed (and forget them)."""
        taken, self.consumed, self._chars = self.consumed, [], 0
        return taken

    def put_back(self, lines: list[tuple[int, str | None]]) -> None:
        """Lines to read again, before any new one."""
        self._back.extendleft(reversed(lines))


class DelimitedReader:
    """Records of a CSV or TSV file.

    Parameters
    ----------
    path : Path
        The file.
    delimiter : str
        ``,`` or a tab.
    encoding : str
        Its text encoding.
    limits : Limits
        Bounds on records and cells.
    notes : Notes
        Where warnings go.
    """

    def __init__(self, path: Path, delimiter: str, encoding: str, limits: Limits,
                 notes: Notes) -> None:
        self.path = path
        self.delimiter = delimiter
        self.encoding = encoding
        self.limits = limits
        self.notes = notes
        if csv.field_size_limit() < limits.record_chars:
            csv.field_size_limit(limits.record_chars)
        header = next(self._parsed(), None)
        if header is None:
            raise TabularError(f"{path.name} has no header row; the first line must name the "
                               "columns")
        self.columns = unique_names(header[1])
        self.header_line = header[0]

    def row_count_hint(self) -> int | None:
        """None: counting rows would mean reading the file."""
        return None

    def close(self) -> None:
        """Nothing to close (each pass opens the file)."""

    def records(self) -> Iterator[tuple[list[str], str]]:
        """``(cells, error)`` per record after the header, in file order."""
        width = len(self.columns)
        parsed = self._parsed()
        next(parsed, None)  # the header
        ragged = 0
        for _, fields, error in parsed:
            if len(fields) != width:
                ragged += 1
                fields = self._fit(fields, width)
            yield fields, error
        if ragged:
            self.notes.add("ragged", f"row(s) did not have {width} fields; extra fields were "
                           "joined into the last column and missing ones left empty", ragged)

    def _fit(self, row: list[str], width: int) -> list[str]:
        if len(row) > width:
            return [*row[: width - 1], self.delimiter.join(row[width - 1:])] if width else []
        return row + [""] * (width - len(row))

    def _parsed(self) -> Iterator[tuple[int, list[str], str]]:
        """``(first line number, fields, error)`` per non-blank record, including the header."""
        lines = _Lines(physical_lines(self.path, self.encoding,
                                      max_chars=self.limits.record_chars), self.limits)
        while True:
            reader = csv.reader(lines, delimiter=self.delimiter, strict=True)
            try:
                for fields in reader:
                    consumed = lines.take()
                    if fields:  # a blank line is not a record
                        yield self._checked(consumed, fields)
                return
            except (csv.Error, _RecordTooLong):
                consumed = lines.take()
            if not consumed:
                return
            row, rest = self._recover(consumed)
            lines.put_back(rest)
            if row is not None:
                yield row

    def _checked(self, consumed: list[tuple[int, str | None]], fields: list[str],
                 error: str = "") -> tuple[int, list[str], str]:
        number, first = consumed[0]
        if (MARK in first if len(consumed) == 1 and first is not None
                else any(MARK in text for _, text in consumed if text)):
            error = error or (f"line {number}: bytes that are not valid {self.encoding} (shown "
                              f"as \ufffd); {ENCODING_HINT}")
            fields = [unmark(field) for field in fields]
        limit = self.limits.cell_chars
        if fields and max(map(len, fields)) > limit:
            fields = [field[:limit] for field in fields]
            error = error or f"line {number}: a cell longer than {limit:,} characters was cut"
        return number, fields, error

    def _recover(self, consumed: list[tuple[int, str | None]]
                 ) -> tuple[tuple[int, list[str], str] | None, list[tuple[int, str | None]]]:
        """The row made of the broken record's first line, and the lines to parse again."""
        number, text = consumed[0]
        rest = consumed[1:]
        if text is None:
            return (number, [], f"line {number}: longer than {self.limits.record_chars:,} "
                    "characters; not read"), rest
        if not text.strip():
            return None, rest
        fields = next(csv.reader([text], delimiter=self.delimiter), [])
        quotes = text.count('"')
        if rest or quotes % 2:
            error = (f"line {number}: a quote opened on this line is never closed (or closed "
                     "in a later row); the row was read up to the end of the line")
        else:
            error = ""
            self.notes.add("quote-text", "row(s) had text right after a closing quote (read as "
                           "part of the cell)")
        return self._checked([consumed[0]], fields, error), rest
