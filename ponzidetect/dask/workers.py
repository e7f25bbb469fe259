"""The model on Dask workers: loaded once per worker process, checked by its booster's SHA-256.

:class:`ModelSpec` is what travels to the workers: a model directory and the
``booster_sha256`` the client read from it. It is a batch *scorer factory*
(:data:`ponzidetect.batch.ScorerFactory`): called on a worker it returns a scorer around the
worker's one cached :class:`~ponzidetect.Detector` (:func:`cached_detector`), the same scorer
the single-machine command uses (:class:`~ponzidetect.model_workers.DetectorScorer`).
:class:`ModelPlugin` loads it when a worker joins, so a worker that cannot read the model, or
holds a different one under the same path, fails at the start of the run and not mid-way.
"""

from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..batch import MAX_CHARS, RowOutcome, Scorer

if TYPE_CHECKING:
    from ..detector import Detector

__all__ = ["ModelPlugin", "ModelSpec", "cached_detector"]

_LOCK = threading.Lock()
_DETECTORS: dict[tuple[str, str, int], Detector] = {}


def cached_detector(model_dir: str, booster_sha256: str, max_chars: int = MAX_CHARS) -> Detector:
    """This process's detector for ``model_dir``, loaded on first use.

    Raises
    ------
    ModelError
        When the directory cannot be loaded here, or its booster is not the one the client
        checked (another model copied under the same path).
    """
    key = (model_dir, booster_sha256, max_chars)
    with _LOCK:
        detector = _DETECTORS.get(key)
        if detector is None:
            from ..detector import Detector
            from ..model import ModelError

            try:
                detector = Detector(model_dir, max_chars=max_chars)
            except ModelError as error:
                raise ModelError(f"worker {socket.gethostname()} (pid {os.getpid()}): {error}; "
                                 f"the model must be at {model_dir} on every worker") from error
            found = str(detector.model.meta.get("booster_sha256", ""))
            if found != booster_sha256:
                raise ModelError(
                    f"worker {socket.gethostname()} (pid {os.getpid()}): the model at {model_dir} "
                    f"has booster {found[:12]}, the client's has {booster_sha256[:12]}; copy the "
                    "same model directory to every worker")
            _DETECTORS[key] = detector
        return detector


class _Serialised:
    """A scorer that runs one call at a time (a worker with several threads shares one model)."""

    def __init__(self, scorer: Scorer) -> None:
        self._scorer = scorer
        self._lock = threading.Lock()

    def __call__(self, texts: list[str]) -> list[RowOutcome]:
        with self._lock:
            return self._scorer(texts)


_SCORERS: dict[tuple[str, str, int, bool], _Serialised] = {}


@dataclass(frozen=True)
class ModelSpec:
    """A model directory as the workers load it, and the booster checksum they must find.

    Attributes
    ----------
    model_dir : str
        The directory, at the same path on the client and every worker.
    booster_sha256 : str
        ``meta.json``'s ``booster_sha256`` as read on the client.
    explain : bool
        Put each row's full assessment in its outcome.
    max_chars : int
        Longest text scored.
    """

    model_dir: str
    booster_sha256: str
    explain: bool = False
    max_chars: int = MAX_CHARS

    @classmethod
    def from_model(cls, model: Any = None, *, explain: bool = False,
                   max_chars: int = MAX_CHARS) -> ModelSpec:
        """The spec of a model directory (None: the shipped one), a Detector or a RiskModel.

        The model is loaded here once, so a broken directory fails on the client first.

        Raises
        ------
        ModelError
            When the model does not load, or was changed in memory (workers can only load a
            directory: save it with ``model.save(DIR)`` and pass DIR).
        """
        from ..detector import Detector
        from ..model import ModelError
        from ..model_workers import model_source

        detector = model if isinstance(model, Detector) else Detector(model)
        directory = model_source(detector.model)
        if directory is None:
            raise ModelError("this model was trained or changed in memory; Dask workers load a "
                             "model directory: save it with model.save(DIR) and pass DIR")
        return cls(str(Path(directory).absolute()),
                   str(detector.model.meta["booster_sha256"]), explain, max_chars)

    def __call__(self) -> Scorer:
        """This process's scorer (a :data:`~ponzidetect.batch.ScorerFactory`)."""
        from ..model_workers import DetectorScorer

        key = (self.model_dir, self.booster_sha256, self.max_chars, self.explain)
        with _LOCK:
            scorer = _SCORERS.get(key)
        if scorer is None:
            detector = cached_detector(self.model_dir, self.booster_sha256, self.max_chars)
            scorer = _Serialised(DetectorScorer(self.model_dir, self.explain, self.max_chars,
                                                detector=detector)())
            with _LOCK:
                scorer = _SCORERS.setdefault(key, scorer)
        return scorer

    def plugin(self) -> ModelPlugin:
        """The worker plugin that loads this model when a worker starts."""
        return ModelPlugin(self)


def _plugin_base() -> type:
    from distributed import WorkerPlugin

    return WorkerPlugin


class ModelPlugin(_plugin_base()):  # type: ignore[misc]
    """Loads and checks the model on every worker, including workers that join later.

    Parameters
    ----------
    spec : ModelSpec
        The model.
    """

    idempotent = True

    def __init__(self, spec: ModelSpec) -> None:
        self.spec = spec
        self.name = f"ponzidetect-model-{spec.booster_sha256[:16]}-{spec.max_chars}"

    def setup(self, worker: Any) -> None:
        """Load the model (once per process)."""
        del worker
        cached_detector(self.spec.model_dir, self.spec.booster_sha256, self.spec.max_chars)
