"""Explain the wording channel: which character n-grams moved it, and where they are in the text.

The wording channel is a logistic regression over hashed character 2-4-grams (TF-IDF weighted,
see :mod:`ponzidetect.text_channel`). Its log-odds are the intercept plus one term per hashed
feature: ``coef[j] * tfidf[j]``. This module re-enumerates the text's n-grams exactly as
scikit-learn's ``char_wb`` analyzer does, with their positions, so every term is split over the
n-grams that hashed to it (by count) and every n-gram is shown as spans of the original text.
The n-gram contributions plus the (scaled) intercept therefore sum exactly to the channel's
contribution to the risk score (tested).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.utils import murmurhash3_32

from .document import Document
from .text_channel import MAX_CHARS, N_FEATURES, NGRAMS, TextChannel, hashed_counts

_WORD = re.compile(r"\S+")
MAX_SPANS = 3


def _index(gram: str) -> int:
    """The hashed column of ``gram``, as scikit-learn's FeatureHasher computes it."""
    h = murmurhash3_32(gram.encode("utf-8"), seed=0)
    if h == -2147483648:
        return (2147483647 - (N_FEATURES - 1)) % N_FEATURES
    return abs(h) % N_FEATURES


def ngram_occurrences(folded: str) -> list[tuple[str, int, int]]:
    """Every ``char_wb`` n-gram of ``folded`` with its span in ``folded``.

    Same n-grams, in the same multiplicity, as ``HashingVectorizer(analyzer="char_wb")`` over
    the first :data:`~ponzidetect.text_channel.MAX_CHARS` characters (word padding spaces are
    not part of a span).

    Examples
    --------
    >>> [g for g, _, _ in ngram_occurrences("ab")]
    [' a', 'ab', 'b ', ' ab', 'ab ', ' ab ']
    """
    text = folded[:MAX_CHARS]
    found: list[tuple[str, int, int]] = []
    low, high = NGRAMS
    for word in _WORD.finditer(text):
        padded = " " + word.group() + " "
        size, start = len(padded), word.start()
        for n in range(low, high + 1):
            offset = 0
            while True:
                gram = padded[offset:offset + n]
                found.append((gram, start + max(offset, 1) - 1,
                              start + min(offset + n, size - 1) - 1))
                if offset + n >= size:
                    break
                offset += 1
            if offset == 0:
                break
    return found


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
    """
    counts = hashed_counts([doc.folded])
    weighted = channel.weighted(counts)
    columns = weighted.indices
    terms_by_column = dict(zip(columns.tolist(), (weighted.data * channel.coef64[columns]).tolist(),
                               strict=True))
    count_by_column = dict(zip(counts.indices.tolist(), counts.data.tolist(), strict=True))
    spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    grams: dict[str, int] = defaultdict(int)
    column_of: dict[str, int] = {}
    for gram, start, end in ngram_occurrences(doc.folded):
        grams[gram] += 1
        column_of.setdefault(gram, _index(gram))
        if len(spans[gram]) < MAX_SPANS and end > start:
            raw_start, raw_end = doc.raw_span(start, end)
            spans[gram].append((raw_start, raw_end, doc.raw[raw_start:raw_end]))
    logit = channel.intercept + float(np.sum(list(terms_by_column.values())))
    total = float(contribution(logit))
    scale = total / logit if logit else 0.0
    terms = []
    for gram, count in grams.items():
        column = column_of[gram]
        share = terms_by_column.get(column, 0.0) * count / count_by_column[column]
        terms.append(WordingTerm(gram, share * scale, count, tuple(spans[gram])))
    terms.sort(key=lambda t: (-abs(t.contribution), t.ngram))
    return WordingExplanation(logit=logit, contribution=total,
                              baseline=channel.intercept * scale, terms=tuple(terms))
