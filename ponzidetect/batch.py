"""Score tables with any scorer: the one table-scoring path and the one worker pool.

The model layer supplies a *scorer factory*: a picklable callable that builds a :data:`Scorer`
(a function from a list of texts to one :class:`RowOutcome` per text). Everything that scores a
table goes through :func:`score_chunks`, with one contract:

- every input row gives exactly one outcome, in order;
- a row the reader could not read cleanly, and a cell that cannot be scored (empty, not text,
  longer than :data:`MAX_CHARS`), gets an ``error`` (one message per kind, :func:`cell_error`)
  and never reaches the scorer;
- a scorer that raises on a batch is retried one row at a time, and a worker process that
  crashes is replaced and its rows retried one at a time, so one bad text costs one row.

:func:`score_table` streams a file (CLI), :func:`score_frame` scores a DataFrame (the API's
``Detector.score_frame``, the app); both add the :data:`RESULT_COLUMNS` (an ordered list, so a
scorer can add more) under names that never clash with the input's. :class:`WorkerPool` is the
one process pool (joblib's loky executor, processes reused between calls, a crashed worker
replaced), used here and by ``Detector.score_many``. This module knows nothing about models.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from .io import (
    ROW_ERRORS,
    Chunk,
    MissingColumnError,
    Notes,
    TableWriter,
    TabularError,
    atomic_write,
    check_fmt,
    format_from_name,
    missing_column_message,
    open_table,
    unique_name,
)
from .io.terminal import for_terminal

__all__ = [
    "EXPLANATION",
    "MAX_CHARS",
    "RESULT_COLUMNS",
    "BatchSummary",
    "ResultColumn",
    "RowOutcome",
    "Scorer",
    "ScorerFactory",
    "Terminated",
    "WorkerCrashed",
    "WorkerPool",
    "cell_error",
    "result_column_names",
    "score_cells",
    "score_chunks",
    "score_frame",
    "score_table",
    "sigterm_as_interrupt",
]

MAX_CHARS = 1_000_000
"""Longest text scored; longer cells get ``text longer than 1,000,000 characters``."""
RISK_BANDS = ("low", "medium", "high")
CRASHED = "scoring crashed the worker process (killed, or out of memory)"
_TOP_FLAGS = 10
_MAX_REASONS = 100
_MAX_CRASHES = 20
_IDLE_SECONDS = 60
_CHUNK_CELLS = 100_000


@dataclass(frozen=True)
class RowOutcome:
    """What the scorer made of one row.

    Attributes
    ----------
    score : float or None
        Probability 0-1; None when the row could not be scored.
    risk : str
        ``low``, ``medium`` or ``high``; ``""`` on error.
    flags : tuple of str
        Flag ids, strongest first.
    error : str
        ``""`` when scored, else why not.
    explanation : dict or None
        JSON-safe full assessment (written to an explain file or an ``assessment`` column).
    extra : tuple of (str, object)
        More values by result-column name (``text_kind``, ``language``, ``model_version``...),
        for :class:`ResultColumn` entries beyond the four standard ones.
    """

    score: float | None
    risk: str
    flags: tuple[str, ...] = ()
    error: str = ""
    explanation: dict[str, Any] | None = None
    extra: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def failed(cls, error: str) -> RowOutcome:
        """An outcome for a row that was not scored.

        Parameters
        ----------
        error : str
            Why, in words an investigator understands.

        Returns
        -------
        RowOutcome
        """
        return cls(score=None, risk="", flags=(), error=error, explanation=None)

    def value(self, name: str) -> Any:
        """The value for result column ``name`` (``None`` when this outcome has none)."""
        if name in ("score", "risk", "flags", "error"):
            return getattr(self, name)
        if name == EXPLANATION.name:
            return self.explanation
        return dict(self.extra).get(name)

    def to_dict(self) -> dict[str, Any]:
        """A new JSON-safe dict: score, risk, flags, error, explanation and the extra values."""
        return {"score": self.score, "risk": self.risk, "flags": list(self.flags),
                "error": self.error, "explanation": self.explanation, **dict(self.extra)}


@dataclass(frozen=True)
class ResultColumn:
    """A column :func:`score_table` and :func:`score_frame` add to the input.

    Attributes
    ----------
    name : str
        Base name (``score``); becomes ``ponzidetect_score`` if the input has a clashing column.
    kind : str
        ``number`` (float, NaN when missing), ``text`` (``""`` when missing), ``list``
        (``;``-joined) or ``object`` (as is).
    """

    name: str
    kind: str = "text"

    def values(self, outcomes: Sequence[RowOutcome]) -> np.ndarray:
        """This column's values for the outcomes, as an array."""
        raw = [outcome.value(self.name) for outcome in outcomes]
        if self.kind == "number":
            return np.array([np.nan if v is None else float(v) for v in raw], dtype=np.float64)
        if self.kind == "list":
            return np.array([";".join(v) if v else "" for v in raw], dtype=object)
        if self.kind == "text":
            return np.array(["" if v is None else str(v) for v in raw], dtype=object)
        values = np.empty(len(raw), dtype=object)
        values[:] = raw
        return values


RESULT_COLUMNS = (ResultColumn("score", "number"), ResultColumn("risk"),
                  ResultColumn("flags", "list"), ResultColumn("error"))
"""The columns every scored table gets, in order."""
EXPLANATION = ResultColumn("assessment", "object")
"""The full-assessment column :func:`score_frame` adds with ``explain=True``."""
_GROUPED = frozenset(("score", "risk", "flags", "error", EXPLANATION.name))
"""Result columns renamed together on a clash (see :func:`result_column_names`)."""

Scorer = Callable[[list[str]], list[RowOutcome]]
"""One outcome per input text, same order; should not raise per row."""

ScorerFactory = Callable[[], Scorer]
"""Builds a scorer; must pickle (module-level function, functools.partial or dataclass) for
workers > 1."""


@dataclass(frozen=True)
class BatchSummary:
    """Counts and timing of one :func:`score_table` run.

    Attributes
    ----------
    rows : int
        Input rows, which is also the number of output rows.
    scored : int
        Rows with a score.
    errors : int
        Rows with an error instead of a score.
    risk_counts : tuple of (str, int)
        Scored rows per risk band: ``low``, ``medium``, ``high`` first, then any other band.
    top_flags : tuple of (str, int)
        The ten most frequent flag ids among scored rows, most frequent first.
    error_reasons : tuple of (str, int)
        Error rows by reason, most frequent first.
    seconds : float
        Wall-clock time of the run.
    output_path : str
        Where the scored table was written.
    explain_path : str or None
        Where the explanations were written, if asked.
    columns : tuple of str
        Names of the added columns.
    warnings : tuple of str
        What the readers and writers repaired or cut (ragged rows, cells over Excel's limit...).
    """

    rows: int
    scored: int
    errors: int
    risk_counts: tuple[tuple[str, int], ...]
    top_flags: tuple[tuple[str, int], ...]
    error_reasons: tuple[tuple[str, int], ...]
    seconds: float
    output_path: str
    explain_path: str | None = None
    columns: tuple[str, ...] = tuple(column.name for column in RESULT_COLUMNS)
    warnings: tuple[str, ...] = ()

    @property
    def rows_per_second(self) -> float:
        """Throughput of the run."""
        return self.rows / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        """A new JSON-safe dict of the summary."""
        return {
            "rows": self.rows,
            "scored": self.scored,
            "errors": self.errors,
            "risk_counts": dict(self.risk_counts),
            "top_flags": dict(self.top_flags),
            "error_reasons": dict(self.error_reasons),
            "seconds": round(self.seconds, 3),
            "output_path": self.output_path,
            "explain_path": self.explain_path,
            "columns": list(self.columns),
            "warnings": list(self.warnings),
        }

    def to_text(self) -> str:
        """A few lines for the terminal (control characters from the input shown escaped)."""
        lines = [f"Scored {self.scored:,} of {self.rows:,} rows in {self.seconds:.1f} s "
                 f"({self.rows_per_second:,.0f} rows/s); {self.errors:,} error(s)."]
        bands = dict(self.risk_counts)
        ordered = [band for band in reversed(RISK_BANDS) if band in bands]
        ordered += [band for band in bands if band not in RISK_BANDS]
        lines.append("Risk: " + ", ".join(f"{band} {bands[band]:,}" for band in ordered))
        if self.top_flags:
            lines.append("Top flags: " + ", ".join(f"{flag} {n:,}" for flag, n in self.top_flags))
        if self.error_reasons:
            lines.append("Errors: " + ", ".join(f"{why} {n:,}" for why, n in self.error_reasons))
        lines.extend(f"Warning: {warning}" for warning in self.warnings)
        added = ", ".join(self.columns)
        lines.append(f"Output: {self.output_path} (added columns: {added})")
        if self.explain_path:
            lines.append(f"Explanations: {self.explain_path}")
        return for_terminal("\n".join(lines))


# --------------------------------------------------------------------------------------------
# One row's contract
# --------------------------------------------------------------------------------------------


def cell_error(value: object, max_chars: int = MAX_CHARS) -> str:
    """Why a cell cannot be scored, or ``""`` when it can.

    Parameters
    ----------
    value : object
        A cell from the text column.
    max_chars : int
        Longest text accepted.

    Returns
    -------
    str
        ``"empty text"`` (also for None, NaN and other missing values), ``"not text (int)"``,
        ``"text longer than 1,000,000 characters"`` or ``""``.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return "empty text"
    if isinstance(value, float | np.floating) and np.isnan(value):
        return "empty text"
    if not isinstance(value, str):
        return f"not text ({type(value).__name__})"
    if not value.strip():
        return "empty text"
    if len(value) > max_chars:
        return f"text longer than {max_chars:,} characters"
    return ""


def _scorable(text: str) -> str:
    """The text with lone surrogates (from JSON escapes or a caller's frame) as U+FFFD."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return text


@dataclass
class _Plan:
    """The outcomes known before scoring (errors), and the texts left to score."""

    outcomes: list[RowOutcome | None]
    positions: list[int]
    texts: list[str]

    def merge(self, scored: Sequence[RowOutcome]) -> list[RowOutcome]:
        if len(scored) != len(self.texts):
            raise RuntimeError(f"the scorer returned {len(scored)} outcomes for "
                               f"{len(self.texts)} texts; a Scorer must return exactly one "
                               "outcome per input, in order")
        outcomes = list(self.outcomes)
        for position, outcome in zip(self.positions, scored, strict=True):
            outcomes[position] = outcome
        return outcomes  # type: ignore[return-value]


def _plan(cells: Sequence[object], read_errors: Sequence[str] | None, max_chars: int) -> _Plan:
    outcomes: list[RowOutcome | None] = [None] * len(cells)
    positions: list[int] = []
    texts: list[str] = []
    for position, cell in enumerate(cells):
        error = (read_errors[position] if read_errors else "") or cell_error(cell, max_chars)
        if error:
            outcomes[position] = RowOutcome.failed(error)
        else:
            positions.append(position)
            texts.append(_scorable(cell))  # type: ignore[arg-type]
    return _Plan(outcomes, positions, texts)


def _run_scorer(scorer: Scorer, texts: list[str], keep_explanations: bool) -> list[RowOutcome]:
    """The scorer's outcomes; a batch that raises is retried row by row."""
    if not texts:
        return []
    try:
        outcomes = list(scorer(texts))
    except Exception:  # the contract says never raise per row: find the row, keep the rest
        outcomes = [_score_one(scorer, text) for text in texts]
    if not keep_explanations:
        outcomes = [replace(o, explanation=None) if o.explanation is not None else o
                    for o in outcomes]
    return outcomes


def _score_one(scorer: Scorer, text: str) -> RowOutcome:
    try:
        (outcome,) = scorer([text])
    except Exception as exc:
        return RowOutcome.failed(f"scorer failed: {type(exc).__name__}: {exc}")
    return outcome


def score_cells(scorer: Scorer, cells: Sequence[object], *, max_chars: int = MAX_CHARS,
                keep_explanations: bool = True,
                read_errors: Sequence[str] | None = None) -> list[RowOutcome]:
    """Score a column's cells in this process: check each, send the scorable ones in one call.

    Parameters
    ----------
    scorer : Scorer
        Returns one outcome per text it is given.
    cells : sequence of object
        Cells of the text column.
    max_chars : int
        Longer texts get an error and are not scored.
    keep_explanations : bool
        When False, explanations are dropped.
    read_errors : sequence of str, optional
        The reader's error per row; a row with one is not scored.

    Returns
    -------
    list of RowOutcome
        One per cell, same order.

    Raises
    ------
    RuntimeError
        When the scorer breaks its contract (a different number of outcomes than texts).
    """
    plan = _plan(cells, read_errors, max_chars)
    return plan.merge(_run_scorer(scorer, plan.texts, keep_explanations))


def result_column_names(columns: Iterable[str],
                        result_columns: Sequence[ResultColumn] = RESULT_COLUMNS
                        ) -> tuple[str, ...]:
    """Names for the added columns that do not clash with the input's.

    ``score``, ``risk``, ``flags``, ``error`` (and ``assessment``) are renamed together: all
    become ``ponzidetect_score`` etc. when the input already has a column with one of those
    names (and get ``_2``, ``_3`` if even those are taken). Any further result column
    (``text_kind``, ``language``...) is renamed on its own, ``ponzidetect_<name>`` only where
    the input has that name, so an input ``language`` column leaves ``score`` as it is.

    Parameters
    ----------
    columns : iterable of str
        The input's column names.
    result_columns : sequence of ResultColumn
        The columns to add.

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> result_column_names(["text", "language"], (*RESULT_COLUMNS, ResultColumn("language")))
    ('score', 'risk', 'flags', 'error', 'ponzidetect_language')
    """
    taken = {str(name) for name in columns}
    base = [column.name for column in result_columns]
    group = [name for name in base if name in _GROUPED]
    chosen = dict(zip(group, _group_names(group, taken), strict=True))
    for name in base:
        if name not in chosen:
            chosen[name] = unique_name(name, [*taken, *chosen.values()])
    return tuple(chosen[name] for name in base)


def _group_names(group: Sequence[str], taken: set[str]) -> tuple[str, ...]:
    if not taken.intersection(group):
        return tuple(group)
    for suffix in itertools.count(1):
        tail = "" if suffix == 1 else f"_{suffix}"
        names = tuple(f"ponzidetect_{name}{tail}" for name in group)
        if not taken.intersection(names):
            return names
    raise AssertionError("unreachable")


def with_results(frame: pd.DataFrame, outcomes: Sequence[RowOutcome],
                 result_columns: Sequence[ResultColumn], names: Sequence[str]) -> pd.DataFrame:
    """A copy of ``frame`` with one column per result column, in order.

    Raises
    ------
    RuntimeError
        When there is not exactly one outcome per row.
    """
    if len(outcomes) != len(frame):
        raise RuntimeError(f"{len(outcomes)} outcomes for {len(frame)} rows")
    result = frame.copy()
    for column, name in zip(result_columns, names, strict=True):
        result[name] = column.values(outcomes)
    return result


# --------------------------------------------------------------------------------------------
# The one worker pool
# --------------------------------------------------------------------------------------------


class WorkerCrashed(RuntimeError):
    """A worker process died (killed, out of memory, a crash in native code)."""


_worker_factory: Callable[[], Any] | None = None
_worker_state: Any = None


def _init_worker(factory: Callable[[], Any], parent: int) -> None:
    """Runs once per worker: Ctrl-C is the parent's to handle; the worker exits within a second
    of its parent's death (even a SIGKILL); the state is built lazily so a factory error travels
    back to the parent with the first task."""
    global _worker_factory, _worker_state
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True,
                     name="ponzidetect-parent-watch").start()
    _worker_factory, _worker_state = factory, None


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(1.0)
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            os._exit(1)  # nobody is waiting for the results: do not linger
        except PermissionError:  # the pid was reused by another user's process: gone too
            os._exit(1)


def _in_worker(task: Callable[[Any, Any], Any], item: Any) -> Any:
    global _worker_state
    if _worker_state is None:
        assert _worker_factory is not None
        _worker_state = _worker_factory()
    return task(_worker_state, item)


def _context() -> multiprocessing.context.BaseContext | None:
    """A fork server where there is one (workers forked from a process that imported ponzidetect
    once: faster start, shared pages), loky's own spawning elsewhere. Plain fork is avoided: the
    parent may run Arrow or OpenMP threads, and forking a threaded process can deadlock."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return None
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


class WorkerPool:
    """Processes that each build one state from a factory and run tasks on it, in order.

    The processes are joblib's loky executor: reused by the next pool with the same factory
    (they stay up to a minute when idle, then exit, also if the parent died), and replaced
    when one crashes (:class:`WorkerCrashed` is raised for the tasks that were running).

    Parameters
    ----------
    factory : callable
        Builds the per-process state (a scorer, a detector); must pickle.
    workers : int
        Processes.

    Raises
    ------
    TypeError
        When the factory cannot be pickled.
    """

    def __init__(self, factory: Callable[[], Any], workers: int) -> None:
        _check_picklable(factory)
        self.factory = factory
        self.workers = workers
        self._executor: Any = None

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        if exc_type is not None:
            self.kill()

    def _get(self) -> Any:
        if self._executor is None:
            from joblib.externals.loky import get_reusable_executor

            self._executor = get_reusable_executor(
                max_workers=self.workers, context=_context(), timeout=_IDLE_SECONDS,
                kill_workers=True, initializer=_init_worker,
                initargs=(self.factory, os.getpid()))
        return self._executor

    def submit(self, task: Callable[[Any, Any], Any], item: Any) -> Future[Any]:
        """Run ``task(state, item)`` in a worker; the future raises WorkerCrashed on a crash."""
        try:
            return self._get().submit(_in_worker, task, item)
        except (BrokenProcessPool, RuntimeError):  # a broken or shut-down executor: a fresh one
            self._executor = None
            return self._get().submit(_in_worker, task, item)

    @staticmethod
    def result(future: Future[Any]) -> Any:
        """The task's result; its exception; or WorkerCrashed when its worker died."""
        try:
            return future.result()
        except BrokenProcessPool as exc:
            raise WorkerCrashed(CRASHED) from exc

    def map(self, task: Callable[[Any, Any], Any], items: Iterable[Any],
            window: int | None = None) -> Iterator[Any]:
        """``task(state, item)`` for every item, in order, at most ``window`` in flight.

        Raises
        ------
        WorkerCrashed
            When a worker dies (the pool is replaced for the next call).
        """
        window = window or 2 * self.workers
        pending: deque[Future[Any]] = deque()
        for item in items:
            pending.append(self.submit(task, item))
            if len(pending) >= window:
                yield self.result(pending.popleft())
        while pending:
            yield self.result(pending.popleft())

    def kill(self) -> None:
        """Stop the workers now (Ctrl-C, SIGTERM, an error): nothing is left running."""
        executor, self._executor = self._executor, None
        if executor is not None:
            with contextlib.suppress(Exception):
                executor.shutdown(wait=False, kill_workers=True)


def _check_picklable(factory: Callable[[], Any]) -> None:
    try:
        pickle.dumps(factory)
    except Exception as exc:
        raise TypeError(f"scorer_factory {factory!r} cannot be sent to worker processes "
                        f"({exc}); use a module-level function or functools.partial, or "
                        "workers=1") from exc


def _score_task(scorer: Scorer, item: tuple[list[str], bool]) -> list[RowOutcome]:
    texts, keep_explanations = item
    return _run_scorer(scorer, texts, keep_explanations)


# --------------------------------------------------------------------------------------------
# The one table-scoring path
# --------------------------------------------------------------------------------------------


def score_chunks(chunks: Iterable[Chunk], text_column: str, scorer_factory: ScorerFactory, *,
                 workers: int = 1, max_chars: int = MAX_CHARS,
                 keep_explanations: bool = False) -> Iterator[tuple[Chunk, list[RowOutcome]]]:
    """Score the text column of every chunk: ``(chunk, one outcome per row)``, in order.

    The one function every table-scoring entry point uses (:func:`score_table`,
    :func:`score_frame`, hence ``Detector.score_frame`` and the app). Rows with a read error or
    an unscorable cell get an error outcome and are not scored; the rest go to the scorer, in
    this process (``workers == 1``) or in a :class:`WorkerPool` with at most ``2 * workers``
    chunks in flight. A crashed worker is replaced and the chunks it may have held are scored
    again one at a time, then row by row, so only the row that crashes it fails.

    Parameters
    ----------
    chunks : iterable of Chunk
        Rows and their read errors.
    text_column : str
        The column to score.
    scorer_factory : callable
        Builds a :data:`Scorer`; once per worker process (or once here for ``workers == 1``).
    workers : int
        Scoring processes.
    max_chars : int
        Longer texts get an error instead of a score.
    keep_explanations : bool
        Keep each outcome's explanation (more to send between processes).

    Yields
    ------
    tuple of (Chunk, list of RowOutcome)
    """
    if workers < 1:
        raise TabularError(f"workers must be at least 1, not {workers}")
    planned = ((chunk, _plan(chunk.frame[text_column].tolist(), chunk.errors, max_chars))
               for chunk in chunks)
    if workers == 1:
        scorer = scorer_factory()
        for chunk, plan in planned:
            yield chunk, plan.merge(_run_scorer(scorer, plan.texts, keep_explanations))
        return
    with WorkerPool(scorer_factory, workers) as pool:
        yield from _pooled(pool, planned, keep_explanations)


def _pooled(pool: WorkerPool, planned: Iterator[tuple[Chunk, _Plan]],
            keep_explanations: bool) -> Iterator[tuple[Chunk, list[RowOutcome]]]:
    pending: deque[tuple[Chunk, _Plan, Future[list[RowOutcome]] | None]] = deque()
    window = 2 * pool.workers
    crashes = 0
    for chunk, plan in planned:
        future = pool.submit(_score_task, (plan.texts, keep_explanations)) if plan.texts else None
        pending.append((chunk, plan, future))
        while len(pending) >= window or (pending and pending[0][2] is None):
            chunk, plan, future = pending.popleft()
            try:
                scored = pool.result(future) if future is not None else []
            except WorkerCrashed:
                crashes += 1
                yield from _isolate([(chunk, plan), *[(c, p) for c, p, _ in pending]], pool,
                                    keep_explanations, crashes)
                pending.clear()
                continue
            yield chunk, plan.merge(scored)
    while pending:
        chunk, plan, future = pending.popleft()
        try:
            scored = pool.result(future) if future is not None else []
        except WorkerCrashed:
            crashes += 1
            yield from _isolate([(chunk, plan), *[(c, p) for c, p, _ in pending]], pool,
                                keep_explanations, crashes)
            return
        yield chunk, plan.merge(scored)


def _isolate(items: list[tuple[Chunk, _Plan]], pool: WorkerPool, keep_explanations: bool,
             crashes: int) -> Iterator[tuple[Chunk, list[RowOutcome]]]:
    """After a crash: score chunks one at a time; a chunk that crashes again, row by row."""
    for chunk, plan in items:
        if not plan.texts:
            yield chunk, plan.merge([])
            continue
        try:
            scored = pool.result(pool.submit(_score_task, (plan.texts, keep_explanations)))
        except WorkerCrashed:
            crashes += 1
            scored = []
            for text in plan.texts:
                if crashes > _MAX_CRASHES:
                    raise WorkerCrashed(f"{CRASHED}; {crashes} crashes, giving up") from None
                try:
                    (one,) = pool.result(pool.submit(_score_task, ([text], keep_explanations)))
                except WorkerCrashed:
                    crashes += 1
                    one = RowOutcome.failed(CRASHED)
                scored.append(one)
        yield chunk, plan.merge(scored)


def score_frame(frame: pd.DataFrame, text_column: str, scorer_factory: ScorerFactory, *,
                workers: int = 1, chunk_rows: int = 2000, max_chars: int = MAX_CHARS,
                explain: bool = False, row_errors: Sequence[str] | None = None,
                result_columns: Sequence[ResultColumn] = RESULT_COLUMNS,
                progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """A copy of ``frame`` with the result columns added, one outcome per row.

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows; index and columns are kept.
    text_column : str
        The column to score.
    scorer_factory : callable
        Builds a :data:`Scorer`.
    workers : int
        Scoring processes (1: in this process).
    chunk_rows : int
        Rows per scorer call (and per ``progress`` call).
    max_chars : int
        Longer texts get an error instead of a score.
    explain : bool
        Also add an ``assessment`` column holding each row's explanation (``None`` on error).
    row_errors : sequence of str, optional
        A read error per row (rows with one are not scored); by default
        ``frame.attrs["row_errors"]`` when the frame came from :func:`ponzidetect.io.read_chunks`.
    result_columns : sequence of ResultColumn
        The columns to add.
    progress : callable, optional
        ``progress(rows done, rows in total)`` after each chunk.

    Returns
    -------
    pandas.DataFrame
        Added columns are named by :func:`result_column_names` (``ponzidetect_score``... when
        the input has a clashing column).

    Raises
    ------
    MissingColumnError
        A ``KeyError`` (and ``ValueError``) listing the columns there are.
    """
    if text_column not in frame.columns:
        raise MissingColumnError(missing_column_message(str(text_column),
                                                        [str(c) for c in frame.columns]))
    if chunk_rows < 1:
        raise TabularError(f"chunk_rows must be at least 1, not {chunk_rows}")
    columns = (*result_columns, EXPLANATION) if explain else tuple(result_columns)
    names = result_column_names(frame.columns, columns)
    errors = row_errors if row_errors is not None else frame.attrs.get(ROW_ERRORS)
    if errors is not None and len(errors) != len(frame):
        errors = None
    total = len(frame)
    chunks = (Chunk(frame.iloc[start:start + chunk_rows],
                    tuple(errors[start:start + chunk_rows]) if errors else
                    ("",) * len(frame.iloc[start:start + chunk_rows]), start)
              for start in range(0, max(total, 1), chunk_rows))
    outcomes: list[RowOutcome] = []
    for chunk, scored in score_chunks(chunks, text_column, scorer_factory, workers=workers,
                                      max_chars=max_chars, keep_explanations=explain):
        outcomes.extend(scored)
        if progress is not None:
            progress(chunk.start + len(chunk), total)
    return with_results(frame, outcomes, columns, names)


def score_table(
    input_path: str | Path,
    output_path: str | Path,
    *,
    text_column: str,
    scorer_factory: ScorerFactory,
    encoding: str | None = None,
    in_fmt: str | None = None,
    out_fmt: str | None = None,
    chunk_rows: int = 2000,
    workers: int = 2,
    explain_path: str | Path | None = None,
    progress: bool | None = None,
    max_chars: int = MAX_CHARS,
    result_columns: Sequence[ResultColumn] = RESULT_COLUMNS,
    extra_columns: Sequence[str] = (),
    id_column: str | None = None,
    row_columns: Callable[[int, pd.DataFrame], dict[str, Sequence[Any]]] | None = None,
    total_rows: int | None = None,
) -> BatchSummary:
    """Score every row of a table file and write the table with the result columns added.

    Every input record gives exactly one output row, in input order, with all input columns
    plus ``score``, ``risk``, ``flags`` (semicolon-separated) and ``error`` (see
    :func:`result_column_names` for clashes). Memory stays flat: at most ``2 * workers`` chunks
    are in flight.

    Parameters
    ----------
    input_path : str or Path
        CSV, TSV, JSONL, Parquet or XLSX (every worksheet).
    output_path : str or Path
        Where to write; the format follows the extension unless ``out_fmt`` is given. Written
        atomically: it appears only when the whole run succeeds.
    text_column : str
        The column holding the texts to score.
    scorer_factory : callable
        Builds a :data:`Scorer`; called once per worker process (or once in-process when
        ``workers == 1``). Must be picklable when ``workers > 1``.
    encoding : str, optional
        Force the input's text encoding (detected by default).
    in_fmt, out_fmt : str, optional
        Force the input or output format.
    chunk_rows : int
        Rows read and scored per chunk.
    workers : int
        Scoring processes; 1 scores in this process.
    explain_path : str or Path, optional
        Also write JSON Lines, one per input row: ``{"row": i, ...explanation}`` (``i`` counts
        data rows from 0) or ``{"row": i, "error": ...}``; atomic like the output.
    progress : bool, optional
        Show a tqdm bar on stderr counting rows (the CLI passes ``sys.stderr.isatty()``).
    max_chars : int
        Longer texts get an error instead of a score.
    result_columns : sequence of ResultColumn
        The columns to add, in order.
    extra_columns : sequence of str
        Names of the outcomes' ``extra`` values to add after ``result_columns`` (text columns).
    id_column : str, optional
        A column of the input whose value keys each ``explain_path`` line (``"id"``).
    row_columns : callable, optional
        ``row_columns(first_row, frame)`` returns more columns for a chunk (e.g. the scheme
        clusters computed before scoring), written last.
    total_rows : int, optional
        The number of rows for the progress bar when the format cannot say cheaply.

    Returns
    -------
    BatchSummary

    Raises
    ------
    TabularError
        Before any work when the text column is missing (the message lists the columns), the
        input is unreadable, or the output would overwrite the input.
    """
    from tqdm import tqdm

    started = time.perf_counter()
    source, target = Path(input_path), Path(output_path)
    explain = Path(explain_path) if explain_path is not None else None
    _check_arguments(source, target, explain, chunk_rows=chunk_rows, workers=workers,
                     max_chars=max_chars)
    out_fmt = check_fmt(out_fmt) if out_fmt else format_from_name(target)
    tally = _Tally()
    notes = Notes()
    with contextlib.ExitStack() as stack:
        stack.enter_context(sigterm_as_interrupt())  # SIGTERM unwinds like Ctrl-C
        reader = stack.enter_context(open_table(source, in_fmt, encoding,
                                                required=[text_column]))
        if text_column not in reader.columns:
            raise MissingColumnError(missing_column_message(text_column, reader.columns,
                                                            source.name))
        if id_column is not None and id_column not in reader.columns:
            raise MissingColumnError(missing_column_message(id_column, reader.columns,
                                                            source.name))
        result_columns = (*result_columns, *(ResultColumn(name) for name in extra_columns))
        names = result_column_names(reader.columns, result_columns)
        row_renamed: dict[str, str] = {}
        writer = stack.enter_context(TableWriter(target, out_fmt))
        explain_out = (stack.enter_context(atomic_write(explain, encoding="utf-8", newline="\n"))
                       if explain is not None else None)
        bar = stack.enter_context(tqdm(total=reader.row_count_hint() or total_rows, unit=" rows",
                                       file=sys.stderr, disable=not progress,
                                       desc=for_terminal(source.name), dynamic_ncols=True))
        rows = _chunk_rows(chunk_rows, len(reader.columns))
        stream = stack.enter_context(contextlib.closing(score_chunks(
            reader.chunks(rows), text_column, scorer_factory, workers=workers,
            max_chars=max_chars, keep_explanations=explain is not None)))
        for chunk, outcomes in stream:
            scored = with_results(chunk.frame, outcomes, result_columns, names)
            if row_columns is not None:
                more = row_columns(chunk.start, chunk.frame)
                for name in more:  # never overwrite an input column (``cluster``...)
                    if name not in row_renamed:
                        row_renamed[name] = unique_name(
                            name, [*reader.columns, *names, *row_renamed.values()])
                scored = scored.assign(**{row_renamed[name]: values
                                          for name, values in more.items()})
            writer.write(scored)
            if explain_out is not None:
                ids = chunk.frame[id_column].tolist() if id_column is not None else None
                _write_explanations(explain_out, chunk.start, outcomes, ids)
            tally.add(outcomes)
            bar.update(len(chunk))
        notes.extend(reader.notes)
        stack.pop_all().close()  # write the files before reading the writer's notes
    notes.extend(writer.notes)
    return tally.summary(time.perf_counter() - started, target, explain,
                         (*names, *row_renamed.values()), notes)


def _chunk_rows(chunk_rows: int, columns: int) -> int:
    """Fewer rows per chunk for wide tables, so the chunks in flight stay a bounded number of
    cells (a JSONL file with 1,000 keys would otherwise hold 1,000 columns x 2,000 rows x 4)."""
    return max(1, min(chunk_rows, _CHUNK_CELLS // max(columns, 1)))


def _check_arguments(source: Path, target: Path, explain: Path | None, *, chunk_rows: int,
                     workers: int, max_chars: int) -> None:
    for name, value in (("chunk_rows", chunk_rows), ("workers", workers),
                        ("max_chars", max_chars)):
        if value < 1:
            raise TabularError(f"{name} must be at least 1, not {value}")
    paths = [("input", source), ("output", target)] + ([("explain", explain)] if explain else [])
    resolved = [(role, path.resolve()) for role, path in paths]
    for (role_a, path_a), (role_b, path_b) in itertools.combinations(resolved, 2):
        if path_a == path_b:
            raise TabularError(f"the {role_b} file would overwrite the {role_a} file ({path_a}); "
                               "choose another path")


def _write_explanations(handle: IO[str], first_row: int, outcomes: list[RowOutcome],
                        ids: list[Any] | None = None) -> None:
    from .io.writers.cells import safe_text

    lines = []
    for offset, outcome in enumerate(outcomes):
        record: dict[str, Any] = {"row": first_row + offset}
        if ids is not None:
            key = ids[offset]
            record = {"id": key.item() if isinstance(key, np.generic) else key, **record}
        if outcome.error:
            record["error"] = outcome.error
        elif outcome.explanation is not None:
            record.update((k, v) for k, v in outcome.explanation.items() if k != "row")
        else:
            record.update(score=outcome.score, risk=outcome.risk, flags=list(outcome.flags))
        lines.append(safe_text(json.dumps(record, ensure_ascii=False, default=str)) + "\n")
    handle.writelines(lines)


# --------------------------------------------------------------------------------------------
# Signals
# --------------------------------------------------------------------------------------------


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived: unwind like Ctrl-C (no partial files, no workers left)."""


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`Terminated` in the main thread, as SIGINT does.

    Only installed in the main thread and when SIGTERM has its default action; the previous
    handler is restored afterwards.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)
    if previous is not signal.SIG_DFL:
        yield
        return

    def handler(signum: int, frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # one is enough while cleaning up
        raise Terminated(f"terminated by signal {signum} (process {os.getpid()})")

    signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# --------------------------------------------------------------------------------------------
# Summary
# --------------------------------------------------------------------------------------------


@dataclass
class _Tally:
    rows: int = 0
    scored: int = 0
    bands: Counter[str] = field(default_factory=Counter)
    flags: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)

    def add(self, outcomes: Iterable[RowOutcome]) -> None:
        for outcome in outcomes:
            self.rows += 1
            if outcome.error:
                reason = _reason(outcome.error)
                if reason not in self.reasons and len(self.reasons) >= _MAX_REASONS:
                    reason = "other"
                self.reasons[reason] += 1
            else:
                self.scored += 1
                self.bands[outcome.risk] += 1
                self.flags.update(outcome.flags)

    def summary(self, seconds: float, output: Path, explain: Path | None,
                names: tuple[str, ...], notes: Notes) -> BatchSummary:
        bands = {band: self.bands.get(band, 0) for band in RISK_BANDS}
        bands.update((band, n) for band, n in sorted(self.bands.items()) if band not in bands)
        flags = sorted(self.flags.items(), key=lambda item: (-item[1], item[0]))[:_TOP_FLAGS]
        reasons = sorted(self.reasons.items(), key=lambda item: (-item[1], item[0]))
        return BatchSummary(
            rows=self.rows, scored=self.scored, errors=self.rows - self.scored,
            risk_counts=tuple(bands.items()), top_flags=tuple(flags),
            error_reasons=tuple(reasons), seconds=seconds, output_path=str(output),
            explain_path=str(explain) if explain is not None else None, columns=names,
            warnings=tuple(notes.lines()),
        )


def _reason(error: str) -> str:
    """The kind of an error message, for counting: ``line 3: invalid JSON: ...`` -> invalid JSON.

    Leading positions (``line 3``, ``row 7``, ``sheet 'A' row 2``) are dropped; the reason is
    what follows, up to its first colon or semicolon.
    """
    head, _, rest = error.partition(": ")
    while rest and (head.startswith(("line ", "row ", "sheet ")) and head[-1:].isdigit()):
        error = rest
        head, _, rest = error.partition(": ")
    return error.split(": ", 1)[0].split("; ", 1)[0][:80]
