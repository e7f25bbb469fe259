"""Batch scoring on a Dask cluster: same rules and results as one machine, every row kept.

Needs the optional extra ``ponzidetect[dask]`` (``dask[dataframe]`` and ``distributed``).

- :func:`score_dataframe`: a Dask DataFrame you hold -> the same DataFrame with ``score``,
  ``risk``, ``flags``, ``error`` (lazy, ``meta`` declared).
- :func:`score_partitions`: ``ponzidetect score INPUT -o FOLDER --engine dask``: a file, glob or
  folder of CSV/TSV/JSONL/Parquet/XLSX files (local or fsspec URLs) -> a folder of part files
  and a ``_SUCCESS`` manifest, moved into place when every part is written.
- :class:`ModelSpec`: the model as workers load it (once per process, checked by the booster's
  SHA-256).

Both run the single-machine code on each partition: the io readers and writers and
:func:`ponzidetect.batch.score_chunks` / :func:`~ponzidetect.batch.score_frame`. There is no
second reader or scorer here, only the code that spreads files over workers and collects them.
"""

from __future__ import annotations

from .frame import score_dataframe
from .inputs import Partition, list_partitions
from .output import MANIFEST, read_manifest
from .parts import LOCATION_COLUMNS
from .run import local_cluster, score_partitions
from .workers import ModelPlugin, ModelSpec

__all__ = [
    "LOCATION_COLUMNS",
    "MANIFEST",
    "ModelPlugin",
    "ModelSpec",
    "Partition",
    "list_partitions",
    "local_cluster",
    "read_manifest",
    "score_dataframe",
    "score_partitions",
]
