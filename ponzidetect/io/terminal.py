"""Text bound for a terminal: control characters from a file shown, never obeyed."""

from __future__ import annotations

import re

__all__ = ["for_terminal"]

# C0 and C1 controls (ESC starts ANSI sequences), DEL, and the bidirectional overrides that
# can make a line read differently from what it holds. Tabs and new lines are kept.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
                     "\ud800-\udfff]")


def for_terminal(text: str) -> str:
    """``text`` with every control character written as an escape (``\\x1b``, ``\\u202e``).

    Examples
    --------
    >>> for_terminal("\\x1b[31mred\\x1b[0m")
    '\\\\x1b[31mred\\\\x1b[0m'
    """
    return _UNSAFE.sub(lambda match: match.group().encode("unicode_escape",
                                                          "backslashreplace").decode("ascii"),
                       text)
