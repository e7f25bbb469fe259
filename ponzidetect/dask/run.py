"""Score a folder of partitions on a Dask cluster: ``ponzidetect score --engine dask``.

:func:`score_partitions` lists the input files (:func:`~ponzidetect.dask.inputs.list_partitions`),
connects to a scheduler or starts a :class:`distributed.LocalCluster` of worker processes,
registers the model plugin, submits one task per file (:func:`~ponzidetect.dask.parts.score_partition`),
shows a progress bar over completed partitions, and commits the output folder with its manifest
when every part is written. Dask retries a partition whose worker died (up to the scheduler's
``distributed.scheduler.allowed-failures``, 3 by default); a partition that still kills every
worker it meets is scored on the client by the batch layer's own pool, which costs only the row
that crashes (``scoring crashed the worker process``), as in the single-machine command.

Output order: part ``part-NNNNN`` holds partition NNNNN, partitions in the sorted order of their
paths, rows in input order within a part, and every row carries ``input_file`` and
``input_row``. Ctrl-C, SIGTERM or an error cancel the tasks, remove the temporary folder and
shut a local cluster down.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..batch import (
    CRASHED,
    MAX_CHARS,
    RESULT_COLUMNS,
    BatchSummary,
    ResultColumn,
    ScorerFactory,
    WorkerCrashed,
    sigterm_as_interrupt,
)
from ..io import Notes, TabularError, check_fmt
from ..io.terminal import for_terminal
from .inputs import Partition, is_url, list_partitions
from .output import OutputFolder
from .parts import PartOptions, PartResult, merge_tallies, score_partition, storage_tuple

__all__ = ["local_cluster", "score_partitions"]

ORDER = ("part-NNNNN holds input file NNNNN (input files sorted by path); rows in input order "
         "within a part; input_file and input_row (from 0) give each row's origin")


@contextlib.contextmanager
def local_cluster(workers: int) -> Iterator[Any]:
    """A :class:`distributed.Client` on a new LocalCluster of ``workers`` processes (one thread
    each, listening on 127.0.0.1 only, the scheduler's web pages on a free port), closed at the
    end of the block whatever happens."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address="127.0.0.1:0") as cluster, \
            Client(cluster) as client:
        yield client


@contextlib.contextmanager
def _connect(client: Any, scheduler: str | None, workers: int) -> Iterator[Any]:
    if client is not None:
        yield client
    elif scheduler:
        from distributed import Client

        with Client(scheduler) as remote:
            yield remote
    else:
        with local_cluster(workers) as local:
            yield local


def score_partitions(
    input_path: str | os.PathLike[str],
    output_path: str | os.PathLike[str],
    *,
    text_column: str,
    scorer_factory: ScorerFactory,
    scheduler: str | None = None,
    workers: int = 2,
    client: Any = None,
    encoding: str | None = None,
    in_fmt: str | None = None,
    out_fmt: str = "parquet",
    chunk_rows: int = 2000,
    max_chars: int = MAX_CHARS,
    result_columns: Sequence[ResultColumn] = RESULT_COLUMNS,
    storage_options: Mapping[str, Any] | None = None,
    progress: bool | None = None,
    manifest_extra: Mapping[str, Any] | None = None,
) -> BatchSummary:
    """Score every row of every input partition into a folder of part files.

    Parameters
    ----------
    input_path : str or path-like
        A table file, a glob or a folder of them; local or an fsspec URL.
    output_path : str or path-like
        The output folder (local or a shared filesystem every worker writes to at the same path).
    text_column : str
        The column holding the texts.
    scorer_factory : callable
        Builds the scorer on each worker; a :class:`~ponzidetect.dask.ModelSpec` loads the
        model once per worker (its plugin is registered) and checks its booster's SHA-256.
    scheduler : str, optional
        Address of a running scheduler (``tcp://host:8786``); by default a LocalCluster.
    workers : int
        Worker processes of the LocalCluster.
    client : distributed.Client, optional
        Use this client instead (neither ``scheduler`` nor ``workers`` is used).
    encoding, in_fmt : str, optional
        Force the input encoding or format (both detected per file by default).
    out_fmt : str
        Part file format: ``parquet`` (default), ``csv``, ``tsv`` or ``jsonl``.
    chunk_rows : int
        Rows per scorer call within a partition.
    max_chars : int
        Longer texts get an error.
    result_columns : sequence of ResultColumn
        Columns to add, as :func:`ponzidetect.batch.score_table` adds them.
    storage_options : mapping, optional
        fsspec options for URLs.
    progress : bool, optional
        Show a bar of completed partitions on stderr.
    manifest_extra : mapping, optional
        More JSON-safe fields for the manifest (the CLI records the model).

    Returns
    -------
    BatchSummary
        The single-machine summary; ``output_path`` is the folder.

    Raises
    ------
    TabularError
        Before any work for a missing input, an output that would overwrite the input or
        another folder; during the run for a partition that cannot be read.
    WorkerCrashed
        When a partition kills its workers and the client cannot score it either.
    """
    from tqdm import tqdm

    started = time.perf_counter()
    out_fmt = check_fmt(out_fmt)
    if out_fmt == "xlsx":
        raise TabularError("--engine dask writes Parquet, CSV, TSV or JSONL part files, not XLSX")
    for name, value in (("chunk_rows", chunk_rows), ("workers", workers),
                        ("max_chars", max_chars)):
        if value < 1:
            raise TabularError(f"{name} must be at least 1, not {value}")
    target = Path(output_path).absolute()
    partitions = list_partitions(input_path, in_fmt, storage_options)
    _check_paths(input_path, partitions, target)
    options = PartOptions(text_column=text_column, out_fmt=out_fmt, encoding=encoding,
                          chunk_rows=chunk_rows, max_chars=max_chars,
                          result_columns=tuple(result_columns),
                          storage_options=storage_tuple(storage_options))
    with contextlib.ExitStack() as stack:
        stack.enter_context(sigterm_as_interrupt())
        folder = stack.enter_context(OutputFolder(target))
        dask_client = stack.enter_context(_connect(client, scheduler, workers))
        plugin = getattr(scorer_factory, "plugin", None)
        if callable(plugin):
            stack.enter_context(_plugin(dask_client, plugin()))
        bar = stack.enter_context(tqdm(total=len(partitions), unit=" part", file=sys.stderr,
                                       disable=not progress, dynamic_ncols=True,
                                       desc=for_terminal(Path(os.fspath(input_path)).name)))
        results = _run(dask_client, partitions, str(folder.temp), options, scorer_factory, bar)
        tally = merge_tallies([result.tally for result in results])
        notes = Notes()
        for result in results:
            notes.extend(result.notes)
        columns = results[0].columns
        summary = tally.summary(time.perf_counter() - started, target, None, columns, notes)
        folder.commit(_manifest(input_path, partitions, results, summary, out_fmt, text_column,
                                manifest_extra))
    return tally.summary(time.perf_counter() - started, target, None, columns, notes)


def _check_paths(source: str | os.PathLike[str], partitions: Sequence[Partition],
                 target: Path) -> None:
    """Refuse an output that is, or is inside, the input folder, or holds an input file."""
    if is_url(source):
        return
    root = Path(os.fspath(source)).absolute()
    inputs = [Path(p.source) for p in partitions]
    if root.is_dir() and (target == root or root in target.parents):
        raise TabularError(f"the output folder {target} is inside the input folder {root}; a "
                           "later run would read the part files as input: choose another folder")
    for path in inputs:
        if path == target or target in path.parents:
            raise TabularError(f"the output folder {target} would replace the input file {path}; "
                               "choose another folder")


@contextlib.contextmanager
def _plugin(client: Any, plugin: Any) -> Iterator[None]:
    """The model plugin registered for the block: every worker loads the model now (a worker
    that cannot fails the run before any task), and workers that join later load it too."""
    try:
        client.register_plugin(plugin)
        yield
    finally:
        with contextlib.suppress(Exception):  # a plugin of ours left on someone's cluster
            client.unregister_worker_plugin(plugin.name)


def _run(client: Any, partitions: Sequence[Partition], folder: str, options: PartOptions,
         factory: ScorerFactory, bar: Any) -> list[PartResult]:
    """Submit one task per partition; results in partition order."""
    from distributed import as_completed
    from distributed.scheduler import KilledWorker

    token = os.urandom(4).hex()
    futures = {client.submit(score_partition, partition, folder, options, factory,
                             key=f"ponzidetect-part-{partition.index:05d}-{token}"):
               partition for partition in partitions}
    results: dict[int, PartResult] = {}
    rows = 0
    try:
        for future in as_completed(futures):
            partition = futures[future]
            try:
                result = future.result()
            except KilledWorker:
                result = _score_on_client(partition, folder, options, factory)
            results[partition.index] = result
            rows += result.rows
            bar.set_postfix_str(f"{rows:,} rows", refresh=False)
            bar.update(1)
    except BaseException:
        client.cancel(list(futures), force=True)
        raise
    return [results[partition.index] for partition in partitions]


def _score_on_client(partition: Partition, folder: str, options: PartOptions,
                     factory: ScorerFactory) -> PartResult:
    """A partition that killed every worker it met: scored here in the batch layer's pool,
    which replaces a crashed process and fails only the row that crashes it."""
    try:
        return score_partition(partition, folder, options, factory, workers=2)
    except WorkerCrashed as error:
        raise WorkerCrashed(f"{partition.source}: {CRASHED}; it killed the Dask workers and the "
                            f"client's own workers ({error})") from error


def _manifest(source: str | os.PathLike[str], partitions: Sequence[Partition],
              results: Sequence[PartResult], summary: BatchSummary, out_fmt: str,
              text_column: str, extra: Mapping[str, Any] | None) -> dict[str, Any]:
    return {
        "input": os.fspath(source),
        "output_format": out_fmt,
        "text_column": text_column,
        "order": ORDER,
        "rows": summary.rows,
        "scored": summary.scored,
        "errors": summary.errors,
        "parts": [{"part": result.part, "input": result.source, "rows": result.rows,
                   "scored": result.tally.scored, "errors": result.rows - result.tally.scored}
                  for result in results],
        "summary": summary.to_dict(),
        **dict(extra or {}),
        "partitions": len(partitions),
    }
