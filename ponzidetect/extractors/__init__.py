"""Code extractors: flags whose evidence needs parsing or counting, not just a pattern.

A flag file names its extractor (``extractor = "return_rate"``); the extractor reads the
:class:`~ponzidetect.document.Document` and the flag's catalogue data (cue words, parameters)
and yields :class:`Candidate` spans in normalised-text coordinates. The engine then maps them to
the raw text, checks negation and builds :class:`~ponzidetect.evidence.Evidence`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..catalogue import FlagSpec
from ..document import Document
from ..evidence import Value


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


Extractor = Callable[[Document, FlagSpec], Iterable[Candidate]]
EXTRACTORS: dict[str, Extractor] = {}


def extractor(name: str) -> Callable[[Extractor], Extractor]:
    """Register a code extractor under ``name`` (the name flag files refer to)."""

    def register(function: Extractor) -> Extractor:
        if name in EXTRACTORS:
            raise ValueError(f"extractor {name!r} registered twice")
        EXTRACTORS[name] = function
        return function

    return register


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


def to_number(token: str) -> float | None:
    """Parse ``"1,200.5"`` style numbers; None when not a number."""
    try:
        return float(token.replace(",", ""))
    except ValueError:
        return None


from . import cooccur, multiples, places, prices, ranks, returns  # noqa: E402,F401  (registration side effect)
