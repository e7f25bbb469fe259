"""Evaluate the model next to two baselines, in one run, per slice (file, language, genre).

Three honest modes:

- **leave-one-source-out** (``by_source``): each source (a real-dev file, a family of corpus
  genres: see :mod:`ponzidetect.sources`) is scored by a model and baselines trained on all the
  other sources, with the held-out source's groups removed from training. The estimate of how
  the tool does on a kind of text it never saw; the headline table.
- **hold-out**: a saved model scores data it never trained on; baselines are trained on the
  training files given. Files the model was trained on are refused.
- **cross-validation** (``cv=True``): grouped folds over all given data; in each fold the model
  and both baselines are trained on the other folds and scored on this one (out-of-fold).

Both return the per-slice metrics and, under ``"predictions"``, one row per text (id, file,
group, label, each system's score and decision) so that every miss can be read.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedGroupKFold

from .baselines import genre_shortcut, keyword_scores, tfidf_logreg
from .dataset import LabelledData
from .engine import default_registry
from .metrics import classification_report, decision_report
from .model import FeatureSet, RiskModel, TrainConfig, choose_thresholds, train_model
from .model_card import metrics_table
from .sources import held_out_split, source_names
from .tabular import escape_formula

SYSTEMS = ("model", "tfidf_logreg", "keyword_count")
LOG = logging.getLogger("ponzidetect")


class EvaluationError(ValueError):
    """The evaluation request would not be honest or cannot run."""


def _baseline_thresholds(labels: np.ndarray, scores: np.ndarray, config: TrainConfig) -> float:
    return choose_thresholds(labels, scores, config).high


def _slice_indices(frame) -> dict[str, np.ndarray]:
    """Row indices of every slice: ``all``, then ``file=``, ``lang=`` and ``genre=`` values."""
    indices = {"all": np.arange(len(frame))}
    for column in ("file", "lang", "genre"):
        for key, index in frame.groupby(column).indices.items():
            indices[f"{column}={key}"] = index
    return indices


def _predictions(frame, probs: dict[str, np.ndarray], predicted: dict[str, np.ndarray]) -> pd.DataFrame:
    """One row per text: identifiers, label, and each system's score and decision."""
    table = frame[["id", "file", "group", "lang", "genre", "label"]].copy()
    for system in SYSTEMS:
        table[f"{system}_score"] = np.round(probs[system], 6)
        table[f"{system}_flagged"] = predicted[system].astype(bool)
    return table


def _slices(frame, probs: dict[str, np.ndarray], thresholds: dict[str, float]) -> dict[str, Any]:
    labels = frame["label"].to_numpy(dtype=int)
    return {system: {name: classification_report(labels[index], probs[system][index],
                                                 thresholds[system])
                     for name, index in _slice_indices(frame).items()}
            for system in SYSTEMS}


def evaluate_holdout(model: RiskModel, eval_data: LabelledData, train_data: LabelledData,
                     config: TrainConfig | None = None) -> dict[str, Any]:
    """Score held-out data with a saved model and with baselines trained on ``train_data``."""
    config = config or TrainConfig(**model.meta.get("config", {}))
    trained_on = set(model.meta.get("training_data", {}).get("files", []))
    overlap = sorted(trained_on & set(eval_data.frame["file"]))
    if overlap:
        raise EvaluationError(f"the model was trained on {', '.join(overlap)}: evaluating on them "
                              "would be in-sample; use --cv, or a model trained without them")
    texts = eval_data.texts
    probs = {"model": model.predict_proba(texts)}
    tfidf = tfidf_logreg(config.seed).fit(train_data.texts, train_data.labels)
    probs["tfidf_logreg"] = tfidf.predict_proba(texts)[:, 1]
    probs["keyword_count"] = keyword_scores(texts)
    train_labels = np.asarray(train_data.labels)
    thresholds = {
        "model": model.thresholds.high,
        "tfidf_logreg": _baseline_thresholds(
            train_labels, tfidf.predict_proba(train_data.texts)[:, 1], config),
        "keyword_count": _baseline_thresholds(
            train_labels, keyword_scores(train_data.texts), config),
    }
    predicted = {system: probs[system] >= thresholds[system] for system in SYSTEMS}
    return {"mode": "holdout", "thresholds": thresholds,
            "slices": _slices(eval_data.frame, probs, thresholds),
            "predictions": _predictions(eval_data.frame, probs, predicted)}


def _fold_systems(data: LabelledData, features: FeatureSet, keyword: np.ndarray,
                  train_idx: np.ndarray, test_idx: np.ndarray, config: TrainConfig,
                  ) -> tuple[RiskModel, dict[str, np.ndarray], dict[str, float]]:
    """Train the model and both baselines on ``train_idx``; score ``test_idx``.

    Returns the fold's model, each system's scores of the test rows and each system's
    threshold (the model's own high band; the baselines' chosen on their training scores).
    """
    labels = np.asarray(data.labels)
    fold_data = LabelledData(data.frame.iloc[train_idx].reset_index(drop=True), "fold")
    model = train_model(fold_data, replace(config, folds=min(config.folds, 4), text_kind=False),
                        features=features.subset(train_idx))
    scores = {"model": model.probability(features.subset(test_idx))}
    cuts = {"model": model.thresholds.high}
    tfidf = tfidf_logreg(config.seed).fit(fold_data.texts, fold_data.labels)
    scores["tfidf_logreg"] = tfidf.predict_proba([data.texts[i] for i in test_idx])[:, 1]
    cuts["tfidf_logreg"] = _baseline_thresholds(
        labels[train_idx], tfidf.predict_proba(fold_data.texts)[:, 1], config)
    scores["keyword_count"] = keyword[test_idx]
    cuts["keyword_count"] = _baseline_thresholds(labels[train_idx], keyword[train_idx], config)
    return model, scores, cuts


def evaluate_cv(data: LabelledData, config: TrainConfig | None = None) -> dict[str, Any]:
    """Grouped cross-validation of the model and both baselines on ``data`` (out-of-fold)."""
    config = config or TrainConfig()
    labels = np.asarray(data.labels)
    groups = data.frame["group"].to_numpy()
    splitter = StratifiedGroupKFold(n_splits=config.folds, shuffle=True, random_state=config.seed)
    probs = {system: np.zeros(len(labels)) for system in SYSTEMS}
    fold_thresholds: dict[str, list[float]] = {system: [] for system in SYSTEMS}
    predicted = {system: np.zeros(len(labels), dtype=bool) for system in SYSTEMS}
    features = FeatureSet.cached(data.texts, default_registry())
    keyword = keyword_scores(data.texts)
    for train_idx, test_idx in splitter.split(features.flags, labels, groups):
        _, fold, thresholds = _fold_systems(data, features, keyword, train_idx, test_idx, config)
        for system in SYSTEMS:
            probs[system][test_idx] = fold[system]
            predicted[system][test_idx] = fold[system] >= thresholds[system]
            fold_thresholds[system].append(thresholds[system])
    # Thresholds differ per fold: threshold-free metrics (ROC-AUC, PR-AUC, ECE) come from the
    # out-of-fold scores, decision metrics (precision, recall, F1, FPR) from each fold's own
    # threshold.
    mean_thresholds = {s: float(np.mean(v)) for s, v in fold_thresholds.items()}
    slices = _slices(data.frame, probs, mean_thresholds)
    _apply_fold_decisions(slices, data.frame, labels, predicted)
    return {"mode": "cv", "folds": config.folds, "thresholds": mean_thresholds, "slices": slices,
            "predictions": _predictions(data.frame, probs, predicted)}


def evaluate_by_source(data: LabelledData, config: TrainConfig | None = None,
                       sources: list[str] | None = None) -> dict[str, Any]:
    """Leave-one-source-out: every source scored by systems trained on all the others.

    Parameters
    ----------
    data : LabelledData
        The corpus and real-dev files together.
    config : TrainConfig, optional
        Model configuration (the inner cross-validation uses at most 4 folds).
    sources : list of str, optional
        Evaluate only these sources (all by default); the others still train.

    Returns
    -------
    dict
        ``mode``, ``sources`` (name -> rows), ``slices`` (system -> ``source=<name>`` and
        ``all`` -> metrics at each held-out model's own threshold), ``bands`` (precision of the
        model's high and medium bands per source and overall), ``shortcut`` (the genre-only
        baseline on the corpus rows), ``thresholds`` (per source) and ``predictions``.
    """
    config = config or TrainConfig()
    frame = data.frame
    labels = np.asarray(data.labels)
    groups = frame["group"].to_numpy()
    names = source_names(frame)
    chosen = sorted(set(names.tolist())) if sources is None else list(sources)
    unknown = sorted(set(chosen) - set(names.tolist()))
    if unknown:
        raise EvaluationError(f"unknown source(s) {', '.join(unknown)}; sources are: "
                              + ", ".join(sorted(set(names.tolist()))))
    features = FeatureSet.cached(data.texts, default_registry())
    keyword = keyword_scores(data.texts)
    probs = {system: np.full(len(labels), np.nan) for system in SYSTEMS}
    predicted = {system: np.zeros(len(labels), dtype=bool) for system in SYSTEMS}
    bands = np.full(len(labels), "", dtype=object)
    thresholds: dict[str, dict[str, float]] = {}
    for source in chosen:
        train_idx, test_idx = held_out_split(names, groups, source)
        model, fold, cut = _fold_systems(data, features, keyword, train_idx, test_idx, config)
        for system in SYSTEMS:
            probs[system][test_idx] = fold[system]
            predicted[system][test_idx] = fold[system] >= cut[system]
        bands[test_idx] = [model.thresholds.band(p) for p in fold["model"]]
        thresholds[source] = cut
        LOG.info("source %s: %d held out, %d trained on", source, len(test_idx), len(train_idx))
    scored = np.flatnonzero(np.isin(names, chosen))
    slices: dict[str, dict[str, Any]] = {system: {} for system in SYSTEMS}
    band_report: dict[str, dict[str, Any]] = {}
    for name, index in [("all", scored)] + [(f"source={s}", np.flatnonzero(names == s))
                                           for s in chosen]:
        for system in SYSTEMS:
            report = classification_report(labels[index], probs[system][index], 0.5)
            report.update(decision_report(labels[index], predicted[system][index]))
            slices[system][name] = report
        band_report[name] = band_precision(labels[index], bands[index])
    corpus_rows = np.asarray([not str(s) for s in frame["source"]], dtype=bool)
    shortcut = genre_shortcut(frame[corpus_rows].reset_index(drop=True), config.seed)
    table = _predictions(frame, probs, predicted)
    table.insert(1, "held_out_source", names)
    table["model_band"] = bands
    return {"mode": "by_source", "sources": {s: int((names == s).sum()) for s in chosen},
            "thresholds": thresholds, "slices": slices, "bands": band_report,
            "shortcut": shortcut, "predictions": table.iloc[scored].reset_index(drop=True)}


def band_precision(labels: np.ndarray, bands: np.ndarray) -> dict[str, Any]:
    """Rows and share of schemes in each risk band (what "high" and "medium" mean).

    Examples
    --------
    >>> found = band_precision(np.array([1, 0, 1, 0]), np.array(["high", "high", "medium", "low"]))
    >>> found["high"], found["low"]
    ({'n': 2, 'precision': 0.5}, {'n': 1, 'precision': 0.0})
    """
    out: dict[str, Any] = {}
    for band in ("high", "medium", "low"):
        mask = bands == band
        out[band] = {"n": int(mask.sum()),
                     "precision": float(labels[mask].mean()) if mask.any() else None}
    return out


def _apply_fold_decisions(slices: dict[str, Any], frame, labels: np.ndarray,
                          predicted: dict[str, np.ndarray]) -> None:
    """Replace threshold metrics with those of each fold's own decisions."""
    for system, block in slices.items():
        for name, index in _slice_indices(frame).items():
            block[name].update(decision_report(labels[index], predicted[system][index]))


def _num(value: Any) -> str:
    return "–" if value is None else f"{value:.3f}"


def by_source_table(result: dict[str, Any]) -> str:
    """The headline table of a leave-one-source-out run: one row per held-out source."""
    header = ("| held-out source | n (pos) | model ROC / PR | TF-IDF+LR ROC / PR | keyword ROC / PR "
              "| model recall / FPR | TF-IDF+LR recall / FPR | high: n, precision "
              "| medium: n, precision |")
    lines = [header, "|---" * 9 + "|"]
    slices = result["slices"]
    for name in slices["model"]:
        row = [name.removeprefix("source="),
               f"{slices['model'][name]['n']} ({slices['model'][name]['positives']})"]
        for system in SYSTEMS:
            metrics = slices[system][name]
            row.append(f"{_num(metrics['roc_auc'])} / {_num(metrics['pr_auc'])}")
        for system in ("model", "tfidf_logreg"):
            metrics = slices[system][name]
            row.append(f"{_num(metrics['recall'])} / {_num(metrics['fpr'])}")
        for band in ("high", "medium"):
            found = result["bands"][name][band]
            row.append(f"{found['n']}, {_num(found['precision'])}")
        lines.append("| " + " | ".join(row) + " |")
    shortcut = result.get("shortcut") or {}
    lines += ["", f"Genre-only shortcut on the corpus rows ({shortcut.get('n')} texts, "
              f"{shortcut.get('genres')} genres, grouped 5-fold): ROC-AUC "
              f"{_num(shortcut.get('genre'))} from the genre, {_num(shortcut.get('genre_length'))} "
              "from genre and length."]
    return "\n".join(lines)


def report_markdown(result: dict[str, Any], command: str) -> str:
    """Markdown: one table per system, rows are slices (a headline table first by source)."""
    parts = [f"Mode: **{result['mode']}**. Command: `{command}`", ""]
    if result["mode"] == "by_source":
        parts += [by_source_table(result), ""]
    for system in SYSTEMS:
        parts += [f"#### {system}", "", metrics_table(result["slices"][system]), ""]
    return "\n".join(parts)


def write_report(result: dict[str, Any], command: str, json_path: Path | None,
                 markdown_path: Path | None, predictions_path: Path | None = None) -> str:
    """Write JSON and Markdown reports, and optionally the per-text CSV; return the Markdown.

    Parameters
    ----------
    result
        What :func:`evaluate_cv` or :func:`evaluate_holdout` returned.
    command
        The command line that produced it, recorded in every report.
    json_path, markdown_path
        Where to write the metrics (``None``: do not write).
    predictions_path
        Where to write one CSV row per text with each system's score and decision; text cells
        that look like spreadsheet formulas are escaped.

    Returns
    -------
    str
        The Markdown report.
    """
    markdown = report_markdown(result, command)
    metrics = {key: value for key, value in result.items() if key != "predictions"}
    if json_path:
        json_path.write_text(json.dumps({"command": command, **metrics}, indent=2) + "\n",
                             encoding="utf-8")
    if markdown_path:
        markdown_path.write_text(markdown, encoding="utf-8")
    if predictions_path:
        table = result["predictions"].copy()
        for column in ("id", "file", "group", "lang", "genre"):
            table[column] = table[column].map(escape_formula)
        table.to_csv(predictions_path, index=False, encoding="utf-8")
    return markdown
