"""JSON Lines writer: one object per row, UTF-8, nothing escaped for spreadsheets."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..limits import Notes
from .cells import json_safe, safe_text, text

__all__ = ["JsonlWriter"]


class JsonlWriter:
    """Rows to a JSON Lines file; values JSON cannot hold become text."""

    def __init__(self, temp: Path, fmt: str, columns: list[str], first: pd.DataFrame,
                 notes: Notes) -> None:
        del fmt, first
        self._names = [safe_text(name) for name in columns]
        self._notes = notes
        self._handle = temp.open("w", encoding="utf-8", newline="\n")

    def write(self, frame: pd.DataFrame) -> None:
        """Append rows."""
        names = self._names
        lines = []
        for row in frame.itertuples(index=False, name=None):
            record = {name: json_safe(value) for name, value in zip(names, row, strict=True)}
            try:
                line = json.dumps(record, ensure_ascii=False, default=str)
            except (ValueError, RecursionError):
                line = json.dumps({name: text(value) if isinstance(value, dict | list | int)
                                   else value for name, value in record.items()},
                                  ensure_ascii=False, default=str)
                self._notes.add("jsonl-text", "value(s) JSON cannot hold were written as text")
            lines.append(safe_text(line) + "\n")
        self._handle.writelines(lines)

    def finish(self) -> None:
        """Close the file."""
        self._handle.close()

    def abandon(self) -> None:
        """Close the file without caring whether it is complete."""
        self._handle.close()
