"""ponzidetect: triage crypto project texts for Ponzi and pyramid-scheme red flags.

Public API
----------
extract_flags(text)
    Model-free: which red flags a text raises, with evidence spans in the original text.
score(text)
    A calibrated risk score from the shipped model, with per-flag contributions and evidence.
Detector
    Loads a model once; ``score``, ``score_many``, ``score_frame``.
load_model(path=None)
    Load a model directory (the shipped default when ``path`` is None).
"""

from __future__ import annotations

import logging

from .assessment import Assessment, FlagContribution
from .catalogue import CatalogueError, FlagSpec
from .detector import Detector, score
from .document import Document
from .engine import FlagReport, Registry, default_registry, extract_flags
from .evidence import Evidence, FlagResult
from .model import ModelError, RiskModel, load_model, train_model

logging.getLogger("ponzidetect").addHandler(logging.NullHandler())

__version__ = "0.1.0"

__all__ = [
    "Assessment",
    "CatalogueError",
    "Detector",
    "Document",
    "Evidence",
    "FlagContribution",
    "FlagReport",
    "FlagResult",
    "FlagSpec",
    "ModelError",
    "Registry",
    "RiskModel",
    "__version__",
    "default_registry",
    "extract_flags",
    "load_model",
    "score",
    "train_model",
]
