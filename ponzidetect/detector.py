"""The :class:`Detector`: load a model once, score texts, lists, frames and files."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .assessment import Assessment, FlagContribution
from .batch import MAX_CHARS
from .document import Document
from .engine import FlagReport, analyse
from .features import document_row
from .model import RiskModel, load_model
from .text_channel import hashed_counts

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


CONTEXT_FLAGS = frozenset({"reporting_frame", "warning_frame", "call_to_action", "risk_disclaimer"})


def text_kind(report: FlagReport) -> str:
    """``report``, ``warning``, ``promotion`` or ``other``, from the context flags.

    Reporting (news, court) wins when it is at least as frequent as warning and call-to-action
    cues; a warning needs more warning cues than calls to action; any red flag or call to action
    makes a promotion.
    """
    counts = {result.flag_id: result.count for result in report.results}
    reporting = counts.get("reporting_frame", 0)
    warning = counts.get("warning_frame", 0)
    action = counts.get("call_to_action", 0)
    red = any(result.fired and result.flag_id not in CONTEXT_FLAGS for result in report.results)
    if reporting and reporting >= warning and reporting >= action:
        return "report"
    if warning and warning > action:
        return "warning"
    if action or red:
        return "promotion"
    return "other"


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
        self._flag_slices = self._slices()

    def _slices(self) -> dict[str, list[int]]:
        slices: dict[str, list[int]] = {}
        for index, name in enumerate(self.model.feature_names):
            slices.setdefault(name.split("__", 1)[0], []).append(index)
        return slices

    def score(self, text: str) -> Assessment:
        """Assess one text.

        Parameters
        ----------
        text : str
            English, Chinese or mixed text, up to ``max_chars`` characters.

        Returns
        -------
        Assessment
        """
        return self.score_batch([text])[0]

    def score_batch(self, texts: list[str]) -> list[Assessment]:
        """Assess a list of texts with one vectorised pass through the model.

        Faster than calling :meth:`score` per text (one hashing, one booster call); every text
        must pass :func:`check_text` (use :meth:`outcomes` for per-row errors instead).
        """
        registry = self.model.registry
        docs = [Document.from_text(check_text(text, self.max_chars)) for text in texts]
        if not docs:
            return []
        reports = [analyse(doc, registry) for doc in docs]
        matrix = np.vstack([document_row(d, r, registry) for d, r in zip(docs, reports, strict=True)])
        if self.model.text_channel is not None:
            logits = self.model.text_channel.logit(hashed_counts([doc.folded for doc in docs]))
            matrix = np.hstack([matrix, logits.reshape(-1, 1)])
        contributions = self.model.contributions(matrix)
        return [self._assessment(doc, report, row)
                for doc, report, row in zip(docs, reports, contributions, strict=True)]

    def _assessment(self, doc: Document, report: FlagReport,
                    contributions: np.ndarray) -> Assessment:
        registry = self.model.registry
        raw = float(contributions.sum())
        probability = float(self.model.calibration(np.array([raw]))[0])
        flags = []
        for spec, result in zip(registry, report.results, strict=True):
            share = float(contributions[self._flag_slices[spec.id]].sum())
            if not result.fired and not result.negated_count and abs(share) < 1e-9:
                continue
            flags.append(FlagContribution(
                flag_id=spec.id, name_en=spec.name_en, name_zh=spec.name_zh,
                family=spec.family, kind=spec.kind, contribution=share, fired=result.fired,
                value=result.value, unit=result.unit, evidence=result.evidence,
            ))
        flags.sort(key=lambda flag: (-flag.contribution, flag.flag_id))
        return Assessment(
            probability=probability,
            risk=self.model.thresholds.band(probability),
            threshold=self.model.thresholds.high,
            language=doc.language,
            text_kind=text_kind(report),
            model_version=self.model.version,
            base_value=float(contributions[-1]),
            raw_score=raw,
            other_contribution=float(contributions[self._flag_slices.get("doc", [])].sum()),
            text_contribution=float(contributions[self._flag_slices.get("text", [])].sum()),
            flags=tuple(flags),
        )

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

    def outcome(self, value: object, explain: bool = False) -> dict[str, Any]:
        """Score one cell, turning bad input into an error message instead of an exception."""
        return self.outcomes([value], explain)[0]

    def outcomes(self, values: list[object], explain: bool = False) -> list[dict[str, Any]]:
        """Score cells in one batch; bad cells get an ``error`` message, never an exception.

        Returns one dict per cell with ``score``, ``risk``, ``flags`` (red-flag ids, strongest
        first), ``error`` and ``explanation`` (the assessment dict when ``explain``).
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
        Probability, risk band, threshold, language, text kind, model version, and the flags
        sorted by contribution with their evidence.

    Examples
    --------
    >>> import ponzidetect
    >>> result = ponzidetect.score("Deposit now: 3% daily, guaranteed, paid from new members")
    >>> result.risk, result.probability > 0.5
    ('high', True)
    """
    return default_detector().score(text)
