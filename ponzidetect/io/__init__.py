"""Files in and out: sniffing, table readers and writers, atomic writes, documents.

- :mod:`~ponzidetect.io.sniff`: magic bytes and text encodings, one sniffer for tables and
  documents.
- :mod:`~ponzidetect.io.readers`: :func:`open_table` -> :class:`TableReader` -> :class:`Chunk`
  (rows plus one error string per row); one reader per format.
- :mod:`~ponzidetect.io.writers`: :class:`TableWriter`, one writer per format.
- :mod:`~ponzidetect.io.atomic`: files that appear whole or not at all.
- :mod:`~ponzidetect.io.documents`: txt/html/pdf/docx to text.
- :mod:`~ponzidetect.io.limits`: the bounds one record may not pass, and the run's notes.
"""

from __future__ import annotations

from .atomic import AtomicTarget, atomic_write
from .documents import DocumentText, TextDecodeError, decode_text, document_text, read_document
from .formats import (
    FORMATS,
    MissingColumnError,
    TabularError,
    check_fmt,
    format_from_name,
    missing_column_message,
    unique_name,
)
from .limits import DEFAULT_LIMITS, Limits, Notes
from .readers import (
    ROW_ERRORS,
    Chunk,
    TableReader,
    check_content,
    detect_format,
    list_columns,
    open_table,
    read_chunks,
    row_count_hint,
)
from .sniff import detect_encoding, guess_encoding
from .writers import TableWriter, escape_formula, unescape_formula

__all__ = [
    "DEFAULT_LIMITS",
    "FORMATS",
    "ROW_ERRORS",
    "AtomicTarget",
    "Chunk",
    "DocumentText",
    "Limits",
    "MissingColumnError",
    "Notes",
    "TableReader",
    "TableWriter",
    "TabularError",
    "TextDecodeError",
    "atomic_write",
    "check_content",
    "check_fmt",
    "decode_text",
    "detect_encoding",
    "detect_format",
    "document_text",
    "escape_formula",
    "format_from_name",
    "guess_encoding",
    "list_columns",
    "missing_column_message",
    "open_table",
    "read_chunks",
    "read_document",
    "row_count_hint",
    "unescape_formula",
    "unique_name",
]
