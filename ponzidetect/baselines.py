"""Baselines evaluated in the same run as the model: keyword count and TF-IDF + logistic regression."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from .normalize import normalise

KEYWORDS = (
    "guaranteed", "risk-free", "daily", "% daily", "per day", "roi", "referral", "downline",
    "upline", "matrix", "passive income", "double your", "bonus", "levels", "invite",
    "保本", "稳赚", "日息", "月息", "每天", "收益", "返利", "直推", "下线", "推荐", "拉人", "躺赚", "等级",
)
_KEYWORD = re.compile("|".join(re.escape(k) for k in KEYWORDS), re.IGNORECASE)


def keyword_scores(texts: Sequence[str]) -> np.ndarray:
    """Keyword-count baseline: hits of a fixed scam-word list per 1,000 characters, squashed to 0-1."""
    scores = []
    for text in texts:
        view = normalise(text).text
        hits = len(_KEYWORD.findall(view))
        density = hits / max(len(view), 200) * 1000
        scores.append(1 - np.exp(-density / 5))
    return np.asarray(scores)


def tfidf_logreg(seed: int) -> Pipeline:
    """Character n-gram TF-IDF + logistic regression (works for English and Chinese alike)."""
    return Pipeline([
        ("tfidf", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), min_df=2,
                                  max_features=200_000, sublinear_tf=True,
                                  preprocessor=lambda text: normalise(text[:20_000]).text.lower())),
        ("logreg", LogisticRegression(C=4.0, max_iter=2000, random_state=seed)),
    ])


def genre_shortcut(frame, seed: int, folds: int = 5,
                   with_length: bool = True) -> dict[str, float | int | None]:
    """How well the label is predicted from the genre tag (and length) alone: a data audit.

    Grouped cross-validation (no group on both sides). ``genre`` scores each text with its
    genre's positive rate in the training folds; ``genre_length`` adds the log length, with a
    small gradient-boosted model. ROC-AUC near 0.5 means the genre carries no label; the first
    corpus scored 0.935, which let models learn "court text = scheme".

    Parameters
    ----------
    frame : pandas.DataFrame
        Needs ``text``, ``label``, ``genre`` and ``group`` columns.
    seed : int
        Fold shuffling seed.
    folds : int
        Number of grouped folds.
    with_length : bool
        Also fit the genre-and-length model (slower); ``genre_length`` is None without it.

    Returns
    -------
    dict
        ``n``, ``genres`` and the out-of-fold ROC-AUC of both shortcuts.
    """
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedGroupKFold

    labels = frame["label"].to_numpy(dtype=int)
    if len(set(labels.tolist())) < 2:
        return {"n": len(labels), "genres": 0, "genre": None, "genre_length": None}
    codes, genres = np.unique(frame["genre"].astype(str).to_numpy(), return_inverse=True)[::-1]
    lengths = np.log1p(frame["text"].str.len().to_numpy(dtype=float))
    groups = frame["group"].to_numpy()
    by_genre = np.zeros(len(labels))
    length_scores = np.zeros(len(labels))
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    matrix = np.column_stack([codes, lengths])
    for train, test in splitter.split(matrix, labels, groups):
        positives = np.bincount(codes[train], weights=labels[train], minlength=len(genres))
        totals = np.bincount(codes[train], minlength=len(genres))
        rate = (positives + labels[train].mean()) / (totals + 1)
        by_genre[test] = rate[codes[test]]
        if not with_length:
            continue
        model = HistGradientBoostingClassifier(max_iter=100, categorical_features=[0],
                                               random_state=seed)
        model.fit(matrix[train], labels[train])
        length_scores[test] = model.predict_proba(matrix[test])[:, 1]
    return {"n": len(labels), "genres": len(genres),
            "genre": float(roc_auc_score(labels, by_genre)),
            "genre_length": float(roc_auc_score(labels, length_scores)) if with_length else None}
