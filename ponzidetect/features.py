"""The evidence feature matrix: one builder for training and scoring, with named column slices.

One feature per concept, not per language: English and Chinese evidence of a flag feed the same
columns. Names are ASCII ``<flag_id>__<stat>``; document-level columns start with ``doc__``.
:class:`FeatureLayout` knows, for the registry it was built from, which columns belong to which
flag, to the red flags, to the context flags and to the document, so callers never split names.

Only evidence goes in: what the catalogue found, how often, how strongly, its parsed values, the
language and length of the text. The wording channel (character n-grams) is kept outside this
matrix on purpose (see :mod:`ponzidetect.model`), so the booster's decisions rest on evidence.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .document import Document
from .engine import FlagReport, Registry, analyse

FLAG_STATS = ("any", "count", "strength", "negated", "value", "density")
DOC_FEATURES = ("doc__lang_zh", "doc__lang_mixed", "doc__log_chars", "doc__n_red_flags",
                "doc__n_families")
COUNT_CAP = 20
RISING_STATS = frozenset({"any", "count", "strength", "density"})
OFFER_FLAGS = frozenset({
    "high_periodic_returns", "guaranteed_returns", "fixed_payout_multiple", "cloud_mining_payout",
    "yield_game", "bot_profit_promise", "multilevel_referral", "referrer_binding",
    "recruiting_over_product", "payout_from_newcomers", "static_dynamic_income",
    "fixed_token_price", "node_sale_dividends", "entry_package",
})
"""Red flags that state the offer itself (DOMAIN.md's positive: fixed or guaranteed returns on a
deposit, pay for recruiting, payouts from later participants, an operator-set price, paying to
join). The others (urgency, testimonials, authority and offshore claims, figureheads, tours, an
opaque engine, rank ladders, withdrawal limits) support a case but do not make an offer: the
``offer`` evidence gate needs one of these for the high band."""
GATES = ("any", "offer")
_EMPTY_FLAG_ROW = (0.0, 0.0, 0.0, 0.0, math.nan, 0.0)
"""The statistics of a flag that found nothing (in :data:`FLAG_STATS` order)."""


def _numeric(value: object) -> float:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float) and math.isfinite(value):
        return float(min(value, 1e6))
    return math.nan


@dataclass(frozen=True)
class FeatureLayout:
    """Column names and named slices of the evidence matrix for one registry.

    Parameters
    ----------
    registry : Registry
        The catalogue; its flag order is the column order.

    Examples
    --------
    >>> from ponzidetect.engine import default_registry
    >>> layout = FeatureLayout(default_registry())
    >>> layout.names[layout.flag("guaranteed_returns")][0]
    'guaranteed_returns__any'
    >>> layout.names[layout.doc][0]
    'doc__lang_zh'
    """

    registry: Registry

    @cached_property
    def names(self) -> tuple[str, ...]:
        """All column names, in matrix order."""
        flags = [f"{spec.id}__{stat}" for spec in self.registry for stat in FLAG_STATS]
        return tuple(flags + list(DOC_FEATURES))

    def flag(self, flag_id: str) -> slice:
        """The columns of one flag."""
        index = self.registry.ids.index(flag_id)
        return slice(index * len(FLAG_STATS), (index + 1) * len(FLAG_STATS))

    @property
    def doc(self) -> slice:
        """The document-level columns."""
        start = len(self.registry) * len(FLAG_STATS)
        return slice(start, start + len(DOC_FEATURES))

    @cached_property
    def red_flag_ids(self) -> tuple[str, ...]:
        """Ids of flags of kind ``red_flag``."""
        return tuple(spec.id for spec in self.registry if spec.kind == "red_flag")

    @cached_property
    def context_ids(self) -> tuple[str, ...]:
        """Ids of flags of kind ``context`` (they tell the voice of a text, never raise risk)."""
        return tuple(spec.id for spec in self.registry if spec.kind == "context")

    @cached_property
    def red_flag_columns(self) -> np.ndarray:
        """Column indices of every red-flag feature."""
        return np.concatenate([np.arange(len(self.names))[self.flag(i)] for i in self.red_flag_ids])

    @cached_property
    def offer_columns(self) -> np.ndarray:
        """The ``__any`` column of every red flag in :data:`OFFER_FLAGS` (the offer gate)."""
        any_offset = FLAG_STATS.index("any")
        return np.asarray([self.flag(i).start + any_offset for i in self.red_flag_ids
                           if i in OFFER_FLAGS], dtype=np.intp)

    def monotone_constraints(self) -> list[int]:
        """Per column: +1 more red-flag evidence never lowers the risk; -1 context cues
        (reporting, warning, disclaimer, call to action) never raise it; 0 otherwise.

        A flag's parsed value is constrained upward only where its flag file says a bigger value
        means riskier (``params.monotone_value``: the annualised rate, the number of ranks...).
        """
        constraints = []
        for spec in self.registry:
            for stat in FLAG_STATS:
                if spec.kind == "red_flag":
                    rising = stat in RISING_STATS or (
                        stat == "value" and bool(spec.params.get("monotone_value")))
                    constraints.append(1 if rising else 0)
                else:
                    constraints.append(-1 if stat in RISING_STATS else 0)
        rising_doc = {"doc__n_red_flags", "doc__n_families"}
        return constraints + [1 if name in rising_doc else 0 for name in DOC_FEATURES]

    def row(self, doc: Document, report: FlagReport) -> np.ndarray:
        """The feature vector of one analysed document."""
        kchars = max(len(doc.text), 1) / 1000
        values: list[float] = []
        red_flags = 0
        families: set[str] = set()
        for spec, result in zip(self.registry, report.results, strict=True):
            if not result.count and not result.negated_count and result.value is None:
                values.extend(_EMPTY_FLAG_ROW)  # most flags find nothing in most texts
                continue
            values.extend((
                float(result.fired),
                float(min(result.count, COUNT_CAP)),
                result.strength,
                float(min(result.negated_count, COUNT_CAP)),
                _numeric(result.value),
                result.count / kchars if kchars >= 1 else float(result.count),
            ))
            if result.fired and spec.kind == "red_flag":
                red_flags += 1
                families.add(spec.family)
        values.extend((
            float(doc.language == "zh"),
            float(doc.language == "mixed"),
            math.log1p(len(doc.raw)),
            float(red_flags),
            float(len(families)),
        ))
        return np.asarray(values, dtype=np.float64)

    def matrix(self, docs: Sequence[Document], reports: Sequence[FlagReport]) -> np.ndarray:
        """Feature rows of analysed documents, stacked (shape ``(len(docs), len(names))``)."""
        if not docs:
            return np.zeros((0, len(self.names)))
        return np.vstack([self.row(doc, report) for doc, report in zip(docs, reports, strict=True)])


def analyse_texts(texts: Sequence[str], registry: Registry) -> tuple[list[Document], list[FlagReport]]:
    """Build each text's :class:`Document` once and run the catalogue on it."""
    docs = [Document.from_text(str(text)) for text in texts]
    return docs, [analyse(doc, registry) for doc in docs]


def gate_mask(matrix: np.ndarray, layout: FeatureLayout, gate: str = "offer") -> np.ndarray:
    """Per row, whether the evidence lets the text reach the high band.

    ``any``: at least one red flag fired; ``offer``: at least one of :data:`OFFER_FLAGS` fired
    (flags of the registry that are not in the set never open the gate).
    """
    if gate not in GATES:
        raise ValueError(f"gate must be one of {GATES}, not {gate!r}")
    if gate == "any":
        return matrix[:, layout.names.index("doc__n_red_flags")] > 0
    columns = layout.offer_columns
    return matrix[:, columns].max(axis=1) > 0 if columns.size else np.zeros(len(matrix), dtype=bool)
