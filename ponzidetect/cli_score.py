"""Helpers of ``ponzidetect score``: choosing the text and id columns (and saying so), counting
rows for the progress bar, and the scheme-cluster pass before scoring."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .tabular import TabularError, format_from_name, missing_column_message, read_chunks

__all__ = ["choose_columns", "cluster_columns", "count_rows"]

SAMPLE_ROWS = 200


def _sample(path: Path, fmt: str | None, encoding: str | None) -> pd.DataFrame:
    chunks = read_chunks(path, fmt=fmt, encoding=encoding, chunk_rows=SAMPLE_ROWS)
    try:
        return next(iter(chunks))
    except StopIteration:
        return pd.DataFrame()
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


def choose_columns(path: str | Path, text_column: str | None, id_column: str | None, *,
                   fmt: str | None = None, encoding: str | None = None,
                   say: Callable[[str], None] | None = None) -> tuple[str, str | None]:
    """The text and id columns to use; guessed ones are announced through ``say``.

    Parameters
    ----------
    path : str or Path
        The input table.
    text_column, id_column : str or None
        The user's choice (None: guess; ``id_column=""``: no id column).
    fmt, encoding : str, optional
        Force the input format or encoding.
    say : callable, optional
        Receives one line per guess (the CLI prints it on stderr).

    Returns
    -------
    (str, str or None)

    Raises
    ------
    TabularError
        When a named column is missing (the message lists the columns and the likely text
        column) or no column holds text.
    """
    from .columns import guess_id_column, guess_text_column

    say = say or (lambda line: print(line, file=sys.stderr))
    sample = _sample(Path(path), fmt, encoding)
    columns = [str(c) for c in sample.columns]
    guess = guess_text_column(sample)
    if text_column is None:
        if guess is None:
            raise TabularError(f"{Path(path).name} has no columns; check its header row")
        text_column = str(guess)
        say(f"ponzidetect score: texts from column {text_column!r} (guessed from "
            f"{len(columns)} columns; choose another with --text-column)")
    elif columns and text_column not in columns:
        message = missing_column_message(text_column, columns, Path(path).name)
        if guess is not None and "did you mean" not in message:
            message += f"; the texts look like they are in {str(guess)!r}: use --text-column {guess}"
        raise TabularError(message)
    if id_column is None:
        found = guess_id_column(sample, text_column)
        if found is not None:
            id_column = str(found)
            say(f"ponzidetect score: rows keyed by column {id_column!r} in --explain (guessed; "
                "choose another with --id-column, none with --id-column '')")
    elif id_column == "":
        id_column = None
    elif columns and id_column not in columns:
        raise TabularError(missing_column_message(id_column, columns, Path(path).name))
    return text_column, id_column


def count_rows(path: str | Path, fmt: str | None = None) -> int | None:
    """Data rows of a CSV/TSV/JSONL file by counting line breaks (a quoted cell with line
    breaks makes it an overestimate; the bar corrects itself at the end); None otherwise."""
    path = Path(path)
    try:
        fmt = fmt or format_from_name(path)
    except TabularError:
        return None
    if fmt not in ("csv", "tsv", "jsonl"):
        return None
    lines, last = 0, b"\n"
    with path.open("rb") as handle:
        while block := handle.read(1 << 22):
            lines += block.count(b"\n")
            last = block[-1:]
    lines += last != b"\n"
    return max(lines - (fmt != "jsonl"), 0)


def cluster_columns(path: str | Path, text_column: str, *, fmt: str | None = None,
                    encoding: str | None = None
                    ) -> Callable[[int, pd.DataFrame], dict[str, Sequence[Any]]]:
    """Read the text column once and cluster near-duplicate texts; returns the
    ``row_columns`` hook of :func:`ponzidetect.batch.score_table` that adds ``cluster`` and
    ``cluster_size`` to each chunk."""
    from .clusters import SchemeClusterer

    clusterer = SchemeClusterer()
    for chunk in read_chunks(Path(path), fmt=fmt, encoding=encoding, chunk_rows=2000):
        if text_column in chunk.columns:
            clusterer.add_many(chunk[text_column].tolist())
        else:
            clusterer.add_many([None] * len(chunk))
    clusters = clusterer.clusters()

    def columns(first_row: int, frame: pd.DataFrame) -> dict[str, Sequence[Any]]:
        end = first_row + len(frame)
        ids, sizes = list(clusters.ids[first_row:end]), list(clusters.sizes[first_row:end])
        missing = len(frame) - len(ids)  # never expected: both passes read the same rows
        return {"cluster": ids + [""] * missing, "cluster_size": sizes + [0] * missing}

    return columns
