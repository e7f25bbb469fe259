"""The partitions of a Dask run: a file, a glob or a folder, local or any fsspec URL.

Each partition is one input file; a task reads it with the same readers as the single-machine
command (:func:`ponzidetect.io.open_table`), so a remote file is first copied to a local
temporary file (:func:`local_copy`). Partitions are in the sorted order of their paths, which
is the order of the output's part files.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ..io import TabularError, check_fmt, format_from_name

__all__ = ["Partition", "is_url", "list_partitions", "local_copy"]

_GLOB = ("*", "?", "[")
_TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".tab", ".jsonl", ".ndjson", ".json", ".parquet",
                   ".pq", ".xlsx", ".xlsm")


@dataclass(frozen=True)
class Partition:
    """One input file of a run.

    Attributes
    ----------
    index : int
        Position in the run, from 0; the part file ``part-00000`` holds partition 0.
    source : str
        The file as the run names it: an absolute local path, or a URL with its protocol.
    fmt : str
        Its table format.
    """

    index: int
    source: str
    fmt: str

    @property
    def name(self) -> str:
        """The file name without its folder."""
        return PurePosixPath(self.source.rsplit("://", 1)[-1]).name


def is_url(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` names a file through an fsspec protocol (``s3://``, ``gcs://``...).

    ``file://`` URLs count as local paths.
    """
    text = os.fspath(path)
    return "://" in text and not text.startswith("file://")


def _hidden(relative: str) -> bool:
    """Temporary files, markers and metadata (``.x.part``, ``_SUCCESS``) are not partitions."""
    return any(part.startswith((".", "_")) for part in PurePosixPath(relative).parts)


def list_partitions(source: str | os.PathLike[str], fmt: str | None = None,
                    storage_options: Mapping[str, Any] | None = None) -> list[Partition]:
    """The input files of ``source``, sorted by path.

    Parameters
    ----------
    source : str or path-like
        A table file, a glob (``data/*.csv``), or a folder (every table file below it, at any
        depth; names starting with ``.`` or ``_`` are skipped). Local, or an fsspec URL for
        which a filesystem package is installed.
    fmt : str, optional
        Force the format of every file (then a folder's files need no table extension).
    storage_options : mapping, optional
        Passed to fsspec for URLs (credentials, endpoint...).

    Returns
    -------
    list of Partition

    Raises
    ------
    TabularError
        When nothing matches, or a file's format cannot be told from its name.
    """
    from fsspec.core import url_to_fs

    text = os.fspath(source)
    url = is_url(text)
    if not url:
        text = str(Path(text.removeprefix("file://")).expanduser().absolute())
    try:
        fs, root = url_to_fs(text, **dict(storage_options or {}))
    except (ImportError, ValueError) as error:
        raise TabularError(f"cannot open {text}: {error}; install the fsspec filesystem package "
                           "for this protocol (s3fs, gcsfs, adlfs...) on the client and every "
                           "worker") from error
    forced = check_fmt(fmt) if fmt else None
    if any(mark in root for mark in _GLOB):
        paths = sorted(path for path in fs.glob(root) if fs.isfile(path))
    elif fs.isdir(root):
        base = root.rstrip("/")
        paths = sorted(path for path in fs.find(root)
                       if not _hidden(path[len(base):].lstrip("/"))
                       and (forced or path.lower().endswith(_TABLE_SUFFIXES)))
    elif fs.isfile(root):
        paths = [root]
    else:
        raise TabularError(f"{text}: no such file or folder")
    if not paths:
        raise TabularError(f"{text}: no table files found (CSV, TSV, JSONL, Parquet or XLSX); "
                           "name the format with --input-format to read other extensions")
    return [Partition(index, fs.unstrip_protocol(path) if url else path,
                      forced or format_from_name(path))
            for index, path in enumerate(paths)]


@contextlib.contextmanager
def local_copy(partition: Partition,
               storage_options: Mapping[str, Any] | None = None) -> Iterator[Path]:
    """A local path to read ``partition`` from: the file itself, or a temporary copy of a URL.

    Yields
    ------
    Path
        Removed at the end of the block when it is a copy.
    """
    if not is_url(partition.source):
        yield Path(partition.source.removeprefix("file://"))
        return
    import fsspec

    folder = tempfile.mkdtemp(prefix="ponzidetect-part-")
    try:
        local = Path(folder) / partition.name
        with fsspec.open(partition.source, "rb", **dict(storage_options or {})) as remote, \
                local.open("wb") as handle:
            shutil.copyfileobj(remote, handle, 1 << 22)
        yield local
    finally:
        shutil.rmtree(folder, ignore_errors=True)
