"""Glue between the :class:`~ponzidetect.detector.Detector` and batch scoring of tables."""

from __future__ import annotations

from .batch import RowOutcome, Scorer
from .detector import Detector


def make_scorer(model_dir: str | None = None, explain: bool = False) -> Scorer:
    """Build a batch scorer (one per worker process) around a loaded model.

    Parameters
    ----------
    model_dir : str, optional
        Model directory; the shipped model when None.
    explain : bool
        Whether to include the full assessment in each outcome.
    """
    detector = Detector(model_dir)

    def score_cells(cells: list[object]) -> list[RowOutcome]:
        return [RowOutcome(score=result["score"], risk=result["risk"],
                           flags=tuple(result["flags"]), error=result["error"],
                           explanation=result["explanation"])
                for result in detector.outcomes(cells, explain)]

    return score_cells
