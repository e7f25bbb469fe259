"""Frozen evidence records: where a flag fired, what it parsed, and why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Value = float | int | str | None


@dataclass(frozen=True, slots=True)
class Evidence:
    """One span of the original text that supports (or, if negated, was cleared for) a flag.

    Attributes
    ----------
    flag_id : str
        The flag this evidence belongs to.
    start, end : int
        Half-open span in the **raw** text.
    text : str
        ``raw[start:end]``.
    rule_id : str
        The pattern or extractor rule that matched.
    weight : float
        Strength of this piece of evidence (0-1).
    value : float, int, str or None
        A parsed value: annualised rate in percent, a rank count, a price.
    unit : str or None
        Unit of ``value`` (``"%/year"``, ``"ranks"``, ``"CNY"``, ...).
    negated : bool
        True when a negation or disclaimer cue governs the span ("not guaranteed", "不保本").
    note : str
        One line a human can read.
    """

    flag_id: str
    start: int
    end: int
    text: str
    rule_id: str
    weight: float
    value: Value = None
    unit: str | None = None
    negated: bool = False
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A new JSON-safe dict of this evidence."""
        return {
            "flag_id": self.flag_id,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "rule_id": self.rule_id,
            "weight": round(float(self.weight), 4),
            "value": self.value,
            "unit": self.unit,
            "negated": self.negated,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class FlagResult:
    """What one flag found in one document.

    Attributes
    ----------
    flag_id : str
        The flag's id.
    evidence : tuple of Evidence
        Kept evidence, in text order (at most ``MAX_EVIDENCE`` of each polarity).
    count : int
        Number of non-negated matches found (may exceed the evidence kept).
    negated_count : int
        Number of negated matches found.
    value : float, int, str or None
        The flag's summary value (for example the largest annualised rate).
    unit : str or None
        Unit of ``value``.
    """

    flag_id: str
    evidence: tuple[Evidence, ...]
    count: int
    negated_count: int
    value: Value = None
    unit: str | None = None

    @property
    def fired(self) -> bool:
        """True when at least one non-negated piece of evidence was found."""
        return self.count > 0

    @property
    def strength(self) -> float:
        """The largest weight among non-negated evidence (0 when none)."""
        return max((e.weight for e in self.evidence if not e.negated), default=0.0)

    def to_dict(self) -> dict[str, Any]:
        """A new JSON-safe dict of this result."""
        return {
            "id": self.flag_id,
            "fired": self.fired,
            "count": self.count,
            "negated_count": self.negated_count,
            "value": self.value,
            "unit": self.unit,
            "evidence": [e.to_dict() for e in self.evidence],
        }
