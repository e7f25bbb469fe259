"""Code extractors: flags whose evidence needs parsing or counting, not just a pattern.

A flag file names its extractor (``extractor = "return_rate"``); the extractor reads the
:class:`~ponzidetect.document.Document`, the flag's catalogue data (cue words, parameters) and
the document's :class:`~ponzidetect.scanner.Scan`, and yields :class:`Candidate` spans in
normalised-text coordinates. The engine then maps them to the raw text, checks negation and
builds :class:`~ponzidetect.evidence.Evidence`.

Every regex of an extractor is compiled with :func:`~ponzidetect.scanner.compile_rule` (scanned
over the whole text: declared with ``@extractor(name, rules=...)`` so that the registry's one
database holds it) or :func:`~ponzidetect.scanner.checked` (run only at given positions).
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..catalogue import FlagSpec
from ..document import Document
from ..evidence import Value
from ..scanner import Database, Rule, Scan


@dataclass(frozen=True, slots=True)
class Candidate:
    """A span found by an extractor, in normalised-text coordinates."""

    start: int
    end: int
    rule_id: str
    weight: float
    lang: str
    value: Value = None
    unit: str | None = None
    note: str = ""


Extractor = Callable[..., Iterable[Candidate]]
RuleSource = tuple[Rule, ...] | Callable[[FlagSpec], tuple[Rule, ...]]
EXTRACTORS: dict[str, Extractor] = {}
EXTRACTOR_RULES: dict[str, RuleSource] = {}


def extractor(name: str, rules: RuleSource = ()) -> Callable[[Extractor], Extractor]:
    """Register a code extractor under ``name`` (the name flag files refer to).

    Parameters
    ----------
    name : str
        The name flag files use.
    rules : tuple of Rule, or a function of the FlagSpec returning them
        The rules the extractor scans over the whole text (into the registry's database).
        Declaring them is a promise: every candidate comes from a match of one of them, so the
        engine skips the extractor on a text where none of them has a hit. An extractor that
        declares none always runs.

    The registered function is called as ``function(doc, spec, scan)``; called as
    ``function(doc, spec)`` it runs every regex on the whole text (same result, slower). A
    function written as ``function(doc, spec)`` (no scan) is accepted and always runs.
    """

    def register(function: Extractor) -> Extractor:
        if name in EXTRACTORS:
            raise ValueError(f"extractor {name!r} registered twice")
        takes_scan = len(inspect.signature(function).parameters) >= 3

        def run(doc: Document, spec: FlagSpec, scan: Scan | None = None) -> Iterable[Candidate]:
            if not takes_scan:
                return function(doc, spec)
            if scan is None:
                scan = Database((), backend="python").scan(doc.folded)
            return function(doc, spec, scan)

        functools.update_wrapper(run, function)
        EXTRACTORS[name] = run
        EXTRACTOR_RULES[name] = rules
        return run

    return register


def extractor_rules(name: str, spec: FlagSpec) -> tuple[Rule, ...]:
    """The rules extractor ``name`` scans for ``spec``."""
    source = EXTRACTOR_RULES.get(name, ())
    return source(spec) if callable(source) else source


def get_extractor(name: str) -> Extractor:
    """Look up a registered extractor, with a clear error for unknown names."""
    try:
        return EXTRACTORS[name]
    except KeyError:
        known = ", ".join(sorted(EXTRACTORS))
        raise KeyError(f"unknown extractor {name!r}; known extractors: {known}") from None


def near(text: str, start: int, end: int, radius: int) -> tuple[int, str]:
    """The window of ``radius`` characters around ``[start, end)`` and its offset."""
    low = max(0, start - radius)
    return low, text[low:min(len(text), end + radius)]


def cue_near(scan: Scan, cues: Rule | None, start: int, end: int,
             radius: int) -> re.Match[str] | None:
    """``cues`` searched in the :func:`near` window of ``[start, end)`` (None without cues)."""
    if cues is None:
        return None
    return scan.search_slice(cues, max(0, start - radius), end + radius)


def to_number(token: str) -> float | None:
    """Parse ``"1,200.5"`` style numbers; None when not a number."""
    try:
        return float(token.replace(",", ""))
    except ValueError:
        return None


from . import cooccur, multiples, places, prices, ranks, returns  # noqa: E402,F401  (registration side effect)
