"""Evidence spans of an assessment as escaped HTML with ``<mark>`` around each span.

Shared by the app and the case report. Works on the JSON-safe dict of an assessment
(``Assessment.to_dict()``), so a single text, a batch row and an ``--explain`` line render the
same way. The text is hostile: everything is escaped, and spans come from offsets into the
exact string shown.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

__all__ = ["FLAT", "PRIORITY", "STYLE", "Span", "highlight_html", "spans_from_flags",
           "spans_from_wording"]

STYLE = {
    "raise": "background:#fde68a;color:#111827;border-radius:3px;padding:0 1px",
    "lower": "background:#bfdbfe;color:#111827;border-radius:3px;padding:0 1px",
    "flat": ("background:#fef9c3;color:#111827;border-radius:3px;padding:0 1px;"
             "border-bottom:1px dashed #a16207"),
    "neg": ("background:#e5e7eb;color:#6b7280;text-decoration:line-through;"
            "border-radius:3px;padding:0 1px"),
    "wording": "background:transparent;color:inherit;border-bottom:2px dotted #b91c1c",
}
PRIORITY = ("raise", "lower", "flat", "neg", "wording")
"""When spans overlap, the piece takes the first of these styles among those covering it."""
FLAT = 0.005
"""Contributions smaller than this (log-odds) neither raise nor lower the score."""


@dataclass(frozen=True, slots=True)
class Span:
    """One piece of evidence to highlight: a half-open span of the raw text.

    ``style`` is ``raise`` (supports a flag that raises risk), ``lower`` (a flag that lowers it,
    e.g. a disclaimer), ``flat`` (a flag found that barely moves the score), ``neg`` (negated
    evidence, cleared by "not", "不") or ``wording`` (an n-gram of the wording model that pushes
    the score up); ``title`` is the tooltip.
    """

    start: int
    end: int
    style: str
    title: str


def _effect(contribution: float) -> str:
    if contribution >= FLAT:
        return "raise"
    return "lower" if contribution <= -FLAT else "flat"


def spans_from_flags(flags: Iterable[Mapping], lang: str = "en") -> list[Span]:
    """The evidence of an assessment's flags as :class:`Span` objects.

    Parameters
    ----------
    flags : iterable of dict
        ``assessment["flags"]``: each with ``name_en``, ``name_zh``, ``contribution`` and
        ``evidence`` (dicts with ``start``, ``end``, ``negated``, ``note``, ``rule_id``).
    lang : str
        Language of the tooltips.

    Returns
    -------
    list of Span
    """
    spans = []
    for flag in flags:
        name = flag.get("name_zh" if lang == "zh" else "name_en") or flag.get("id", "")
        effect = _effect(float(flag.get("contribution") or 0.0))
        for evidence in flag.get("evidence") or ():
            style = "neg" if evidence.get("negated") else effect
            note = evidence.get("note") or evidence.get("rule_id") or ""
            title = f"{name}: {note}" if note else str(name)
            spans.append(Span(int(evidence["start"]), int(evidence["end"]), style, title))
    return spans


def spans_from_wording(wording: Mapping | None, label: str = "wording") -> list[Span]:
    """The raw-text spans of the wording n-grams that push the score up (``wording["up"]``).

    Parameters
    ----------
    wording : dict or None
        ``assessment["wording"]`` (``WordingExplanation.to_dict()``).
    label : str
        Tooltip prefix, e.g. ``wording model``.

    Returns
    -------
    list of Span
    """
    spans = []
    for term in (wording or {}).get("up") or ():
        title = f"{label}: “{str(term.get('ngram', '')).strip()}” {float(term['contribution']):+.3f}"
        for span in term.get("spans") or ():
            spans.append(Span(int(span["start"]), int(span["end"]), "wording", title))
    return spans


def highlight_html(text: str, spans: Sequence[Span], styles: Mapping[str, str] | None = None,
                   block_style: str = "") -> str:
    """The text as one HTML block with every span wrapped in ``<mark>``.

    The text is HTML-escaped; spans come from offsets into this exact string. Overlapping spans
    are split at every span edge, and each piece takes the strongest style of the spans that
    cover it (see :data:`PRIORITY`) and all their tooltips. Spans outside the text are clipped;
    empty spans are dropped. Line breaks become ``<br>`` so the block has no blank line (which
    would end an HTML block in Markdown).

    Parameters
    ----------
    text : str
        The original text.
    spans : sequence of Span
        Evidence spans (offsets into ``text``).
    styles : mapping, optional
        Inline CSS per style (default :data:`STYLE`); an empty mapping writes classes only.
    block_style : str
        Inline CSS of the enclosing ``<div class="pd-text">``.

    Returns
    -------
    str
        ``<div class="pd-text" ...>...</div>``.
    """
    styles = STYLE if styles is None else styles
    size = len(text)
    clipped = []
    for span in spans:
        start, end = max(0, min(span.start, size)), max(0, min(span.end, size))
        if end > start:
            clipped.append(Span(start, end, span.style, span.title))
    edges = sorted({0, size, *(s.start for s in clipped), *(s.end for s in clipped)})
    parts = []
    for left, right in pairwise(edges):
        piece = _escape_text(text[left:right])
        covering = [s for s in clipped if s.start <= left and s.end >= right]
        if not covering:
            parts.append(piece)
            continue
        style = min((s.style for s in covering),
                    key=lambda s: PRIORITY.index(s) if s in PRIORITY else len(PRIORITY))
        titles = " | ".join(dict.fromkeys(s.title for s in covering))
        css = styles.get(style, "")
        inline = f' style="{html.escape(css, quote=True)}"' if css else ""
        parts.append(f'<mark class="pd-{html.escape(style, quote=True)}"{inline} '
                     f'title="{html.escape(titles, quote=True)}">{piece}</mark>')
    attribute = f' style="{html.escape(block_style, quote=True)}"' if block_style else ""
    return f'<div class="pd-text"{attribute}>{"".join(parts)}</div>'


def _escape_text(text: str) -> str:
    escaped = html.escape(text, quote=False)
    return escaped.replace("\r\n", "<br>").replace("\r", "<br>").replace("\n", "<br>")
