"""Required literals of a pattern: strings of which every match contains at least one.

The scanner's fallback when Hyperscan is not importable: one pass of a literal automaton
(``pyahocorasick``, or ``str.find`` per distinct literal without it) finds the literals of every
rule, and the rule's regex runs only in windows around them. ``guaranteed\\s{1,3}returns?`` needs
"guaranteed" and "return"; the most selective set wins. Literals are taken from the pattern after
the scanner's fold (:func:`ponzidetect._superset.scan_fold`), so they are searched in the folded
scan copy of the text, like the Hyperscan expressions.
"""

from __future__ import annotations

import re

from ._superset import scan_fold
from .regex_safety import sre_constants, sre_parse

_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT}


def _char(code: int, ignorecase: bool) -> str | None:
    """The folded character a literal matches, or None when it matches several folded ones."""
    char = chr(code)
    folded = chr(scan_fold().get(code, code))
    if ignorecase and not char.isascii() and (char.lower() != char or char.upper() != char):
        return None
    return folded


def _sequence(items, flags: int) -> set[str] | None:
    options: list[set[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            options.append({"".join(run)})
            run.clear()

    ignorecase = bool(flags & re.IGNORECASE)
    for op, arg in items:
        if op == sre_constants.LITERAL:
            char = _char(arg, ignorecase)
            if char is not None:
                run.append(char)
                continue
        flush()
        if op == sre_constants.SUBPATTERN:
            found = _sequence(arg[-1], (flags | arg[1]) & ~arg[2])
        elif op == sre_constants.BRANCH:
            branches = [_sequence(branch, flags) for branch in arg[1]]
            found = None if any(b is None for b in branches) else set().union(*branches)
        elif op in _REPEATS and arg[0] >= 1:
            found = _sequence(arg[2], flags)
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


def required_literals(regex: re.Pattern[str],
                      parsed: sre_parse.SubPattern | None = None) -> tuple[str, ...] | None:
    """Folded literals of which every match of ``regex`` contains one (None: none known).

    ``parsed`` is the pattern's parse tree, if already made.

    Examples
    --------
    >>> required_literals(re.compile(r"guaranteed\\s{1,3}returns?"))
    ('guaranteed',)
    >>> required_literals(re.compile(r"\\d{1,3}%")) is None
    True
    """
    if parsed is None:
        parsed = sre_parse.parse(regex.pattern, regex.flags)
    found = _sequence(parsed, parsed.state.flags)
    return tuple(sorted(found)) if found else None
