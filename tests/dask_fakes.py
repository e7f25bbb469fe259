"""Scorer factories for the Dask tests (module level, so Dask workers can import them)."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass

from fakes import fake_score

from ponzidetect.batch import RowOutcome, Scorer


def _kill_once(marker: str, word: str, delay: float, texts: list[str]) -> list[RowOutcome]:
    if any(word in text for text in texts):
        try:
            fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            pass
        else:
            os.write(fd, str(os.getpid()).encode())
            os.close(fd)
            os._exit(1)  # the worker process dies mid-partition, as the OOM killer would do it
    return fake_score(texts, delay=delay)


@dataclass(frozen=True)
class KillOnce:
    """The fake scorer, except that the first process to see ``word`` creates ``marker`` and
    kills itself; later processes (Dask's retry) score normally."""

    marker: str
    word: str = "kill-me"
    delay: float = 0.0

    def __call__(self) -> Scorer:
        return functools.partial(_kill_once, self.marker, self.word, self.delay)

