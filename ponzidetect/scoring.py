"""Glue between the :class:`~ponzidetect.detector.Detector` and batch scoring of tables."""

from __future__ import annotations

from .batch import RowOutcome, Scorer
from .columns import assessment_columns
from .detector import Detector, check_text


def make_scorer(model_dir: str | None = None, explain: bool = False) -> Scorer:
    """Build a batch scorer (one per worker process) around a loaded model.

    Each outcome carries :func:`~ponzidetect.columns.assessment_columns` (text kind, language,
    evidence snippets, model version) as ``extra``.

    Parameters
    ----------
    model_dir : str, optional
        Model directory; the shipped model when None.
    explain : bool
        Whether to include the full assessment (contributions, wording) in each outcome.
    """
    detector = Detector(model_dir)

    def score_cells(cells: list[object]) -> list[RowOutcome]:
        outcomes: list[RowOutcome | None] = [None] * len(cells)
        valid = []
        for index, cell in enumerate(cells):
            try:
                check_text(cell, detector.max_chars)
                valid.append(index)
            except (TypeError, ValueError) as error:
                outcomes[index] = RowOutcome.failed(str(error))
        assessments = detector.score_batch([cells[i] for i in valid], explain)  # type: ignore[misc]
        for index, assessment in zip(valid, assessments, strict=True):
            outcomes[index] = RowOutcome(
                score=round(assessment.probability, 6), risk=assessment.risk,
                flags=tuple(f.flag_id for f in assessment.red_flags), error="",
                explanation=assessment.to_dict() if explain else None,
                extra=assessment_columns(assessment))
        return outcomes  # type: ignore[return-value]

    return score_cells
