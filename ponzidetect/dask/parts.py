"""One Dask task: read one partition, score it with the batch layer, write one part file.

:func:`score_partition` is the single-machine path applied to one file: the io readers
(:func:`~ponzidetect.io.open_table`: encoding sniffed per file, every record a row, read
errors out of band), :func:`~ponzidetect.batch.score_chunks` (the per-row rules: unscorable
cells and unreadable rows get an ``error``, a scorer that raises costs one row) and the io
writers (:class:`~ponzidetect.io.TableWriter`: formula-safe, atomic). It adds two columns that
place each row in the input: :data:`LOCATION_COLUMNS` (``input_file``, ``input_row`` counting
data rows from 0, as the ``--explain`` file's ``row``).

Run again after a worker died, it writes the same part file again (atomically), so a retried
partition is never counted twice.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..batch import (
    MAX_CHARS,
    RESULT_COLUMNS,
    ResultColumn,
    ScorerFactory,
    _chunk_rows,
    _Tally,
    result_column_names,
    score_chunks,
    with_results,
)
from ..io import MissingColumnError, Notes, TableWriter, missing_column_message, open_table
from .inputs import Partition, local_copy

__all__ = ["LOCATION_COLUMNS", "PartOptions", "PartResult", "part_name", "score_partition"]

LOCATION_COLUMNS = (ResultColumn("input_file"), ResultColumn("input_row", "number"))
"""Where each output row comes from (renamed ``ponzidetect_input_file``... on a clash)."""


@dataclass(frozen=True)
class PartOptions:
    """How every partition of a run is read, scored and written.

    Attributes
    ----------
    text_column : str
        The column to score.
    out_fmt : str
        Format of the part files.
    encoding : str, optional
        Force the input encoding (detected per file by default).
    chunk_rows : int
        Rows per scorer call.
    max_chars : int
        Longer texts get an error.
    result_columns : tuple of ResultColumn
        The columns to add, as the single-machine command adds them.
    storage_options : tuple of (str, object)
        fsspec options for URLs.
    """

    text_column: str
    out_fmt: str = "parquet"
    encoding: str | None = None
    chunk_rows: int = 2000
    max_chars: int = MAX_CHARS
    result_columns: tuple[ResultColumn, ...] = RESULT_COLUMNS
    storage_options: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class PartResult:
    """What one partition gave.

    Attributes
    ----------
    index : int
        The partition's position.
    source : str
        Its input file.
    part : str
        The part file's name in the output folder.
    rows : int
        Output rows (one per input record).
    tally : _Tally
        Scored rows, risk bands, flags and error reasons, for the run summary.
    notes : Notes
        What the reader repaired and the writer changed.
    columns : tuple of str
        Names of the added columns.
    seconds : float
        Time the task took.
    worker : str
        ``host:pid`` of the process that wrote it.
    """

    index: int
    source: str
    part: str
    rows: int
    tally: _Tally
    notes: Notes
    columns: tuple[str, ...]
    seconds: float
    worker: str = field(default="")


def part_name(index: int, out_fmt: str) -> str:
    """``part-00000.parquet``: the file of partition ``index``."""
    return f"part-{index:05d}.{out_fmt}"


def score_partition(partition: Partition, folder: str, options: PartOptions,
                    scorer_factory: ScorerFactory, workers: int = 1) -> PartResult:
    """Score one partition into ``folder/part-NNNNN.<fmt>``.

    Parameters
    ----------
    partition : Partition
        The input file.
    folder : str
        The run's temporary output folder (shared by client and workers).
    options : PartOptions
        Column, formats and bounds.
    scorer_factory : callable
        Builds the scorer (on a worker: :class:`~ponzidetect.dask.ModelSpec`, the model cached
        in the process).
    workers : int
        1 scores in this process (a Dask task); more uses the batch layer's worker pool, which
        isolates a row that crashes its process (the client's fallback for a partition that
        killed Dask workers).

    Returns
    -------
    PartResult

    Raises
    ------
    TabularError
        When the file cannot be read or has no text column (named in the message).
    """
    started = time.perf_counter()
    tally, notes = _Tally(), Notes()
    name = part_name(partition.index, options.out_fmt)
    result_columns = tuple(options.result_columns)
    with local_copy(partition, dict(options.storage_options)) as path, \
            open_table(path, partition.fmt, options.encoding,
                       required=[options.text_column]) as reader:
        if options.text_column not in reader.columns:
            raise MissingColumnError(missing_column_message(options.text_column, reader.columns,
                                                            partition.source))
        names = result_column_names(reader.columns, result_columns)
        where = result_column_names([*reader.columns, *names], LOCATION_COLUMNS)
        with TableWriter(Path(folder) / name, options.out_fmt) as writer:
            rows = _chunk_rows(options.chunk_rows, len(reader.columns))  # as score_table
            for chunk, outcomes in score_chunks(reader.chunks(rows),
                                                options.text_column, scorer_factory,
                                                workers=workers, max_chars=options.max_chars):
                frame = with_results(chunk.frame, outcomes, result_columns, names)
                frame[where[0]] = np.full(len(chunk), partition.source, dtype=object)
                frame[where[1]] = np.arange(chunk.start, chunk.start + len(chunk), dtype=np.int64)
                writer.write(frame)
                tally.add(outcomes)
        notes.extend(reader.notes)
    notes.extend(writer.notes)
    return PartResult(partition.index, partition.source, name, tally.rows, tally, notes,
                      (*names, *where), time.perf_counter() - started,
                      f"{socket.gethostname()}:{os.getpid()}")


def merge_tallies(tallies: Sequence[_Tally]) -> _Tally:
    """One tally of many partitions (the run summary counts every row once)."""
    total = _Tally()
    for tally in tallies:
        total.rows += tally.rows
        total.scored += tally.scored
        total.bands.update(tally.bands)
        total.flags.update(tally.flags)
        total.reasons.update(tally.reasons)
    return total


def storage_tuple(storage_options: Mapping[str, Any] | None) -> tuple[tuple[str, Any], ...]:
    """fsspec options as a hashable tuple for :class:`PartOptions`."""
    return tuple(sorted((storage_options or {}).items()))
