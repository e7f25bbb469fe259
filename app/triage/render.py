"""Plain rendering functions (no Streamlit): evidence highlighting, flag tables, value formats.

They work on the JSON-safe dict of an assessment (``Assessment.to_dict()``, or the
``assessment`` column of ``Detector.score_frame(explain=True)``), so a single text and a batch
row are shown the same way.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from functools import cache

import pandas as pd

from ponzidetect.display import format_probability
from ponzidetect.display import format_value as _format_value
from ponzidetect.highlight import FLAT, STYLE, Span, spans_from_flags, spans_from_wording
from ponzidetect.highlight import highlight_html as _highlight_html

from .i18n import has, t

__all__ = ["FLAT", "RISK_COLOURS", "STYLE", "Span", "highlight_html", "spans_from_flags",
           "spans_from_wording"]

RISK_COLOURS = {"low": "#15803d", "medium": "#c2410c", "high": "#b91c1c"}
TEXT_STYLE = ("white-space:pre-wrap;line-height:1.75;border:1px solid rgba(128,128,128,.35);"
              "border-radius:6px;padding:.75rem 1rem;max-height:32rem;overflow-y:auto")


# --------------------------------------------------------------------------------------------
# Highlighting (the shared highlighter of ponzidetect.highlight, in the app's frame)
# --------------------------------------------------------------------------------------------


def highlight_html(text: str, spans: Sequence[Span]) -> str:
    """The text as one escaped HTML block with every span in a ``<mark>`` (see
    :func:`ponzidetect.highlight.highlight_html`), framed and scrollable for the page."""
    return _highlight_html(text, spans, block_style=TEXT_STYLE)


def legend_html(lang: str = "en") -> str:
    """One line explaining the three highlight styles."""
    return t("legend", lang, **{"raise": STYLE["raise"], "lower": STYLE["lower"],
                                "flat": STYLE["flat"], "neg": STYLE["neg"]})


# --------------------------------------------------------------------------------------------
# Values, bands, tables
# --------------------------------------------------------------------------------------------


def format_value(value: object, unit: str | None, lang: str = "en") -> str:
    """A flag's parsed value with its unit, for people: ``730% a year``, ``10 ranks``, ``3 CNY``."""
    return _format_value(value, unit, lang)


def risk_label(risk: str, lang: str = "en") -> str:
    """``High risk`` / ``高风险``; rows that failed show ``error``."""
    return t(f"risk_{risk}", lang) if risk in RISK_COLOURS else t("risk_error", lang)


def risk_badge_html(risk: str, probability: float, lang: str = "en") -> str:
    """A coloured badge with the band and the probability."""
    colour = RISK_COLOURS.get(risk, "#4b5563")
    return (f'<div class="pd-risk pd-risk-{html.escape(risk)}" style="display:inline-block;'
            f'background:{colour};color:#fff;font-weight:600;font-size:1.2rem;'
            f'padding:.3rem .9rem;border-radius:.4rem">{html.escape(risk_label(risk, lang))} · '
            f'{format_probability(probability)}</div>')


def flag_name(flag: Mapping, lang: str = "en") -> str:
    """A flag's display name in the UI language."""
    return str(flag.get("name_zh" if lang == "zh" else "name_en") or flag.get("id", ""))


def shown_flags(assessment: Mapping) -> list[Mapping]:
    """Flags with evidence in the text (fired, or only negated), strongest contribution first."""
    flags = [f for f in assessment.get("flags") or () if f.get("fired") or f.get("evidence")]
    return sorted(flags, key=lambda f: (-float(f.get("contribution") or 0.0), f.get("id", "")))


def flag_table(assessment: Mapping, lang: str = "en", max_evidence: int = 3) -> pd.DataFrame:
    """One row per flag with evidence, strongest contribution first, with localised headers.

    Columns: flag name, contribution (log-odds), parsed value with unit, kind, and
    up to ``max_evidence`` evidence snippets (negated ones struck through with ``~``).
    """
    rows = []
    for flag in shown_flags(assessment):
        evidence = flag.get("evidence") or ()
        snippets = [f"“{e['text']}”" + (" ✗" if e.get("negated") else "")
                    for e in evidence[:max_evidence]]
        if len(evidence) > max_evidence:
            snippets.append(f"+{len(evidence) - max_evidence}")
        contribution = float(flag.get("contribution") or 0.0)
        rows.append({
            t("col_flag", lang): flag_name(flag, lang),
            t("col_contribution", lang): round(contribution, 3),
            t("col_value", lang): format_value(flag.get("value"), flag.get("unit"), lang),
            t("col_kind", lang): t(f"kind_{flag.get('kind', 'red_flag')}", lang),
            t("col_evidence", lang): "  ".join(snippets),
            t("col_id", lang): flag.get("id", ""),
        })
    columns = [t(key, lang) for key in ("col_flag", "col_contribution", "col_value", "col_kind",
                                        "col_evidence", "col_id")]
    return pd.DataFrame(rows, columns=columns)


def contribution_frame(assessment: Mapping, lang: str = "en",
                       min_abs: float = 0.005) -> pd.DataFrame:
    """Per-flag contributions for a bar chart: ``label``, ``contribution``, ``effect``.

    Flags whose contribution is below ``min_abs`` in size are left out; document-level features
    and the text channel (character n-gram wording model) appear as one row each. Sorted
    strongest positive first.
    """
    rows = [(flag_name(f, lang), float(f.get("contribution") or 0.0))
            for f in assessment.get("flags") or ()]
    rows.append((t("other_features", lang), float(assessment.get("other_contribution") or 0.0)))
    rows.append((t("text_channel", lang), float(assessment.get("text_contribution") or 0.0)))
    frame = pd.DataFrame(
        [(label, value, t("effect_raises" if value > 0 else "effect_lowers", lang))
         for label, value in rows if abs(value) >= min_abs],
        columns=["label", "contribution", "effect"])
    return frame.sort_values("contribution", ascending=False, ignore_index=True)


def summary_line(assessment: Mapping, lang: str = "en", top: int = 3) -> str:
    """``High risk (99%). Main signals: ...`` in the UI language."""
    red = [f for f in shown_flags(assessment) if f.get("fired") and f.get("kind") == "red_flag"]
    sep = "、" if lang == "zh" else ", "
    names = sep.join(flag_name(f, lang) for f in red[:top]) or t("summary_none", lang)
    return t("summary_line", lang, band=risk_label(assessment.get("risk", ""), lang),
             prob=format_probability(float(assessment.get("probability") or 0.0)),
             names=names)


def language_label(code: str, lang: str = "en") -> str:
    """``English`` / ``中文`` / ``Mixed``… for a detected language code."""
    return t(f"lang_{code}", lang) if has(f"lang_{code}") else code


def kind_label(kind: str, lang: str = "en") -> str:
    """``Promotion`` / ``推广``… for a text kind."""
    return t(f"kind_{kind}", lang) if has(f"kind_{kind}") else kind


# --------------------------------------------------------------------------------------------
# Catalogue
# --------------------------------------------------------------------------------------------


@cache
def _catalogue() -> tuple:
    import ponzidetect

    return tuple(ponzidetect.default_registry())


def flag_names(lang: str = "en") -> dict[str, str]:
    """``{flag id: display name}`` for every flag of the shipped catalogue."""
    return {spec.id: (spec.name_zh if lang == "zh" else spec.name_en) for spec in _catalogue()}


def catalogue_table(lang: str = "en") -> pd.DataFrame:
    """The red-flag catalogue with localised headers and names."""
    rows = [{
        t("col_id", lang): spec.id,
        t("col_name", lang): spec.name_zh if lang == "zh" else spec.name_en,
        t("col_family", lang): spec.family,
        t("col_kind", lang): t(f"kind_{spec.kind}", lang),
        t("col_version", lang): spec.version,
        t("col_rationale", lang): spec.rationale,
        t("col_sources", lang): "; ".join(spec.sources),
    } for spec in _catalogue()]
    return pd.DataFrame(rows)
