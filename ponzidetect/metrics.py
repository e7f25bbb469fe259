"""Classification metrics that stay defined on one-class slices (a file of only negatives)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score


def expected_calibration_error(labels: np.ndarray, probs: np.ndarray, bins: int = 10) -> float:
    """Mean |accuracy - confidence| over equal-width probability bins, weighted by bin size."""
    edges = np.linspace(0, 1, bins + 1)
    index = np.clip(np.digitize(probs, edges[1:-1]), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        mask = index == b
        if mask.any():
            total += mask.mean() * abs(labels[mask].mean() - probs[mask].mean())
    return float(total)


def precision_at_recall(labels: np.ndarray, scores: np.ndarray, recall: float = 0.9) -> float | None:
    """Best precision among thresholds whose recall is at least ``recall``."""
    if labels.sum() == 0 or labels.sum() == len(labels):
        return None
    precision, achieved, _ = precision_recall_curve(labels, scores)
    feasible = precision[achieved >= recall]
    return float(feasible.max()) if feasible.size else None


def classification_report(labels: Sequence[int], probs: Sequence[float],
                          threshold: float) -> dict[str, float | int | None]:
    """ROC-AUC, PR-AUC, F1, precision, recall, FPR at ``threshold``, P@90%R, ECE, counts.

    Metrics that need both classes are None on one-class slices.
    """
    y = np.asarray(labels, dtype=int)
    p = np.asarray(probs, dtype=float)
    both = 0 < y.sum() < len(y)
    return {
        "n": len(y),
        "positives": int(y.sum()),
        "roc_auc": float(roc_auc_score(y, p)) if both else None,
        "pr_auc": float(average_precision_score(y, p)) if both else None,
        "precision_at_90_recall": precision_at_recall(y, p, 0.9),
        "ece": expected_calibration_error(y, p) if len(y) else None,
        **decision_report(y, p >= threshold),
    }


def decision_report(labels: np.ndarray, predicted: np.ndarray) -> dict[str, float | int | None]:
    """Counts, precision, recall, F1 and false-positive rate of yes/no decisions."""
    y = np.asarray(labels, dtype=int)
    decided = np.asarray(predicted, dtype=bool)
    tp = int((decided & (y == 1)).sum())
    fp = int((decided & (y == 0)).sum())
    fn = int((~decided & (y == 1)).sum())
    tn = int((~decided & (y == 0)).sum())
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1 = (2 * precision * recall / (precision + recall)
          if precision is not None and recall and precision + recall > 0 else None)
    return {"f1": f1, "precision": precision, "recall": recall,
            "fpr": fp / (fp + tn) if fp + tn else None, "tp": tp, "fp": fp, "fn": fn, "tn": tn}
