"""Which column of a table holds the texts, which one the ids, and what a scored row adds.

Shared by ``ponzidetect score`` (which prints its choice) and the app (which preselects it):

- :func:`guess_text_column`: a column named ``text``, else one named like text / content /
  description / body / message / post (正文、内容、文本、描述), else the string column with the
  longest cells;
- :func:`guess_id_column`: a column named like an id (``id``, ``case_id``, ``uid``, 编号, 序号…)
  whose values in the sample are filled and unique, else None ("when obvious");
- :func:`assessment_columns`: the explanation columns a scored row gets next to ``score``,
  ``risk`` and ``flags``: ``text_kind``, ``language``, ``evidence`` (the strongest red flags'
  names with their first snippets, bounded) and ``model_version``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from .assessment import Assessment

__all__ = ["ASSESSMENT_COLUMNS", "assessment_columns", "evidence_summary", "guess_id_column",
           "guess_text_column"]

ASSESSMENT_COLUMNS = ("text_kind", "language", "evidence", "model_version")
"""Names of the columns :func:`assessment_columns` fills, in order."""
EVIDENCE_CHARS = 300
"""Longest ``evidence`` cell."""
_TEXT_NAMES = re.compile(r"text|content|description|body|message|post|正文|内容|文本|描述|帖子|消息")
_ID_NAMES = re.compile(r"^(?:id|uid|uuid|key|no|nr|number|#|编号|序号|案件编号|案号"
                       r"|(?:[\w ]{0,30}[ _-])?id)$", re.IGNORECASE)


def _strings(frame: pd.DataFrame, column: object) -> pd.Series:
    return frame[column].map(lambda v: isinstance(v, str) and bool(v.strip()))


def guess_text_column(frame: pd.DataFrame) -> str | None:
    """The column most likely to hold the texts (None for a frame with no columns).

    Parameters
    ----------
    frame : DataFrame
        The table, or its first rows.

    Returns
    -------
    str or None

    Examples
    --------
    >>> import pandas as pd
    >>> guess_text_column(pd.DataFrame({"id": [1], "url": ["http://x"], "note": ["a long note"]}))
    'note'
    >>> guess_text_column(pd.DataFrame({"id": [1], "正文": ["保本保息"]}))
    '正文'
    """
    columns = list(frame.columns)
    if not columns:
        return None
    for column in columns:
        if str(column).strip().casefold() == "text":
            return column
    for column in columns:
        if _TEXT_NAMES.search(str(column).casefold()):
            return column
    best, best_length = None, -1.0
    for column in columns:
        filled = _strings(frame, column)
        if filled.any():
            length = float(frame[column][filled].map(len).mean())
            if length > best_length:
                best, best_length = column, length
    return best if best is not None else columns[0]


def guess_id_column(frame: pd.DataFrame, text_column: object = None) -> str | None:
    """A column named like an id whose sampled values are all filled and distinct, else None.

    Examples
    --------
    >>> import pandas as pd
    >>> guess_id_column(pd.DataFrame({"case_id": ["A1", "A2"], "text": ["x", "y"]}))
    'case_id'
    >>> guess_id_column(pd.DataFrame({"id": ["A1", "A1"], "text": ["x", "y"]})) is None
    True
    """
    for column in frame.columns:
        if column == text_column or not _ID_NAMES.match(str(column).strip()):
            continue
        values = frame[column]
        filled = values.map(lambda v: v is not None and str(v).strip() not in ("", "nan", "None"))
        if len(values) and filled.all() and not values.astype(str).duplicated().any():
            return column
    return None


def evidence_summary(assessment: Assessment | Mapping[str, Any], lang: str = "en",
                     flags: int = 3, snippets: int = 2, snippet_chars: int = 60,
                     max_chars: int = EVIDENCE_CHARS) -> str:
    """The strongest red flags with their first snippets, for one table cell.

    ``Guaranteed or risk-free returns: “guaranteed”; Fixed high periodic returns: “2% daily”``;
    empty when no red flag fired. Bounded to ``max_chars`` (ends with ``…`` when cut); each
    snippet is put on one line and cut to ``snippet_chars``.

    Parameters
    ----------
    assessment : Assessment or dict
        The scored text, or its ``to_dict()`` (a batch row's ``assessment``).
    lang : str
        ``en`` or ``zh`` flag names.
    flags, snippets : int
        How many red flags, and snippets per flag.
    snippet_chars, max_chars : int
        Bounds of one snippet and of the cell.

    Returns
    -------
    str
    """
    if isinstance(assessment, Mapping):
        red = [(f.get("name_zh" if lang == "zh" else "name_en") or f.get("id", ""),
                [e.get("text", "") for e in f.get("evidence") or () if not e.get("negated")])
               for f in assessment.get("flags") or ()
               if f.get("fired") and f.get("kind") == "red_flag"]
    else:
        red = [(f.name_zh if lang == "zh" else f.name_en,
                [e.text for e in f.evidence if not e.negated]) for f in assessment.red_flags]
    parts = []
    for name, texts in red[:flags]:
        quoted = ", ".join(f"“{_one_line(text, snippet_chars)}”" for text in texts[:snippets])
        parts.append(f"{name}: {quoted}" if quoted else name)
    cell = "; ".join(parts)
    return cell if len(cell) <= max_chars else cell[:max_chars - 1] + "…"


def _one_line(text: str, size: int) -> str:
    line = " ".join(text.split())
    return line if len(line) <= size else line[:size - 1] + "…"


def assessment_columns(assessment: Assessment | None,
                       lang: str = "en") -> tuple[tuple[str, Any], ...]:
    """The :data:`ASSESSMENT_COLUMNS` values of one scored row (all ``""`` when not scored).

    For ``RowOutcome.extra`` in the batch layer: ``(("text_kind", ...), ("language", ...),
    ("evidence", ...), ("model_version", ...))``.
    """
    if assessment is None:
        return tuple((name, "") for name in ASSESSMENT_COLUMNS)
    return (("text_kind", assessment.text_kind), ("language", assessment.language),
            ("evidence", evidence_summary(assessment, lang)),
            ("model_version", assessment.model_version))


def unique_names(wanted: Sequence[str], taken: Sequence[object]) -> dict[str, str]:
    """``{name: name}``, or ``ponzidetect_<name>`` (then ``_2``…) where the input has it already."""
    used = {str(c) for c in taken}
    names = {}
    for name in wanted:
        chosen, number = name, 1
        while chosen in used:
            chosen = f"ponzidetect_{name}" + (f"_{number}" if number > 1 else "")
            number += 1
        used.add(chosen)
        names[name] = chosen
    return names
