"""How results read for people, in English and Chinese: probabilities, values, bands, kinds.

One place for these so the app, the CLI and the case report show the same thing the same way
(``99.9%`` in the badge, the metric, the table and the report alike).
"""

from __future__ import annotations

import math

from .assessment import BAND_ZH
from .text_kind import KIND_NAMES

__all__ = ["band_label", "format_probability", "format_value", "kind_label", "language_label"]

UNITS = {
    "%/year": ("{v:g}% a year", "年化 {v:g}%"),
    "x deposit": ("{v:g}× the deposit", "本金的 {v:g} 倍"),
    "ranks": ("{v:g} ranks", "{v:g} 个级别"),
    "places": ("{v:g} places", "{v:g} 个地点"),
    "distinct": ("{v:g} distinct", "{v:g} 个不同项"),
}
LANGUAGES = {"en": ("English", "英文"), "zh": ("Chinese", "中文"), "mixed": ("Mixed", "中英混合"),
             "und": ("Undetermined", "未识别")}


def format_probability(probability: float | None) -> str:
    """A probability as a percentage with one decimal that never rounds to a certainty.

    Examples
    --------
    >>> format_probability(0.9996), format_probability(0.5), format_probability(0.00001)
    ('>99.9%', '50.0%', '<0.1%')
    >>> format_probability(None)
    '—'
    """
    if probability is None or (isinstance(probability, float) and math.isnan(probability)):
        return "—"
    value = float(probability)
    if value >= 0.9995:
        return ">99.9%"
    if value < 0.0005:
        return "<0.1%"
    return f"{value:.1%}"


def format_value(value: object, unit: str | None, lang: str = "en") -> str:
    """A flag's parsed value with its unit: ``730% a year``, ``10 个级别``, ``3 CNY``.

    Examples
    --------
    >>> format_value(730.0, "%/year"), format_value(10, "ranks", "zh"), format_value(None, "CNY")
    ('730% a year', '10 个级别', '')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if unit in UNITS:
            english, chinese = UNITS[unit]
            return (chinese if lang == "zh" else english).format(v=value)
        number = f"{value:,g}"
        return f"{number} {unit}" if unit else number
    return f"{value} {unit}" if unit else str(value)


def band_label(band: str, lang: str = "en") -> str:
    """``High risk`` / ``高风险``; anything else (a failed row) reads ``error`` / ``出错``."""
    if band not in BAND_ZH:
        return "出错" if lang == "zh" else "error"
    return f"{BAND_ZH[band]}风险" if lang == "zh" else f"{band.capitalize()} risk"


def kind_label(kind: str, lang: str = "en") -> str:
    """The text kind for people: ``case account (news, court, police, complaint)`` / ``案件叙述…``."""
    english, chinese = KIND_NAMES.get(kind, (kind, kind))
    return chinese if lang == "zh" else english


def language_label(code: str, lang: str = "en") -> str:
    """``English`` / ``中文`` / ``Mixed``… for a detected language code."""
    english, chinese = LANGUAGES.get(code, (code, code))
    return chinese if lang == "zh" else english
