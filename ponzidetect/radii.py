"""How far around a hit the engine and the code extractors look, per language: one table.

Distances are in characters of the normalised text, except ``negation_tokens`` (words for
English, characters for Chinese). A flag file can override an extractor's radius with its
``radius_en`` / ``radius_zh`` parameters.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Radii:
    """Context and negation reach for one language.

    Attributes
    ----------
    context : int
        A catalogue pattern's context cue may lie this far before or after the match.
    clause : int
        Characters read back from a span to find the clause that may negate it.
    negation_tokens : int
        Of that clause, the last words (en) or characters (zh) a negation cue may use.
    extractor : int
        Default reach of an extractor's context and trigger words around its match.
    tour : int
        Reach of a promotion tour's event cue around a place name.
    """

    context: int
    clause: int
    negation_tokens: int
    extractor: int
    tour: int


RADII = {
    "en": Radii(context=100, clause=80, negation_tokens=6, extractor=120, tour=160),
    "zh": Radii(context=30, clause=24, negation_tokens=8, extractor=40, tour=60),
}
