"""Literal prefilters: run a pattern only around the words it cannot match without.

For a catalogue pattern we derive a set of literal strings such that every match contains at
least one of them (``guaranteed\\s{1,3}returns?`` needs "guaranteed" or... "returns" is also
required; the most selective set wins). Scanning then costs a few ``str.find`` calls, and the
regex runs only in windows around literal hits, each window padded by the pattern's maximum
match width, which is finite because every repetition is bounded (see ``regex_safety``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .regex_safety import sre_constants, sre_parse

_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT}


def _sequence(items) -> set[str] | None:
    options: list[set[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            options.append({"".join(run)})
            run.clear()

    for op, arg in items:
        if op == sre_constants.LITERAL:
            run.append(chr(arg))
            continue
        flush()
        if op == sre_constants.SUBPATTERN:
            found = _sequence(arg[-1])
        elif op == sre_constants.BRANCH:
            branches = [_sequence(branch) for branch in arg[1]]
            found = None if any(b is None for b in branches) else set().union(*branches)
        elif op in _REPEATS and arg[0] >= 1:
            found = _sequence(arg[2])
        else:
            found = None
        if found:
            options.append(found)
    flush()
    usable = [option for option in options if _selective(option)]
    if not usable:
        return None
    return max(usable, key=lambda option: (min(map(_strength, option)), -len(option)))


def _strength(literal: str) -> int:
    return sum(1 if ch.isascii() else 3 for ch in literal)


def _selective(option: set[str]) -> bool:
    return bool(option) and min(map(_strength, option)) >= 3


def required_literals(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Literals of which every match of ``pattern`` contains at least one (None: unknown)."""
    found = _sequence(sre_parse.parse(pattern.pattern))
    return tuple(sorted(found)) if found else None


@dataclass(frozen=True, slots=True)
class Prefiltered:
    """A compiled pattern with its required literals and maximum match width."""

    regex: re.Pattern[str]
    literals: tuple[str, ...] | None
    width: int

    @classmethod
    def build(cls, regex: re.Pattern[str]) -> Prefiltered:
        """Analyse ``regex`` once, at catalogue load time."""
        width = sre_parse.parse(regex.pattern).getwidth()[1]
        return cls(regex, required_literals(regex), int(min(width, 10_000)))

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """All matches in ``text``, found by scanning only windows around literal hits."""
        if self.literals is None:
            yield from self.regex.finditer(text)
            return
        spans: list[tuple[int, int]] = []
        for literal in self.literals:
            start = text.find(literal)
            while start != -1:
                spans.append((max(0, start - self.width), start + len(literal) + self.width))
                start = text.find(literal, start + 1)
        yield from finditer_in_windows(self.regex, text, spans)


def finditer_in_windows(regex: re.Pattern[str], text: str,
                        windows: list[tuple[int, int]]) -> Iterator[re.Match[str]]:
    """Matches of ``regex`` inside the union of ``windows``, each match reported once.

    Overlapping or touching windows are merged first; a scan resumes after the previous match's
    end, so a match spanning two merged windows is not found twice.
    """
    merged: list[tuple[int, int]] = []
    for low, high in sorted(windows):
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    last_end = -1
    for low, high in merged:
        for match in regex.finditer(text, max(low, last_end), min(high, len(text))):
            last_end = match.end()
            yield match
