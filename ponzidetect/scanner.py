"""One compiled rule set, scanned once per document; Python's ``re`` confirms around the hits.

Every regular expression of the red-flag engine is compiled here: catalogue patterns and cue
words (:mod:`ponzidetect.catalogue`) and the code extractors' regexes
(:mod:`ponzidetect.extractors`). :func:`compile_rule` checks a pattern's safety
(:mod:`ponzidetect.regex_safety`), compiles it with ``re`` and prepares its scan form; a
:class:`Database` holds the rules of one registry and scans a text once with

- **Hyperscan** (the ``hyperscan`` wheel): one multi-pattern database of superset expressions
  (:mod:`ponzidetect._superset`), or, when it is not importable,
- **literals**: one pass of a literal automaton over every rule's required literals
  (:mod:`ponzidetect._literals`; ``pyahocorasick``, else ``str.find``).

The result, a :class:`Scan`, answers ``finditer``, ``search`` and windowed searches with exactly
the matches of the Python regex on the whole text, by running the regex only in windows around
the hits. Why that is exact: every match of the regex, and every match it could find in a text
cut short at a window's end, is a match of the scan form, so it produced a hit; a window runs
from ``width`` characters before a hit to ``reach`` characters after it (the longest match plus
the longest lookahead plus one), so Python reads the same characters in the window as in the
whole text. Rules without a scan form (a pattern that can match the empty string, or one that
Hyperscan refuses) are run on the whole text.

Compiled Hyperscan databases are cached in ``$PONZIDETECT_CACHE`` (default
``~/.cache/ponzidetect``), keyed by a digest of their expressions; set
``PONZIDETECT_SCANNER=literals`` (or ``python``, the plain ``re`` reference) to choose the
backend.
"""

from __future__ import annotations

import bisect
import hashlib
import logging
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from ._literals import required_literals
from ._superset import Translation, Untranslatable, scan_fold, translate
from .regex_safety import check_parsed, check_pattern, fold_pattern, parse_pattern

try:  # pragma: no cover - exercised by whichever backend is installed
    import hyperscan
except ImportError:  # pragma: no cover
    hyperscan = None
try:  # pragma: no cover
    import ahocorasick
except ImportError:  # pragma: no cover
    ahocorasick = None

logger = logging.getLogger("ponzidetect")
BACKENDS = ("hyperscan", "literals", "python")
_HS_FLAGS = 0 if hyperscan is None else hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_UCP
_CACHE_VERSION = "1"


@dataclass(frozen=True, slots=True, eq=False)
class Rule:
    """A compiled regular expression with what the scanner needs to run it around hits.

    Behaves like its ``re.Pattern`` (``search``, ``finditer``, ``match``, ``pattern``) on the
    whole text; :class:`Scan` runs it only around hits.

    Attributes
    ----------
    name : str
        Where the rule comes from (``"guaranteed_returns.en.promise"``), for messages.
    regex : re.Pattern
        The compiled pattern.
    width : int
        Its longest match, in characters.
    reach : int
        How far past a match start the matcher may read.
    expression : str or None
        The Hyperscan superset expression (None: run on the whole text).
    literals : tuple of str or None
        Required literals for the fallback scan (None: run on the whole text).
    """

    name: str
    regex: re.Pattern[str]
    width: int
    reach: int
    expression: str | None
    literals: tuple[str, ...] | None

    @property
    def pattern(self) -> str:
        """The pattern's source, as compiled."""
        return self.regex.pattern

    def search(self, text: str, *args: int) -> re.Match[str] | None:
        """``re.Pattern.search`` on the whole text."""
        return self.regex.search(text, *args)

    def match(self, text: str, *args: int) -> re.Match[str] | None:
        """``re.Pattern.match``."""
        return self.regex.match(text, *args)

    def finditer(self, text: str, *args: int) -> Iterator[re.Match[str]]:
        """``re.Pattern.finditer`` on the whole text."""
        return self.regex.finditer(text, *args)


@dataclass(frozen=True, slots=True, eq=False)
class Alternation:
    """Named alternatives that match exactly like the single regex ``(?:A)|(?:B)|...``.

    Each alternative is its own :class:`Rule` (its own entry in the scan database), so a match
    can be traced to the branch that made it (:meth:`branch`). At each position the first
    alternative that matches wins, as in one regex; matches never overlap.

    Attributes
    ----------
    name : str
        Where the pattern comes from.
    ids : tuple of str
        The alternatives' ids, in order.
    rules : tuple of Rule
        The alternatives, in order; none can match the empty string.
    """

    name: str
    ids: tuple[str, ...]
    rules: tuple[Rule, ...]

    @property
    def pattern(self) -> str:
        """The equivalent single pattern."""
        return "|".join(f"(?:{rule.pattern})" for rule in self.rules)

    def branch(self, match: re.Match[str]) -> str:
        """The id of the alternative that produced ``match``."""
        for alternative, rule in zip(self.ids, self.rules, strict=True):
            if match.re is rule.regex:
                return alternative
        raise ValueError("the match does not come from this alternation")

    def finditer(self, text: str, pos: int = 0,
                 endpos: int | None = None) -> Iterator[re.Match[str]]:
        """Like ``re.Pattern.finditer`` of the single pattern."""
        end = len(text) if endpos is None else endpos
        return _alternation(self.rules, lambda rule, at: rule.regex.search(text, at, end), pos)

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        """Like ``re.Pattern.search`` of the single pattern."""
        return next(self.finditer(text, pos, endpos), None)


_DONE = object()


def _alternation(rules: Sequence[Rule], search: Callable[[Rule, int], re.Match[str] | None],
                 pos: int) -> Iterator[re.Match[str]]:
    """Non-overlapping matches of ``(?:A)|(?:B)|...`` from the alternatives' searches.

    The next match is the leftmost of each alternative's leftmost match at or after ``pos``
    (the first alternative on a tie), which is what the single regex finds: it tries the
    alternatives in order at each position. An alternative's match that starts at or after
    ``pos`` stays its leftmost one, so each alternative is searched again only when passed.
    """
    upcoming: list[Any] = [None] * len(rules)
    while True:
        best: re.Match[str] | None = None
        for index, rule in enumerate(rules):
            found = upcoming[index]
            if found is _DONE:
                continue
            if found is None or found.start() < pos:
                found = search(rule, pos)
                upcoming[index] = _DONE if found is None else found
                if found is None:
                    continue
            if best is None or found.start() < best.start():
                best = found
        if best is None:
            return
        yield best
        pos = best.end()


def compile_alternation(alternatives: Sequence[tuple[str, str]], flags: int = 0, *, name: str,
                        fold: bool = False) -> Alternation:
    """Compile ``(id, pattern)`` alternatives with :func:`compile_rule` into an :class:`Alternation`.

    Raises
    ------
    ValueError
        When ids repeat or an alternative can match the empty string.
    ponzidetect.regex_safety.UnsafePatternError
        When an alternative is not provably linear.
    """
    ids = tuple(alternative for alternative, _ in alternatives)
    if len(set(ids)) != len(ids) or not ids:
        raise ValueError(f"{name}: alternative ids must be unique and at least one is needed")
    rules = []
    for alternative, pattern in alternatives:
        rule = compile_rule(pattern, flags, name=f"{name}.{alternative}", fold=fold)
        if parse_pattern(rule.regex.pattern, rule.regex.flags).getwidth()[0] == 0:
            raise ValueError(f"{name}: alternative {alternative!r} can match the empty string")
        rules.append(rule)
    return Alternation(name, ids, tuple(rules))


def compile_rule(pattern: str, flags: int = 0, *, name: str, fold: bool = False,
                 code: bool = False) -> Rule:
    """Check ``pattern``'s safety, compile it and prepare its scan forms.

    Parameters
    ----------
    pattern : str
        A regular expression in Python syntax, every repetition bounded.
    flags : int
        ``re`` flags (``re.IGNORECASE``, ``re.VERBOSE``).
    name : str
        Where the rule comes from, for messages and the audit.
    fold : bool
        Lower-case the pattern's ASCII letters (catalogue patterns match ``Document.folded``).
    code : bool
        A code extractor's regex: backreferences to bounded groups and optional groups nested
        deeper are accepted (see :func:`~ponzidetect.regex_safety.check_pattern`).

    Returns
    -------
    Rule

    Raises
    ------
    ponzidetect.regex_safety.UnsafePatternError
        When the pattern is not provably linear.
    """
    source = fold_pattern(pattern) if fold else pattern
    parsed = parse_pattern(source, flags)
    check_parsed(parsed, pattern, allow_backrefs=code, optional_nesting=code)
    regex = re.compile(source, flags)
    try:
        translation: Translation | None = translate(regex, parsed)
    except Untranslatable:
        translation = None
    width = translation.width if translation else 0
    reach = translation.reach if translation else 0
    literals = required_literals(regex, parsed) if translation else None
    return Rule(name, regex, width, reach, translation.expression if translation else None,
                literals)


def checked(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Compile a code regex that runs only at given positions (never scanned), after the check."""
    check_pattern(pattern, flags, allow_backrefs=True, optional_nesting=True)
    return re.compile(pattern, flags)


# ------------------------------------------------------------------------------------------
# Scanning


@dataclass(slots=True)
class _Hits:
    """Hits of one rule: every match contains ``[core_start[i], core_end[i])`` of some hit."""

    starts: list[int]
    ends: list[int]


class Scan:
    """One text scanned with one :class:`Database`: exact regex results, computed around hits.

    A rule the database does not hold (or that has no scan form) runs on the whole text.
    """

    __slots__ = ("_hits", "_rules", "_uncovered", "_windows_of", "text")

    def __init__(self, text: str, hits: dict[int, _Hits] | None, rules: dict[int, int],
                 uncovered: frozenset[int] = frozenset()) -> None:
        self.text = text
        self._hits = hits
        self._rules = rules
        self._uncovered = uncovered
        self._windows_of: dict[int, list[tuple[int, int]]] = {}

    def _of(self, rule: Rule) -> _Hits | bool | None:
        """The rule's hits, False when it has none, None when unknown (run on the whole text)."""
        if self._hits is None:
            return None
        index = self._rules.get(id(rule))
        if index is None:
            return None
        return self._hits.get(index, False)  # type: ignore[return-value]

    def has_hits(self, rule: Rule) -> bool:
        """False only when ``rule`` certainly has no match in the text."""
        return self._of(rule) is not False


    def any_hit(self, indices: frozenset[int]) -> bool:
        """False only when no rule of ``indices`` (see :meth:`Database.indices`) can match."""
        if self._hits is None:
            return True
        return not (self._uncovered.isdisjoint(indices) and self._hits.keys().isdisjoint(indices))

    def _windows(self, rule: Rule, hits: _Hits) -> list[tuple[int, int]]:
        known = self._windows_of.get(id(rule))
        if known is None:
            known = self._windows_of[id(rule)] = self._merge_hits(rule, hits)
        return known

    @staticmethod
    def _merge_hits(rule: Rule, hits: _Hits) -> list[tuple[int, int]]:
        """Windows ``[end - width, start + reach)`` of every hit, overlapping ones merged."""
        if len(hits.ends) > 64:
            lows = np.maximum(np.asarray(hits.ends, dtype=np.int64) - rule.width, 0)
            highs = np.asarray(hits.starts, dtype=np.int64) + rule.reach
            order = np.argsort(lows, kind="stable")
            lows, highs = lows[order], np.maximum.accumulate(highs[order])
            new = np.flatnonzero(lows[1:] > highs[:-1]) + 1
            first = np.concatenate(([0], new))
            last = np.concatenate((new - 1, [len(lows) - 1]))
            return list(zip(lows[first].tolist(), highs[last].tolist(), strict=True))
        spans = sorted((max(0, end - rule.width), start + rule.reach)
                       for start, end in zip(hits.starts, hits.ends, strict=True))
        merged: list[tuple[int, int]] = []
        for low, high in spans:
            if merged and low <= merged[-1][1]:
                if high > merged[-1][1]:
                    merged[-1] = (merged[-1][0], high)
            else:
                merged.append((low, high))
        return merged

    def finditer(self, rule: Rule | Alternation) -> Iterator[re.Match[str]]:
        """Exactly ``rule.regex.finditer(text)`` (or an alternation's ``finditer``)."""
        if isinstance(rule, Alternation):
            yield from _alternation(rule.rules, self._search_from, 0)
            return
        hits = self._of(rule)
        if hits is None:
            yield from rule.regex.finditer(self.text)
            return
        if hits is False:
            return
        yield from _scan_windows(rule.regex, self.text, self._windows(rule, hits))

    def _search_from(self, rule: Rule, pos: int) -> re.Match[str] | None:
        """Exactly ``rule.regex.search(text, pos)``, searching only the windows after ``pos``."""
        hits = self._of(rule)
        if hits is None:
            return rule.regex.search(self.text, pos)
        if hits is False:
            return None
        windows = self._windows(rule, hits)
        index = bisect.bisect_right(windows, (pos, sys.maxsize)) - 1
        for low, high in windows[max(index, 0):]:
            if high > pos:
                found = rule.regex.search(self.text, max(low, pos), min(high, len(self.text)))
                if found is not None:
                    return found
        return None

    def _gate(self, rule: Rule, low: int, high: int) -> bool:
        """False when no match of ``rule`` can lie inside ``[low, high)``."""
        hits = self._of(rule)
        if hits is None:
            return True
        if hits is False:
            return False
        index = bisect.bisect_left(hits.starts, low)
        while index < len(hits.starts) and hits.starts[index] < high:
            if hits.ends[index] <= high:
                return True
            index += 1
        return False

    def search(self, rule: Rule, low: int = 0, high: int | None = None) -> re.Match[str] | None:
        """Exactly ``rule.regex.search(text, low, high)``."""
        high = len(self.text) if high is None else min(high, len(self.text))
        if not self._gate(rule, low, high):
            return None
        return rule.regex.search(self.text, low, high)

    def search_slice(self, rule: Rule, low: int, high: int) -> re.Match[str] | None:
        """Exactly ``rule.regex.search(text[low:high])`` (offsets relative to the slice)."""
        low, high = max(0, low), min(high, len(self.text))
        if not self._gate(rule, low, high):
            return None
        return rule.regex.search(self.text[low:high])

    def finditer_in_windows(self, rule: Rule,
                            windows: Iterable[tuple[int, int]]) -> Iterator[re.Match[str]]:
        """Exactly :func:`finditer_in_windows` of ``rule.regex``: matches inside the windows."""
        merged = merge_windows(windows)
        kept = [(low, high) for low, high in merged if self._gate(rule, low, high)]
        yield from _scan_windows(rule.regex, self.text, kept)


def merge_windows(windows: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted union of overlapping or touching ``(low, high)`` windows."""
    merged: list[tuple[int, int]] = []
    for low, high in sorted(windows):
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def _scan_windows(regex: re.Pattern[str], text: str,
                  merged: list[tuple[int, int]]) -> Iterator[re.Match[str]]:
    last_end = -1
    for low, high in merged:
        for match in regex.finditer(text, max(low, last_end), min(high, len(text))):
            last_end = match.end()
            yield match


def finditer_in_windows(regex: re.Pattern[str] | Rule, text: str,
                        windows: Iterable[tuple[int, int]]) -> Iterator[re.Match[str]]:
    """Matches of ``regex`` inside the union of ``windows``, each match reported once.

    Overlapping or touching windows are merged first; a scan resumes after the previous match's
    end, so a match spanning two merged windows is not found twice. Each window is searched as
    if the text ended at the window's end.
    """
    compiled = regex.regex if isinstance(regex, Rule) else regex
    yield from _scan_windows(compiled, text, merge_windows(windows))


# ------------------------------------------------------------------------------------------
# The database


def default_backend() -> str:
    """``$PONZIDETECT_SCANNER`` if set, else ``hyperscan`` when importable, else ``literals``."""
    chosen = os.environ.get("PONZIDETECT_SCANNER", "").strip().lower()
    if chosen:
        if chosen not in BACKENDS:
            raise ValueError(f"PONZIDETECT_SCANNER={chosen!r}; use one of {', '.join(BACKENDS)}")
        if chosen == "hyperscan" and hyperscan is None:
            raise ValueError("PONZIDETECT_SCANNER=hyperscan but the hyperscan package is missing")
        return chosen
    return "hyperscan" if hyperscan is not None else "literals"


@cache
def _fold_table() -> dict[int, int]:
    return scan_fold()


_ASCII_UPPER = re.compile("[A-Z]")


def scan_copy(text: str) -> str:
    """``text`` folded by :func:`ponzidetect._superset.scan_fold` (same length)."""
    if text.isascii() and _ASCII_UPPER.search(text) is None:
        return text
    return text.translate(_fold_table())


def _cache_dir() -> Path:
    configured = os.environ.get("PONZIDETECT_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "ponzidetect"


@dataclass(slots=True)
class _Compiled:
    database: Any
    ids: list[int] = field(default_factory=list)


class Database:
    """The rules of one registry, compiled for one scan per text.

    Parameters
    ----------
    rules : sequence of Rule
        Duplicates (the same object) are kept once.
    backend : str, optional
        ``hyperscan``, ``literals`` or ``python`` (plain ``re``, the reference); by default
        :func:`default_backend`.
    """

    def __init__(self, rules: Sequence[Rule], backend: str | None = None) -> None:
        unique: dict[int, Rule] = {}
        for rule in rules:
            unique.setdefault(id(rule), rule)
        self.rules: tuple[Rule, ...] = tuple(unique.values())
        self.backend = backend or default_backend()
        if self.backend not in BACKENDS:
            raise ValueError(f"unknown scanner backend {self.backend!r}; use one of {BACKENDS}")
        self._index = {id(rule): i for i, rule in enumerate(self.rules)}
        self._hs: _Compiled | None = None
        self._automaton: Any = None
        self._coverage: dict[str, tuple[dict[int, int], frozenset[int]]] = {}

    def __reduce__(self) -> tuple[Callable[..., Database], tuple[Any, ...]]:
        return Database, (self.rules, self.backend)

    # -- Hyperscan ---------------------------------------------------------------------------
    def _hyperscan(self) -> _Compiled:
        if self._hs is None:
            ids = [i for i, rule in enumerate(self.rules) if rule.expression is not None]
            self._hs = _Compiled(self._compile_cached(ids), ids)
        return self._hs

    def _compile_cached(self, ids: list[int]) -> Any:
        expressions = [self.rules[i].expression.encode("utf-8") for i in ids]  # type: ignore[union-attr]
        digest = hashlib.sha256()
        digest.update(f"{_CACHE_VERSION}|{hyperscan.__version__}|{sys.version_info[:2]}|".encode())
        for i, expression in zip(ids, expressions, strict=True):
            digest.update(f"{i}:{len(expression)}:".encode() + expression)
        path = _cache_dir() / f"hs-{digest.hexdigest()[:40]}.db"
        try:
            loaded = hyperscan.loadb(path.read_bytes(), hyperscan.HS_MODE_BLOCK)
            loaded.scratch = hyperscan.Scratch(loaded)
            return loaded
        except (OSError, hyperscan.error):
            pass
        database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        try:
            database.compile(expressions=expressions, ids=ids, flags=[_HS_FLAGS] * len(ids))
        except hyperscan.error:
            ids[:] = self._compilable(ids)
            expressions = [self.rules[i].expression.encode("utf-8") for i in ids]  # type: ignore[union-attr]
            database.compile(expressions=expressions, ids=ids, flags=[_HS_FLAGS] * len(ids))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_bytes(hyperscan.dumpb(database))
            os.replace(temporary, path)
        except OSError as error:
            logger.debug("hyperscan cache not written (%s)", error)
        return database

    def _compilable(self, ids: list[int]) -> list[int]:
        kept = []
        for i in ids:
            probe = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            try:
                probe.compile(expressions=[self.rules[i].expression.encode("utf-8")],  # type: ignore[union-attr]
                              ids=[i], flags=[_HS_FLAGS])
                kept.append(i)
            except hyperscan.error as error:
                logger.warning("rule %s runs without the scan (%s)", self.rules[i].name, error)
        return kept

    def _scan_hyperscan(self, folded: str) -> dict[int, _Hits]:
        compiled = self._hyperscan()
        data = folded.encode("utf-8")
        ends_by: dict[int, list[int]] = {}

        def on_match(rule_id: int, _start: int, end: int, _flags: int, _context: Any) -> None:
            found = ends_by.get(rule_id)
            if found is None:
                ends_by[rule_id] = [end]
            else:
                found.append(end)

        compiled.database.scan(data, match_event_handler=on_match)
        if ends_by and len(data) != len(folded):
            position = _char_positions(data, {end for ends in ends_by.values() for end in ends})
            ends_by = {rule_id: [position[end] for end in ends] for rule_id, ends in ends_by.items()}
        return {rule_id: _Hits([end - 1 for end in ends], ends) for rule_id, ends in ends_by.items()}

    # -- literals ----------------------------------------------------------------------------
    def _literal_index(self) -> tuple[dict[str, list[int]], Any]:
        if self._automaton is None:
            owners: dict[str, list[int]] = {}
            for i, rule in enumerate(self.rules):
                for literal in rule.literals or ():
                    owners.setdefault(literal, []).append(i)
            automaton = None
            if ahocorasick is not None and owners:
                automaton = ahocorasick.Automaton()
                for literal in owners:
                    automaton.add_word(literal, literal)
                automaton.make_automaton()
            self._automaton = (owners, automaton)
        return self._automaton

    def _scan_literals(self, folded: str) -> dict[int, _Hits]:
        owners, automaton = self._literal_index()
        found: dict[int, list[tuple[int, int]]] = {}
        if automaton is not None:
            for last, literal in automaton.iter(folded):
                start = last + 1 - len(literal)
                for i in owners[literal]:
                    found.setdefault(i, []).append((start, last + 1))
        else:
            for literal, rules in owners.items():
                start = folded.find(literal)
                while start != -1:
                    for i in rules:
                        found.setdefault(i, []).append((start, start + len(literal)))
                    start = folded.find(literal, start + 1)
        hits = {}
        for i, spans in found.items():
            spans.sort()
            hits[i] = _Hits([s for s, _ in spans], [e for _, e in spans])
        return hits

    def _covered(self, backend: str) -> tuple[dict[int, int], frozenset[int]]:
        """``{id(rule): index}`` of the rules ``backend`` scans, and the indices of the others."""
        if backend not in self._coverage:
            if backend == "hyperscan":
                ids = set(self._hyperscan().ids)
            else:
                ids = {i for i, rule in enumerate(self.rules) if rule.literals is not None}
            covered = {id(rule): i for i, rule in enumerate(self.rules) if i in ids}
            uncovered = (frozenset(range(len(self.rules))) - ids) | {-1}
            self._coverage[backend] = (covered, uncovered)
        return self._coverage[backend]

    def indices(self, rules: Iterable[Rule]) -> frozenset[int]:
        """Positions of ``rules`` in this database (for :meth:`Scan.any_hit`); -1 if absent."""
        return frozenset(self._index.get(id(rule), -1) for rule in rules)

    def scan(self, text: str) -> Scan:
        """Scan ``text`` once for every rule.

        Parameters
        ----------
        text : str
            Usually ``Document.folded``.

        Returns
        -------
        Scan
        """
        if self.backend == "python":
            return Scan(text, None, {})
        folded = scan_copy(text)
        if self.backend == "hyperscan":
            try:
                return Scan(text, self._scan_hyperscan(folded), *self._covered("hyperscan"))
            except UnicodeEncodeError:  # lone surrogates are not UTF-8: use the literal scan
                pass
        return Scan(text, self._scan_literals(folded), *self._covered("literals"))


def _char_positions(data: bytes, byte_offsets: set[int]) -> dict[int, int]:
    """``{byte offset: character offset}`` in UTF-8 ``data`` (offsets on character boundaries)."""
    ordered = sorted(byte_offsets)
    if len(ordered) > 4096:
        codes = np.frombuffer(data.decode("utf-8").encode("utf-32-le"), dtype=np.uint32)
        lengths = 1 + (codes >= 0x80).astype(np.int64) + (codes >= 0x800) + (codes >= 0x10000)
        boundaries = np.concatenate(([0], np.cumsum(lengths)))
        found = np.searchsorted(boundaries, np.asarray(ordered, dtype=np.int64)).tolist()
        return dict(zip(ordered, found, strict=True))
    positions = {}
    previous = chars = 0
    for offset in ordered:
        chars += len(data[previous:offset].decode("utf-8"))
        positions[offset] = chars
        previous = offset
    return positions
