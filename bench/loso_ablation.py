"""Leave-one-source-out figures for model variants, without the baselines (a development tool).

Usage::

    .venv/bin/python bench/loso_ablation.py VARIANT [VARIANT ...]

A variant is ``name:key=value,key=value`` over :class:`ponzidetect.model.TrainConfig` fields, e.g.
``base:`` or ``tight:wording_bound=0.75``. Each variant is trained once per held-out source
(corpus genre families and every real-dev file, groups of the held-out source removed from
training, exactly as ``ponzidetect evaluate --by-source``) and scored on that source. Prints
per source ROC-AUC / PR-AUC, recall and false-positive rate in the high band, and the precision
of the high and medium bands. Features are cached between runs (see ``FeatureSet.cached``).
``ponzidetect evaluate --by-source`` remains the reference (it adds the baselines).
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from ponzidetect.dataset import LabelledData, load_labelled
from ponzidetect.engine import default_registry
from ponzidetect.evaluation import band_precision
from ponzidetect.metrics import classification_report
from ponzidetect.model import FeatureSet, TrainConfig, train_model
from ponzidetect.sources import held_out_split, source_names

ROOT = Path(__file__).resolve().parent.parent
REAL_DEV = ROOT.parent / "shared" / "data" / "real-dev"


def parse_variant(spec: str) -> tuple[str, TrainConfig]:
    name, _, body = spec.partition(":")
    config = TrainConfig(text_kind=False, folds=4)
    for item in filter(None, body.split(",")):
        key, _, value = item.partition("=")
        current = getattr(config, key)
        if value == "None":
            parsed = None
        elif isinstance(current, bool):
            parsed = value.lower() in ("1", "true", "yes")
        elif isinstance(current, int):
            parsed = int(value)
        else:
            parsed = float(value)
        config = replace(config, **{key: parsed})
    return name, config


def main(specs: list[str]) -> None:
    paths = [ROOT / "data" / "corpus" / "parts", *sorted(REAL_DEV.glob("*.jsonl"))]
    data = load_labelled(paths)
    features = FeatureSet.cached(data.texts, default_registry())
    names = source_names(data.frame)
    groups = data.frame["group"].to_numpy()
    labels = np.asarray(data.labels)
    sources = sorted(set(names.tolist()))
    for spec in specs or ["base:"]:
        variant, config = parse_variant(spec)
        probs = np.zeros(len(labels))
        bands = np.empty(len(labels), dtype=object)
        flagged = np.zeros(len(labels), dtype=bool)
        print(f"\n## {variant}  {config}")
        print(f"{'source':24s} {'n':>5s} {'pos':>4s} {'roc':>6s} {'pr':>6s} {'recall':>6s} {'fpr':>6s} "
              f"{'high n/prec':>12s} {'med n/prec':>12s}")
        for source in sources:
            train, test = held_out_split(names, groups, source)
            fold = LabelledData(data.frame.iloc[train].reset_index(drop=True), "fold")
            model = train_model(fold, config, features=features.subset(train))
            probs[test] = model.probability(features.subset(test))
            flagged[test] = probs[test] >= model.thresholds.high
            bands[test] = [model.thresholds.band(p) for p in probs[test]]
            _row(source, labels[test], probs[test], flagged[test], bands[test])
        _row("all", labels, probs, flagged, bands)


def _fmt(value: float | None) -> str:
    return "     –" if value is None else f"{value:6.3f}"


def _row(name: str, labels: np.ndarray, probs: np.ndarray, flagged: np.ndarray,
         bands: np.ndarray) -> None:
    report = classification_report(labels, probs, 0.5)
    positives = labels == 1
    recall = flagged[positives].mean() if positives.any() else None
    fpr = flagged[~positives].mean() if (~positives).any() else None
    b = band_precision(labels, bands)
    high = f"{b['high']['n']}/{_fmt(b['high']['precision']).strip()}"
    medium = f"{b['medium']['n']}/{_fmt(b['medium']['precision']).strip()}"
    print(f"{name:24s} {len(labels):5d} {int(positives.sum()):4d} {_fmt(report['roc_auc'])} "
          f"{_fmt(report['pr_auc'])} {_fmt(recall)} {_fmt(fpr)} {high:>12s} {medium:>12s}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
