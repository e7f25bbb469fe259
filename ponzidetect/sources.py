"""Where a labelled text comes from, for leave-one-source-out evaluation.

A *source* is a body of texts that could be missing from training in real use: each real-dev
file (its rows carry a ``source`` field, e.g. ``project_pages``) and, inside the team's corpus,
each family of forms (pitches, pages and documents, case accounts, warnings, other). Holding a
whole source out and training on the rest is the honest estimate of how the model does on a
kind of text it has not seen.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

GENRE_FAMILY = {
    "chat_message": "pitches", "promotion_post": "pitches",
    "project_page": "pages", "product_page": "pages", "whitepaper_excerpt": "pages",
    "terms": "pages", "contract_comment": "pages",
    "news_report": "case_accounts", "case_facts": "case_accounts", "enforcement": "case_accounts",
    "complaint": "case_accounts",
    "warning": "warnings",
    "other": "other",
}
"""Corpus genres grouped into the families held out together."""


def source_of(row: pd.Series) -> str:
    """The source name of one labelled row.

    Rows with a ``source`` field (real-dev files) use it; corpus rows are ``corpus:<family>``
    of their genre (``corpus:unknown`` for a genre outside :data:`GENRE_FAMILY`).
    """
    source = str(row.get("source") or "")
    if source:
        return source
    return "corpus:" + GENRE_FAMILY.get(str(row.get("genre") or ""), "unknown")


def source_names(frame: pd.DataFrame) -> np.ndarray:
    """:func:`source_of` for every row of a :class:`~ponzidetect.dataset.LabelledData` frame."""
    return np.asarray([source_of(row) for _, row in frame.iterrows()], dtype=object)


def held_out_split(sources: np.ndarray, groups: np.ndarray, source: str) -> tuple[np.ndarray, np.ndarray]:
    """Train and test row indices when ``source`` is held out.

    The test rows are the source's rows; training rows are every other row whose group does not
    occur in the test rows, so a scheme family is never on both sides (a DBTC court text held
    out means no DBTC pitch in training either).

    Examples
    --------
    >>> sources = np.array(["a", "a", "b", "b"], dtype=object)
    >>> groups = np.array(["g1", "g2", "g1", "g3"], dtype=object)
    >>> train, test = held_out_split(sources, groups, "a")
    >>> train.tolist(), test.tolist()
    ([3], [0, 1])
    """
    test = sources == source
    held_groups = set(groups[test].tolist())
    train = ~test & ~np.isin(groups, list(held_groups))
    return np.flatnonzero(train), np.flatnonzero(test)
