"""Cell values on their way out: plain Python values, text, and formula escaping for spreadsheets."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import pandas as pd

__all__ = ["escape_formula", "json_safe", "plain", "safe_text", "text"]

_PLAIN_TYPES = frozenset((str, int, bool))
_SURROGATES = re.compile("[\ud800-\udfff]")
_RISKY_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def plain(value: object) -> object:
    """numpy and pandas scalars as plain Python values; every kind of missing as None."""
    if type(value) in _PLAIN_TYPES:  # the common case, checked first for speed
        return value
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    item = getattr(value, "item", None)
    if item is not None and not isinstance(value, str | bytes) and getattr(value, "ndim", 1) == 0:
        value = item()
        if isinstance(value, float) and math.isnan(value):
            return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def safe_text(value: str) -> str:
    """The string with lone surrogates (invalid Unicode no file can hold) as U+FFFD."""
    if value.isascii() or not _SURROGATES.search(value):
        return value
    return _SURROGATES.sub("\ufffd", value)


def text(value: object) -> str:
    """A cell value as text: JSON for lists and dicts, str otherwise; always encodable."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, dict | list | tuple):
        return safe_text(_dumps(value))
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if hasattr(value, "tolist"):  # numpy arrays (Parquet list columns)
        return safe_text(_dumps(value.tolist()))
    return safe_text(str(value))


def _dumps(value: object) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (ValueError, RecursionError):  # an int of thousands of digits, absurd nesting
        return f"<value that cannot be written as JSON: {type(value).__name__}>"


def json_safe(value: object) -> Any:
    """A value for a JSON line: finite numbers, ISO dates, encodable strings."""
    import datetime as dt

    value = plain(value)
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


def escape_formula(value: object) -> object:
    """Make a text cell safe to open in a spreadsheet (OWASP CSV-injection guidance).

    A string starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
    ``'`` so Excel and LibreOffice show it as text instead of running it as a formula. A string
    that is just a number (``-5``, ``+8613800000000``, ``-1.5e3``) is left alone: a spreadsheet
    reads it as a number, never a formula, and ids stay joinable. Other values are returned
    unchanged. To undo the escape (for a join), drop one leading ``'`` from cells that start
    with ``'`` followed by one of those characters.

    Parameters
    ----------
    value : object
        A cell value.

    Returns
    -------
    object
        The value, escaped if it is a risky string.

    Examples
    --------
    >>> escape_formula("=SUM(A1)")
    "'=SUM(A1)"
    >>> escape_formula("-5"), escape_formula("+86 138 0000")
    ('-5', "'+86 138 0000")
    >>> escape_formula(-2)
    -2
    """
    if isinstance(value, str) and value[:1] in _RISKY_START and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def unescape_formula(value: object) -> object:
    """Undo :func:`escape_formula` (for joining an escaped CSV column back to its source).

    Examples
    --------
    >>> unescape_formula("'=SUM(A1)"), unescape_formula("'quoted")
    ('=SUM(A1)', "'quoted")
    """
    if (isinstance(value, str) and value[:1] == "'" and value[1:2] in _RISKY_START
            and not _NUMBER.fullmatch(value[1:])):
        return value[1:]
    return value
