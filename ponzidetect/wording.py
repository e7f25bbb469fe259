"""Explain the wording channel: which character n-grams moved it, and where they are in the text.

The wording channel is a logistic regression over hashed character 2-4-grams (TF-IDF weighted,
see :mod:`ponzidetect.text_channel`). Its log-odds are the intercept plus one term per hashed
feature: ``coef[j] * tfidf[j]``. :func:`~ponzidetect.text_channel.ngram_spans` gives every
n-gram occurrence's column and position (the same hashing as the channel), so every term is
shown with the n-gram and the spans of the original text behind it.
The n-gram contributions plus the (scaled) intercept therefore sum exactly to the channel's
contribution to the risk score (tested).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .document import Document
from .text_channel import TextChannel, hashed_counts, ngram_spans

MAX_SPANS = 3
SPANNED_TERMS = 60
OTHER_NGRAMS = "(other n-grams)"


@dataclass(frozen=True, slots=True)
class WordingTerm:
    """One n-gram's share of the wording score, with where it occurs in the raw text."""

    ngram: str
    contribution: float
    count: int
    spans: tuple[tuple[int, int, str], ...]

    def to_dict(self) -> dict[str, Any]:
        """A new JSON-safe dict; each span carries the raw text it covers."""
        return {"ngram": self.ngram, "contribution": round(self.contribution, 5),
                "count": self.count,
                "spans": [{"start": s, "end": e, "text": t} for s, e, t in self.spans]}


@dataclass(frozen=True, slots=True)
class WordingExplanation:
    """The wording channel's score for one text, split over its n-grams.

    Attributes
    ----------
    logit : float
        The channel's own log-odds (intercept plus all terms).
    contribution : float
        What the wording adds to the risk score's log-odds (bounded and scaled; see the model).
    baseline : float
        The intercept's share of ``contribution`` (what an empty text would get).
    terms : tuple of WordingTerm
        Every n-gram present, strongest absolute contribution first; contributions are in the
        risk score's units and, with ``baseline``, sum to ``contribution``.
    """

    logit: float
    contribution: float
    baseline: float
    terms: tuple[WordingTerm, ...]

    def top(self, k: int = 8, sign: int = 1, min_gap: int = 0) -> tuple[WordingTerm, ...]:
        """The ``k`` strongest terms pushing up (``sign=1``) or down (``-1``), with
        overlapping n-grams collapsed to the strongest one so a word shows once."""
        chosen: list[WordingTerm] = []
        taken: list[tuple[int, int]] = []
        for term in sorted(self.terms, key=lambda t: -sign * t.contribution):
            if sign * term.contribution <= 0 or len(chosen) >= k:
                break
            if not term.spans:
                continue
            first = term.spans[0][:2] if term.spans else (0, 0)
            if any(first[0] < e + min_gap and s < first[1] + min_gap for s, e in taken):
                continue
            chosen.append(term)
            taken.append(first)
        return tuple(chosen)

    def to_dict(self, k: int = 8) -> dict[str, Any]:
        """JSON-safe: score, contribution and the top terms each way with spans."""
        return {"logit": round(self.logit, 5), "contribution": round(self.contribution, 5),
                "baseline": round(self.baseline, 5),
                "up": [t.to_dict() for t in self.top(k, 1)],
                "down": [t.to_dict() for t in self.top(k, -1)]}


def explain_wording(doc: Document, channel: TextChannel,
                    contribution: Callable[[float], float]) -> WordingExplanation:
    """Split the wording channel's contribution to the risk score of ``doc`` over its n-grams.

    Parameters
    ----------
    doc : Document
        The analysed text (the channel reads ``doc.folded``).
    channel : TextChannel
        The fitted wording channel.
    contribution : callable
        Maps the channel's log-odds to its contribution to the risk log-odds (the model's
        bounded wording term); terms are scaled by ``contribution(logit) / logit``.

    Returns
    -------
    WordingExplanation
        The :data:`SPANNED_TERMS` strongest hashed n-gram columns as terms with their text (the
        first occurrence; n-grams that collide share a column) and spans, plus one
        :data:`OTHER_NGRAMS` term holding the rest, so the terms still sum exactly.
    """
    counts = hashed_counts([doc.folded])
    weighted = channel.weighted(counts)
    present = weighted.indices.astype(np.int64)
    raw_terms = weighted.data * channel.coef64[present]
    logit = channel.intercept + float(raw_terms.sum())
    total = float(contribution(logit))
    scale = total / logit if logit else 0.0
    columns, starts, ends = ngram_spans(doc.folded)
    order = np.argsort(columns, kind="stable")
    columns, starts, ends = columns[order], starts[order], ends[order]
    first = np.searchsorted(columns, present)
    last = np.searchsorted(columns, present, side="right")
    ranked = np.argsort(-np.abs(raw_terms), kind="stable")
    terms = []
    for position in ranked[:SPANNED_TERMS].tolist():
        low, high = int(first[position]), int(last[position])
        spans = []
        for occurrence in range(low, min(high, low + MAX_SPANS)):
            raw_start, raw_end = doc.raw_span(int(starts[occurrence]), int(ends[occurrence]))
            spans.append((raw_start, raw_end, doc.raw[raw_start:raw_end]))
        terms.append(WordingTerm(doc.folded[starts[low]:ends[low]],
                                 float(raw_terms[position]) * scale, high - low, tuple(spans)))
    rest = ranked[SPANNED_TERMS:]
    if len(rest):
        occurrences = int((last[rest] - first[rest]).sum())
        terms.append(WordingTerm(OTHER_NGRAMS, float(raw_terms[rest].sum()) * scale, occurrences, ()))
    return WordingExplanation(logit=logit, contribution=total,
                              baseline=channel.intercept * scale, terms=tuple(terms))
