"""Length-changing text edits that keep a map back to the original offsets.

A pass takes a text and a sorted list of non-overlapping edits ``(start, end, replacement)`` and
returns the edited text plus, for every output character, the half-open span of input characters
it came from. Passes compose, so any number of edits maps back to the raw text in one lookup.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

Edit = tuple[int, int, str]


@dataclass(frozen=True, slots=True)
class OffsetMap:
    """Map from positions of an edited text to spans of the text it came from.

    ``starts[i]`` and ``ends[i]`` give the half-open source span of output character ``i``.
    ``None`` arrays mean the identity map (no edit changed any length).
    """

    starts: np.ndarray | None
    ends: np.ndarray | None
    source_length: int

    @classmethod
    def identity(cls, length: int) -> OffsetMap:
        """Return the map of a text that was not edited."""
        return cls(None, None, length)

    @property
    def is_identity(self) -> bool:
        """True when output positions equal source positions."""
        return self.starts is None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map the output span ``[start, end)`` to a source span.

        Parameters
        ----------
        start, end : int
            Half-open span in the edited text; ``end > start``.

        Returns
        -------
        tuple of int
            The smallest source span that produced those characters.
        """
        if self.starts is None or self.ends is None:
            return start, end
        if end <= start:
            position = int(self.starts[start]) if start < len(self.starts) else self.source_length
            return position, position
        return int(self.starts[start]), int(self.ends[end - 1])

    def then(self, later: OffsetMap) -> OffsetMap:
        """Compose: ``later`` maps a newer text onto this map's output text."""
        if later.is_identity:
            return self
        if self.is_identity:
            return OffsetMap(later.starts, later.ends, self.source_length)
        assert self.starts is not None and self.ends is not None
        assert later.starts is not None and later.ends is not None
        return OffsetMap(
            self.starts[later.starts], self.ends[later.ends - 1], self.source_length
        )


def apply_edits(text: str, edits: Iterable[Edit]) -> tuple[str, OffsetMap]:
    """Apply sorted, non-overlapping edits to ``text``.

    Parameters
    ----------
    text : str
        The text to edit.
    edits : iterable of (start, end, replacement)
        Sorted by ``start``, non-overlapping, each with ``end > start``.

    Returns
    -------
    tuple of (str, OffsetMap)
        The edited text and the map from its positions back into ``text``.
    """
    edits = list(edits)
    if not edits:
        return text, OffsetMap.identity(len(text))
    pieces: list[str] = []
    cursor = 0
    for start, end, replacement in edits:
        pieces.append(text[cursor:start])
        pieces.append(replacement)
        cursor = end
    pieces.append(text[cursor:])
    starts = np.fromiter((edit[0] for edit in edits), dtype=np.int64, count=len(edits))
    ends = np.fromiter((edit[1] for edit in edits), dtype=np.int64, count=len(edits))
    sizes = np.fromiter((len(edit[2]) for edit in edits), dtype=np.int64, count=len(edits))
    # every source position emits its own character (1), an edit's replacement (at the edit's
    # start) or nothing (inside an edit); an emitted character maps back to [position, end)
    inside = np.zeros(len(text) + 1, dtype=np.int64)
    np.add.at(inside, starts, 1)
    np.add.at(inside, ends, -1)
    emit = (np.cumsum(inside[:-1]) == 0).astype(np.int64)
    emit[starts] = sizes
    span_end = np.arange(1, len(text) + 1, dtype=np.int64)
    span_end[starts] = ends
    positions = np.arange(len(text), dtype=np.int64)
    return "".join(pieces), OffsetMap(np.repeat(positions, emit), np.repeat(span_end, emit),
                                      len(text))
