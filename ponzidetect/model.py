"""The risk model: red-flag features -> LightGBM -> Platt-calibrated probability.

Training is seeded and reproducible: grouped cross-validation (no scheme family straddles a
fold) gives out-of-fold scores, which fit the calibration and choose the decision threshold;
the final booster is then fit on all rows. A saved model is a directory with LightGBM's native
text booster, ``meta.json`` and a model card: no pickle anywhere.
"""

from __future__ import annotations

import json
import logging
import platform
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold

from .dataset import LabelledData
from .engine import Registry, default_registry
from .features import feature_names, featurize
from .metrics import classification_report
from .text_channel import TextChannel, hashed_counts

LOG = logging.getLogger("ponzidetect")
SCHEMA_VERSION = 1
BOOSTER_FILE = "booster.txt"
META_FILE = "meta.json"
CARD_FILE = "MODEL_CARD.md"


class ModelError(RuntimeError):
    """A model directory is missing, corrupt, or does not match the catalogue."""


@dataclass(frozen=True)
class TrainConfig:
    """Hyper-parameters and seeds; recorded in ``meta.json``."""

    seed: int = 20181
    folds: int = 5
    rounds: int = 250
    learning_rate: float = 0.05
    num_leaves: int = 15
    min_data_in_leaf: int = 10
    feature_fraction: float = 0.8
    lambda_l2: float = 1.0
    target_precision: float = 0.9
    medium_recall: float = 0.95
    monotone_red_flags: bool = True
    text_channel: bool = True

    def lgb_params(self, names: list[str], registry: Registry) -> dict[str, Any]:
        """LightGBM parameters, deterministic and single-threaded for reproducibility."""
        params: dict[str, Any] = {
            "objective": "binary",
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_data_in_leaf": self.min_data_in_leaf,
            "feature_fraction": self.feature_fraction,
            "feature_fraction_seed": self.seed,
            "lambda_l2": self.lambda_l2,
            "seed": self.seed,
            "deterministic": True,
            "force_row_wise": True,
            "num_threads": 1,
            "verbosity": -1,
        }
        if self.monotone_red_flags:
            params["monotone_constraints"] = _monotone(names, registry)
            params["monotone_constraints_method"] = "basic"
        return params


def _monotone(names: list[str], registry: Registry) -> list[int]:
    """Monotone constraints: more red-flag evidence never lowers the risk.

    A red flag's presence, count, strength and density are constrained upward, and so is its
    parsed value where the flag file says bigger means riskier (``params.monotone_value``: the
    annualised rate, the number of ranks or of tour cities); the text channel's score too.
    Without this, SHAP contributions can show the clearest red flag as lowering the risk.
    """
    red = {spec.id: spec for spec in registry if spec.kind == "red_flag"}
    constraints = []
    for name in names:
        flag, _, stat = name.partition("__")
        spec = red.get(flag)
        rising = spec is not None and (
            stat in {"any", "count", "strength", "density"}
            or (stat == "value" and bool(spec.params.get("monotone_value")))
        )
        constraints.append(1 if rising or name == TEXT_FEATURE else 0)
    return constraints


TEXT_FEATURE = "text__score"


def model_feature_names(registry: Registry, text_channel: bool) -> list[str]:
    """Columns of the booster's input: flag and document features, then the text score."""
    return feature_names(registry) + ([TEXT_FEATURE] if text_channel else [])


@dataclass(frozen=True)
class FeatureSet:
    """Flag/document features and hashed text counts of the same rows."""

    flags: np.ndarray
    counts: Any

    @classmethod
    def of(cls, texts: list[str], registry: Registry) -> FeatureSet:
        """Featurize ``texts`` once for both channels."""
        flags, folded = featurize(texts, registry)
        return cls(flags, hashed_counts(folded))

    def subset(self, index: np.ndarray) -> FeatureSet:
        """The rows at ``index``."""
        return FeatureSet(self.flags[index], self.counts[index])


@dataclass(frozen=True)
class Calibration:
    """Platt scaling of the raw booster score: p = 1 / (1 + exp(-(a * raw + b)))."""

    a: float
    b: float

    def __call__(self, raw: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(self.a * np.asarray(raw, dtype=float) + self.b)))


@dataclass(frozen=True)
class Thresholds:
    """Decision threshold (the high band starts here) and the start of the medium band."""

    high: float
    medium: float

    def band(self, probability: float) -> str:
        """``low``, ``medium`` or ``high``."""
        if probability >= self.high:
            return "high"
        if probability >= self.medium:
            return "medium"
        return "low"


@dataclass
class RiskModel:
    """A trained model: featurizer, booster, calibration, thresholds and metadata."""

    booster: lgb.Booster
    calibration: Calibration
    thresholds: Thresholds
    meta: dict[str, Any]
    registry: Registry = field(default_factory=default_registry)
    text_channel: TextChannel | None = None

    def __post_init__(self) -> None:
        self.feature_names = list(self.meta["feature_names"])

    @property
    def version(self) -> str:
        """``name@fingerprint`` of this model."""
        return f"{self.meta.get('name', 'model')}@{self.meta.get('booster_sha256', '')[:12]}"

    def features(self, texts: list[str]) -> np.ndarray:
        """The booster's input matrix for ``texts``."""
        return self.matrix(FeatureSet.of(list(texts), self.registry))

    def matrix(self, features: FeatureSet) -> np.ndarray:
        """Append the text channel's score to precomputed features."""
        if self.text_channel is None:
            return features.flags
        logit = self.text_channel.logit(features.counts).reshape(-1, 1)
        return np.hstack([features.flags, logit])

    def raw_score(self, matrix: np.ndarray) -> np.ndarray:
        """Booster log-odds."""
        return self.booster.predict(matrix, raw_score=True, num_threads=1)

    def probability(self, matrix: np.ndarray) -> np.ndarray:
        """Calibrated probability of the positive class."""
        return self.calibration(self.raw_score(matrix))

    def contributions(self, matrix: np.ndarray) -> np.ndarray:
        """Per-feature raw-score contributions; the last column is the base value."""
        return self.booster.predict(matrix, pred_contrib=True, num_threads=1)

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """Calibrated probabilities for ``texts``."""
        return self.probability(self.features(texts))

    def save(self, directory: Path | str) -> Path:
        """Write booster, ``meta.json`` and the model card to ``directory``."""
        from .model_card import render_model_card

        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        booster_text = self.booster.model_to_string()
        (folder / BOOSTER_FILE).write_text(booster_text, encoding="utf-8")
        if self.text_channel is not None:
            self.text_channel.save(folder)
            self.meta["text_channel"] = {"intercept": self.text_channel.intercept}
        self.meta["booster_sha256"] = _sha256(booster_text)
        self.meta["calibration"] = asdict(self.calibration)
        self.meta["thresholds"] = asdict(self.thresholds)
        self.meta.pop("_directory", None)
        (folder / META_FILE).write_text(json.dumps(self.meta, indent=2, ensure_ascii=False,
                                                   sort_keys=True) + "\n", encoding="utf-8")
        (folder / CARD_FILE).write_text(render_model_card(self.meta), encoding="utf-8")
        return folder


def _sha256(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def default_model_dir() -> Path:
    """The shipped default model (``models/default`` in a source checkout)."""
    source_tree = Path(__file__).resolve().parent.parent / "models" / "default"
    if source_tree.is_dir():
        return source_tree
    from importlib import resources

    return Path(str(resources.files("ponzidetect").joinpath("_models", "default")))


def load_model(directory: Path | str | None = None, registry: Registry | None = None) -> RiskModel:
    """Load a model directory without pickle and check it against the catalogue.

    Parameters
    ----------
    directory : path, optional
        A folder written by ``ponzidetect train``; the shipped default when omitted.
    registry : Registry, optional
        The catalogue the model must match; the shipped one by default.

    Returns
    -------
    RiskModel

    Raises
    ------
    ModelError
        When files are missing or corrupt, or the feature schema or flag versions differ from
        the catalogue (retrain with ``ponzidetect train``).
    """
    folder = Path(directory) if directory is not None else default_model_dir()
    registry = registry or default_registry()
    meta_path, booster_path = folder / META_FILE, folder / BOOSTER_FILE
    if not meta_path.is_file() or not booster_path.is_file():
        raise ModelError(f"{folder} is not a ponzidetect model: it needs {META_FILE} and "
                         f"{BOOSTER_FILE} (train one with 'ponzidetect train DATA --out DIR')")
    from .model_meta import read_meta  # meta.json schema: every field checked, checksum required

    meta = read_meta(meta_path)
    if meta.get("schema_version") != SCHEMA_VERSION:
        raise ModelError(f"{folder}: model schema {meta.get('schema_version')} is not "
                         f"{SCHEMA_VERSION}; retrain with this version of ponzidetect")
    expected = model_feature_names(registry, bool(meta.get("text_channel")))
    if meta.get("feature_names") != expected:
        missing = sorted(set(expected) - set(meta.get("feature_names", [])))[:5]
        extra = sorted(set(meta.get("feature_names", [])) - set(expected))[:5]
        raise ModelError(f"{folder}: feature schema does not match the catalogue "
                         f"(missing {missing}, unexpected {extra}); retrain the model")
    if meta.get("flag_versions") != registry.versions():
        changed = sorted(k for k, v in registry.versions().items()
                         if meta.get("flag_versions", {}).get(k) != v)
        raise ModelError(f"{folder}: flag versions changed since training ({', '.join(changed)});"
                         " retrain the model")
    booster_text = booster_path.read_text("utf-8")
    if meta.get("booster_sha256") and _sha256(booster_text) != meta["booster_sha256"]:
        raise ModelError(f"{booster_path} does not match the checksum in {META_FILE}")
    try:
        booster = lgb.Booster(model_str=booster_text)
    except lgb.basic.LightGBMError as error:
        raise ModelError(f"{booster_path} is not a LightGBM model: {error}") from error
    text_channel = None
    if meta.get("text_channel"):
        try:
            text_channel = TextChannel.load(folder, meta["text_channel"]["intercept"])
        except (OSError, ValueError) as error:
            raise ModelError(f"{folder}: text channel files unreadable: {error}") from error
    meta["_directory"] = str(folder)
    return RiskModel(booster, Calibration(**meta["calibration"]),
                     Thresholds(**meta["thresholds"]), meta, registry, text_channel)


def _fit_booster(matrix: np.ndarray, labels: np.ndarray, names: list[str],
                 config: TrainConfig, registry: Registry) -> lgb.Booster:
    dataset = lgb.Dataset(matrix, label=labels, feature_name=names, free_raw_data=False,
                          params={"verbosity": -1, "seed": config.seed})
    return lgb.train(config.lgb_params(names, registry), dataset, num_boost_round=config.rounds)


def _fit_calibration(raw: np.ndarray, labels: np.ndarray, seed: int) -> Calibration:
    model = LogisticRegression(C=1e4, random_state=seed)
    model.fit(raw.reshape(-1, 1), labels)
    return Calibration(float(model.coef_[0, 0]), float(model.intercept_[0]))


def choose_thresholds(labels: np.ndarray, probs: np.ndarray, config: TrainConfig) -> Thresholds:
    """High threshold: the lowest with out-of-fold precision >= target; medium: recall >= 0.95."""
    order = np.sort(np.unique(probs))
    high = None
    for candidate in order:
        predicted = probs >= candidate
        if predicted.sum() and labels[predicted].mean() >= config.target_precision:
            high = float(candidate)
            break
    if high is None:
        high = 0.5
    positives = np.sort(probs[labels == 1])
    medium_index = int(np.floor((1 - config.medium_recall) * len(positives)))
    medium = float(positives[medium_index]) if len(positives) else high / 2
    medium = min(medium, high * 0.75)
    return Thresholds(high=round(high, 6), medium=round(max(medium, 0.01), 6))


def library_versions() -> dict[str, str]:
    """Versions that matter for reproducing a model."""
    versions = {"python": platform.python_version()}
    for package in ("ponzidetect", "lightgbm", "scikit-learn", "numpy", "pandas"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions


def train_model(data: LabelledData, config: TrainConfig | None = None, name: str = "model",
                registry: Registry | None = None,
                features: FeatureSet | None = None) -> RiskModel:
    """Train, calibrate and threshold a model with grouped cross-validation.

    Parameters
    ----------
    data : LabelledData
        Labelled texts; ``group`` keeps scheme families inside one fold.
    config : TrainConfig, optional
        Hyper-parameters and seed.
    name : str
        Model name recorded in ``meta.json``.
    registry : Registry, optional
        Catalogue to featurize with.
    features : FeatureSet, optional
        Pre-computed features of ``data`` (saves featurizing twice in evaluation).

    Returns
    -------
    RiskModel
        With out-of-fold metrics in ``meta["cv"]``.
    """
    config = config or TrainConfig()
    registry = registry or default_registry()
    names = model_feature_names(registry, config.text_channel)
    features = features or FeatureSet.of(data.texts, registry)
    labels = np.asarray(data.labels, dtype=int)
    groups = data.frame["group"].to_numpy()
    folds = min(config.folds, len(np.unique(groups)))
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=config.seed)
    splits = list(splitter.split(features.flags, labels, groups))
    matrix = features.flags
    text_channel = None
    if config.text_channel:
        oof_text = np.zeros(len(labels))
        for train_idx, test_idx in splits:
            fold_channel = TextChannel.fit(features.counts[train_idx], labels[train_idx],
                                           config.seed)
            oof_text[test_idx] = fold_channel.logit(features.counts[test_idx])
        matrix = np.hstack([matrix, oof_text.reshape(-1, 1)])
        text_channel = TextChannel.fit(features.counts, labels, config.seed)
    oof_raw = np.zeros(len(labels))
    for fold, (train_idx, test_idx) in enumerate(splits):
        booster = _fit_booster(matrix[train_idx], labels[train_idx], names, config, registry)
        oof_raw[test_idx] = booster.predict(matrix[test_idx], raw_score=True, num_threads=1)
        LOG.info("fold %d: %d train, %d test", fold, len(train_idx), len(test_idx))
    calibration = _fit_calibration(oof_raw, labels, config.seed)
    oof_prob = calibration(oof_raw)
    thresholds = choose_thresholds(labels, oof_prob, config)
    booster = _fit_booster(matrix, labels, names, config, registry)
    cv = {"overall": classification_report(labels, oof_prob, thresholds.high)}
    for column in ("lang", "genre", "file"):
        cv[f"by_{column}"] = {
            str(key): classification_report(labels[idx], oof_prob[idx], thresholds.high)
            for key, idx in data.frame.groupby(column).indices.items()
        }
    meta = {
        "schema_version": SCHEMA_VERSION,
        "name": name,
        "feature_names": names,
        "flag_versions": registry.versions(),
        "flag_ids": list(registry.ids),
        "config": asdict(config),
        "seed": config.seed,
        "libraries": library_versions(),
        "training_data": {
            "fingerprint": data.fingerprint,
            "rows": len(labels),
            "positives": int(labels.sum()),
            "groups": len(np.unique(groups)),
            "files": sorted(data.frame["file"].unique().tolist()),
            "languages": {str(k): int(v) for k, v in data.frame["lang"].value_counts().items()},
        },
        "cv": _rounded(cv),
    }
    return RiskModel(booster, calibration, thresholds, meta, registry, text_channel)


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value
