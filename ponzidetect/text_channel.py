"""The text channel: character n-gram TF-IDF + logistic regression, as one model feature.

Stateless hashing (no vocabulary to store), so the fitted state is two numpy vectors (idf and
coefficients) saved with ``numpy.save`` and loaded with ``allow_pickle=False``. In training its
score enters LightGBM out-of-fold, so the booster never sees a score fitted on the same row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

N_FEATURES = 2**19
NGRAMS = (2, 4)
MAX_CHARS = 20_000
C = 4.0
IDF_FILE = "text_idf.npy"
COEF_FILE = "text_coef.npy"
_VECTORIZER = HashingVectorizer(analyzer="char_wb", ngram_range=NGRAMS, n_features=N_FEATURES,
                                alternate_sign=False, norm=None, lowercase=False)


def hashed_counts(folded_texts: Sequence[str]) -> sparse.csr_matrix:
    """Hashed character n-gram counts of normalised, case-folded texts (first 20,000 chars)."""
    return _VECTORIZER.transform([text[:MAX_CHARS] for text in folded_texts]).tocsr()


def tfidf_rows(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Sublinear TF times idf, L2-normalised rows (a new matrix; ``counts`` is not changed)."""
    weighted = counts.astype(np.float64)
    weighted.data = np.log1p(weighted.data) * idf[weighted.indices]
    return normalize(weighted, norm="l2", copy=False)


@dataclass(frozen=True)
class TextChannel:
    """Fitted idf weights and logistic-regression coefficients."""

    idf: np.ndarray
    coef: np.ndarray
    intercept: float

    @classmethod
    def fit(cls, counts: sparse.csr_matrix, labels: np.ndarray, seed: int) -> TextChannel:
        """Fit idf and the classifier on hashed counts."""
        rows = counts.shape[0]
        document_frequency = np.bincount(counts.indices, minlength=counts.shape[1])
        idf = np.log((1 + rows) / (1 + document_frequency)) + 1.0
        model = LogisticRegression(C=C, max_iter=2000, random_state=seed)
        model.fit(tfidf_rows(counts, idf), labels)
        return cls(idf.astype(np.float32), model.coef_[0].astype(np.float32),
                   float(model.intercept_[0]))

    @cached_property
    def idf64(self) -> np.ndarray:
        """The idf weights as float64 (the precision scoring uses)."""
        return self.idf.astype(np.float64)

    @cached_property
    def coef64(self) -> np.ndarray:
        """The coefficients as float64."""
        return self.coef.astype(np.float64)

    def weighted(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        """The TF-IDF rows the classifier reads (sublinear tf x idf, L2-normalised)."""
        return tfidf_rows(counts, self.idf64)

    def score(self, counts: sparse.csr_matrix) -> np.ndarray:
        """The wording score without intercept: the sum of one term per hashed n-gram."""
        return self.weighted(counts) @ self.coef64

    def logit(self, counts: sparse.csr_matrix) -> np.ndarray:
        """Log-odds of the positive class."""
        return self.score(counts) + self.intercept

    def save(self, folder: Path) -> None:
        """Write the two vectors as ``.npy`` (no pickle)."""
        np.save(folder / IDF_FILE, self.idf, allow_pickle=False)
        np.save(folder / COEF_FILE, self.coef, allow_pickle=False)

    @classmethod
    def load(cls, folder: Path, intercept: float) -> TextChannel:
        """Read the vectors back with ``allow_pickle=False``; check their shape."""
        idf = np.load(folder / IDF_FILE, allow_pickle=False)
        coef = np.load(folder / COEF_FILE, allow_pickle=False)
        if idf.shape != (N_FEATURES,) or coef.shape != (N_FEATURES,):
            raise ValueError(f"text channel vectors in {folder} have the wrong shape")
        return cls(idf, coef, float(intercept))
