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
from ..prefilter import finditer_in_windows
from . import Candidate, extractor


@cache
def _gazetteer(entries: tuple[tuple[str, ...], ...]) -> tuple[re.Pattern[str], dict[str, str]]:
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
    return re.compile("|".join(parts), re.IGNORECASE), canonical


def _entries(raw: Sequence[Sequence[str]]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(names) for names in raw)


@extractor("place_count")
def extract_tour_places(doc: Document, spec: FlagSpec) -> Iterator[Candidate]:
    """Yield place names near an event cue, valued by their canonical English name."""
    pattern, canonical = _gazetteer(_entries(spec.params.get("places", [])))
    text = doc.folded
    radius = {"en": int(spec.params.get("radius_en", 160)), "zh": int(spec.params.get("radius_zh", 60))}
    windows: list[tuple[int, int]] = []
    for lang in doc.languages():
        cues = spec.context.get(lang)
        if cues is not None:
            windows.extend((max(0, m.start() - radius[lang]), m.end() + radius[lang])
                           for m in cues.finditer(text))
    for match in finditer_in_windows(pattern, text, windows):
        name = canonical[match.group().lower()]
        lang = "en" if match.group().isascii() else "zh"
        yield Candidate(match.start(), match.end(), f"{lang}.place", 0.6, lang, name, "place",
                        f"{name} named in tour/event context")

