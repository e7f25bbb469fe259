"""The :class:`Detector`: load a model once, score texts, lists and frames."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .assessment import BAND_ZH, Assessment, FlagContribution
from .batch import MAX_CHARS
from .document import Document
from .engine import FlagReport
from .features import analyse_texts
from .model import RiskModel, load_model
from .text_channel import hashed_counts
from .text_kind import KINDS
from .wording import explain_wording

if TYPE_CHECKING:
    import pandas as pd


def check_text(text: object, max_chars: int = MAX_CHARS) -> str:
    """Return ``text`` if it can be scored, else raise with a message that says why.

    Raises
    ------
    TypeError
        When ``text`` is not a string.
    ValueError
        When it is empty or longer than ``max_chars``.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, not {type(text).__name__}")
    if not text.strip():
        raise ValueError("text is empty")
    if len(text) > max_chars:
        raise ValueError(f"text is longer than {max_chars:,} characters ({len(text):,}); "
                         "split it or raise max_chars")
    return text


def rule_text_kind(report: FlagReport) -> str:
    """The voice from context flags alone, for models trained without a voice classifier."""
    counts = {result.flag_id: result.count for result in report.results}
    reporting = counts.get("reporting_frame", 0)
    warning = counts.get("warning_frame", 0)
    action = counts.get("call_to_action", 0)
    if reporting and reporting >= warning and reporting >= action:
        return "case_account"
    if warning and warning > action:
        return "warning"
    return "promotion" if action or any(r.fired for r in report.results) else "other"


class Detector:
    """Score texts with one loaded model.

    Parameters
    ----------
    model : RiskModel, path or None
        A loaded model, a model directory, or None for the shipped default.
    max_chars : int
        Longest text accepted (longer ones raise ``ValueError``; batch rows get an error).

    Examples
    --------
    >>> detector = Detector()
    >>> result = detector.score("保本保息，日息百分之二，推荐一人拿百分之十，十代收益")
    >>> result.risk
    'high'
    >>> [flag.flag_id for flag in result.red_flags][:2]  # doctest: +SKIP
    ['high_periodic_returns', 'multilevel_referral']
    """

    def __init__(self, model: RiskModel | Path | str | None = None,
                 max_chars: int = MAX_CHARS) -> None:
        self.model = model if isinstance(model, RiskModel) else load_model(model)
        self.max_chars = max_chars

    def score(self, text: str) -> Assessment:
        """Assess one text, with contributions and the wording explained.

        Parameters
        ----------
        text : str
            English, Chinese or mixed text, up to ``max_chars`` characters.

        Returns
        -------
        Assessment
        """
        return self.score_batch([text])[0]

    def score_batch(self, texts: list[str], explain: bool = True) -> list[Assessment]:
        """Assess a list of texts with one vectorised pass through the model.

        Parameters
        ----------
        texts : list of str
            Every text must pass :func:`check_text` (use :meth:`outcomes` for per-row errors).
        explain : bool
            Compute exact per-feature contributions and the wording's n-grams (the app,
            ``--explain`` and case reports need them). Without, flags are ordered by evidence
            strength and contributions are 0.0 — several times faster for batch scoring.

        Returns
        -------
        list of Assessment
        """
        model = self.model
        checked = [check_text(text, self.max_chars) for text in texts]
        if not checked:
            return []
        docs, reports = analyse_texts(checked, model.registry)
        flags = model.layout.matrix(docs, reports)
        counts = hashed_counts([doc.folded for doc in docs])
        wording_scores = model.wording_scores(counts)
        opened = model.gate_mask(flags)
        kinds = (model.kind_model.probabilities(counts) if model.kind_model is not None else None)
        if explain:
            contributions = model.contributions(flags)
            raw = contributions.sum(axis=1) + model.combiner.wording(wording_scores)
        else:
            contributions = None
            raw = model.combiner.logit(
                model.booster.predict(flags, raw_score=True, num_threads=1), wording_scores)
        probabilities = model.thresholds.gate(1.0 / (1.0 + np.exp(-raw)), opened)
        return [
            self._assessment(doc, report, float(raw[i]), float(probabilities[i]),
                             float(wording_scores[i]), bool(opened[i]),
                             None if contributions is None else contributions[i],
                             None if kinds is None else kinds[i])
            for i, (doc, report) in enumerate(zip(docs, reports, strict=True))
        ]

    def _assessment(self, doc: Document, report: FlagReport, raw: float, probability: float,
                    wording_score: float, gate_open: bool, contributions: np.ndarray | None,
                    kind_probs: np.ndarray | None) -> Assessment:
        model = self.model
        layout = model.layout
        flags = []
        for spec, result in zip(model.registry, report.results, strict=True):
            share = 0.0 if contributions is None else float(contributions[layout.flag(spec.id)].sum())
            if not result.fired and not result.negated_count and abs(share) < 1e-9:
                continue
            flags.append(FlagContribution(
                flag_id=spec.id, name_en=spec.name_en, name_zh=spec.name_zh,
                family=spec.family, kind=spec.kind, contribution=share, fired=result.fired,
                value=result.value, unit=result.unit, evidence=result.evidence,
            ))
        flags.sort(key=lambda f: (f.kind != "red_flag", not f.fired, -f.contribution, -f.strength,
                                  f.flag_id))
        wording_contribution = float(model.combiner.wording(wording_score))
        wording = None
        if contributions is not None and model.text_channel is not None:
            wording = explain_wording(doc, model.text_channel,
                                      lambda logit: float(model.combiner.wording(logit)))
        if kind_probs is not None:
            classes = model.kind_model.classes  # type: ignore[union-attr]
            ranked = sorted(zip(classes, kind_probs.tolist(), strict=True), key=lambda kp: -kp[1])
            kind_probabilities = tuple((k, float(p)) for k, p in ranked)
            text_kind = kind_probabilities[0][0]
        else:
            text_kind = rule_text_kind(report)
            kind_probabilities = tuple((k, float(k == text_kind)) for k in KINDS)
        base = float(contributions[-1]) if contributions is not None else 0.0
        other = (float(contributions[layout.doc].sum()) if contributions is not None else 0.0)
        return Assessment(
            probability=probability,
            risk=model.thresholds.band(probability),
            threshold=model.thresholds.high,
            language=doc.language,
            text_kind=text_kind,
            kind_probabilities=kind_probabilities,
            model_version=model.version,
            base_value=base,
            raw_score=raw,
            other_contribution=other,
            text_contribution=wording_contribution,
            flags=tuple(flags),
            wording=wording,
            gated=not gate_open and probability < 1.0 / (1.0 + np.exp(-raw)) - 1e-12,
            gate_open=gate_open,
        )

    def band_meaning(self, band: str, lang: str = "en") -> str:
        """What a band has meant on held-out sources (from the model's evaluation), or ``""``."""
        measured = self.model.meta.get("band_precision", {}).get(band)
        if not measured or measured.get("precision") is None:
            return ""
        share = f"{measured['precision']:.0%}"
        if lang == "zh":
            return (f"在留出来源评估中，{BAND_ZH[band]}风险文本里 {share} 确为资金盘/传销类"
                    f"（{measured['n']} 篇）。")
        return (f"On held-out sources, {share} of texts in the {band} band were schemes "
                f"({measured['n']} texts, leave-one-source-out).")

    def score_many(self, texts: Iterable[str], workers: int = 1) -> Iterator[Assessment]:
        """Assess many texts, in order; ``workers > 1`` uses that many processes.

        Invalid texts raise as in :meth:`score`; use :meth:`score_frame` for per-row errors.
        """
        if workers <= 1:
            for text in texts:
                yield self.score(text)
            return
        from .model_workers import assess_in_workers  # ships this model, never the default

        yield from assess_in_workers(self, texts, workers)

    def score_frame(self, frame: pd.DataFrame, text_column: str = "text",
                    explain: bool = False) -> pd.DataFrame:
        """Return a copy of ``frame`` with ``score``, ``risk``, ``flags`` and ``error`` columns.

        Every row gets a result: rows that cannot be scored get an ``error`` message and empty
        score. With ``explain=True`` an ``assessment`` column holds each row's full dict. Added
        columns become ``ponzidetect_score``... when ``frame`` already has one of those names.
        """
        from .batch import score_frame  # the one table-scoring path
        from .model_workers import DetectorScorer

        return score_frame(frame, text_column, DetectorScorer(explain=explain, detector=self),
                           max_chars=self.max_chars, explain=explain)

    def outcomes(self, values: list[object], explain: bool = False) -> list[dict[str, Any]]:
        """Score cells in one batch; bad cells get an ``error`` message, never an exception.

        Returns one dict per cell with ``score``, ``risk``, ``flags`` (red-flag ids, strongest
        first), ``text_kind``, ``language``, ``error`` and ``explanation`` (the assessment dict
        when ``explain``).
        """
        from .batch import score_cells
        from .model_workers import DetectorScorer

        scorer = DetectorScorer(explain=explain, detector=self)()
        return [o.to_dict() for o in score_cells(scorer, values, max_chars=self.max_chars)]


@cache
def default_detector() -> Detector:
    """The shipped model's detector, loaded once per process."""
    return Detector()


def score(text: str) -> Assessment:
    """Assess one text with the shipped default model.

    Parameters
    ----------
    text : str
        English, Chinese or mixed text.

    Returns
    -------
    Assessment
        Probability, risk band, threshold, language, voice, model version, the flags with their
        evidence and contributions, and the wording channel's n-grams.

    Examples
    --------
    >>> import ponzidetect
    >>> result = ponzidetect.score("Deposit now: 3% daily, guaranteed, paid from new members")
    >>> result.risk, result.probability > 0.5
    ('high', True)
    """
    return default_detector().score(text)
