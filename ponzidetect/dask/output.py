"""The output folder of a Dask run: part files plus a manifest, in place only when complete.

Tasks write their part files into a temporary sibling folder (``.NAME.<random>.tmp``). When
every part is done the client writes the manifest, :data:`MANIFEST` (JSON: rows per part and
input file, totals, the model, the order), and renames the folder onto ``NAME``. A failed,
interrupted or killed run leaves no folder at ``NAME`` (or the previous complete one), and a
folder without a manifest is never a ponzidetect result.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ..io import TabularError, atomic_write

__all__ = ["MANIFEST", "OutputFolder", "read_manifest"]

MANIFEST = "_SUCCESS"
"""Name of the manifest file (Hadoop's marker name, so Spark and Dask readers skip it)."""
MANIFEST_FORMAT = "ponzidetect-parts/1"


class OutputFolder:
    """A temporary folder next to ``path`` that becomes ``path`` on :meth:`commit`.

    Parameters
    ----------
    path : Path
        The output folder to produce. An existing folder is replaced only when it is an
        earlier ponzidetect output (it holds a manifest) or empty.

    Raises
    ------
    TabularError
        When ``path`` is a file, a folder with other content, or its parent does not exist.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        if path.is_file():
            raise TabularError(f"{path} is a file; --engine dask writes a folder of part files: "
                               "give a folder name for the output")
        if path.is_dir() and any(path.iterdir()) and not (path / MANIFEST).is_file():
            raise TabularError(f"{path} is a folder that is not a ponzidetect output (no "
                               f"{MANIFEST}); choose a new folder name")
        if not path.parent.is_dir():
            raise TabularError(f"folder {path.parent} does not exist; create it first")
        self.temp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp",
                                          dir=path.parent))
        os.chmod(self.temp, 0o777 & ~_umask())  # workers of another user may write here

    def __enter__(self) -> OutputFolder:
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        if exc_type is not None:
            self.discard()

    def commit(self, manifest: dict[str, Any]) -> None:
        """Write the manifest, drop files no part claims (a killed writer's temporary file),
        and move the folder onto the target."""
        keep = {part["part"] for part in manifest["parts"]}
        for entry in self.temp.iterdir():
            if entry.name not in keep:
                _remove(entry)
        missing = sorted(keep - {entry.name for entry in self.temp.iterdir()})
        if missing:
            raise TabularError(f"part files missing from {self.temp}: {', '.join(missing[:5])}; "
                               "the workers must write to a folder the client sees (a shared "
                               "filesystem at the same path)")
        with atomic_write(self.temp / MANIFEST, encoding="utf-8", newline="\n") as handle:
            json.dump({"format": MANIFEST_FORMAT, **manifest}, handle, ensure_ascii=False,
                      indent=1, default=str)
            handle.write("\n")
        old = None
        if self.path.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{self.path.name}.", suffix=".old",
                                        dir=self.path.parent))
            os.replace(self.path, old / self.path.name)
        try:
            os.replace(self.temp, self.path)
        except BaseException:
            if old is not None:
                os.replace(old / self.path.name, self.path)
            raise
        finally:
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        """Remove the temporary folder (the target is left as it was)."""
        shutil.rmtree(self.temp, ignore_errors=True)


def read_manifest(folder: str | os.PathLike[str]) -> dict[str, Any]:
    """The manifest of a complete output folder.

    Raises
    ------
    TabularError
        When the folder has no manifest (an incomplete or foreign folder).
    """
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise TabularError(f"{folder} has no {MANIFEST}: it is not a complete ponzidetect output")
    return json.loads(path.read_text("utf-8"))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _remove(entry: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()
