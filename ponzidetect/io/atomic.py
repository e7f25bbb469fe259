"""Write a file so it appears whole or not at all: a temporary file next to it, renamed on success."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .formats import TabularError

__all__ = ["AtomicTarget", "atomic_write"]


class AtomicTarget:
    """A temporary ``.<name>.<random>.part`` file next to ``path``.

    :meth:`commit` moves it onto ``path`` (keeping an existing file's permissions);
    :meth:`discard` removes it. Exactly one of them should run; both are safe to call twice.

    Parameters
    ----------
    path : Path
        The file to produce.

    Raises
    ------
    TabularError
        When ``path`` is a folder or its folder does not exist.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        if path.is_dir():
            raise TabularError(f"{path} is a folder; give a file name for the output")
        try:
            fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        except FileNotFoundError:
            raise TabularError(f"folder {path.parent} does not exist; create it first") from None
        os.close(fd)
        self.temp = Path(temp)

    def commit(self) -> None:
        """Flush the temporary file to disk and move it onto the target."""
        try:
            with self.temp.open("rb+") as handle:
                os.fsync(handle.fileno())
            if self.path.exists():
                os.chmod(self.temp, self.path.stat().st_mode & 0o7777)
            else:
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(self.temp, 0o666 & ~umask)
            os.replace(self.temp, self.path)
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        """Remove the temporary file (the target is left as it was)."""
        with contextlib.suppress(FileNotFoundError):
            self.temp.unlink()


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], *, encoding: str = "utf-8",
                 newline: str | None = None) -> Iterator[IO[str]]:
    """Open a text file for writing that appears at ``path`` only if the block ends cleanly.

    Parameters
    ----------
    path : str or path-like
        The target file; an existing file is replaced.
    encoding : str
        Text encoding.
    newline : str, optional
        Passed to :func:`open`.

    Yields
    ------
    file object
        A handle on a temporary file in the same folder.
    """
    target = AtomicTarget(Path(path))
    try:
        with open(target.temp, "w", encoding=encoding, newline=newline) as handle:
            yield handle
    except BaseException:
        target.discard()
        raise
    target.commit()
