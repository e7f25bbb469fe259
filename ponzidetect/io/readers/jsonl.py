"""JSON Lines reader: one row per non-blank line, whatever the line holds.

A line that is not a JSON object (invalid JSON, another JSON type, undecodable bytes, nesting
deeper than ``Limits.json_depth``, longer than ``Limits.record_chars``) becomes a row with the
line in a ``_raw`` column and an error. Integers longer than Python converts (4,300 digits) are
kept as text; ``\\udcff``-style escapes of lone surrogates become U+FFFD. The file is read twice:
once for the keys (the columns, in first-seen order, at most ``Limits.columns`` of them; later
keys go, as JSON, into an ``_extra`` column), once for the rows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..formats import unique_name
from ..limits import Limits, Notes
from ..lines import physical_lines, unmark
from ..sniff import ENCODING_HINT, MARK

__all__ = ["JsonlReader"]

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATES = re.compile("[\ud800-\udfff]")
_JSON_TYPES = {type(None): "null", bool: "boolean", int: "number", float: "number",
               str: "string", list: "array"}
_DECODER = json.JSONDecoder()


def _int_or_text(digits: str) -> int | str:
    try:
        return int(digits)
    except ValueError:  # more digits than Python converts: keep the text
        return digits


_BIG_INT_DECODER = json.JSONDecoder(parse_int=_int_or_text)


def _depth(value: Any, limit: int) -> int:
    """Nesting depth of arrays and objects, counted up to ``limit + 1``."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children
                         if isinstance(child, dict | list))
    return deepest


def _clean(value: Any) -> Any:
    """The value with lone surrogates in every string (keys too) replaced by U+FFFD."""
    if isinstance(value, str):
        return _SURROGATES.sub("\ufffd", value)
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {_clean(key): _clean(item) for key, item in value.items()}
    return value


class JsonlReader:
    """Records of a JSON Lines file.

    Parameters
    ----------
    path : Path
        The file.
    encoding : str
        Its text encoding.
    limits : Limits
        Bounds on lines, nesting and keys.
    notes : Notes
        Where warnings go.
    required : iterable of str
        Keys that must become columns even past ``Limits.columns`` (the text column).
    """

    def __init__(self, path: Path, encoding: str, limits: Limits, notes: Notes,
                 required: Iterable[str] = ()) -> None:
        self.path = path
        self.encoding = encoding
        self.limits = limits
        self.notes = notes
        self._required = set(required)
        self.columns = self._columns()

    def row_count_hint(self) -> int | None:
        """None: counting rows would mean reading the file."""
        return None

    def close(self) -> None:
        """Nothing to close (each pass opens the file)."""

    def _parsed(self, *, notes: bool) -> Iterator[tuple[int, dict[str, Any] | None, str, str]]:
        """``(line number, object or None, raw line, error)`` per non-blank line."""
        limits = self.limits
        for number, line in physical_lines(self.path, self.encoding,
                                           max_chars=limits.record_chars, universal=False):
            if line is None:
                yield number, None, "", (f"line {number}: longer than {limits.record_chars:,} "
                                 "characters; not read")
                continue
            text = line.rstrip("\r\n")
            if not text.strip():
                continue
            if MARK in text:
                yield number, None, unmark(text), (f"line {number}: bytes that are not valid "
                                           f"{self.encoding} (shown as \ufffd); {ENCODING_HINT}")
                continue
            value, error = self._decode(text, number)
            if error:
                yield number, None, text, error
                continue
            if not isinstance(value, dict):
                kind = _JSON_TYPES.get(type(value), type(value).__name__)
                yield number, None, text, (f"line {number}: a JSON {kind}, not an object; each line "
                                   "must be one {...} object")
                continue
            if (text.count("{") + text.count("[") > limits.json_depth
                    and _depth(value, limits.json_depth) > limits.json_depth):
                yield number, None, text, (f"line {number}: JSON nested deeper than "
                                   f"{limits.json_depth} levels")
                continue
            if _SURROGATE_ESCAPE.search(text):
                cleaned = _clean(value)
                if cleaned != value and notes:
                    self.notes.add("surrogates", "line(s) had \\u escapes of lone surrogates "
                                   "(invalid Unicode); shown as \ufffd")
                value = cleaned
            yield number, value, text, ""

    def _decode(self, text: str, number: int) -> tuple[Any, str]:
        try:
            return _DECODER.decode(text), ""
        except json.JSONDecodeError as exc:
            return None, f"line {number}: invalid JSON: {exc.msg} at column {exc.colno}"
        except RecursionError:
            return None, (f"line {number}: JSON nested deeper than {self.limits.json_depth} "
                          "levels")
        except ValueError:  # an integer with more digits than int() converts
            try:
                return _BIG_INT_DECODER.decode(text), ""
            except (ValueError, RecursionError) as exc:
                return None, f"line {number}: invalid JSON: {exc}"

    def _columns(self) -> list[str]:
        keys: dict[str, None] = {}
        limit = self.limits.columns
        bad = extra = False
        for _, value, _, error in self._parsed(notes=False):
            if error:
                bad = True
                continue
            assert value is not None
            for key in value:
                if key in keys:
                    continue
                if len(keys) < limit or key in self._required:
                    keys[key] = None
                else:
                    extra = True
        columns = list(keys)
        self._raw = unique_name("_raw", columns) if bad else None
        if self._raw:
            columns.append(self._raw)
        self._extra = unique_name("_extra", columns) if extra else None
        if self._extra:
            columns.append(self._extra)
        return columns

    def records(self) -> Iterator[tuple[list[Any], str]]:
        """``(values aligned to columns, error)`` per non-blank line."""
        names = [name for name in self.columns if name not in (self._raw, self._extra)]
        known = set(names)
        cell_chars = self.limits.cell_chars
        for number, value, text, error in self._parsed(notes=True):
            if value is None:
                row: list[Any] = [None] * len(self.columns)
                if self._raw:
                    row[len(names)] = text[:cell_chars]
                yield row, error
                continue
            row = [value.get(name) for name in names]
            if self._raw:
                row.append(None)
            if self._extra:
                others = {key: item for key, item in value.items() if key not in known}
                if others:
                    self.notes.add("extra-keys", f"row(s) had keys beyond the first "
                                   f"{self.limits.columns:,}; kept as JSON in {self._extra!r}")
                row.append(json.dumps(others, ensure_ascii=False) if others else None)
            if len(text) > cell_chars:
                cut = [isinstance(item, str) and len(item) > cell_chars for item in row]
                if any(cut):
                    row = [item[:cell_chars] if flag else item
                           for item, flag in zip(row, cut, strict=True)]
                    error = f"line {number}: a cell longer than {cell_chars:,} characters was cut"
            yield row, error
