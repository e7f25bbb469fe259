"""Feature matrix over the red-flag registry: a scikit-learn compatible transformer.

One feature per concept, not per language: English and Chinese evidence of a flag feed the same
columns. Names are ASCII ``<flag_id>__<stat>``; document-level columns start with ``doc__``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from .document import Document
from .engine import FlagReport, Registry, analyse, default_registry

FLAG_STATS = ("any", "count", "strength", "negated", "value", "density")
DOC_FEATURES = (
    "doc__lang_zh", "doc__lang_mixed", "doc__log_chars", "doc__n_red_flags", "doc__n_families",
    "doc__percent_per_kchar", "doc__digit_share", "doc__edited_share",
)
COUNT_CAP = 20
_PERCENT = re.compile(r"%")
_DIGIT = re.compile(r"\d")


def feature_names(registry: Registry) -> list[str]:
    """All column names, in matrix order, for ``registry``."""
    names = [f"{spec.id}__{stat}" for spec in registry for stat in FLAG_STATS]
    return names + list(DOC_FEATURES)


def _numeric(value: object) -> float:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float) and math.isfinite(value):
        return float(min(value, 1e6))
    return math.nan


def document_row(doc: Document, report: FlagReport, registry: Registry) -> np.ndarray:
    """The feature vector of one analysed document."""
    kchars = max(len(doc.text), 1) / 1000
    row: list[float] = []
    red_flags = 0
    families: set[str] = set()
    for spec, result in zip(registry, report.results, strict=True):
        count = min(result.count, COUNT_CAP)
        row.extend((
            float(result.fired),
            float(count),
            result.strength,
            float(min(result.negated_count, COUNT_CAP)),
            _numeric(result.value),
            result.count / kchars if kchars >= 1 else float(result.count),
        ))
        if result.fired and spec.kind == "red_flag":
            red_flags += 1
            families.add(spec.family)
    sample = doc.text[:50_000]
    row.extend((
        float(doc.language == "zh"),
        float(doc.language == "mixed"),
        math.log1p(len(doc.raw)),
        float(red_flags),
        float(len(families)),
        len(_PERCENT.findall(sample)) / max(len(sample), 1) * 1000,
        len(_DIGIT.findall(sample)) / max(len(sample), 1),
        0.0 if doc.offsets.is_identity else abs(len(doc.raw) - len(doc.text)) / max(len(doc.raw), 1),
    ))
    return np.asarray(row, dtype=np.float64)


def featurize(texts: Sequence[str], registry: Registry) -> tuple[np.ndarray, list[str]]:
    """Flag and document features of ``texts``, plus their normalised case-folded views.

    The folded views feed the text channel, so each text is normalised only once.
    """
    rows, folded = [], []
    for text in texts:
        doc = Document.from_text(str(text))
        rows.append(document_row(doc, analyse(doc, registry), registry))
        folded.append(doc.folded)
    width = len(feature_names(registry))
    matrix = np.vstack(rows) if rows else np.zeros((0, width))
    return matrix, folded


class FlagFeaturizer(TransformerMixin, BaseEstimator):
    """Turn texts into the red-flag feature matrix.

    Parameters
    ----------
    catalogue_dir : str or None
        Catalogue folder; the shipped catalogue when None.

    Examples
    --------
    >>> featurizer = FlagFeaturizer().fit(["x"])
    >>> matrix = featurizer.transform(["Guaranteed 2% daily returns"])
    >>> matrix.shape[0], "guaranteed_returns__any" in featurizer.get_feature_names_out()
    (1, True)
    """

    def __init__(self, catalogue_dir: str | None = None) -> None:
        self.catalogue_dir = catalogue_dir

    def _registry(self) -> Registry:
        return default_registry() if self.catalogue_dir is None else Registry.load(self.catalogue_dir)

    def fit(self, texts: Iterable[str] | None = None, y: object = None) -> FlagFeaturizer:
        """Record the registry's feature names (no learning happens here)."""
        registry = self._registry()
        self.registry_ = registry
        self.feature_names_out_ = np.asarray(feature_names(registry), dtype=object)
        self.n_features_out_ = len(self.feature_names_out_)
        return self

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        """Feature matrix of ``texts`` (one row per text)."""
        return featurize(texts, self.registry_)[0]

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        """ASCII feature names ``<flag_id>__<stat>`` and ``doc__*``."""
        return self.feature_names_out_
