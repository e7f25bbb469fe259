"""Language of a text: ``en``, ``zh``, ``mixed`` or ``und`` (nothing to judge by)."""

from __future__ import annotations

import re

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
SAMPLE_CHARS = 20_000


def detect_language(text: str) -> str:
    """Guess whether ``text`` is English, Chinese or a mix of both.

    One Chinese character is weighed against one Latin word (not one letter), so a Chinese text
    with a few English product names stays ``zh``. Only the first 20,000 characters are read.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    str
        ``"zh"`` when at least 75% of the units are Chinese, ``"en"`` when at most 25% are,
        ``"mixed"`` in between, ``"und"`` when there are neither.

    Examples
    --------
    >>> detect_language("Guaranteed 2% daily returns")
    'en'
    >>> detect_language("本平台保本保息，USDT 日息百分之二")
    'zh'
    """
    sample = text[:SAMPLE_CHARS]
    han = len(_HAN.findall(sample))
    words = len(_LATIN_WORD.findall(sample))
    if han + words == 0:
        return "und"
    share = han / (han + words)
    if share >= 0.75:
        return "zh"
    if share <= 0.25:
        return "en"
    return "mixed"
