"""The frozen :class:`Assessment` of one text: score, band, voice, evidence, wording explained."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .evidence import Evidence
from .text_kind import KIND_NAMES
from .wording import WordingExplanation

DISCLAIMER_EN = "Automated triage aid, not a verdict."
DISCLAIMER_ZH = "自动化初筛辅助，不是定性结论。"
BAND_ZH = {"low": "低", "medium": "中", "high": "高"}
NO_EVIDENCE_EN = "wording resembles schemes, no catalogued red flag"
NO_EVIDENCE_ZH = "措辞与资金盘相似，但未发现目录中的风险信号"


@dataclass(frozen=True, slots=True)
class FlagContribution:
    """One flag's share of the score, with its evidence.

    Attributes
    ----------
    flag_id, name_en, name_zh, family, kind : str
        Identity of the flag (``kind`` is ``red_flag`` or ``context``).
    contribution : float
        Sum of the flag's features' contributions to the risk log-odds (0.0 when the text was
        scored without explanations).
    fired : bool
        Whether the flag has non-negated evidence in this text.
    value : float, int, str or None
        Parsed summary value (annualised rate, rank count, number of places, price).
    unit : str or None
        Unit of ``value``.
    evidence : tuple of Evidence
        Spans in the original text.
    """

    flag_id: str
    name_en: str
    name_zh: str
    family: str
    kind: str
    contribution: float
    fired: bool
    value: float | int | str | None
    unit: str | None
    evidence: tuple[Evidence, ...]

    @property
    def strength(self) -> float:
        """The strongest non-negated evidence weight (0 when none)."""
        return max((e.weight for e in self.evidence if not e.negated), default=0.0)

    def to_dict(self) -> dict[str, Any]:
        """A new JSON-safe dict."""
        return {
            "id": self.flag_id, "name_en": self.name_en, "name_zh": self.name_zh,
            "family": self.family, "kind": self.kind,
            "contribution": round(self.contribution, 4), "fired": self.fired,
            "value": self.value, "unit": self.unit,
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class Assessment:
    """The risk assessment of one text.

    Attributes
    ----------
    probability : float
        Calibrated probability (0-1) that the text promotes or describes a scheme's offer.
    risk : str
        ``low``, ``medium`` or ``high`` (high = at or above ``threshold``).
    threshold : float
        Start of the high band.
    language : str
        ``en``, ``zh``, ``mixed`` or ``und``.
    text_kind : str
        The voice: ``promotion``, ``case_account``, ``warning``, ``documentation`` or ``other``.
    kind_probabilities : tuple of (str, float)
        The voice classifier's probability of each kind, most likely first.
    model_version : str
        ``name@booster-hash``.
    base_value : float
        Log-odds before any feature's contribution.
    raw_score : float
        ``base_value`` plus every contribution (log-odds before the evidence gate).
    other_contribution : float
        Contribution of document-level features (length, language, number of red flags).
    text_contribution : float
        Contribution of the wording channel (bounded; explained by ``wording``).
    flags : tuple of FlagContribution
        Every flag that fired or moved the score; red flags strongest first, then context.
    wording : WordingExplanation or None
        The n-grams behind ``text_contribution``, with spans (None when not explained).
    gated : bool
        True when no red flag fired and the probability was capped below the high band.
    """

    probability: float
    risk: str
    threshold: float
    language: str
    text_kind: str
    kind_probabilities: tuple[tuple[str, float], ...]
    model_version: str
    base_value: float
    raw_score: float
    other_contribution: float
    text_contribution: float
    flags: tuple[FlagContribution, ...]
    wording: WordingExplanation | None = None
    gated: bool = False

    @property
    def fired(self) -> tuple[FlagContribution, ...]:
        """Flags with non-negated evidence, red flags first."""
        return tuple(flag for flag in self.flags if flag.fired)

    @property
    def red_flags(self) -> tuple[FlagContribution, ...]:
        """Fired flags of kind ``red_flag``, strongest first: the reasons to read the text."""
        return tuple(f for f in self.fired if f.kind == "red_flag")

    @property
    def context_flags(self) -> tuple[FlagContribution, ...]:
        """Fired context flags (reporting, warning, disclaimer, call to action): they tell the
        voice of the text and can only lower its risk, never raise it."""
        return tuple(f for f in self.fired if f.kind == "context")

    @property
    def evidence_note(self) -> str:
        """Empty, or the reason a score has no catalogued evidence behind it."""
        if not self.red_flags and self.risk != "low":
            return NO_EVIDENCE_EN
        return ""

    def to_dict(self) -> dict[str, Any]:
        """A new JSON-safe dict of the whole assessment."""
        return {
            "probability": round(self.probability, 6), "risk": self.risk,
            "threshold": self.threshold, "language": self.language,
            "text_kind": self.text_kind,
            "kind_probabilities": {k: round(p, 4) for k, p in self.kind_probabilities},
            "model_version": self.model_version,
            "base_value": round(self.base_value, 6), "raw_score": round(self.raw_score, 6),
            "other_contribution": round(self.other_contribution, 6),
            "text_contribution": round(self.text_contribution, 6),
            "gated": self.gated, "evidence_note": self.evidence_note,
            "flags": [flag.to_dict() for flag in self.flags],
            "wording": self.wording.to_dict() if self.wording is not None else None,
            "disclaimer": DISCLAIMER_EN,
        }

    def summary(self, lang: str = "en") -> str:
        """A short human summary in English (``en``) or Chinese (``zh``).

        Examples
        --------
        >>> import ponzidetect
        >>> text = "Guaranteed 2% daily! Earn 10% of your referrals' deposits, 5 levels deep."
        >>> ponzidetect.score(text).summary().startswith("High risk")
        True
        """
        top = self.red_flags[:3]
        kind_en, kind_zh = KIND_NAMES.get(self.text_kind, (self.text_kind, self.text_kind))
        if lang == "zh":
            names = "、".join(f.name_zh for f in top) or (
                NO_EVIDENCE_ZH if self.risk != "low" else "无明显风险信号")
            return (f"{BAND_ZH[self.risk]}风险（{self.probability:.0%}）。主要信号：{names}。"
                    f"文本类型：{kind_zh}。{DISCLAIMER_ZH}")
        names = ", ".join(f.name_en.lower() for f in top) or (
            NO_EVIDENCE_EN if self.risk != "low" else "no clear red flags")
        return (f"{self.risk.capitalize()} risk ({self.probability:.0%}). Main signals: {names}. "
                f"Reads as: {kind_en}. {DISCLAIMER_EN}")
