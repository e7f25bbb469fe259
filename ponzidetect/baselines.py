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
