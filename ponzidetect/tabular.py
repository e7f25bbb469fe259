"""Compatibility names for table reading and writing; the code lives in :mod:`ponzidetect.io`."""

from __future__ import annotations

from .io import (
    FORMATS,
    TableWriter,
    TabularError,
    atomic_write,
    check_content,
    detect_encoding,
    detect_format,
    escape_formula,
    format_from_name,
    list_columns,
    missing_column_message,
    read_chunks,
    row_count_hint,
)

RAW_COLUMN = "_raw"

__all__ = [
    "FORMATS",
    "RAW_COLUMN",
    "TableWriter",
    "TabularError",
    "atomic_write",
    "check_content",
    "detect_encoding",
    "detect_format",
    "escape_formula",
    "format_from_name",
    "list_columns",
    "missing_column_message",
    "read_chunks",
    "row_count_hint",
]
