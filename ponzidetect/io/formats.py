"""Table formats, their file extensions, the error every reader and writer raises, column names."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

__all__ = [
    "FORMATS",
    "TabularError",
    "check_fmt",
    "format_from_name",
    "missing_column_message",
    "unique_name",
    "unique_names",
]

FORMATS = ("csv", "tsv", "jsonl", "parquet", "xlsx")
TEXT_FORMATS = ("csv", "tsv", "jsonl")
DELIMITERS = {"csv": ",", "tsv": "\t"}
EXPORT_HINT = "export the table as CSV (UTF-8), TSV, JSONL, Parquet or XLSX and try again"


def format_hint(fmt: str = "FORMAT") -> str:
    """How to name the input format: ``command line: --input-format csv``."""
    return f"command line: --input-format {fmt}"


_EXTENSIONS = {
    ".csv": "csv", ".txt": "csv",
    ".tsv": "tsv", ".tab": "tsv",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
    ".parquet": "parquet", ".pq": "parquet",
    ".xlsx": "xlsx", ".xlsm": "xlsx",
}
_ALIASES = {"ndjson": "jsonl", "json": "jsonl", "pq": "parquet", "tab": "tsv", "xlsm": "xlsx",
            "txt": "csv"}


class TabularError(ValueError):
    """A table cannot be read or written; the message says what to do about it."""


class MissingColumnError(TabularError, KeyError):
    """The text column is not in the table; the message lists the columns there are."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


def check_fmt(fmt: str) -> str:
    """The canonical name of a table format (``json`` -> ``jsonl``), or a clear error.

    Parameters
    ----------
    fmt : str
        A format name or extension, with or without the dot.

    Returns
    -------
    str
        One of :data:`FORMATS`.

    Raises
    ------
    TabularError
        For a format we do not read or write.
    """
    name = fmt.lower().lstrip(".")
    name = _ALIASES.get(name, name)
    if name not in FORMATS:
        raise TabularError(f"unknown table format {fmt!r}; use one of {', '.join(FORMATS)}")
    return name


def format_from_name(path: str | os.PathLike[str]) -> str:
    """The table format implied by a file name's extension.

    Parameters
    ----------
    path : str or path-like
        A file name; the file need not exist.

    Returns
    -------
    str
        One of :data:`FORMATS`.

    Raises
    ------
    TabularError
        When the extension is not one we read or write.
    """
    suffix = Path(path).suffix.lower()
    if suffix == ".xls":
        raise TabularError(f"{Path(path).name} is an old Excel .xls file; open it in Excel and "
                           "save it as .xlsx or CSV UTF-8")
    try:
        return _EXTENSIONS[suffix]
    except KeyError:
        known = " ".join(sorted(_EXTENSIONS))
        raise TabularError(f"cannot tell the table format of {Path(path).name!r} from its "
                           f"extension; use one of {known}, or name the format "
                           f"({format_hint('|'.join(FORMATS))})") from None


def unique_names(raw: Sequence[object]) -> list[str]:
    """Header cells as unique column names, the way pandas makes them.

    ``text, text`` becomes ``text, text.1``; a blank header becomes ``Unnamed: <position>``.

    Parameters
    ----------
    raw : sequence
        Header cells.

    Returns
    -------
    list of str
    """
    names: list[str] = []
    seen: set[str] = set()
    for position, value in enumerate(raw):
        text = "" if value is None else str(value)
        base = text if text.strip() else f"Unnamed: {position}"
        name, suffix = base, 1
        while name in seen:
            name, suffix = f"{base}.{suffix}", suffix + 1
        seen.add(name)
        names.append(name)
    return names


def unique_name(base: str, taken: Iterable[str]) -> str:
    """``base``, or ``ponzidetect_<base>``, ``ponzidetect_<base>_2``... when it is taken.

    Parameters
    ----------
    base : str
        The preferred name of a column we add (``sheet``, ``_raw``).
    taken : iterable of str
        Column names already in use.

    Returns
    -------
    str
    """
    used = set(taken)
    if base not in used:
        return base
    stem = f"ponzidetect_{base.lstrip('_')}"
    name, suffix = stem, 2
    while name in used:
        name, suffix = f"{stem}_{suffix}", suffix + 1
    return name


def missing_column_message(column: str, columns: Sequence[str], where: str = "") -> str:
    """``column 'desc' not found in x.csv; columns are: id, text, url`` (with a close match).

    Parameters
    ----------
    column : str
        The column asked for.
    columns : sequence of str
        The columns there are.
    where : str
        The file name, for the message.

    Returns
    -------
    str
    """
    columns = [str(name) for name in columns]
    shown = ", ".join(columns[:50]) if columns else "(none)"
    if len(columns) > 50:
        shown += f", ... ({len(columns) - 50} more)"
    message = f"column {column!r} not found{f' in {where}' if where else ''}; columns are: {shown}"
    folded = [name for name in columns if name.strip().casefold() == column.strip().casefold()]
    close = folded or difflib.get_close_matches(column, columns, n=1, cutoff=0.6)
    if close:
        message += f" (did you mean {close[0]!r}?)"
    return message
