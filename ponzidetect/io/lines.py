"""Physical lines of a text file, decoded in blocks, with bad bytes marked and long lines bounded.

The one way the text-table readers (CSV, TSV, JSONL) get at their bytes: the file is decoded
block by block with the ``ponzidetect-mark`` error handler, so an undecodable sequence becomes
:data:`~ponzidetect.io.sniff.MARK` inside its own line (and the reader makes that line's row an
error) instead of stopping the run; a line longer than the limit is skipped without being held
in memory.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path

from .sniff import MARK, MARK_ERRORS

__all__ = ["BLOCK_BYTES", "physical_lines", "unmark"]

BLOCK_BYTES = 1 << 20
_UNIVERSAL = re.compile(r"\r\n|\r|\n")  # terminators only: matching whole lines is quadratic
_NEWLINE = re.compile(r"\n")
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")  # str.splitlines splits here


def _split(text: str, universal: bool) -> list[str]:
    """The lines of ``text`` with their terminators (the last one may have none)."""
    if not _OTHER_BREAKS.search(text) and (universal or "\r" not in text):
        return text.splitlines(keepends=True)  # the fast path: exactly the breaks we want
    pattern = _UNIVERSAL if universal else _NEWLINE
    lines, start = [], 0
    for match in pattern.finditer(text):
        lines.append(text[start:match.end()])
        start = match.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


def unmark(text: str) -> str:
    """The text with every :data:`MARK` shown as U+FFFD (the replacement character)."""
    return text.replace(MARK, "\ufffd") if MARK in text else text


def physical_lines(path: Path, encoding: str, *, max_chars: int,
                   universal: bool = True) -> Iterator[tuple[int, str | None]]:
    """``(line number, line with its terminator)`` for every line of a file, in order.

    Parameters
    ----------
    path : Path
        The file.
    encoding : str
        Its codec; undecodable sequences come out as :data:`MARK`.
    max_chars : int
        A line longer than this is yielded as ``(number, None)`` and never held whole.
    universal : bool
        Split at ``\\r\\n``, ``\\r`` and ``\\n`` (CSV, as spreadsheets write it); when False
        only at ``\\n`` (JSON Lines).

    Yields
    ------
    tuple of (int, str or None)
        Line numbers count from 1. The last line may lack a terminator.
    """
    decoder = codecs.getincrementaldecoder(encoding)(MARK_ERRORS)
    pieces: list[str] = []
    held = 0
    overlong = False
    number = 0
    with path.open("rb") as handle:
        while True:
            block = handle.read(BLOCK_BYTES)
            final = not block
            text = decoder.decode(block, final)
            if universal and pieces and pieces[-1].endswith("\r"):
                text, pieces, held = "".join(pieces) + text, [], 0  # "\r" then maybe "\n"
            lines = _split(text, universal)
            if lines and lines[-1].endswith("\r") and universal and not final:
                lines.pop()  # a "\r" at the end of a block may be half of "\r\n"
            elif lines and not lines[-1].endswith(("\n", "\r") if universal else "\n"):
                lines.pop()  # no terminator yet: the start of the next line
            start = 0
            for line in lines:
                number += 1
                if overlong or held + len(line) > max_chars:
                    yield number, None
                else:
                    yield number, "".join([*pieces, line]) if pieces else line
                pieces, held, overlong = [], 0, False
                start += len(line)
            tail = text[start:]
            if tail and not overlong:
                held += len(tail)
                if held > max_chars:
                    pieces, overlong = [], True
                else:
                    pieces.append(tail)
            if final:
                if pieces or overlong:
                    number += 1
                    yield number, None if overlong else "".join(pieces)
                return
