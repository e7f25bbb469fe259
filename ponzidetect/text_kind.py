"""The voice of a text: promotion, case account, warning, documentation or other.

Risk says whether a text promotes or describes a Ponzi-like offer; the *kind* says who is
speaking, so an investigator can keep live promotions apart from news, court and police
accounts of a busted scheme, from warnings and from product documentation. It is a measured
classifier of its own (one-vs-rest logistic regressions over the same hashed character n-grams
as the wording channel, folded into a smaller space; liblinear keeps training to seconds),
trained on the corpus's ``kind`` labels, with its grouped cross-validated accuracy per kind and
language recorded in the model's metadata. Saved as ``.npy`` arrays (no pickle).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from .text_channel import tfidf_rows

KINDS = ("promotion", "case_account", "warning", "documentation", "other")
KIND_NAMES = {
    "promotion": ("promotion", "推广"),
    "case_account": ("case account (news, court, police, complaint)", "案件叙述（新闻、司法、通报、投诉）"),
    "warning": ("warning or education", "风险警示/教育"),
    "documentation": ("product or project documentation", "产品/项目文档"),
    "other": ("other", "其他"),
}
GENRE_KIND = {
    "project_page": "promotion", "promotion_post": "promotion", "chat_message": "promotion",
    "contract_pitch": "promotion", "pump_signal": "promotion", "trading_signal": "promotion",
    "news_report": "case_account", "case_facts": "case_account", "enforcement": "case_account",
    "complaint": "case_account", "warning": "warning", "product_page": "documentation",
    "whitepaper": "documentation", "whitepaper_excerpt": "documentation",
    "terms": "documentation", "other": "other",
}
"""The kind of rows that carry no ``kind`` label (real-dev files), from their genre."""
FOLD_FEATURES = 2**16
C = 8.0
IDF_FILE = "kind_idf.npy"
COEF_FILE = "kind_coef.npy"
INTERCEPT_FILE = "kind_intercept.npy"


def kind_labels(kinds: Sequence[str], genres: Sequence[str]) -> np.ndarray:
    """Each row's kind: its own label, else the kind of its genre, else ``""`` (unknown)."""
    return np.asarray([k if k in KINDS else GENRE_KIND.get(g, "") for k, g in
                       zip(kinds, genres, strict=True)], dtype=object)


def _fold(counts: sparse.csr_matrix) -> sparse.csr_matrix:
    folded = sparse.csr_matrix((counts.data.copy(), counts.indices % FOLD_FEATURES,
                                counts.indptr.copy()), shape=(counts.shape[0], FOLD_FEATURES))
    folded.sum_duplicates()
    return folded


def _weighted(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    return tfidf_rows(_fold(counts), idf)


@dataclass(frozen=True)
class KindModel:
    """Fitted idf, per-kind coefficients and intercepts."""

    idf: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    classes: tuple[str, ...] = KINDS

    @classmethod
    def fit(cls, counts: sparse.csr_matrix, kinds: np.ndarray, seed: int) -> KindModel:
        """Fit on hashed n-gram counts of rows with a known kind."""
        from sklearn.linear_model import LogisticRegression  # training only: slow to import

        folded = _fold(counts)
        frequency = np.bincount(folded.indices, minlength=FOLD_FEATURES)
        idf = np.log((1 + folded.shape[0]) / (1 + frequency)) + 1.0
        weighted = _weighted(counts, idf)
        classes = tuple(k for k in KINDS if k in set(kinds.tolist()))
        coef = np.zeros((len(classes), FOLD_FEATURES), dtype=np.float32)
        intercept = np.zeros(len(classes), dtype=np.float32)
        for row, kind in enumerate(classes):
            model = LogisticRegression(C=C, solver="liblinear", class_weight="balanced",
                                       random_state=seed)
            model.fit(weighted, (kinds == kind).astype(int))
            coef[row] = model.coef_[0]
            intercept[row] = model.intercept_[0]
        return cls(idf.astype(np.float32), coef, intercept, classes)

    @cached_property
    def _idf64(self) -> np.ndarray:
        return self.idf.astype(np.float64)

    @cached_property
    def _coef64_t(self) -> np.ndarray:
        return np.ascontiguousarray(self.coef.astype(np.float64).T)

    def probabilities(self, counts: sparse.csr_matrix) -> np.ndarray:
        """Per row, the probability of each of :attr:`classes` (one-vs-rest, normalised)."""
        logits = np.asarray(_weighted(counts, self._idf64) @ self._coef64_t)
        scores = 1.0 / (1.0 + np.exp(-(logits + self.intercept)))
        return scores / np.maximum(scores.sum(axis=1, keepdims=True), 1e-12)

    def predict(self, counts: sparse.csr_matrix) -> list[str]:
        """The most likely kind of each row."""
        return [self.classes[i] for i in np.argmax(self.probabilities(counts), axis=1)]

    def save(self, folder: Path) -> dict[str, Any]:
        """Write the arrays (no pickle); return what ``meta.json`` records about the model."""
        np.save(folder / IDF_FILE, self.idf, allow_pickle=False)
        np.save(folder / COEF_FILE, self.coef, allow_pickle=False)
        np.save(folder / INTERCEPT_FILE, self.intercept, allow_pickle=False)
        return {"classes": list(self.classes)}

    @classmethod
    def load(cls, folder: Path, classes: Sequence[str]) -> KindModel:
        """Read the arrays back with ``allow_pickle=False`` and check their shapes."""
        idf = np.load(folder / IDF_FILE, allow_pickle=False)
        coef = np.load(folder / COEF_FILE, allow_pickle=False)
        intercept = np.load(folder / INTERCEPT_FILE, allow_pickle=False)
        if (idf.shape != (FOLD_FEATURES,) or coef.shape != (len(classes), FOLD_FEATURES)
                or intercept.shape != (len(classes),) or not set(classes) <= set(KINDS)):
            raise ValueError(f"text-kind arrays in {folder} do not match their metadata")
        return cls(idf, coef, intercept, tuple(classes))


def cross_validated_accuracy(counts: sparse.csr_matrix, kinds: np.ndarray, groups: np.ndarray,
                             languages: np.ndarray, seed: int, folds: int = 5) -> dict[str, Any]:
    """Grouped cross-validated accuracy (recall) per kind, overall and per language.

    Parameters
    ----------
    counts : sparse matrix
        Hashed n-gram counts of the rows.
    kinds, groups, languages : arrays
        Each row's kind, group (never split across folds) and language.
    seed : int
        Fold seed.
    folds : int
        Number of grouped folds.

    Returns
    -------
    dict
        ``{"overall": ..., "by_kind": {kind: {"n", "accuracy"}}, "by_lang": {lang: {kind: ...}},
        "confusion": {true: {predicted: n}}}``.
    """
    from sklearn.model_selection import StratifiedGroupKFold

    predicted = np.empty(len(kinds), dtype=object)
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(np.zeros(len(kinds)), kinds, groups):
        predicted[test] = KindModel.fit(counts[train], kinds[train], seed).predict(counts[test])

    def accuracy(mask: np.ndarray) -> dict[str, Any]:
        n = int(mask.sum())
        return {"n": n, "accuracy": float((predicted[mask] == kinds[mask]).mean()) if n else None}

    by_lang = {str(lang): {kind: accuracy((languages == lang) & (kinds == kind)) for kind in KINDS}
               for lang in sorted(set(languages.tolist()))}
    confusion = {kind: {other: int(((kinds == kind) & (predicted == other)).sum()) for other in KINDS}
                 for kind in KINDS}
    return {"overall": accuracy(np.ones(len(kinds), dtype=bool)),
            "by_kind": {kind: accuracy(kinds == kind) for kind in KINDS},
            "by_lang": by_lang, "confusion": confusion}
