"""The :class:`Document`: one text, its normalised view, its language and the offset map."""

from __future__ import annotations

import contextlib
import gc
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ._offsets import OffsetMap
from .language import detect_language
from .normalize import normalise

_ASCII_LOWER = {code: code + 32 for code in range(ord("A"), ord("Z") + 1)}
_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


GC_PAUSE_CHARS = 200_000  # texts at least this long are prepared with the collector paused


@contextlib.contextmanager
def collector_paused(pause: bool) -> Iterator[None]:
    """Pause Python's cyclic garbage collector while one very long text is processed.

    A hostile text of megabytes (cue words, an invisible character between every letter) makes
    millions of short-lived edits, matches and candidates; with the collector running, its full
    passes over the growing heap make the time grow faster than the text (4 MB of repeated cue
    words took 5.7x the time of 1 MB). None of those objects is part of a reference cycle, so
    the pause costs no memory; the collector is restored afterwards.
    """
    if not pause or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _ascii_lower(text: str) -> str:
    """``text`` with only the ASCII letters lower-cased (``str.lower`` when it is all ASCII)."""
    return text.lower() if text.isascii() else text.translate(_ASCII_LOWER)


@dataclass(frozen=True, slots=True)
class Document:
    """A text prepared once for every extractor.

    Attributes
    ----------
    raw : str
        The original text; every evidence span points into it.
    text : str
        The normalised view that patterns match against.
    offsets : OffsetMap
        Maps spans of ``text`` to spans of ``raw``.
    folded : str
        ``text`` with ASCII letters lower-cased (same length): what catalogue patterns match.
    language : str
        ``en``, ``zh``, ``mixed`` or ``und``.
    has_han, has_latin : bool
        Whether Chinese or English patterns can match at all.
    """

    raw: str
    text: str
    offsets: OffsetMap
    folded: str
    language: str
    has_han: bool
    has_latin: bool

    @classmethod
    def from_text(cls, raw: str) -> Document:
        """Normalise ``raw`` and detect its language.

        Parameters
        ----------
        raw : str
            The text to analyse.

        Returns
        -------
        Document

        Examples
        --------
        >>> doc = Document.from_text("保本保息，日息百分之一")
        >>> doc.language, doc.text
        ('zh', '保本保息,日息1%')
        """
        if not isinstance(raw, str):
            raise TypeError(f"text must be str, not {type(raw).__name__}")
        with collector_paused(len(raw) >= GC_PAUSE_CHARS):
            view = normalise(raw)
        return cls(
            raw=raw,
            text=view.text,
            offsets=view.offsets,
            folded=_ascii_lower(view.text),
            language=detect_language(view.text),
            has_han=_HAN.search(view.text) is not None,
            has_latin=_LATIN.search(view.text) is not None,
        )

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalised text to the raw text."""
        return self.offsets.span(start, end)

    def languages(self) -> tuple[str, ...]:
        """The pattern languages worth running on this document."""
        found = []
        if self.has_latin:
            found.append("en")
        if self.has_han:
            found.append("zh")
        return tuple(found)
