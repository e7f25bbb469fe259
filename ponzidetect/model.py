"""The risk model: evidence first, wording bounded, calibrated, no high without a red flag.

Three pieces, each explainable:

1. **Evidence booster** — LightGBM over the red-flag, context and document features only
   (:mod:`ponzidetect.features`). Red-flag features are monotone upward (more evidence never
   lowers the risk); context cues (reporting, warning, disclaimer, call to action) are monotone
   downward (they never raise it).
2. **Wording channel** — character n-gram TF-IDF + logistic regression
   (:mod:`ponzidetect.text_channel`). Its score is *clipped* to ``±wording_clip`` and enters
   linearly, so wording can move a score but never carry it; the n-grams behind it are shown
   (:mod:`ponzidetect.wording`).
3. **Combiner** — a logistic regression fit on out-of-fold scores of both:
   ``log-odds = evidence_scale * booster + wording_weight * clip(wording) + intercept``, which is
   also the calibration. With ``deployment_prior`` the intercept is shifted so probabilities
   reflect that most texts an investigator sees are not schemes.

The **evidence gate**: a text on which no red flag that states the offer fired (``gate="offer"``,
:data:`~ponzidetect.features.OFFER_FLAGS`; ``gate="any"``: no red flag at all) never reaches the
high band; its probability is squeezed below the middle of the medium band. Bands are chosen
on out-of-fold scores: high where precision reaches ``target_precision`` (and never below a
calibrated probability of ``high_floor``, so a text in the high band is itself more likely a
scheme than not), medium where recall reaches ``medium_recall``.

A voice classifier (:mod:`ponzidetect.text_kind`) is trained alongside. A saved model is a
directory with LightGBM's native text booster, ``.npy`` arrays, ``meta.json`` and a model card:
no pickle anywhere.
"""

from __future__ import annotations

import hashlib
import json
import logging
import platform
from dataclasses import asdict, dataclass, field, fields
from functools import cache, cached_property
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

import lightgbm as lgb
import numpy as np
from scipy import sparse

from .dataset import LabelledData
from .engine import Registry, default_registry
from .features import FeatureLayout, analyse_texts, gate_mask
from .text_channel import TextChannel, hashed_counts
from .text_kind import KindModel, cross_validated_accuracy, kind_labels

LOG = logging.getLogger("ponzidetect")
SCHEMA_VERSION = 2
BOOSTER_FILE = "booster.txt"
META_FILE = "meta.json"
CARD_FILE = "MODEL_CARD.md"
_T = TypeVar("_T")


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
    high_floor: float = 0.5
    medium_recall: float = 0.95
    text_channel: bool = True
    wording_clip: float = 4.0
    wording_bound: float = 3.0
    gate: str = "offer"
    deployment_prior: float | None = None
    text_kind: bool = True

    def lgb_params(self, layout: FeatureLayout) -> dict[str, Any]:
        """LightGBM parameters, deterministic and single-threaded for reproducibility."""
        return {
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
            "monotone_constraints": layout.monotone_constraints(),
            "monotone_constraints_method": "basic",
        }


@dataclass(frozen=True)
class FeatureSet:
    """Evidence features and hashed n-gram counts of the same rows."""

    flags: np.ndarray
    counts: sparse.csr_matrix

    @classmethod
    def of(cls, texts: list[str], registry: Registry) -> FeatureSet:
        """Analyse ``texts`` once for every channel."""
        layout = FeatureLayout(registry)
        docs, reports = analyse_texts(texts, registry)
        flags = layout.matrix(docs, reports)
        return cls(flags, hashed_counts([doc.folded for doc in docs]))

    def subset(self, index: np.ndarray) -> FeatureSet:
        """The rows at ``index``."""
        return FeatureSet(self.flags[index], self.counts[index])

    @classmethod
    def cached(cls, texts: list[str], registry: Registry) -> FeatureSet:
        """:meth:`of`, remembered on disk between training and evaluation runs.

        The cache (``joblib.Memory`` in ``$PONZIDETECT_CACHE``, default
        ``~/.cache/ponzidetect``; ``PONZIDETECT_CACHE=0`` turns it off) is keyed on the texts and
        on a fingerprint of the package's code and catalogue, so any change to either recomputes.
        It holds only features the team's own runs computed, never a model.
        """
        memory = _feature_memory()
        if memory is None or registry is not default_registry():
            return cls.of(texts, registry)
        texts = list(texts)
        digest = hashlib.sha256()
        for text in texts:
            digest.update(hashlib.sha256(str(text).encode("utf-8", "surrogatepass")).digest())
        arrays = memory.cache(_feature_arrays, ignore=["texts"])(texts, digest.hexdigest(),
                                                                 _code_fingerprint())
        return cls(arrays[0], sparse.csr_matrix(arrays[1:4], shape=arrays[4]))


def _feature_arrays(texts: list[str], key: str, fingerprint: str) -> tuple[Any, ...]:
    features = FeatureSet.of(texts, default_registry())
    counts = features.counts
    return (features.flags, counts.data, counts.indices, counts.indptr, counts.shape)


@cache
def _feature_memory() -> Any:
    import os

    from joblib import Memory

    location = os.environ.get("PONZIDETECT_CACHE", str(Path.home() / ".cache" / "ponzidetect"))
    return None if location in ("", "0") else Memory(location, verbose=0)


@cache
def _code_fingerprint() -> str:
    from .catalogue import default_catalogue_dir

    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.json"),
                        *default_catalogue_dir().glob("*.toml")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class Combiner:
    """``log-odds = evidence_scale * booster + wording_weight * clip(wording / clip, ±1) + intercept``.

    ``wording`` is the wording channel's own log-odds; its contribution is bounded by
    ``wording_weight`` (at most the configured ``wording_bound``), so it can tip a score but
    never carry one.
    """

    evidence_scale: float
    wording_weight: float
    clip: float
    intercept: float

    def wording(self, logit: np.ndarray | float) -> np.ndarray:
        """The wording channel's contribution to the risk log-odds."""
        return self.wording_weight * np.clip(np.asarray(logit, dtype=float) / self.clip, -1.0, 1.0)

    def logit(self, booster_raw: np.ndarray, wording_logit: np.ndarray) -> np.ndarray:
        """Calibrated log-odds."""
        return (self.evidence_scale * np.asarray(booster_raw, dtype=float)
                + self.wording(wording_logit) + self.intercept)


@dataclass(frozen=True)
class Thresholds:
    """Start of the high and the medium band, and the cap of texts without a red flag."""

    high: float
    medium: float

    @property
    def no_evidence_cap(self) -> float:
        """Probability a text without any fired red flag approaches but never reaches (the
        middle of the medium band)."""
        return round(self.medium + 0.5 * (self.high - self.medium), 6)

    def band(self, probability: float) -> str:
        """``low``, ``medium`` or ``high``."""
        if probability >= self.high:
            return "high"
        if probability >= self.medium:
            return "medium"
        return "low"

    def gate(self, probabilities: np.ndarray, has_red_flag: np.ndarray) -> np.ndarray:
        """No evidence, no high: for rows without a fired red flag, map the part of the scale
        above the medium threshold onto ``[medium, no_evidence_cap)``.

        The map is increasing, so texts without evidence keep their order among themselves
        (no ties at a cap) while none of them reaches the high band; rows with a red flag and
        rows below the medium threshold are unchanged.
        """
        p = np.asarray(probabilities, dtype=float)
        low, cap = self.medium, self.no_evidence_cap
        squeezed = np.where(p > low, low + (p - low) * (cap - low) / max(1.0 - low, 1e-12), p)
        return np.where(has_red_flag, p, np.minimum(squeezed, np.nextafter(cap, 0.0)))


def _sigmoid(logit: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(logit, dtype=float)))


@dataclass
class RiskModel:
    """A trained model: evidence booster, wording channel, combiner, bands, voice classifier."""

    booster: lgb.Booster
    combiner: Combiner
    thresholds: Thresholds
    meta: dict[str, Any]
    registry: Registry = field(default_factory=default_registry)
    text_channel: TextChannel | None = None
    kind_model: KindModel | None = None

    @cached_property
    def layout(self) -> FeatureLayout:
        """The feature layout of this model's registry."""
        return FeatureLayout(self.registry)

    @property
    def version(self) -> str:
        """``name@fingerprint`` of this model."""
        return f"{self.meta.get('name', 'model')}@{self.meta.get('booster_sha256', '')[:12]}"

    def features(self, texts: list[str]) -> FeatureSet:
        """Every channel's input for ``texts``."""
        return FeatureSet.of(list(texts), self.registry)

    def wording_scores(self, counts: sparse.csr_matrix) -> np.ndarray:
        """The wording channel's log-odds (0 without a channel)."""
        if self.text_channel is None:
            return np.zeros(counts.shape[0])
        return self.text_channel.logit(counts)

    def logit(self, features: FeatureSet) -> np.ndarray:
        """Calibrated log-odds before the evidence gate."""
        booster_raw = self.booster.predict(features.flags, raw_score=True, num_threads=1)
        return self.combiner.logit(booster_raw, self.wording_scores(features.counts))

    @property
    def gate(self) -> str:
        """Which evidence opens the high band (``offer`` or ``any``; see
        :func:`~ponzidetect.features.gate_mask`)."""
        return str(self.meta.get("config", {}).get("gate", "any"))

    def gate_mask(self, flags: np.ndarray) -> np.ndarray:
        """Per row of evidence features, whether the text may reach the high band."""
        return gate_mask(flags, self.layout, self.gate)

    def probability(self, features: FeatureSet) -> np.ndarray:
        """Calibrated probability with the evidence gate applied."""
        return self.thresholds.gate(_sigmoid(self.logit(features)), self.gate_mask(features.flags))

    def contributions(self, flags: np.ndarray) -> np.ndarray:
        """Per-feature log-odds contributions of the evidence (booster contributions scaled by
        the combiner); the last column is the base value including the combiner's intercept."""
        raw = self.booster.predict(flags, pred_contrib=True, num_threads=1)
        scaled = raw * self.combiner.evidence_scale
        scaled[:, -1] += self.combiner.intercept
        return scaled

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """Calibrated, gated probabilities for ``texts``."""
        return self.probability(self.features(texts))

    def save(self, directory: Path | str) -> Path:
        """Write booster, arrays, ``meta.json`` and the model card to ``directory``."""
        from .model_card import render_model_card

        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        booster_text = self.booster.model_to_string()
        (folder / BOOSTER_FILE).write_text(booster_text, encoding="utf-8")
        if self.text_channel is not None:
            self.text_channel.save(folder)
            self.meta["text_channel"] = {"intercept": self.text_channel.intercept}
        if self.kind_model is not None:
            self.meta.setdefault("text_kind", {}).update(self.kind_model.save(folder))
        self.meta["booster_sha256"] = _sha256(booster_text)
        self.meta["combiner"] = asdict(self.combiner)
        self.meta["thresholds"] = asdict(self.thresholds)
        self.meta.pop("_directory", None)
        (folder / META_FILE).write_text(json.dumps(self.meta, indent=2, ensure_ascii=False,
                                                   sort_keys=True) + "\n", encoding="utf-8")
        (folder / CARD_FILE).write_text(render_model_card(self.meta), encoding="utf-8")
        return folder


def _sha256(text: str) -> str:
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
    from .model_meta import read_meta  # every field checked (schema first), checksum required

    meta = read_meta(meta_path, SCHEMA_VERSION)
    expected = list(FeatureLayout(registry).names)
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
    text_channel = kind_model = None
    try:
        if meta.get("text_channel"):
            text_channel = TextChannel.load(folder, meta["text_channel"]["intercept"])
        if meta.get("text_kind", {}).get("classes"):
            kind_model = KindModel.load(folder, meta["text_kind"]["classes"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ModelError(f"{folder}: model arrays unreadable: {error}") from error
    try:
        combiner = _from_meta(Combiner, meta["combiner"])  # newer fields are ignored
        thresholds = _from_meta(Thresholds, meta["thresholds"])
    except (KeyError, TypeError) as error:
        raise ModelError(f"{meta_path}: combiner or thresholds malformed: {error}") from error
    meta["_directory"] = str(folder)
    return RiskModel(booster, combiner, thresholds, meta, registry, text_channel, kind_model)


def _from_meta(cls: type[_T], values: dict[str, Any]) -> _T:
    """``cls`` from its own fields of a ``meta.json`` object (fields a newer version added,
    such as a ``gate`` threshold, are left to that version)."""
    return cls(**{f.name: values[f.name] for f in fields(cls)})  # type: ignore[call-arg]


def _fit_booster(matrix: np.ndarray, labels: np.ndarray, layout: FeatureLayout,
                 config: TrainConfig) -> lgb.Booster:
    dataset = lgb.Dataset(matrix, label=labels, feature_name=list(layout.names),
                          free_raw_data=False, params={"verbosity": -1, "seed": config.seed})
    return lgb.train(config.lgb_params(layout), dataset, num_boost_round=config.rounds)


def fit_combiner(booster_raw: np.ndarray, wording_logit: np.ndarray, labels: np.ndarray,
                 config: TrainConfig) -> Combiner:
    """Fit the combiner (and so the calibration) on out-of-fold scores.

    Maximum likelihood of ``labels`` under the combiner's log-odds, with the evidence scale kept
    positive and the wording weight in ``[0, config.wording_bound]``; with
    ``config.deployment_prior`` the intercept is then shifted from the training prior to it.
    """
    from scipy.optimize import minimize

    bound = config.wording_bound if config.text_channel else 0.0
    wording = np.clip(np.asarray(wording_logit, dtype=float) / config.wording_clip, -1.0, 1.0)
    signs = 2.0 * np.asarray(labels, dtype=float) - 1.0

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        scale, weight, intercept = params
        margin = signs * (scale * booster_raw + weight * wording + intercept)
        value = np.logaddexp(0.0, -margin).sum()
        slope = -signs * (1.0 / (1.0 + np.exp(margin)))
        return float(value), np.array([(slope * booster_raw).sum(), (slope * wording).sum(),
                                       slope.sum()])

    fitted = minimize(loss, np.array([1.0, min(bound, 0.5), 0.0]), jac=True, method="L-BFGS-B",
                      bounds=[(1e-3, None), (0.0, bound), (None, None)])
    scale, weight, intercept = (float(v) for v in fitted.x)
    if config.deployment_prior is not None:
        intercept += _logit(config.deployment_prior) - _logit(float(np.mean(labels)))
    return Combiner(scale, weight, config.wording_clip, intercept)


def _logit(p: float) -> float:
    return float(np.log(p / (1 - p)))


def prior_weights(labels: np.ndarray, config: TrainConfig) -> np.ndarray:
    """Row weights that give the negatives the share they have at the deployment prior."""
    weights = np.ones(len(labels))
    if config.deployment_prior is not None and 0 < labels.mean() < 1:
        train_prior = labels.mean()
        odds = ((1 - config.deployment_prior) / config.deployment_prior) / ((1 - train_prior) / train_prior)
        weights[labels == 0] = odds
    return weights


def choose_thresholds(labels: np.ndarray, probs: np.ndarray, config: TrainConfig,
                      eligible: np.ndarray | None = None,
                      weights: np.ndarray | None = None) -> Thresholds:
    """High: the lowest threshold whose (prior-weighted) precision over eligible rows (those whose
    evidence opens the gate) reaches the target, and at least ``high_floor``: the precision of a
    band is cumulative, so without the floor its lowest texts could be mostly non-schemes;
    medium: where recall reaches ``medium_recall``."""
    eligible = np.ones(len(labels), dtype=bool) if eligible is None else eligible
    weights = np.ones(len(labels)) if weights is None else weights
    high = None
    for candidate in np.sort(np.unique(probs[eligible])):
        chosen = eligible & (probs >= candidate)
        total = weights[chosen].sum()
        if total and (weights[chosen] * labels[chosen]).sum() / total >= config.target_precision:
            high = float(candidate)
            break
    if high is None:
        high = float(probs[eligible].max()) if eligible.any() else 0.5
    high = max(high, config.high_floor)
    positives = np.sort(probs[labels == 1])
    medium_index = int(np.floor((1 - config.medium_recall) * len(positives)))
    medium = float(positives[medium_index]) if len(positives) else high / 2
    medium = min(medium, high * 0.75)
    return Thresholds(high=round(high, 6), medium=round(max(medium, 0.001), 6))


def library_versions() -> dict[str, str]:
    """Versions that matter for reproducing a model."""
    versions = {"python": platform.python_version()}
    for package in ("ponzidetect", "lightgbm", "scikit-learn", "numpy", "pandas"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions


def gain_shares(booster: lgb.Booster, layout: FeatureLayout) -> dict[str, float]:
    """Share of the booster's split gain on red-flag evidence (the flags' own columns and the
    counts of red flags and families fired), on context cues and on length and language."""
    gain = booster.feature_importance(importance_type="gain")
    total = float(gain.sum()) or 1.0
    by_name = dict(zip(layout.names, gain.tolist(), strict=True))
    counted = by_name["doc__n_red_flags"] + by_name["doc__n_families"]
    red = sum(float(gain[layout.flag(i)].sum()) for i in layout.red_flag_ids) + counted
    context = sum(float(gain[layout.flag(i)].sum()) for i in layout.context_ids)
    return {"red_flags": round(red / total, 4), "context": round(context / total, 4),
            "length_language": round((float(gain[layout.doc].sum()) - counted) / total, 4)}


def train_model(data: LabelledData, config: TrainConfig | None = None, name: str = "model",
                registry: Registry | None = None,
                features: FeatureSet | None = None) -> RiskModel:
    """Train, calibrate and band a model with grouped cross-validation.

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
        Pre-computed features of ``data`` (saves analysing twice in evaluation).

    Returns
    -------
    RiskModel
        With out-of-fold metrics in ``meta["cv"]`` and the voice classifier's in
        ``meta["text_kind"]["cv"]``.
    """
    from sklearn.model_selection import StratifiedGroupKFold  # training only: slow to import

    from .metrics import classification_report

    config = config or TrainConfig()
    registry = registry or default_registry()
    layout = FeatureLayout(registry)
    features = features or FeatureSet.cached(data.texts, registry)
    labels = np.asarray(data.labels, dtype=int)
    groups = data.frame["group"].to_numpy()
    folds = min(config.folds, len(np.unique(groups)))
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=config.seed)
    splits = list(splitter.split(features.flags, labels, groups))
    oof_booster = np.zeros(len(labels))
    oof_wording = np.zeros(len(labels))
    for fold, (train_idx, test_idx) in enumerate(splits):
        booster = _fit_booster(features.flags[train_idx], labels[train_idx], layout, config)
        oof_booster[test_idx] = booster.predict(features.flags[test_idx], raw_score=True,
                                                num_threads=1)
        if config.text_channel:
            channel = TextChannel.fit(features.counts[train_idx], labels[train_idx], config.seed)
            oof_wording[test_idx] = channel.logit(features.counts[test_idx])
        LOG.info("fold %d: %d train, %d test", fold, len(train_idx), len(test_idx))
    combiner = fit_combiner(oof_booster, oof_wording, labels, config)
    oof_raw = _sigmoid(combiner.logit(oof_booster, oof_wording))
    weights = prior_weights(labels, config)
    opened = gate_mask(features.flags, layout, config.gate)
    thresholds = choose_thresholds(labels, oof_raw, config, opened, weights)
    oof_prob = thresholds.gate(oof_raw, opened)
    booster = _fit_booster(features.flags, labels, layout, config)
    text_channel = (TextChannel.fit(features.counts, labels, config.seed)
                    if config.text_channel else None)
    cv = {"overall": classification_report(labels, oof_prob, thresholds.high)}
    for column in ("lang", "genre", "file"):
        cv[f"by_{column}"] = {
            str(key): classification_report(labels[idx], oof_prob[idx], thresholds.high)
            for key, idx in data.frame.groupby(column).indices.items()
        }
    wording_part = np.abs(combiner.wording(oof_wording))
    evidence_part = np.abs(combiner.evidence_scale * (oof_booster - np.mean(oof_booster)))
    meta: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "name": name,
        "feature_names": list(layout.names),
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
        "weights": {
            "gain": gain_shares(booster, layout),
            "wording_share_of_movement": round(float(
                wording_part.mean() / max(wording_part.mean() + evidence_part.mean(), 1e-12)), 4),
            "gate_closed_share": round(float(1 - opened.mean()), 4),
        },
    }
    kind_model = None
    if config.text_kind:
        kind_model, meta["text_kind"] = _train_kind(data, features, config)
    return RiskModel(booster, combiner, thresholds, meta, registry, text_channel, kind_model)


def _train_kind(data: LabelledData, features: FeatureSet,
                config: TrainConfig) -> tuple[KindModel | None, dict[str, Any]]:
    frame = data.frame
    kinds = kind_labels(frame["kind"].tolist(), frame["genre"].tolist())
    known = np.flatnonzero(kinds != "")
    if len(set(kinds[known].tolist())) < 2:
        return None, {}
    counts = features.counts[known]
    model = KindModel.fit(counts, kinds[known], config.seed)
    report = cross_validated_accuracy(counts, kinds[known], frame["group"].to_numpy()[known],
                                      frame["lang"].to_numpy()[known], config.seed,
                                      folds=min(config.folds, 5))
    return model, {"cv": _rounded(report), "rows": len(known)}


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value
