"""Bounds on what one record of an untrusted file may cost, and the notes a run collects.

A record over a bound fails alone: its row is kept, with an error saying which bound, and the
rest of the file is read as usual. Nothing here stops a run; a file that is not the format it
claims to be does (:class:`~ponzidetect.io.formats.TabularError`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

__all__ = ["DEFAULT_LIMITS", "Limits", "Notes"]


@dataclass(frozen=True)
class Limits:
    """The bounds the readers and the document extractor apply.

    Attributes
    ----------
    cell_chars : int
        Longest cell kept; a longer cell is cut to this length and its row gets an error.
    record_chars : int
        CSV/TSV/JSONL: longest record (all its lines); a longer record is not parsed and its
        row gets an error.
    record_lines : int
        CSV/TSV: most lines one quoted cell may span; past that the quote counts as never
        closed.
    columns : int
        JSONL: distinct keys made into columns; later keys go, as JSON, into one ``_extra``
        column.
    json_depth : int
        JSONL: deepest nesting of arrays and objects in one line.
    shared_strings : int
        XLSX: entries of the shared-strings table loaded; a cell that refers past them gets an
        error.
    shared_string_chars : int
        XLSX: characters of the shared-strings table loaded, in total.
    xml_bytes : int
        XLSX/DOCX: unpacked bytes read from one XML part of the ZIP container.
    document_bytes : int
        A document (txt/html/pdf/docx) larger than this is refused.
    document_chars : int
        Characters of text taken from one document; a document with more is refused.
    pdf_pages : int
        Pages of a PDF that are read.
    """

    cell_chars: int = 2_000_000
    record_chars: int = 8_000_000
    record_lines: int = 10_000
    columns: int = 1_000
    json_depth: int = 100
    shared_strings: int = 2_000_000
    shared_string_chars: int = 64_000_000
    xml_bytes: int = 1 << 30
    document_bytes: int = 64 << 20
    document_chars: int = 1_000_000
    pdf_pages: int = 2_000


DEFAULT_LIMITS = Limits()


class Notes:
    """Warnings of one read or write, counted by kind, for the run summary.

    Examples
    --------
    >>> notes = Notes()
    >>> notes.add("ragged", "row(s) had the wrong number of fields; repaired")
    >>> notes.add("ragged", "row(s) had the wrong number of fields; repaired")
    >>> notes.lines()
    ['2 row(s) had the wrong number of fields; repaired']
    """

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._text: dict[str, str] = {}

    def add(self, kind: str, text: str, count: int = 1) -> None:
        """Count ``count`` occurrences of a warning; ``text`` follows the count when printed."""
        if count <= 0:
            return
        self._counts[kind] += count
        self._text.setdefault(kind, text)

    def extend(self, other: Notes) -> None:
        """Add every warning of ``other``."""
        for kind, count in other._counts.items():
            self.add(kind, other._text[kind], count)

    def lines(self) -> list[str]:
        """One line per kind of warning, in the order they first occurred."""
        return [f"{self._counts[kind]:,} {self._text[kind]}" for kind in self._text]

    def __bool__(self) -> bool:
        return bool(self._counts)
