"""Cue windows: evidence when an anchor cue and every required cue group stand close together.

Some mechanics are a combination, not a phrase: "deposit 0.5 ETH to the bot and it earns you 2%
a day" is a promise because a bot, a deposit and a profit promise appear together, in any order;
each word alone is everyday crypto vocabulary. The flag file lists the cue groups per language
in ``[params.cue_groups.<name>]`` (the group named ``anchor`` is where evidence starts looking)
and the window radius in characters (``radius_en``, ``radius_zh``). A window never crosses a blank
line. The evidence span runs from the first to the last of the nearest cues, so the investigator
sees the whole claim; the note names the cue of each group.

Cue regexes are checked for safety and compiled once, like catalogue patterns.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache

from ..catalogue import LANGS, CatalogueError, FlagSpec
from ..document import Document
from ..regex_safety import UnsafePatternError, compile_safe
from ..scanner import checked
from . import Candidate, extractor

ANCHOR = "anchor"
_LANG_SETS = (("en",), ("zh",), ("en", "zh"))
_BLANK_LINE = checked(r"\n[ \t]{0,8}\n")


@dataclass(frozen=True, slots=True)
class CueGroups:
    """Compiled cue groups of one flag, per language.

    A required group is searched with the cues of every language the document contains, so a
    mixed text ("node 1500U, 每天分红") can pair an English anchor with a Chinese cue, while an
    English text never matches a bare Chinese cue such as ``\\d%``.
    """

    anchor: Mapping[str, re.Pattern[str]]
    required: tuple[tuple[str, Mapping[tuple[str, ...], re.Pattern[str]]], ...]


def _compile(cues: list[str], where: str) -> re.Pattern[str]:
    try:
        return compile_safe("|".join(f"(?:{cue})" for cue in cues))
    except UnsafePatternError as error:
        raise CatalogueError(f"{where}: {error}") from error


@cache
def _groups(flag_id: str, frozen: tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...]
            ) -> CueGroups:
    anchor: dict[str, re.Pattern[str]] = {}
    required: list[tuple[str, Mapping[tuple[str, ...], re.Pattern[str]]]] = []
    for name, per_lang in frozen:
        where = f"{flag_id}.toml [params.cue_groups.{name}]"
        if name == ANCHOR:
            anchor = {lang: _compile(list(cues), where) for lang, cues in per_lang if cues}
            continue
        by_lang = {lang: list(cues) for lang, cues in per_lang if cues}
        if not by_lang:
            raise CatalogueError(f"{where}: a required cue group needs cues")
        compiled = {}
        for langs in _LANG_SETS:
            cues = [cue for lang in langs for cue in by_lang.get(lang, [])]
            if cues:
                compiled[langs] = _compile(cues, where)
        required.append((name, compiled))
    if not anchor:
        raise CatalogueError(f"{flag_id}.toml: cue_groups needs an '{ANCHOR}' group")
    return CueGroups(anchor, tuple(required))


def cue_groups(spec: FlagSpec) -> CueGroups:
    """The flag's compiled cue groups (validated and cached per flag)."""
    raw = spec.params.get("cue_groups")
    if not isinstance(raw, Mapping) or ANCHOR not in raw:
        raise CatalogueError(f"{spec.id}.toml: the cue_window extractor needs [params.cue_groups.anchor]")
    frozen = []
    for name, per_lang in sorted(raw.items()):
        if not isinstance(per_lang, Mapping) or not set(per_lang) <= set(LANGS):
            raise CatalogueError(f"{spec.id}.toml [params.cue_groups.{name}]: use keys en and zh")
        frozen.append((name, tuple((lang, tuple(per_lang.get(lang, ()))) for lang in LANGS)))
    return _groups(spec.id, tuple(frozen))


def _paragraph(text: str, start: int, end: int, radius: int) -> tuple[int, int]:
    """The window around ``[start, end)``, cut at the nearest blank lines."""
    low, high = max(0, start - radius), min(len(text), end + radius)
    for gap in _BLANK_LINE.finditer(text, low, start):
        low = gap.end()
    gap = _BLANK_LINE.search(text, end, high)
    return low, gap.start() if gap else high


def _nearest(pattern: re.Pattern[str], text: str, low: int, high: int,
             start: int, end: int) -> re.Match[str] | None:
    best, distance = None, None
    for match in pattern.finditer(text, low, high):
        if match.end() == match.start():
            continue
        gap = max(start - match.end(), match.start() - end, 0)
        if distance is None or gap < distance:
            best, distance = match, gap
    return best


@extractor("cue_window")
def extract_cue_windows(doc: Document, spec: FlagSpec) -> Iterator[Candidate]:
    """Yield a span wherever the anchor and every required cue group meet within the radius."""
    groups = cue_groups(spec)
    text = doc.folded
    weight = float(spec.params.get("weight", 0.7))
    present = doc.languages()
    for lang in present:
        anchor = groups.anchor.get(lang)
        if anchor is None:
            continue
        radius = int(spec.params.get(f"radius_{lang}", 160 if lang == "en" else 50))
        for match in anchor.finditer(text):
            if match.end() == match.start():
                continue
            low, high = _paragraph(text, match.start(), match.end(), radius)
            found = []
            for name, patterns in groups.required:
                pattern = patterns.get(present)
                cue = None if pattern is None else _nearest(pattern, text, low, high,
                                                            match.start(), match.end())
                if cue is None:
                    break
                found.append((name, cue))
            else:
                start = min([match.start(), *(cue.start() for _, cue in found)])
                end = max([match.end(), *(cue.end() for _, cue in found)])
                cues = ", ".join(f"{name} '{cue.group()}'" for name, cue in found)
                yield Candidate(start, end, f"{lang}.{spec.params.get('rule', 'window')}", weight,
                                lang, None, None, f"anchor '{match.group()}' with {cues}")
