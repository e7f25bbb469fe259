"""Score a Dask DataFrame you already hold: the batch layer's ``score_frame`` per partition."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from ..batch import (
    EXPLANATION,
    MAX_CHARS,
    RESULT_COLUMNS,
    ResultColumn,
    ScorerFactory,
    result_column_names,
    score_frame,
)
from ..io import MissingColumnError, missing_column_message
from .workers import ModelSpec

__all__ = ["score_dataframe"]

_TEXT_DTYPE = pd.Series(["text"]).dtype  # what pandas makes of a column of strings


def _meta(frame: pd.DataFrame, columns: Sequence[ResultColumn],
          names: Sequence[str]) -> pd.DataFrame:
    meta = frame.iloc[:0].copy()
    for column, name in zip(columns, names, strict=True):
        dtype = {"number": "float64", "object": object}.get(column.kind, _TEXT_DTYPE)
        meta[name] = pd.Series([], index=meta.index, dtype=dtype)
    return meta


def _score_partition(frame: pd.DataFrame, text_column: str, factory: ScorerFactory,
                     chunk_rows: int, max_chars: int, explain: bool,
                     result_columns: tuple[ResultColumn, ...], meta: pd.DataFrame) -> pd.DataFrame:
    scored = score_frame(frame, text_column, factory, workers=1, chunk_rows=chunk_rows,
                         max_chars=max_chars, explain=explain, result_columns=result_columns,
                         row_errors=("",) * len(frame))
    added = meta.columns[len(frame.columns):]
    return scored.astype({name: meta.dtypes[name] for name in added})


def score_dataframe(ddf: Any, text_column: str = "text", model: Any = None, *,
                    explain: bool = False, chunk_rows: int = 2000, max_chars: int = MAX_CHARS,
                    result_columns: Sequence[ResultColumn] = RESULT_COLUMNS,
                    scorer_factory: ScorerFactory | None = None) -> Any:
    """A lazy copy of ``ddf`` with the result columns added to every row.

    Each partition goes through :func:`ponzidetect.batch.score_frame` on a worker (the per-row
    rules of the single-machine command), with the model loaded once per worker process and
    checked by its booster's SHA-256. Index, partitions and the input's columns are kept.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
        The rows.
    text_column : str
        The column to score.
    model : str, Path, Detector or RiskModel, optional
        A model directory (the shipped model when None) at the same path on every worker, or a
        model loaded from one.
    explain : bool
        Also add an ``assessment`` column (each row's full assessment as a dict).
    chunk_rows : int
        Rows per scorer call.
    max_chars : int
        Longer texts get an error.
    result_columns : sequence of ResultColumn
        The columns to add (``score``, ``risk``, ``flags``, ``error`` by default).
    scorer_factory : callable, optional
        Score with this picklable factory instead of ``model`` (tests, other scorers).

    Returns
    -------
    dask.dataframe.DataFrame
        ``meta`` declared: ``score`` float64, the text columns strings, ``assessment`` object.
        Added columns are named as :func:`ponzidetect.batch.result_column_names` names them.

    Raises
    ------
    MissingColumnError
        When ``text_column`` is not a column (the message lists them).
    ModelError
        When the model does not load on the client, or was changed in memory.

    Examples
    --------
    >>> import dask.dataframe as dd                                   # doctest: +SKIP
    >>> from ponzidetect.dask import score_dataframe                  # doctest: +SKIP
    >>> scored = score_dataframe(dd.read_parquet("pages/"), "body")   # doctest: +SKIP
    >>> scored[scored.risk == "high"].to_parquet("high/")             # doctest: +SKIP
    """
    columns = [str(column) for column in ddf.columns]
    if text_column not in columns:
        raise MissingColumnError(missing_column_message(text_column, columns))
    factory = scorer_factory or ModelSpec.from_model(model, explain=explain, max_chars=max_chars)
    added = (*result_columns, EXPLANATION) if explain else tuple(result_columns)
    meta = _meta(ddf._meta, added, result_column_names(ddf.columns, added))
    return ddf.map_partitions(_score_partition, text_column, factory, chunk_rows, max_chars,
                              explain, tuple(result_columns), meta, meta=meta,
                              align_dataframes=False)
