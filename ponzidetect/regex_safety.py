"""Reject regular expressions that could backtrack catastrophically on untrusted text.

Catalogue patterns are data that investigators may edit, and they run on text from the outside
world, so every pattern is checked before it is compiled:

- every repetition is bounded (``{m,n}`` with n <= ``MAX_REPEAT``): even ``\\s+`` followed by
  a literal is quadratic on a long run of spaces, so ``*`` and ``+`` are refused;
- repetitions nest at most two deep, and the product of nested upper bounds is at most
  ``MAX_NESTED_PRODUCT``;
- backreferences and possessive tricks are refused (code extractors may opt into
  backreferences: a backreference to a bounded group costs bounded work).

With bounded work per starting position, matching time is linear in the text length.
"""

from __future__ import annotations

import re

try:  # Python 3.11+
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

MAX_REPEAT = 60
MAX_NESTED_PRODUCT = 600
_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT}


class UnsafePatternError(ValueError):
    """A catalogue pattern could take more than linear time."""


def check_pattern(pattern: str, flags: int = 0, *, allow_backrefs: bool = False,
                  optional_nesting: bool = False) -> None:
    """Raise :class:`UnsafePatternError` when ``pattern`` is not provably linear.

    Parameters
    ----------
    pattern : str
        A regular expression in Python syntax.
    flags : int
        ``re`` flags it is compiled with (``re.VERBOSE`` changes how it parses).
    allow_backrefs : bool
        Accept backreferences (to groups that are bounded like everything else).
    optional_nesting : bool
        Do not count an optional group (``?``, ``{0,1}``) as a nesting level; the product of
        nested bounds is still checked (code extractors, whose patterns are reviewed code).

    Examples
    --------
    >>> check_pattern(r"guaranteed\\s{1,3}returns?")
    >>> check_pattern(r"(a+)+b")
    Traceback (most recent call last):
    ...
    ponzidetect.regex_safety.UnsafePatternError: unbounded repetition (*, + or {m,}) in '(a+)+b'; use {m,n}
    """
    check_parsed(parse_pattern(pattern, flags), pattern, allow_backrefs=allow_backrefs,
                 optional_nesting=optional_nesting)


def parse_pattern(pattern: str, flags: int = 0) -> sre_parse.SubPattern:
    """Parse ``pattern``; :class:`UnsafePatternError` when it is not a valid regex."""
    try:
        return sre_parse.parse(pattern, flags)
    except re.error as error:
        raise UnsafePatternError(f"invalid pattern {pattern!r}: {error}") from error


def check_parsed(parsed: sre_parse.SubPattern, pattern: str, *, allow_backrefs: bool = False,
                 optional_nesting: bool = False) -> None:
    """:func:`check_pattern` on a parse tree made by :func:`parse_pattern`."""
    _walk(parsed, pattern, bound=1, depth=0, backrefs=allow_backrefs, optional=optional_nesting)


def _walk(items, pattern: str, bound: int, depth: int, backrefs: bool = False,
          optional: bool = False) -> None:
    for op, arg in items:
        if op in _REPEATS:
            _, high, body = arg
            if high == sre_constants.MAXREPEAT:
                raise UnsafePatternError(
                    f"unbounded repetition (*, + or {{m,}}) in {pattern!r}; use {{m,n}}"
                )
            if high > MAX_REPEAT:
                raise UnsafePatternError(f"repetition bound {high} > {MAX_REPEAT} in {pattern!r}")
            new_bound = bound * max(high, 1)
            level = 0 if optional and high == 1 else 1
            if (depth >= 2 and level) or new_bound > MAX_NESTED_PRODUCT:
                raise UnsafePatternError(f"repetitions nest too deep in {pattern!r}")
            _walk(body, pattern, new_bound, depth + level, backrefs, optional)
        elif op == sre_constants.SUBPATTERN:
            _walk(arg[-1], pattern, bound, depth, backrefs, optional)
        elif op == sre_constants.BRANCH:
            for branch in arg[1]:
                _walk(branch, pattern, bound, depth, backrefs, optional)
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            _walk(arg[1], pattern, bound, depth, backrefs, optional)
        elif op == sre_constants.GROUPREF and backrefs:
            continue
        elif op in (sre_constants.GROUPREF, sre_constants.GROUPREF_EXISTS):
            raise UnsafePatternError(f"backreferences are not allowed in {pattern!r}")
        elif op == getattr(sre_constants, "ATOMIC_GROUP", None):
            _walk(arg, pattern, bound, depth, backrefs, optional)
        elif op == getattr(sre_constants, "POSSESSIVE_REPEAT", None):
            raise UnsafePatternError(f"possessive repetition is not allowed in {pattern!r}")


def fold_pattern(pattern: str) -> str:
    """Lower-case the ASCII letters of ``pattern`` outside escape sequences.

    Matching a folded pattern against ASCII-lower-cased text is case-insensitive and about
    three times faster than ``re.IGNORECASE``. Escapes keep their case (``\\D`` is not ``\\d``).

    Examples
    --------
    >>> fold_pattern(r"CEO\\s{1,2}\\D")
    'ceo\\\\s{1,2}\\\\D'
    """
    out: list[str] = []
    escaped = False
    for char in pattern:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            out.append(char)
            escaped = True
        else:
            out.append(char.lower() if char.isascii() else char)
    return "".join(out).replace("(?p<", "(?P<").replace("(?p=", "(?P=")


def compile_safe(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Check ``pattern`` with :func:`check_pattern`, then compile it case-folded.

    The compiled pattern matches ASCII-lower-cased text (``Document.folded``). A plain
    ``re.Pattern`` runs on the whole text; rules that should be part of the one scan per document
    are compiled with :func:`ponzidetect.scanner.compile_rule` (which applies this check too).
    """
    check_pattern(pattern, flags)
    return re.compile(fold_pattern(pattern), flags)
