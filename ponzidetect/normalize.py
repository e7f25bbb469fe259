"""Normalised view of a text that defeats cheap obfuscation, with offsets back to the raw text.

Steps, in order:

1. One-to-one character folds (offsets unchanged): full-width forms to ASCII, ideographic space,
   percent look-alikes, traditional to simplified Chinese, and Cyrillic/Greek look-alike letters
   *inside Latin words* (a Russian or Greek word is left alone).
2. Length-changing passes, each recorded in an :class:`~ponzidetect._offsets.OffsetMap`:
   zero-width and other invisible format characters removed; spaced-out Latin words
   ("g u a r a n t e e d") and spaced-out Chinese ("保 本") joined; Chinese numerals
   rewritten as digits (百分之三 -> 3%, 三成 -> 30%, 1.5万 -> 15000, 二十倍 -> 20倍).

Every regular expression here is linear: no nested quantifiers, no ambiguous alternations.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ._cn_numerals import numeral_edits
from ._offsets import Edit, OffsetMap, apply_edits

# Cyrillic and Greek letters that look like Latin ones.
HOMOGLYPHS = {
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ј": "j", "ԁ": "d", "ɡ": "g",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J",
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K",
    "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
}

_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f"
                        "\u202a-\u202e\u2060-\u2064\u206a-\u206f\ufeff\ufe00-\ufe0f]")
_MIXED_SCRIPT_WORD = re.compile("[A-Za-z\u0370-\u03ff\u0400-\u04ff\u0500-\u052f\u0261]+")
_HAS_LOOKALIKE = re.compile("[\u0370-\u03ff\u0400-\u052f\u0261]")
# Four or more single letters/digits joined by one separator: "g u a r a n t e e d", "r-i-s-k".
_SPACED_LATIN = re.compile(r"(?<![A-Za-z0-9])(?:[A-Za-z0-9][ ._*·\-]){3,60}[A-Za-z0-9](?![A-Za-z0-9])")
_SPACED_SEPARATORS = str.maketrans("", "", " ._*·-")
# Spaces or filler symbols between two Chinese characters: "保 本", "稳*赚".
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])[ \u00a0\u3000*·_~]{1,3}(?=[\u3400-\u9fff])")


@cache
def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xFF01, 0xFF5F):  # full-width ASCII block
        table[code] = chr(code - 0xFEE0)
    table[0x3000] = " "
    table[0x00A0] = " "
    for code in (0xFE6A, 0x2052, 0x066A):  # small, commercial and Arabic percent signs
        table[code] = "%"
    for code in (0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2212):  # dashes and minus
        table[code] = "-"
    table[0x3002] = "。"
    payload = resources.files("ponzidetect").joinpath("data/t2s_chars.json").read_text("utf-8")
    for traditional, simplified in json.loads(payload).items():
        table[ord(traditional)] = simplified
    return table


_HOMOGLYPH_TABLE = {ord(key): value for key, value in HOMOGLYPHS.items()}


def _fold_lookalikes(text: str) -> str:
    if not _HAS_LOOKALIKE.search(text):
        return text

    def fold(match: re.Match[str]) -> str:
        word = match.group()
        if not any("a" <= ch.lower() <= "z" for ch in word):
            return word  # a genuinely Cyrillic or Greek word
        return word.translate(_HOMOGLYPH_TABLE)

    return _MIXED_SCRIPT_WORD.sub(fold, text)


def fold_characters(text: str) -> str:
    """Apply the one-to-one folds (step 1); the result has the same length as ``text``."""
    if text.isascii():  # every fold maps a non-ASCII character
        return text
    return _fold_lookalikes(text.translate(_fold_table()))


def _invisible_edits(text: str) -> list[Edit]:
    if text.isascii():
        return []
    return [(m.start(), m.end(), "") for m in _INVISIBLE.finditer(text)]


def _spacing_edits(text: str) -> list[Edit]:
    edits: list[Edit] = [
        (m.start(), m.end(), m.group().translate(_SPACED_SEPARATORS))
        for m in _SPACED_LATIN.finditer(text)
    ]
    if not text.isascii():
        edits.extend((m.start(), m.end(), "") for m in _CJK_GAP.finditer(text))
    edits.sort()
    return edits


@dataclass(frozen=True, slots=True)
class Normalised:
    """A normalised text and the map from its positions to the raw text."""

    text: str
    offsets: OffsetMap


def normalise(raw: str) -> Normalised:
    """Build the normalised view of ``raw``.

    Parameters
    ----------
    raw : str
        The original text.

    Returns
    -------
    Normalised
        ``text`` for matching and ``offsets`` to map spans back into ``raw``.

    Examples
    --------
    >>> view = normalise("ｇｕａｒａｎｔｅｅｄ 日息百分之一")
    >>> view.text
    'guaranteed 日息1%'
    >>> view.offsets.span(11, 15)
    (11, 17)
    """
    text = fold_characters(raw)
    offsets = OffsetMap.identity(len(raw))
    for make_edits in (_invisible_edits, _spacing_edits, numeral_edits):
        edits = make_edits(text)
        if edits:
            text, step = apply_edits(text, edits)
            offsets = offsets.then(step)
    return Normalised(text, offsets)
