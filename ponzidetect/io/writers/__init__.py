"""Write DataFrame chunks to one table file, atomically, in CSV, TSV, JSONL, Parquet or XLSX.

:class:`TableWriter` picks the per-format writer, writes to a temporary file next to the target
(:class:`~ponzidetect.io.atomic.AtomicTarget`) and moves it into place only when the ``with``
block ends cleanly, so an error, Ctrl-C or SIGTERM never leaves half a file. What a format
cannot hold exactly is changed visibly and counted in :attr:`TableWriter.notes` (XLSX cells over
32,767 characters, control characters, 16-digit integers).

Formula safety, by format: CSV and TSV prefix risky text cells with ``'`` (OWASP; see
:func:`~ponzidetect.io.writers.cells.escape_formula`); XLSX writes every text cell as a string
cell, exact and never evaluated; JSONL and Parquet are data formats and keep the text as is.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import pandas as pd

from ..atomic import AtomicTarget
from ..formats import DELIMITERS, TabularError, check_fmt, format_from_name
from ..limits import Notes
from .cells import escape_formula, unescape_formula

__all__ = ["TableWriter", "escape_formula", "unescape_formula"]


def _writer_class(fmt: str) -> Any:
    if fmt in DELIMITERS:
        from .delimited import DelimitedWriter

        return DelimitedWriter
    if fmt == "jsonl":
        from .jsonl import JsonlWriter

        return JsonlWriter
    if fmt == "parquet":
        from .parquet import ParquetWriter

        return ParquetWriter
    from .xlsx import XlsxWriter

    return XlsxWriter


class TableWriter:
    """Write DataFrame chunks to one table file, atomically.

    The first chunk fixes the columns; later chunks must have the same ones (missing columns are
    written empty). Use it in a ``with`` block: the file appears when the block exits without an
    exception; otherwise the temporary file is removed and an existing target is left alone.

    Parameters
    ----------
    path : str or path-like
        The output file.
    fmt : str, optional
        ``csv``, ``tsv``, ``jsonl``, ``parquet`` or ``xlsx``; by default from the extension.

    Attributes
    ----------
    rows_written : int
        Data rows written so far.
    notes : Notes
        What the format could not hold exactly (for the run summary).

    Examples
    --------
    >>> with TableWriter("scored.csv") as writer:  # doctest: +SKIP
    ...     for frame in read_chunks("input.csv"):
    ...         writer.write(frame)
    """

    def __init__(self, path: str | os.PathLike[str], fmt: str | None = None) -> None:
        self.path = Path(path)
        self.fmt = check_fmt(fmt) if fmt else format_from_name(self.path)
        self.rows_written = 0
        self.columns: list[str] | None = None
        self.notes = Notes()
        self._target: AtomicTarget | None = None
        self._writer: Any = None

    def __enter__(self) -> TableWriter:
        self._target = AtomicTarget(self.path)
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    def write(self, frame: pd.DataFrame) -> None:
        """Append a chunk of rows.

        Parameters
        ----------
        frame : pandas.DataFrame
            Rows to write; its index is not written.

        Raises
        ------
        TabularError
            When the chunk has columns the first chunk did not have, or XLSX is full.
        """
        if self._target is None:
            raise RuntimeError("use TableWriter in a with block")
        if not all(isinstance(column, str) for column in frame.columns):
            frame = frame.rename(columns=str)
        if self.columns is None:
            self.columns = list(frame.columns)
            self._writer = _writer_class(self.fmt)(self._target.temp, self.fmt, self.columns,
                                                   frame, self.notes)
        elif list(frame.columns) != self.columns:
            extra = [column for column in frame.columns if column not in self.columns]
            if extra:
                raise TabularError(f"columns {extra} appeared after the header was written; "
                                   "every chunk must have the same columns")
            frame = frame.reindex(columns=self.columns)
        self._writer.write(frame)
        self.rows_written += len(frame)

    def close(self) -> None:
        """Finish the file and move it onto the target path."""
        if self._target is None:
            return
        target, self._target = self._target, None
        try:
            if self._writer is None:
                self.columns = []
                self._writer = _writer_class(self.fmt)(target.temp, self.fmt, [],
                                                       pd.DataFrame(), self.notes)
            self._writer.finish()
        except BaseException:
            self._abandon()
            target.discard()
            raise
        target.commit()

    def abort(self) -> None:
        """Drop everything written so far; the target is left as it was."""
        if self._target is None:
            return
        target, self._target = self._target, None
        self._abandon()
        target.discard()

    def _abandon(self) -> None:
        if self._writer is not None:
            with contextlib.suppress(Exception):  # cleaning up after another error
                self._writer.abandon()
            self._writer = None
