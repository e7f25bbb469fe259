"""Translate a Python regular expression into a Hyperscan expression that matches a superset.

Hyperscan finds where a rule *may* match; Python's ``re`` then confirms in windows around those
places (see :mod:`ponzidetect.scanner`). For that to give exactly ``regex.finditer``'s matches,
every match of the Python pattern must be a match of the Hyperscan expression, whatever the
surrounding text. The scanner runs Hyperscan on a *scan copy* of the text, folded one character
to one character by :func:`scan_fold` (ASCII upper case and the non-ASCII case variants of ASCII
letters to lower case, non-ASCII white space to a space, non-ASCII decimal digits to ``0``), and
the translation maps every character set of the pattern through the same fold. Then:

- what looks at context is dropped: ``\\b``, ``^``, ``$`` and lookarounds (matching more is safe);
- a backreference becomes the group it refers to (any text the group can match);
- a repetition with an upper bound above ``EXACT_REPEAT`` becomes unbounded (``x{1,12}`` ->
  ``x{1,}``), which keeps Hyperscan's automata small and its compile time short;
- every character class is written as explicit code-point ranges, exact on ASCII and a superset
  elsewhere: ``\\d``, ``\\s`` and case-insensitive letters fold to ASCII, ``\\w`` is the ASCII
  word characters plus any non-ASCII character, a class covering most of the non-ASCII range
  covers all of it, and a cased non-ASCII letter under ``re.IGNORECASE`` any non-ASCII character.

``tests/test_scanner.py`` checks on every code point that each class of every shipped rule,
folded, contains what Python's class matches, folded.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import numpy as np

from .regex_safety import sre_constants as C
from .regex_safety import sre_parse

MAX_CP = 0x10FFFF
SURROGATES = (0xD800, 0xDFFF)
Ranges = tuple[tuple[int, int], ...]
# Non-ASCII characters that Python's IGNORECASE treats as variants of an ASCII letter.
ASCII_CASE_EXTRAS = {"i": (0x130, 0x131), "k": (0x212A,), "s": (0x17F,)}
_NON_ASCII: Ranges = ((0x80, MAX_CP),)
_ASCII_WORD: Ranges = ((0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A))
_REPEATS = {C.MAX_REPEAT, C.MIN_REPEAT}
COARSE_GAP = 1
COARSE_RANGES = 32
# Repetitions above this bound become unbounded in the scan expression (a superset that keeps
# Hyperscan's automata small); the window arithmetic uses the Python pattern's true width.
EXACT_REPEAT = 1
_IGNORECASE = re.IGNORECASE


class Untranslatable(ValueError):
    """The pattern uses a construct the translation does not handle (it is then scanned by re)."""


@dataclass(frozen=True, slots=True)
class Translation:
    """A Hyperscan expression matching a superset of a Python pattern, and how far it looks.

    Attributes
    ----------
    expression : str
        Hyperscan syntax (UTF-8 mode), with every class as ``\\x{...}`` ranges.
    width : int
        Longest match of the Python pattern, in characters.
    reach : int
        How many characters past a match start Python's matcher may read (width, plus the
        longest lookahead and one character for ``\\b`` or ``$``): a window reaching that far past
        every possible start sees the same text as the whole document does.
    """

    expression: str
    width: int
    reach: int


def _normalise(ranges: list[tuple[int, int]]) -> Ranges:
    out: list[tuple[int, int]] = []
    for low, high in sorted(ranges):
        if out and low <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], high))
        else:
            out.append((low, high))
    return tuple(out)


def _complement(ranges: Ranges) -> Ranges:
    out: list[tuple[int, int]] = []
    cursor = 0
    for low, high in ranges:
        if low > cursor:
            out.append((cursor, low - 1))
        cursor = max(cursor, high + 1)
    if cursor <= MAX_CP:
        out.append((cursor, MAX_CP))
    return tuple(out)


def _without_surrogates(ranges: Ranges) -> Ranges:
    low_s, high_s = SURROGATES
    out: list[tuple[int, int]] = []
    for low, high in ranges:
        if high < low_s or low > high_s:
            out.append((low, high))
            continue
        if low < low_s:
            out.append((low, low_s - 1))
        if high > high_s:
            out.append((high_s + 1, high))
    return tuple(out)


@cache
def _all_characters() -> str:
    codes = np.arange(MAX_CP + 1, dtype=np.uint32)
    codes = codes[(codes < SURROGATES[0]) | (codes > SURROGATES[1])]
    return codes.tobytes().decode("utf-32-le")


def _ranges_of(chars: str) -> Ranges:
    if not chars:
        return ()
    codes = np.frombuffer(chars.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    breaks = np.flatnonzero(np.diff(codes) != 1)
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [len(codes) - 1]))
    return tuple((int(codes[s]), int(codes[e])) for s, e in zip(starts, ends, strict=True))


@cache
def scan_fold() -> dict[int, int]:
    """The map applied to the scanned copy of a text and, the same way, to the patterns.

    ASCII upper case and the non-ASCII case variants of ASCII letters become the lower-case ASCII
    letter, non-ASCII white space a space, non-ASCII decimal digits ``0``. A Python match of a
    pattern is then a match of the folded expression in the folded text, and the expression
    needs only ASCII for ``\\s``, ``\\d`` and case-insensitive letters.
    """
    table = {code: code + 32 for code in range(0x41, 0x5B)}
    for letter, extras in ASCII_CASE_EXTRAS.items():
        table.update((extra, ord(letter)) for extra in extras)
    for low, high in category_ranges("s"):
        table.update((code, 0x20) for code in range(max(low, 0x80), high + 1))
    for low, high in category_ranges("d"):
        table.update((code, 0x30) for code in range(max(low, 0x80), high + 1))
    return table


@cache
def category_ranges(name: str) -> Ranges:
    """Exact code-point ranges of Python's ``\\d`` or ``\\s`` (``name`` is ``"d"`` or ``"s"``)."""
    found = "".join(re.findall("\\" + name, _all_characters()))
    surrogate_members = [code for code in range(SURROGATES[0], SURROGATES[1] + 1)
                         if re.fullmatch("\\" + name, chr(code))]
    return _normalise([*_ranges_of(found), *((c, c) for c in surrogate_members)])


def _cased(code: int) -> bool:
    char = chr(code)
    return char.lower() != char or char.upper() != char or unicodedata.category(char) in {
        "Ll", "Lu", "Lt"}


def _literal_variants(code: int, ignorecase: bool) -> tuple[Ranges, Ranges]:
    """(subset, superset) of the characters a literal matches."""
    exact = ((code, code),)
    if not ignorecase:
        return exact, exact
    char = chr(code)
    if char.isascii():
        if not char.isalpha():
            return exact, exact
        lower = char.lower()
        extras = ASCII_CASE_EXTRAS.get(lower, ())
        found = [(ord(lower), ord(lower)), (ord(lower.upper()), ord(lower.upper()))]
        found += [(extra, extra) for extra in extras]
        variants = _normalise(found)
        return variants, variants
    if not _cased(code):
        return exact, exact
    return exact, _normalise([*exact, *_NON_ASCII])


def _range_variants(low: int, high: int, ignorecase: bool) -> tuple[Ranges, Ranges]:
    exact = ((low, high),)
    if not ignorecase:
        return exact, exact
    pieces: list[tuple[int, int]] = [(low, high)]
    for code in range(max(low, 0), min(high, 0x7F) + 1):
        pieces.extend(_literal_variants(code, True)[1])
    if high > 0x7F:
        non_ascii_low = max(low, 0x80)
        if high - non_ascii_low > 50_000 or any(_cased(c) for c in range(non_ascii_low, high + 1)):
            pieces.extend(_NON_ASCII)
    return exact, _normalise(pieces)


def _category(name: object) -> tuple[Ranges, Ranges]:
    if name == C.CATEGORY_DIGIT:
        exact = category_ranges("d")
        return exact, exact
    if name == C.CATEGORY_NOT_DIGIT:
        exact = _complement(category_ranges("d"))
        return exact, exact
    if name == C.CATEGORY_SPACE:
        exact = category_ranges("s")
        return exact, exact
    if name == C.CATEGORY_NOT_SPACE:
        exact = _complement(category_ranges("s"))
        return exact, exact
    if name == C.CATEGORY_WORD:
        return _ASCII_WORD, _normalise([*_ASCII_WORD, *_NON_ASCII])
    if name == C.CATEGORY_NOT_WORD:
        ascii_other = tuple(r for r in _complement(_ASCII_WORD) if r[0] < 0x80)
        ascii_other = tuple((low, min(high, 0x7F)) for low, high in ascii_other)
        return ascii_other, _normalise([*ascii_other, *_NON_ASCII])
    raise Untranslatable(f"category {name}")


def class_ranges(items: list, ignorecase: bool) -> Ranges:
    """Superset ranges (exact on ASCII) of a parsed ``IN`` class."""
    negate = False
    subsets: list[tuple[int, int]] = []
    supersets: list[tuple[int, int]] = []
    for op, arg in items:
        if op == C.NEGATE:
            negate = True
            continue
        if op == C.LITERAL:
            sub, sup = _literal_variants(arg, ignorecase)
        elif op == C.RANGE:
            sub, sup = _range_variants(arg[0], arg[1], ignorecase)
        elif op == C.CATEGORY:
            sub, sup = _category(arg)
        else:
            raise Untranslatable(f"class item {op}")
        subsets.extend(sub)
        supersets.extend(sup)
    if negate:
        return _complement(_normalise(subsets))
    return _normalise(supersets)


def _code(code: int) -> str:
    char = chr(code)
    if char.isascii() and char.isalnum():
        return char
    return f"\\x{{{code:x}}}"


def coarsen(ranges: Ranges) -> Ranges:
    """A superset of ``ranges`` with few non-ASCII ranges (small automata in UTF-8 mode).

    ASCII stays exact; non-ASCII ranges closer than ``COARSE_GAP`` code points are merged, then
    the closest ones until at most ``COARSE_RANGES`` remain.
    """
    ascii_part = [(low, min(high, 0x7F)) for low, high in ranges if low <= 0x7F]
    rest = [(max(low, 0x80), high) for low, high in ranges if high >= 0x80]
    if sum(high - low + 1 for low, high in rest) > (MAX_CP - 0x80) // 2:
        return _normalise([*ascii_part, *_NON_ASCII])
    merged: list[tuple[int, int]] = []
    for low, high in rest:
        if merged and low - merged[-1][1] <= COARSE_GAP:
            merged[-1] = (merged[-1][0], high)
        else:
            merged.append((low, high))
    while len(merged) > COARSE_RANGES:
        gaps = [merged[i + 1][0] - merged[i][1] for i in range(len(merged) - 1)]
        i = gaps.index(min(gaps))
        merged[i:i + 2] = [(merged[i][0], merged[i + 1][1])]
    return _normalise(ascii_part + merged)


@cache
def _fold_domain() -> tuple[np.ndarray, np.ndarray]:
    table = scan_fold()
    keys = np.array(sorted(table), dtype=np.int64)
    return keys, np.array([table[k] for k in keys.tolist()], dtype=np.int64)


def scan_image(ranges: Ranges) -> Ranges:
    """The image of ``ranges`` under :func:`scan_fold` (the scanned text is folded the same way)."""
    keys, values = _fold_domain()
    pieces: list[tuple[int, int]] = []
    for low, high in ranges:
        inside = keys[(keys >= low) & (keys <= high)]
        if not len(inside):
            pieces.append((low, high))
            continue
        pieces.extend((int(v), int(v)) for v in np.unique(values[np.searchsorted(keys, inside)]))
        starts = np.concatenate(([low], inside + 1))
        ends = np.concatenate((inside - 1, [high]))
        pieces.extend((int(a), int(b)) for a, b in zip(starts, ends, strict=True) if a <= b)
    return _normalise(pieces)


def emit_class(ranges: Ranges) -> str:
    """Hyperscan syntax for a set of code-point ranges (surrogates left out)."""
    ranges = _without_surrogates(coarsen(scan_image(ranges)))
    if not ranges:
        raise Untranslatable("empty class")
    if len(ranges) == 1 and ranges[0][0] == ranges[0][1]:
        return _code(ranges[0][0])
    parts = [_code(low) if low == high else f"{_code(low)}-{_code(high)}" for low, high in ranges]
    return "[" + "".join(parts) + "]"


@cache
def _literal_expression(code: int, ignorecase: bool) -> str:
    return emit_class(_literal_variants(code, ignorecase)[1])


@cache
def _class_expression(items: tuple, ignorecase: bool) -> str:
    return emit_class(class_ranges(list(items), ignorecase))


class _Translator:
    def __init__(self, parsed: sre_parse.SubPattern) -> None:
        self.groups: dict[int, list] = {}
        self.lookahead = 0
        self.boundary = False
        self._collect_groups(parsed)

    def _collect_groups(self, items) -> None:
        for op, arg in items:
            if op == C.SUBPATTERN:
                if arg[0] is not None:
                    self.groups[arg[0]] = (arg[1], arg[2], arg[3])
                self._collect_groups(arg[3])
            elif op == C.BRANCH:
                for branch in arg[1]:
                    self._collect_groups(branch)
            elif op in _REPEATS:
                self._collect_groups(arg[2])
            elif op in (C.ASSERT, C.ASSERT_NOT):
                self._collect_groups(arg[1])

    def sequence(self, items, flags: int) -> str:
        return "".join(self.node(op, arg, flags) for op, arg in items)

    def node(self, op, arg, flags: int) -> str:
        ignorecase = bool(flags & _IGNORECASE)
        if op == C.LITERAL:
            return _literal_expression(arg, ignorecase)
        if op == C.NOT_LITERAL:
            return emit_class(_complement(_literal_variants(arg, ignorecase)[0]))
        if op == C.ANY:
            if flags & re.DOTALL:
                return emit_class(((0, MAX_CP),))
            return emit_class(_complement(((10, 10),)))
        if op == C.IN:
            return _class_expression(tuple(arg), ignorecase)
        if op == C.BRANCH:
            return "(?:" + "|".join(self.sequence(b, flags) for b in arg[1]) + ")"
        if op == C.SUBPATTERN:
            _, add_flags, del_flags, body = arg
            return "(?:" + self.sequence(body, (flags | add_flags) & ~del_flags) + ")"
        if op in _REPEATS:
            low, high, body = arg
            inner = self.sequence(body, flags)
            if not inner:
                return ""
            if high > EXACT_REPEAT:
                return f"(?:{inner}){{{low},}}"
            return f"(?:{inner}){{{low},{high}}}"
        if op == C.AT:
            self.boundary = True
            return ""
        if op in (C.ASSERT, C.ASSERT_NOT):
            direction, body = arg
            if direction == 1:
                self.lookahead = max(self.lookahead, int(body.getwidth()[1]))
            return ""
        if op == C.GROUPREF:
            add_flags, del_flags, body = self.groups[arg]
            return "(?:" + self.sequence(body, (flags | add_flags) & ~del_flags) + ")"
        raise Untranslatable(f"operator {op}")


def translate(regex: re.Pattern[str], parsed: sre_parse.SubPattern | None = None) -> Translation:
    """The Hyperscan superset of ``regex`` (``parsed``: its parse tree, if already made).

    Raises
    ------
    Untranslatable
        When the pattern can match the empty string or uses an unsupported construct.
    """
    if parsed is None:
        parsed = sre_parse.parse(regex.pattern, regex.flags)
    low, high = parsed.getwidth()
    if low == 0:
        raise Untranslatable("the pattern can match the empty string")
    if high >= C.MAXREPEAT:
        raise Untranslatable("unbounded width")
    translator = _Translator(parsed)
    expression = translator.sequence(parsed, parsed.state.flags)
    reach = int(high) + translator.lookahead + 1
    return Translation(expression, int(high), reach)
