"""A loaded model as a batch scorer factory, shipped to worker processes as a model directory.

The batch layer (:mod:`ponzidetect.batch`) knows nothing about models: it takes a picklable
*scorer factory*. :class:`DetectorScorer` is that factory for a :class:`~ponzidetect.Detector`.
What it sends to a worker is never the model object but a model directory, which the worker
loads with :func:`~ponzidetect.model.load_model` (no pickle, checksums checked):

- a model loaded from a directory and unchanged since is sent as that directory;
- a model trained or changed in memory is saved (its own ``save``) to a temporary directory
  first, removed when the work is done;
- a model whose catalogue is not the shipped one cannot be rebuilt in a worker: refused with a
  clear :class:`~ponzidetect.model.ModelError` (score it with ``workers=1``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import itertools
import json
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .batch import MAX_CHARS, RowOutcome, Scorer, WorkerPool

if TYPE_CHECKING:
    from .assessment import Assessment
    from .detector import Detector
    from .model import RiskModel

__all__ = ["DetectorScorer", "assess_in_workers", "model_source", "shipped_model"]

_BATCH = 32
SUB_BATCH = 256


@dataclass(frozen=True, eq=False)
class DetectorScorer:
    """Builds a batch :data:`~ponzidetect.batch.Scorer` around a :class:`Detector`.

    In this process it uses ``detector`` when given; in a worker process (where ``detector``
    is not sent) it loads ``model_dir`` (the shipped default when None).

    Attributes
    ----------
    model_dir : str or None
        The model directory workers load.
    explain : bool
        Put each row's full assessment in its outcome.
    max_chars : int
        Longest text the detector accepts.
    detector : Detector or None
        The detector to use in this process (not pickled).
    """

    model_dir: str | None = None
    explain: bool = False
    max_chars: int = MAX_CHARS
    detector: Detector | None = dataclasses.field(default=None, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["detector"] = None  # workers load the directory
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def __call__(self) -> Scorer:
        detector = self.detector
        if detector is None:
            from .detector import Detector

            detector = Detector(self.model_dir, max_chars=self.max_chars)
        return partial(score_with_detector, detector, self.explain)


def score_with_detector(detector: Detector, explain: bool, texts: list[str]) -> list[RowOutcome]:
    """One outcome per text (all texts valid: the batch layer checked them).

    Scored :data:`SUB_BATCH` texts at a time: one vectorised pass each, with the memory of
    documents, evidence and hashed n-grams bounded whatever the chunk size.
    """
    from .columns import assessment_columns

    outcomes = []
    assessments = (assessment for start in range(0, len(texts), SUB_BATCH)
                   for assessment in detector.score_batch(texts[start:start + SUB_BATCH],
                                                          explain))
    for assessment in assessments:
        outcomes.append(RowOutcome(
            score=round(assessment.probability, 6), risk=assessment.risk,
            flags=tuple(flag.flag_id for flag in assessment.red_flags), error="",
            explanation=assessment.to_dict() if explain else None,
            extra=assessment_columns(assessment),
        ))
    return outcomes


def _booster_sha256(model: RiskModel) -> str:
    return hashlib.sha256(model.booster.model_to_string().encode("utf-8")).hexdigest()


def model_source(model: RiskModel) -> str | None:
    """The directory ``model`` was loaded from, if it is unchanged since; else None."""
    directory = model.meta.get("_directory")
    if not directory or not Path(directory, "booster.txt").is_file():
        return None
    return directory if _booster_sha256(model) == model.meta.get("booster_sha256") else None


def _check_shippable(model: RiskModel) -> None:
    from .engine import default_registry
    from .model import ModelError

    registry, shipped = model.registry, default_registry()
    if registry is not shipped and (registry.ids != shipped.ids
                                    or registry.versions() != shipped.versions()):
        raise ModelError("this model uses a catalogue other than the shipped one, which worker "
                         "processes cannot rebuild; score with workers=1")


@contextlib.contextmanager
def shipped_model(model: RiskModel) -> Iterator[str]:
    """A directory worker processes can load ``model`` from, for the duration of the block.

    Raises
    ------
    ModelError
        When the model cannot be rebuilt in another process (a custom catalogue).
    """
    _check_shippable(model)
    directory = model_source(model)
    if directory is not None:
        yield directory
        return
    folder = tempfile.mkdtemp(prefix="ponzidetect-model-")
    try:
        copy = dataclasses.replace(model, meta=dict(model.meta))  # save() edits meta
        copy.save(Path(folder) / "model")
        yield str(Path(folder) / "model")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _assess_task(detector: Detector, texts: list[str]) -> list[Assessment]:
    return detector.score_batch(texts)


def _load_detector(model_dir: str, max_chars: int, meta_json: str | None) -> Detector:
    """The worker's detector: the directory's model, with the caller's own metadata when the
    model was saved for the trip (so ``model_version`` reads the same on both sides)."""
    from .detector import Detector

    detector = Detector(model_dir, max_chars=max_chars)
    if meta_json is not None:
        detector.model.meta = json.loads(meta_json)
    return detector


@functools.lru_cache(maxsize=8)
def _detector_factory(model_dir: str, max_chars: int,
                      meta_json: str | None) -> partial[Detector]:
    """One factory object per directory, so the pool's processes are reused between calls."""
    return partial(_load_detector, model_dir, max_chars, meta_json)


def assess_in_workers(detector: Detector, texts: Iterable[str],
                      workers: int) -> Iterator[Assessment]:
    """``detector.score`` of every text, in order, computed in ``workers`` processes.

    The workers load the detector's own model (see :func:`shipped_model`), never the default.

    Raises
    ------
    ModelError
        When the model cannot be sent to workers.
    ValueError, TypeError
        For an invalid text, as :meth:`Detector.score` raises.
    """
    model = detector.model
    with shipped_model(model) as directory:
        saved = directory != model.meta.get("_directory")
        meta_json = json.dumps(model.meta, sort_keys=True, default=str) if saved else None
        factory = _detector_factory(directory, detector.max_chars, meta_json)
        with WorkerPool(factory, workers) as pool:
            iterator = iter(texts)
            batches = iter(lambda: list(itertools.islice(iterator, _BATCH)), [])
            for batch in pool.map(_assess_task, batches):
                yield from batch
