"""Open a table once and stream it as chunks: every record a row, every problem a row error.

:func:`open_table` checks the file's bytes against its format (a PDF named ``.csv`` is refused
with advice), settles the encoding, reads the header, and returns a :class:`TableReader` whose
:meth:`~TableReader.chunks` yields :class:`Chunk` objects: a frame of rows and, out of band, one
error string per row (``""`` when the row was read cleanly). Errors never travel in a column of
the data, so no input column can pose as one.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..formats import (
    DELIMITERS,
    EXPORT_HINT,
    TEXT_FORMATS,
    TabularError,
    check_fmt,
    format_from_name,
    format_hint,
)
from ..limits import DEFAULT_LIMITS, Limits, Notes
from ..sniff import check_encoding, detect_encoding, looks_binary, magic_kind, read_head

__all__ = [
    "ROW_ERRORS",
    "Chunk",
    "TableReader",
    "check_content",
    "detect_format",
    "list_columns",
    "open_table",
    "read_chunks",
    "row_count_hint",
]

ROW_ERRORS = "row_errors"
"""Key of ``DataFrame.attrs`` where :func:`read_chunks` puts each frame's row errors."""


@dataclass(frozen=True)
class Chunk:
    """Consecutive rows of a table.

    Attributes
    ----------
    frame : pandas.DataFrame
        The rows, with the table's columns (fresh 0-based index).
    errors : tuple of str
        One per row: why the record could not be read cleanly, or ``""``.
    start : int
        Position of the first row in the table, from 0.
    """

    frame: pd.DataFrame
    errors: tuple[str, ...]
    start: int

    def __len__(self) -> int:
        return len(self.frame)


def detect_format(path: str | os.PathLike[str]) -> str:
    """The format of an existing table file, from its extension, checked against its bytes.

    ``.txt`` is read as CSV and ``.json`` as JSON Lines.

    Parameters
    ----------
    path : str or path-like
        The file.

    Returns
    -------
    str
        One of ``csv``, ``tsv``, ``jsonl``, ``parquet``, ``xlsx``.

    Raises
    ------
    TabularError
        When the file is missing, the extension is unknown, or the content is not that format.
    """
    fmt = format_from_name(path)
    check_content(path, fmt)
    return fmt


def check_content(path: str | os.PathLike[str], fmt: str, encoding: str | None = None) -> None:
    """Refuse a file whose first bytes show it is not ``fmt`` (binary junk, wrong container).

    Parameters
    ----------
    path : str or path-like
        The file.
    fmt : str
        The format it should be.
    encoding : str, optional
        The encoding the caller forces: NUL bytes are then taken as text (UTF-16/32).

    Raises
    ------
    TabularError
        With the kind of file it looks like and what to do.
    """
    path = Path(path)
    fmt = check_fmt(fmt)
    head = read_head(path)
    name, label = path.name, fmt.upper()
    if fmt == "parquet":
        if not head.startswith(b"PAR1"):
            raise TabularError(f"{name} is not a Parquet file (no PAR1 header); "
                               f"name the right format ({format_hint()}) or {EXPORT_HINT}")
        return
    kind = magic_kind(head)
    if fmt == "xlsx":
        if head.startswith(b"PK\x03\x04"):
            return
        if kind:
            raise TabularError(f"{name} looks like a binary file ({kind[0]}), not XLSX; {kind[1]}")
        raise TabularError(f"{name} is not an XLSX workbook (not a ZIP container); if it is CSV, "
                           f"rename it to .csv ({format_hint('csv')})")
    if kind:
        raise TabularError(f"{name} looks like a binary file ({kind[0]}), not {label}; {kind[1]}")
    forced = encoding is not None and codecs.lookup(encoding).name.startswith(("utf-16",
                                                                               "utf-32"))
    if not forced and looks_binary(head):
        raise TabularError(f"{name} looks like a binary file (it contains NUL bytes), not "
                           f"{label}; if it is text in UTF-16 pass --encoding utf-16-le (or "
                           f"utf-16-be); otherwise {EXPORT_HINT}")
    if fmt == "jsonl" and _json_array(path, encoding or detect_encoding(path)):
        raise TabularError(f"{name} is a JSON array, not JSON Lines (one object per line); "
                           f"convert it with: jq -c '.[]' {name} > {path.stem}.jsonl")


def _json_array(path: Path, encoding: str) -> bool:
    """Whether a .jsonl file is really one JSON array: its first line opens an array that does
    not close on that line (pretty-printed), or is a whole array of objects. A first line like
    ``[1, 2]`` is just a bad record."""
    import json

    text = codecs.getincrementaldecoder(encoding)("replace").decode(read_head(path, 1 << 16),
                                                                     False)
    text = text.lstrip("\ufeff \t\r\n")
    if not text.startswith("["):
        return False
    first, newline, _ = text.partition("\n")
    if not newline:
        return text.startswith(("[{", "[ {"))
    try:
        value = json.loads(first)
    except (ValueError, RecursionError):
        return True
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


class TableReader:
    """An opened table: its columns, the notes of reading it, and its rows in chunks.

    Use :func:`open_table` to make one; close it (or use it in a ``with`` block) when done.

    Attributes
    ----------
    path : Path
        The file.
    fmt : str
        Its format.
    encoding : str
        The text encoding used (``""`` for Parquet and XLSX).
    columns : list of str
        Unique column names; every chunk has exactly these.
    notes : Notes
        Warnings collected so far (repaired rows, hidden sheets, cut cells...).
    """

    def __init__(self, path: Path, fmt: str, encoding: str, limits: Limits,
                 required: Iterable[str]) -> None:
        self.path, self.fmt, self.encoding, self.limits = path, fmt, encoding, limits
        self.notes = Notes()
        self._impl: Any
        if fmt in DELIMITERS:
            from .delimited import DelimitedReader

            self._impl = DelimitedReader(path, DELIMITERS[fmt], encoding, limits, self.notes)
        elif fmt == "jsonl":
            from .jsonl import JsonlReader

            self._impl = JsonlReader(path, encoding, limits, self.notes, required)
        elif fmt == "parquet":
            from .parquet import ParquetReader

            self._impl = ParquetReader(path, limits, self.notes)
        else:
            from .xlsx import XlsxReader

            self._impl = XlsxReader(path, limits, self.notes)
        self.columns: list[str] = list(self._impl.columns)

    def __enter__(self) -> TableReader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the file."""
        self._impl.close()

    def row_count_hint(self) -> int | None:
        """Data rows when cheap to know (Parquet exactly, XLSX roughly), else None."""
        try:
            return self._impl.row_count_hint()
        except Exception:  # a hint only: reading reports the real problem
            return None

    def chunks(self, chunk_rows: int = 5000) -> Iterator[Chunk]:
        """The rows in chunks of at most ``chunk_rows``, in file order; at least one chunk.

        Raises
        ------
        TabularError
            When ``chunk_rows`` < 1, or for a corrupt Parquet file.
        """
        if chunk_rows < 1:
            raise TabularError(f"chunk_rows must be at least 1, not {chunk_rows}")
        start = 0
        if self.fmt == "parquet":
            for frame, errors in self._impl.frames(chunk_rows):
                yield Chunk(frame, tuple(errors) if errors else ("",) * len(frame), start)
                start += len(frame)
            return
        rows: list[list[Any]] = []
        errors: list[str] = []
        produced = False
        for row, error in self._impl.records():
            rows.append(row)
            errors.append(error)
            if len(rows) >= chunk_rows:
                yield Chunk(pd.DataFrame(rows, columns=self.columns, dtype=object), tuple(errors),
                            start)
                start += len(rows)
                rows, errors, produced = [], [], True
        if rows or not produced:
            yield Chunk(pd.DataFrame(rows, columns=self.columns, dtype=object), tuple(errors),
                        start)


def open_table(path: str | os.PathLike[str], fmt: str | None = None, encoding: str | None = None,
               *, limits: Limits = DEFAULT_LIMITS, required: Iterable[str] = ()) -> TableReader:
    """Open a CSV, TSV, JSONL, Parquet or XLSX table for reading.

    Parameters
    ----------
    path : str or path-like
        The file.
    fmt : str, optional
        Its format; by default from the extension.
    encoding : str, optional
        Force the text encoding of CSV/TSV/JSONL (detected by default).
    limits : Limits
        Bounds on records, cells, keys and shared strings.
    required : iterable of str
        Columns that must not be folded away (JSONL past ``Limits.columns`` keys).

    Returns
    -------
    TableReader

    Raises
    ------
    TabularError
        For a missing, empty, binary or mislabelled file, an unknown encoding or format, or a
        file with no header.
    """
    path = Path(path)
    fmt = check_fmt(fmt) if fmt else format_from_name(path)
    chosen = check_encoding(encoding) if encoding else None
    check_content(path, fmt, chosen)
    if fmt in TEXT_FORMATS:
        chosen = chosen or detect_encoding(path)
    return TableReader(path, fmt, chosen or "", limits, required)


def read_chunks(path: str | os.PathLike[str], *, fmt: str | None = None,
                encoding: str | None = None, chunk_rows: int = 5000,
                limits: Limits = DEFAULT_LIMITS) -> Iterator[pd.DataFrame]:
    """Stream a table as pandas DataFrames of at most ``chunk_rows`` rows, in file order.

    At least one frame is produced (an empty one, with the columns, for a header-only table).
    CSV/TSV cells are strings (``""`` for empty); JSONL and XLSX cells keep their JSON/Excel
    types in ``object`` columns (``None`` when absent); Parquet columns keep their Arrow types.
    Each frame's ``attrs["row_errors"]`` holds one error string per row (``""`` when clean);
    use :func:`open_table` to get them as :class:`Chunk` objects instead.

    Parameters
    ----------
    path : str or path-like
        The table file.
    fmt : str, optional
        ``csv``, ``tsv``, ``jsonl``, ``parquet`` or ``xlsx``; by default from the extension.
    encoding : str, optional
        Text encoding of CSV/TSV/JSONL; detected when omitted.
    chunk_rows : int
        Rows per frame.
    limits : Limits
        Bounds on records and cells.

    Returns
    -------
    iterator of pandas.DataFrame

    Raises
    ------
    TabularError
        Up front for a missing, empty, binary or mislabelled file or an unknown encoding.
    """
    if chunk_rows < 1:
        raise TabularError(f"chunk_rows must be at least 1, not {chunk_rows}")
    reader = open_table(path, fmt, encoding, limits=limits)
    return _frames(reader, chunk_rows)


def _frames(reader: TableReader, chunk_rows: int) -> Iterator[pd.DataFrame]:
    with reader:
        for chunk in reader.chunks(chunk_rows):
            chunk.frame.attrs[ROW_ERRORS] = chunk.errors
            yield chunk.frame


def list_columns(path: str | os.PathLike[str], fmt: str | None = None,
                 encoding: str | None = None) -> list[str]:
    """The column names of a table (JSONL: the keys of all records, in first-seen order).

    Names are made unique the way pandas does (``text``, ``text.1``); blank headers become
    ``Unnamed: <position>``.

    Parameters
    ----------
    path : str or path-like
        The table file.
    fmt : str, optional
        Force a format instead of using the extension.
    encoding : str, optional
        Force a text encoding (CSV, TSV, JSONL).

    Returns
    -------
    list of str
    """
    with open_table(path, fmt, encoding) as reader:
        return list(reader.columns)


def row_count_hint(path: str | os.PathLike[str], fmt: str | None = None) -> int | None:
    """The number of data rows when it is cheap to know (Parquet exactly, XLSX roughly), else None.

    Parameters
    ----------
    path : str or path-like
        The table file.
    fmt : str, optional
        Force a format instead of using the extension.

    Returns
    -------
    int or None
    """
    try:
        fmt = check_fmt(fmt) if fmt else format_from_name(path)
        if fmt not in ("parquet", "xlsx"):
            return None
        with open_table(path, fmt) as reader:
            return reader.row_count_hint()
    except TabularError:
        return None
