"""Parquet writer: numeric, boolean and date-time columns typed, every other column as strings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..formats import TabularError
from ..limits import Notes
from .cells import plain, text

__all__ = ["ParquetWriter"]


class ParquetWriter:
    """Rows to a Parquet file; the first chunk fixes each column's type."""

    def __init__(self, temp: Path, fmt: str, columns: list[str], first: pd.DataFrame,
                 notes: Notes) -> None:
        import pyarrow.parquet as pq

        del fmt, notes
        self._schema = _schema(first, columns)
        self._writer = pq.ParquetWriter(temp, self._schema)

    def write(self, frame: pd.DataFrame) -> None:
        """Append rows."""
        self._writer.write_table(_table(frame, self._schema))

    def finish(self) -> None:
        """Write the footer and close."""
        self._writer.close()

    def abandon(self) -> None:
        """Close without caring whether the file is complete."""
        self._writer.close()


def _schema(frame: pd.DataFrame, columns: list[str]) -> Any:
    import pyarrow as pa

    fields = []
    for position, name in enumerate(columns):
        arrow_type = pa.string()
        if position < frame.shape[1]:
            series = frame.iloc[:, position]
            if (pd.api.types.is_numeric_dtype(series.dtype)
                    or pd.api.types.is_bool_dtype(series.dtype)
                    or pd.api.types.is_datetime64_any_dtype(series.dtype)):
                arrow_type = pa.array(series, from_pandas=True).type
                if pa.types.is_null(arrow_type):
                    arrow_type = pa.string()
        fields.append(pa.field(text(name), arrow_type))
    return pa.schema(fields)


def _table(frame: pd.DataFrame, schema: Any) -> Any:
    import pyarrow as pa

    arrays = []
    for position, field in enumerate(schema):
        series = frame.iloc[:, position]
        if pa.types.is_string(field.type):
            values = [None if (v := plain(value)) is None else text(v) for value in series]
            arrays.append(pa.array(values, type=pa.string()))
            continue
        try:
            arrays.append(pa.array(series, from_pandas=True).cast(field.type))
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as exc:
            raise TabularError(f"column {field.name!r} was {field.type} in the first chunk but "
                               f"holds other values later ({exc}); write CSV or JSONL "
                               "instead") from exc
    return pa.Table.from_arrays(arrays, schema=schema)
