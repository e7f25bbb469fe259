"""Cities and countries named in promotion-tour or event context.

The gazetteer and the event cue words live in the flag file (``features/promotion_tours.toml``).
Each place named within reach of an event cue ("roadshow", "summit", 推介会, 考察) is evidence;
the flag's value is the number of distinct places.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache

from ..catalogue import FlagSpec
from ..document import Document
from ..radii import RADII
from ..scanner import Rule, Scan, compile_rule
from . import Candidate, extractor


@cache
def _gazetteer(entries: tuple[tuple[str, ...], ...]) -> tuple[Rule, dict[str, str]]:
    canonical: dict[str, str] = {}
    for names in entries:
        for name in names:
            canonical[name.lower()] = names[0]
    alternatives = sorted(canonical, key=len, reverse=True)
    latin = [re.escape(n) for n in alternatives if n.isascii()]
    han = [re.escape(n) for n in alternatives if not n.isascii()]
    parts = []
    if latin:
        parts.append(r"\b(?:" + "|".join(latin) + r")\b")
    if han:
        parts.append("(?:" + "|".join(han) + ")")
    return compile_rule("|".join(parts), re.IGNORECASE, name="place_count.gazetteer",
                        code=True), canonical


def _entries(raw: Sequence[Sequence[str]]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(names) for names in raw)


_BY_SPEC: dict[int, tuple[FlagSpec, Rule, dict[str, str]]] = {}


def _spec_gazetteer(spec: FlagSpec) -> tuple[Rule, dict[str, str]]:
    """The gazetteer of ``spec``, built once per spec object."""
    known = _BY_SPEC.get(id(spec))
    if known is None or known[0] is not spec:
        rule, canonical = _gazetteer(_entries(spec.params.get("places", [])))
        known = _BY_SPEC[id(spec)] = (spec, rule, canonical)
    return known[1], known[2]


def _rules(spec: FlagSpec) -> tuple[Rule, ...]:
    return (_spec_gazetteer(spec)[0],)


@extractor("place_count", rules=_rules)
def extract_tour_places(doc: Document, spec: FlagSpec, scan: Scan) -> Iterator[Candidate]:
    """Yield place names near an event cue, valued by their canonical English name."""
    pattern, canonical = _spec_gazetteer(spec)
    if not scan.has_hits(pattern):
        return
    radius = {lang: int(spec.params.get(f"radius_{lang}", RADII[lang].tour)) for lang in ("en", "zh")}
    windows: list[tuple[int, int]] = []
    for lang in doc.languages():
        cues = spec.context.get(lang)
        if cues is not None:
            windows.extend((max(0, m.start() - radius[lang]), m.end() + radius[lang])
                           for m in scan.finditer(cues))
    for match in scan.finditer_in_windows(pattern, windows):
        name = canonical[match.group().lower()]
        lang = "en" if match.group().isascii() else "zh"
        yield Candidate(match.start(), match.end(), f"{lang}.place", 0.6, lang, name, "place",
                        f"{name} named in tour/event context")

