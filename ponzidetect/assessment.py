"""The frozen :class:`Assessment` of one text: score, band, flags by contribution, evidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .evidence import Evidence

DISCLAIMER_EN = "Automated triage aid, not a verdict."
DISCLAIMER_ZH = "自动化初筛辅助，不是定性结论。"
BAND_ZH = {"low": "低", "medium": "中", "high": "高"}
KIND_ZH = {"promotion": "推广", "report": "报道/司法文书", "warning": "风险警示", "other": "其他"}


@dataclass(frozen=True, slots=True)
class FlagContribution:
    """One flag's share of the score, with its evidence.

    Attributes
    ----------
    flag_id, name_en, name_zh, family, kind : str
        Identity of the flag (``kind`` is ``red_flag`` or ``context``).
    contribution : float
        Sum of the flag's features' LightGBM contributions, in log-odds.
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
        The model's decision threshold.
    language : str
        ``en``, ``zh``, ``mixed`` or ``und``.
    text_kind : str
        ``promotion``, ``report``, ``warning`` or ``other``: what kind of text this reads as.
    model_version : str
        ``name@booster-hash``.
    base_value : float
        LightGBM's base value (log-odds) before any feature's contribution.
    raw_score : float
        ``base_value`` plus all contributions (log-odds before calibration).
    other_contribution : float
        Contribution of document-level features (length, language, digit share...).
    text_contribution : float
        Contribution of the text channel (character n-gram model), 0 without one.
    flags : tuple of FlagContribution
        Every flag that fired or moved the score, strongest contribution first.
    """

    probability: float
    risk: str
    threshold: float
    language: str
    text_kind: str
    model_version: str
    base_value: float
    raw_score: float
    other_contribution: float
    text_contribution: float
    flags: tuple[FlagContribution, ...]

    @property
    def fired(self) -> tuple[FlagContribution, ...]:
        """Flags with non-negated evidence, strongest first."""
        return tuple(flag for flag in self.flags if flag.fired)

    @property
    def red_flags(self) -> tuple[FlagContribution, ...]:
        """Fired flags of kind ``red_flag``, strongest first."""
        return tuple(f for f in self.fired if f.kind == "red_flag")

    def to_dict(self) -> dict[str, Any]:
        """A new JSON-safe dict of the whole assessment."""
        return {
            "probability": round(self.probability, 6), "risk": self.risk,
            "threshold": self.threshold, "language": self.language,
            "text_kind": self.text_kind, "model_version": self.model_version,
            "base_value": round(self.base_value, 6), "raw_score": round(self.raw_score, 6),
            "other_contribution": round(self.other_contribution, 6),
            "text_contribution": round(self.text_contribution, 6),
            "flags": [flag.to_dict() for flag in self.flags],
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
        if lang == "zh":
            names = "、".join(f.name_zh for f in top) or "无明显风险信号"
            return (f"{BAND_ZH[self.risk]}风险（{self.probability:.0%}）。主要信号：{names}。"
                    f"文本类型：{KIND_ZH[self.text_kind]}。{DISCLAIMER_ZH}")
        names = ", ".join(f.name_en.lower() for f in top) or "no clear red flags"
        return (f"{self.risk.capitalize()} risk ({self.probability:.0%}). Main signals: {names}. "
                f"Reads as: {self.text_kind}. {DISCLAIMER_EN}")
