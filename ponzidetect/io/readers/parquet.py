"""Parquet reader: record batches as frames, typed columns kept, over-long strings cut."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from ..formats import EXPORT_HINT, TabularError
from ..limits import Limits, Notes

__all__ = ["ParquetReader"]


class ParquetReader:
    """Batches of a Parquet file.

    Parameters
    ----------
    path : Path
        The file.
    limits : Limits
        ``cell_chars`` bounds string cells.
    notes : Notes
        Where warnings go.
    """

    def __init__(self, path: Path, limits: Limits, notes: Notes) -> None:
        import pyarrow.parquet as pq

        self.path = path
        self.limits = limits
        self.notes = notes
        try:
            self.file = pq.ParquetFile(path)
        except Exception as exc:
            raise TabularError(f"{path.name} is not a readable Parquet file ({exc}); "
                               f"{EXPORT_HINT}") from exc
        self.columns = [str(name) for name in self.file.schema_arrow.names]

    def row_count_hint(self) -> int | None:
        """The exact number of rows, from the file's metadata."""
        return int(self.file.metadata.num_rows)

    def close(self) -> None:
        """Close the file."""
        self.file.close()

    def frames(self, chunk_rows: int) -> Iterator[tuple[pd.DataFrame, list[str]]]:
        """``(frame, row errors)`` per batch; at least one frame (empty, with the columns)."""
        produced = False
        offset = 0
        try:
            for batch in self.file.iter_batches(batch_size=chunk_rows):
                produced = True
                batch, errors = self._cut(batch, offset)
                offset += batch.num_rows
                yield batch.to_pandas(ignore_metadata=True), errors
        except TabularError:
            raise
        except Exception as exc:
            raise TabularError(f"{self.path.name}: cannot read the Parquet data ({exc}); "
                               f"{EXPORT_HINT}") from exc
        if not produced:
            empty = self.file.schema_arrow.empty_table().to_pandas(ignore_metadata=True)
            yield empty, []

    def _cut(self, batch: Any, offset: int) -> tuple[Any, list[str]]:
        import pyarrow as pa
        import pyarrow.compute as pc

        limit = self.limits.cell_chars
        errors = [""] * batch.num_rows
        columns = list(batch.columns)
        changed = False
        for index, column in enumerate(columns):
            if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
                continue
            lengths = pc.utf8_length(column)
            longest = pc.max(lengths).as_py()
            if longest is None or longest <= limit:
                continue
            too_long = pc.greater(lengths, limit).to_pylist()
            for row, flag in enumerate(too_long):
                if flag:
                    errors[row] = f"row {offset + row + 1}: a cell longer than {limit:,} characters was cut"
            columns[index] = pc.utf8_slice_codeunits(column, 0, limit)
            changed = True
        if changed:
            batch = pa.RecordBatch.from_arrays(columns, schema=batch.schema)
        return batch, errors
