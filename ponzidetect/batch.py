"""Score a table file row by row with any scorer: streaming, in parallel, atomically.

The model layer supplies a *scorer factory*: a picklable callable that builds a :data:`Scorer`
(a function from a list of cells to one :class:`RowOutcome` per cell). :func:`score_table`
streams the input with :func:`ponzidetect.tabular.read_chunks`, keeps every input row and column
in order, adds ``score``, ``risk``, ``flags`` and ``error`` columns, and writes the result with
:class:`ponzidetect.tabular.TableWriter`, so an error or Ctrl-C leaves no partial output.

Cells that cannot be scored (empty, not text, too long, an unreadable JSONL line) get an
``error`` and are never passed to the scorer. A scorer that raises on a batch is retried one row
at a time, so one bad text costs one row, not the file.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import multiprocessing
import pickle
import signal
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from .tabular import (
    PARSE_ERROR_COLUMN,
    TableWriter,
    TabularError,
    atomic_write,
    format_from_name,
    list_columns,
    missing_column_message,
    read_chunks,
    row_count_hint,
)

__all__ = [
    "MAX_CHARS",
    "RESULT_COLUMNS",
    "BatchSummary",
    "RowOutcome",
    "Scorer",
    "ScorerFactory",
    "cell_error",
    "result_column_names",
    "score_cells",
    "score_table",
]

MAX_CHARS = 1_000_000
RESULT_COLUMNS = ("score", "risk", "flags", "error")
RISK_BANDS = ("low", "medium", "high")
_PREFIX = "ponzidetect_"
_TOP_FLAGS = 10
_MAX_REASONS = 100


@dataclass(frozen=True)
class RowOutcome:
    """What the scorer made of one cell.

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
        JSON-safe full assessment (only written with an explain file).
    extra : tuple of (str, object)
        More values by column name (``text_kind``, ``language``, ``evidence``,
        ``model_version``), written after the four standard columns.
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


Scorer = Callable[[list[object]], list[RowOutcome]]
"""One outcome per input cell, same order; never raises per row."""

ScorerFactory = Callable[[], Scorer]
"""Builds a scorer; must pickle (module-level function or functools.partial) for workers > 1."""


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
        Names of the added score, risk, flags and error columns.
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
    columns: tuple[str, ...] = RESULT_COLUMNS

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
        }

    def to_text(self) -> str:
        """A few lines for the terminal."""
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
        added = ", ".join(self.columns)
        lines.append(f"Output: {self.output_path} (added columns: {added})")
        if self.explain_path:
            lines.append(f"Explanations: {self.explain_path}")
        return "\n".join(lines)


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
        ``"empty text"``, ``"not text (int)"``, ``"text longer than 1,000,000 characters"``
        or ``""``.
    """
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return "empty text"
    if not isinstance(value, str):
        return f"not text ({type(value).__name__})"
    if not value.strip():
        return "empty text"
    if len(value) > max_chars:
        return f"text longer than {max_chars:,} characters"
    return ""


def score_cells(scorer: Scorer, cells: Sequence[object], *, max_chars: int = MAX_CHARS,
                keep_explanations: bool = True) -> list[RowOutcome]:
    """Score a column's cells: check each, send the scorable ones to ``scorer`` in one call.

    Parameters
    ----------
    scorer : Scorer
        Returns one outcome per text it is given.
    cells : sequence of object
        Cells of the text column.
    max_chars : int
        Longer texts get an error and are not scored.
    keep_explanations : bool
        When False, explanations are dropped (less to send between processes).

    Returns
    -------
    list of RowOutcome
        One per cell, same order.

    Raises
    ------
    RuntimeError
        When the scorer breaks its contract (a different number of outcomes than texts).
    """
    outcomes: list[RowOutcome | None] = [None] * len(cells)
    positions: list[int] = []
    texts: list[object] = []
    for position, cell in enumerate(cells):
        error = cell_error(cell, max_chars)
        if error:
            outcomes[position] = RowOutcome.failed(error)
        else:
            positions.append(position)
            texts.append(cell)
    if texts:
        for position, outcome in zip(positions, _call_scorer(scorer, texts), strict=True):
            if not keep_explanations and outcome.explanation is not None:
                outcome = replace(outcome, explanation=None)
            outcomes[position] = outcome
    return [outcome for outcome in outcomes if outcome is not None]


def _call_scorer(scorer: Scorer, texts: list[object]) -> list[RowOutcome]:
    try:
        outcomes = list(scorer(texts))
    except Exception:  # the contract says never raise per row: find the row, keep the rest
        outcomes = [_score_one(scorer, text) for text in texts]
    if len(outcomes) != len(texts):
        raise RuntimeError(f"the scorer returned {len(outcomes)} outcomes for {len(texts)} "
                           "texts; a Scorer must return exactly one outcome per input, in order")
    return outcomes


def _score_one(scorer: Scorer, text: object) -> RowOutcome:
    try:
        (outcome,) = scorer([text])
    except Exception as exc:
        return RowOutcome.failed(f"scorer failed: {type(exc).__name__}: {exc}")
    return outcome


def result_column_names(columns: Iterable[str]) -> tuple[str, str, str, str]:
    """Names for the added columns that do not clash with the input's.

    ``score``, ``risk``, ``flags``, ``error``; all four become ``ponzidetect_score`` etc. when
    the input already has a column with one of those names (and get ``_2``, ``_3`` if even
    those are taken).

    Parameters
    ----------
    columns : iterable of str
        The input's column names.

    Returns
    -------
    tuple of str
    """
    taken = set(columns)
    if not taken.intersection(RESULT_COLUMNS):
        return RESULT_COLUMNS
    for suffix in itertools.count(1):
        tail = "" if suffix == 1 else f"_{suffix}"
        names = tuple(f"{_PREFIX}{name}{tail}" for name in RESULT_COLUMNS)
        if not taken.intersection(names):
            return names  # type: ignore[return-value]
    raise AssertionError("unreachable")


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
    extra_columns: Sequence[str] = (),
    id_column: str | None = None,
    row_columns: Callable[[int, pd.DataFrame], dict[str, Sequence[Any]]] | None = None,
    total_rows: int | None = None,
) -> BatchSummary:
    """Score every row of a table file and write the table with score columns added.

    Every input row gives exactly one output row, in input order, with all input columns plus
    ``score``, ``risk``, ``flags`` (semicolon-separated) and ``error`` (see
    :func:`result_column_names` for clashes). Memory stays flat: at most ``2 * workers`` chunks
    are in flight.

    Parameters
    ----------
    input_path : str or Path
        CSV, TSV, JSONL, Parquet or XLSX.
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
    extra_columns : sequence of str
        Names of the outcomes' ``extra`` values to write, in order, after the four standard
        columns (``ponzidetect_<name>`` when the input has that name already).
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
    started = time.perf_counter()
    source, target = Path(input_path), Path(output_path)
    explain = Path(explain_path) if explain_path is not None else None
    _check_arguments(source, target, explain, chunk_rows=chunk_rows, workers=workers,
                     max_chars=max_chars)
    out_fmt = out_fmt or format_from_name(target)
    columns = list_columns(source, in_fmt, encoding)
    tally = _Tally()
    with contextlib.ExitStack() as stack:
        chunks = stack.enter_context(contextlib.closing(
            read_chunks(source, fmt=in_fmt, encoding=encoding, chunk_rows=chunk_rows)))
        frames: Iterator[pd.DataFrame] = chunks
        if text_column not in columns:  # JSONL lists the keys of its first records only
            first = next(chunks)
            columns = [str(name) for name in first.columns]
            if text_column not in columns:
                raise TabularError(missing_column_message(text_column, columns, source.name))
            frames = itertools.chain([first], chunks)
        names = result_column_names(columns)
        if id_column is not None and id_column not in columns:
            raise TabularError(missing_column_message(id_column, columns, source.name))
        extras = _extra_names(extra_columns, [*columns, *names])
        row_names: list[str] = []
        writer = stack.enter_context(TableWriter(target, out_fmt))
        explain_out = (stack.enter_context(atomic_write(explain, encoding="utf-8", newline="\n"))
                       if explain is not None else None)
        bar = stack.enter_context(tqdm(total=row_count_hint(source, in_fmt) or total_rows,
                                       unit=" rows",
                                       file=sys.stderr, disable=not progress,
                                       desc=source.name, dynamic_ncols=True))
        stream = stack.enter_context(contextlib.closing(_outcome_stream(
            frames, text_column, scorer_factory, workers=workers, max_chars=max_chars,
            keep_explanations=explain is not None)))
        for frame, outcomes in stream:
            outcomes = _with_parse_errors(frame, outcomes)
            scored = _with_results(frame, outcomes, names)
            if extras:
                scored = scored.assign(**{column: [dict(o.extra).get(name, "") for o in outcomes]
                                          for name, column in extras.items()})
            if row_columns is not None:
                more = row_columns(tally.rows, frame)
                row_names.extend(name for name in more if name not in row_names)
                scored = scored.assign(**more)
            writer.write(scored)
            if explain_out is not None:
                ids = frame[id_column].tolist() if id_column is not None else None
                _write_explanations(explain_out, tally.rows, outcomes, ids)
            tally.add(outcomes)
            bar.update(len(frame))
    added = (*names, *extras.values(), *row_names)
    return tally.summary(time.perf_counter() - started, target, explain, added)


def _extra_names(wanted: Sequence[str], taken: Sequence[str]) -> dict[str, str]:
    from .columns import unique_names

    return unique_names(wanted, taken)


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


def _with_parse_errors(frame: pd.DataFrame, outcomes: list[RowOutcome]) -> list[RowOutcome]:
    if PARSE_ERROR_COLUMN not in frame.columns:
        return outcomes
    reasons = frame[PARSE_ERROR_COLUMN].tolist()
    return [RowOutcome.failed(reason) if isinstance(reason, str) and reason else outcome
            for outcome, reason in zip(outcomes, reasons, strict=True)]


def _with_results(frame: pd.DataFrame, outcomes: list[RowOutcome],
                  names: tuple[str, str, str, str]) -> pd.DataFrame:
    if len(outcomes) != len(frame):
        raise RuntimeError(f"{len(outcomes)} outcomes for {len(frame)} rows")
    scores = np.array([np.nan if o.score is None else float(o.score) for o in outcomes],
                      dtype=np.float64)
    added = {
        names[0]: scores,
        names[1]: np.array([o.risk for o in outcomes], dtype=object),
        names[2]: np.array([";".join(o.flags) for o in outcomes], dtype=object),
        names[3]: np.array([o.error for o in outcomes], dtype=object),
    }
    return frame.assign(**added)


def _write_explanations(handle: IO[str], first_row: int, outcomes: list[RowOutcome],
                        ids: list[Any] | None = None) -> None:
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
        lines.append(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    handle.writelines(lines)


# --------------------------------------------------------------------------------------------
# Running the scorer: in-process or in a bounded process pool
# --------------------------------------------------------------------------------------------


def _outcome_stream(frames: Iterable[pd.DataFrame], text_column: str,
                    scorer_factory: ScorerFactory, *, workers: int, max_chars: int,
                    keep_explanations: bool) -> Iterator[tuple[pd.DataFrame, list[RowOutcome]]]:
    """(frame, outcomes) pairs in input order."""
    if workers == 1:
        scorer = scorer_factory()
        for frame in frames:
            cells = frame[text_column].tolist()
            yield frame, score_cells(scorer, cells, max_chars=max_chars,
                                     keep_explanations=keep_explanations)
        return
    _check_picklable(scorer_factory)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_mp_context(),
                               initializer=_init_worker, initargs=(scorer_factory,))
    pending: deque[tuple[pd.DataFrame, Future[list[RowOutcome]]]] = deque()
    finished = False
    try:
        for frame in frames:
            future = pool.submit(_score_in_worker, frame[text_column].tolist(), max_chars,
                                 keep_explanations)
            pending.append((frame, future))
            if len(pending) >= 2 * workers:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()
        finished = True
    except BrokenProcessPool as exc:
        raise RuntimeError("a scoring worker process died (out of memory, killed, or the calling "
                           "script lacks an `if __name__ == '__main__':` guard); rerun with "
                           "workers=1 to see the underlying error") from exc
    finally:
        if finished:
            pool.shutdown(wait=True)
        else:
            _stop_pool(pool, pending)


def _mp_context() -> multiprocessing.context.BaseContext:
    """Fork server where there is one (a clean single-threaded parent, with ponzidetect imported
    once so workers start fast), spawn elsewhere. Plain fork is avoided: the parent may already
    run Arrow or OpenMP threads, and forking a threaded process can deadlock the child."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


def _check_picklable(scorer_factory: ScorerFactory) -> None:
    try:
        pickle.dumps(scorer_factory)
    except Exception as exc:
        raise TypeError(f"scorer_factory {scorer_factory!r} cannot be sent to worker processes "
                        f"({exc}); use a module-level function or functools.partial, or "
                        "workers=1") from exc


def _stop_pool(pool: ProcessPoolExecutor, pending: Iterable[tuple[Any, Future[Any]]]) -> None:
    """Cancel queued chunks and end the worker processes now (Ctrl-C, error)."""
    for _, future in pending:
        future.cancel()
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14+
    if terminate is not None:
        terminate()
        return
    # Before 3.14 there is no public way to stop a running worker; the pool's own process table
    # is the only handle on them.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)


_worker_factory: ScorerFactory | None = None
_worker_scorer: Scorer | None = None


def _init_worker(scorer_factory: ScorerFactory) -> None:
    """Runs once per worker: Ctrl-C is the parent's to handle; the scorer is built lazily."""
    global _worker_factory
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_factory = scorer_factory


def _score_in_worker(cells: list[object], max_chars: int,
                     keep_explanations: bool) -> list[RowOutcome]:
    global _worker_scorer
    if _worker_scorer is None:
        assert _worker_factory is not None
        _worker_scorer = _worker_factory()  # errors travel back to the parent with the chunk
    return score_cells(_worker_scorer, cells, max_chars=max_chars,
                       keep_explanations=keep_explanations)


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
                names: tuple[str, ...]) -> BatchSummary:
        bands = {band: self.bands.get(band, 0) for band in RISK_BANDS}
        bands.update((band, n) for band, n in sorted(self.bands.items()) if band not in bands)
        flags = sorted(self.flags.items(), key=lambda item: (-item[1], item[0]))[:_TOP_FLAGS]
        reasons = sorted(self.reasons.items(), key=lambda item: (-item[1], item[0]))
        return BatchSummary(
            rows=self.rows, scored=self.scored, errors=self.rows - self.scored,
            risk_counts=tuple(bands.items()), top_flags=tuple(flags),
            error_reasons=tuple(reasons), seconds=seconds, output_path=str(output),
            explain_path=str(explain) if explain is not None else None, columns=names,
        )


def _reason(error: str) -> str:
    """The kind of an error message, for counting: ``line 3: invalid JSON: ...`` -> invalid JSON."""
    head, _, rest = error.partition(": ")
    if head.startswith("line ") and head[5:].isdigit() and rest:
        error = rest
    return error.split(": ", 1)[0][:80]
