"""Counted sales ranks and member levels: "10 ranks", "V1-V10", "五个等级", rank ladders.

The count is the parsed value ("10 ranks" -> 10, "V1–V7" -> 7, 五个等级 -> 5). Generic words such
as "levels", "tiers", 等级 or 级别 count only with a rank context cue nearby (from the flag file),
so "3 levels of the game", "two tiers of storage" or 考试分为三个等级 do not fire. A count that is
a referral *depth* ("5 levels of referral commission", "10 levels deep", 3个层级的下线) is left to
``multilevel_referral``: the flag's ``depth_after_en`` / ``depth_after_zh`` params hold the words
that, right after the count, make it a depth rather than a ladder of sales ranks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from ..catalogue import FlagSpec
from ..document import Document
from ..radii import RADII
from ..regex_safety import compile_safe
from ..scanner import Scan, compile_rule
from . import Candidate, cue_near, extractor

WORD_NUMBERS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "twenty": 20,
}
_COUNT = r"(?P<num>\d{1,2}|" + "|".join(WORD_NUMBERS) + r")"
EN_COUNTED = compile_rule(
    r"\b" + _COUNT + r"[\s-]{1,3}(?:(?:member|membership|sales|partner|agent|star|vip|career"
    r"|distributor|leadership|rank)[\s-]{1,2})?(?P<noun>ranks?|levels?|tiers?|grades?|stars?)\b",
    re.IGNORECASE,
    name="rank_count.en_counted", code=True,
)
EN_RANGE = compile_rule(
    r"\b(?P<prefix>vip|v|lv|l|rank|level|s|p|m|t|star)\s?(?P<a>\d{1,2})\s{0,2}(?:-|~|to|through)"
    r"\s{0,2}(?:(?P=prefix)\s?)?(?P<b>\d{1,2})\b",
    re.IGNORECASE,
    name="rank_count.en_range", code=True,
)
ZH_COUNTED = compile_rule(
    r"(?P<num>\d{1,2})\s{0,2}(?:个|大)?\s{0,2}(?:会员|销售|代理|团队|职务|星)?\s{0,2}"
    r"(?P<noun>等级|级别|层级|职级|星级|段位|档次|级)",
    name="rank_count.zh_counted", code=True,
)
ZH_RANGE = compile_rule(
    r"(?P<prefix>vip|v|V|VIP|Lv|LV|L|S|P|M|T)?\s?(?P<a>\d{1,2})\s{0,2}(?:星|级)?\s{0,2}"
    r"(?:-|~|至|到)\s{0,2}(?:(?P=prefix))?\s?(?P<b>\d{1,2})\s{0,2}(?P<noun>星|级|$|[^\d])",
    name="rank_count.zh_range", code=True,
)
_STRONG_NOUNS = {"rank", "ranks", "grade", "grades"}
# 等级/级别/级 are as generic as "levels" (typhoon 等级, exam 等级): they need a rank context cue.
_STRONG_NOUNS_ZH = {"职级"}


def _value(token: str) -> int | None:
    token = token.lower()
    if token.isdigit():
        return int(token)
    return WORD_NUMBERS.get(token)


@cache
def _compiled(pattern: str) -> re.Pattern[str] | None:
    return compile_safe(pattern) if pattern else None


def _is_depth(spec: FlagSpec, text: str, end: int, lang: str) -> bool:
    """The words right after a count make it a referral depth ("levels deep", "层级的下线")."""
    depth = _compiled(str(spec.params.get(f"depth_after_{lang}", "")))
    return depth is not None and depth.match(text, end, min(len(text), end + 40)) is not None


def _has_context(scan: Scan, spec: FlagSpec, start: int, end: int, lang: str) -> bool:
    cues = spec.context.get(lang)
    if cues is None:
        return True
    return cue_near(scan, cues, start, end, RADII[lang].extractor) is not None


@extractor("rank_count", rules=(EN_COUNTED, EN_RANGE, ZH_COUNTED, ZH_RANGE))
def extract_rank_counts(doc: Document, spec: FlagSpec, scan: Scan) -> Iterator[Candidate]:
    """Yield counted ranks or levels with a rank/sales context."""
    low_limit = int(spec.params.get("min_ranks", 3))
    high_limit = int(spec.params.get("max_ranks", 30))
    if doc.has_latin:
        for match in scan.finditer(EN_COUNTED):
            count = _value(match["num"])
            if count is None or not low_limit <= count <= high_limit:
                continue
            if _is_depth(spec, scan.text, match.end(), "en"):
                continue
            strong = match["noun"].lower() in _STRONG_NOUNS
            if strong or _has_context(scan, spec, match.start(), match.end(), "en"):
                yield Candidate(match.start(), match.end(), "en.counted", 0.9 if strong else 0.7,
                                "en", count, "ranks", f"{count} ranks or levels")
        for match in scan.finditer(EN_RANGE):
            first, last = int(match["a"]), int(match["b"])
            count = last - first + 1
            if first > 1 or not low_limit <= count <= high_limit:
                continue
            if _has_context(scan, spec, match.start(), match.end(), "en"):
                yield Candidate(match.start(), match.end(), "en.range", 0.8, "en", count,
                                "ranks", f"rank ladder {match.group()} -> {count} ranks")
    if doc.has_han:
        for match in scan.finditer(ZH_COUNTED):
            count = int(match["num"])
            if not low_limit <= count <= high_limit or _is_depth(spec, scan.text, match.end(), "zh"):
                continue
            strong = match["noun"] in _STRONG_NOUNS_ZH
            if strong or _has_context(scan, spec, match.start(), match.end(), "zh"):
                yield Candidate(match.start(), match.end(), "zh.counted", 0.8, "zh", count,
                                "ranks", f"{count} 个等级")
        for match in scan.finditer(ZH_RANGE):
            first, last = int(match["a"]), int(match["b"])
            count = last - first + 1
            if first > 1 or not low_limit <= count <= high_limit:
                continue
            if not match["prefix"] and match["noun"] not in "星级":
                continue
            if _has_context(scan, spec, match.start(), match.end(), "zh"):
                end = match.end() if match["noun"] in "星级" else match.end("b")
                yield Candidate(match.start(), end, "zh.range", 0.8, "zh", count, "ranks",
                                f"等级 {first}-{last} -> {count} 级")
